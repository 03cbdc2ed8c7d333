"""The one place where the stages are wired: each runs under a timer and reports its counts."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import resource
import time
from collections import Counter
from pathlib import Path

from omegaconf import DictConfig, OmegaConf

from summarize.clean import DROP_REASONS, clean_articles
from summarize.cluster import cluster_subtopics
from summarize.dedup import dedup_sentences
from summarize.embed import SentenceEncoder
from summarize.errors import InputError
from summarize.publish import json_text, publish_brief, write_atomic
from summarize.read import read_articles
from summarize.score import score_brief
from summarize.split import split_sentences
from summarize.write import write_extractive

log = logging.getLogger(__name__)


@contextlib.contextmanager
def stage(name: str, record: dict):
    """Time a stage and collect the counts it reports into `record[name]`."""
    counts: dict = {}
    start = time.perf_counter()
    yield counts
    seconds = time.perf_counter() - start
    record[name] = {"seconds": round(seconds, 3), "counts": counts}
    log.info("%-8s %6.2fs  %s", name, seconds, counts)


def params(node: DictConfig) -> dict:
    return OmegaConf.to_container(node, resolve=True)


def peak_memory_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def read_reference(path: str | None) -> str | None:
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"event.reference {path}: {exc.strerror or exc}") from exc


def run_pipeline(cfg: DictConfig, run_dir: Path) -> dict:
    """Run every stage for `cfg.event`, publish the brief, and write manifest.json into `run_dir`."""
    event = cfg.event
    stages: dict = {}
    with stage("encoder", stages) as counts:
        encoder = SentenceEncoder(**params(cfg.embed))
        counts["dim"] = encoder.dim

    with stage("read", stages) as counts:
        outlets = event.get("outlets")
        articles = read_articles(event.inputs, params(outlets) if outlets else {}, **params(cfg.read))
        counts["articles"] = len(articles)
        counts["blocks"] = sum(len(a.paragraphs) for a in articles)

    with stage("clean", stages) as counts:
        cleaned, dropped = clean_articles(
            articles,
            encoder,
            language=event.language,
            title=event.title,
            keywords=list(event.get("keywords") or []),
            **params(cfg.clean),
        )
        by_reason = Counter(d.reason for d in dropped)
        counts["blocks_kept"] = sum(len(a.paragraphs) for a in cleaned)
        counts["dropped"] = {reason: by_reason[reason] for reason in DROP_REASONS}
        counts["articles_kept"] = len(cleaned)
    if not cleaned:
        raise InputError(f"nothing left of the {len(articles)} articles of {event.id} after cleaning")

    with stage("split", stages) as counts:
        sentences, split_counts = split_sentences(cleaned, **params(cfg.split))
        counts.update(split_counts)
    if not sentences:
        raise InputError(f"no sentences of {cfg.split.min_words}+ words left in {event.id}")

    with stage("dedup", stages) as counts:
        unique, dedup_counts = dedup_sentences(sentences, encoder, **params(cfg.dedup))
        counts.update(dedup_counts)
        counts["multi_outlet"] = sum(s.support >= 2 for s in unique)

    with stage("cluster", stages) as counts:
        subtopics = cluster_subtopics(unique, encoder, title=event.title, **params(cfg.cluster))
        counts["subtopics"] = len(subtopics)
        counts["sizes"] = [len(s.sentences) for s in subtopics]

    with stage("write", stages) as counts:
        dates = [a.date for a in cleaned if a.date]
        brief = write_extractive(
            subtopics,
            encoder,
            event_id=event.id,
            title=event.title,
            date=dt.date.fromisoformat(str(event.date)) if event.get("date") else max(dates, default=None),
            **params(cfg.write),
        )
        counts["sentences"] = len(brief.sentences)
        counts["words"] = brief.word_count

    with stage("score", stages) as counts:
        scores = score_brief(brief, cleaned, read_reference(event.get("reference")), **params(cfg.score))
        counts.update({k: v for k, v in scores.items() if k != "rouge"})

    with stage("publish", stages) as counts:
        outputs = publish_brief(brief, cleaned, scores, Path(cfg.paths.shared_dir) / event.id, **params(cfg.publish))
        counts["files"] = len(outputs)

    manifest = {
        "event": event.id,
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "config": OmegaConf.to_container(cfg, resolve=True),
        "inputs": [{"path": a.path, "sha256": a.sha256, "outlet": a.outlet} for a in articles],
        "stages": stages,
        "seconds_total": round(sum(s["seconds"] for s in stages.values()), 3),
        "peak_memory_mib": peak_memory_mib(),
        "scores": scores,
        "dropped_blocks": [{"article": d.article_id, "reason": d.reason, "text": d.text} for d in dropped],
        "outputs": outputs,
    }
    manifest_path = run_dir / "manifest.json"
    write_atomic(manifest_path, json_text(manifest))
    manifest["outputs"]["manifest"] = str(manifest_path)
    return manifest
