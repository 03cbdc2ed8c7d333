"""The one place where the stages are wired: each runs under a timer and reports its counts."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import resource
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from omegaconf import DictConfig, OmegaConf, open_dict

from summarize.claims import extract_claims, find_disagreements
from summarize.clean import DROP_REASONS, clean_articles
from summarize.cluster import cluster_subtopics
from summarize.dedup import dedup_sentences
from summarize.embed import SentenceEncoder
from summarize.config import validate_event
from summarize.errors import BusyError, InputError
from summarize.guard import FaithfulnessGuard
from summarize.model import CausalWriter, Seq2SeqWriter, build_writer
from summarize.lock import EventLock
from summarize.publish import SharedLayout, disagreement_record, json_text, publish_brief, published_key, write_atomic
from summarize.read import read_articles
from summarize.run_key import run_key
from summarize.score import score_brief
from summarize.split import split_sentences
from summarize.types import Article, Brief, DroppedBlock
from summarize.write import subtopic_documents, write_extractive, write_generated

log = logging.getLogger(__name__)


@contextlib.contextmanager
def stage(name: str, record: dict):
    """Time a stage and collect the counts it reports into `record[name]`."""
    counts: dict = {}
    start = time.perf_counter()
    yield counts
    seconds = time.perf_counter() - start
    record[name] = {"seconds": round(seconds, 3), "counts": counts}
    log.info("%-8s %6.2fs  %s", name, seconds, {k: v for k, v in counts.items() if k != "replacements"})


def params(node: DictConfig) -> dict:
    return OmegaConf.to_container(node, resolve=True)


def peak_memory_mib() -> float:
    """This process's own peak resident memory. VmHWM, not getrusage's maxrss: a child started
    by a large parent (the benchmark's scaling runs) can report the parent's peak as its own."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def read_reference(path: str | None) -> str | None:
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"event.reference {path}: {exc.strerror or exc}") from exc


@dataclass
class Models:
    """What is loaded once per process and shared by every event it summarises."""

    encoder: SentenceEncoder
    writer: Seq2SeqWriter | CausalWriter | None  # None: the extractive writer


# A process that summarises many events (a Hydra multirun, a Ray worker) loads each model once;
# models are told apart by the config that defines them.
_loaded_models: dict[str, Models] = {}


def load_models(cfg: DictConfig, stages: dict) -> Models:
    identity = json.dumps([params(cfg.embed), params(cfg.model)], sort_keys=True)
    if identity in _loaded_models:
        for name in ("encoder", "model"):
            with stage(name, stages) as counts:
                counts["reused"] = True
    else:
        with stage("encoder", stages) as counts:
            encoder = SentenceEncoder(**params(cfg.embed))
            counts["dim"] = encoder.dim
        with stage("model", stages) as counts:
            writer = build_writer(params(cfg.model))
            counts["model"] = cfg.model.name
        _loaded_models[identity] = Models(encoder, writer)
        log.info("models loaded in process %d", os.getpid())
    # Which process summarised the event, and how many times it has loaded models: the evidence
    # that a multirun or a Ray worker loads them once.
    stages["model"]["counts"].update(pid=os.getpid(), loads_in_process=len(_loaded_models))
    return _loaded_models[identity]


def nothing_left_message(articles: Sequence[Article], dropped: Sequence[DroppedBlock], event: DictConfig) -> str:
    foreign = Counter(d.article_id for d in dropped if d.reason == "foreign_language")
    if all(foreign[a.id] * 2 >= len(a.paragraphs) for a in articles):
        return f"all {len(articles)} articles of {event.id} are in another language than event.language={event.language!r}"
    reasons = Counter(d.reason for d in dropped)
    return (
        f"nothing left of the {len(articles)} articles of {event.id} after cleaning "
        f"(blocks dropped: {', '.join(f'{reason} {n}' for reason, n in reasons.most_common())})"
    )


@dataclass
class Summary:
    cleaned: list[Article]
    dropped: list[DroppedBlock]
    brief: Brief
    scores: dict


def summarize_articles(
    articles: Sequence[Article], cfg: DictConfig, models: Models, stages: dict, reference: str | None = None
) -> Summary:
    """Every stage from clean to score for one event's articles."""
    event, encoder = cfg.event, models.encoder
    with stage("clean", stages) as counts:
        cleaned, dropped = clean_articles(
            articles,
            encoder,
            language=event.language,
            title=event.get("title"),
            keywords=list(event.get("keywords") or []),
            **params(cfg.clean),
        )
        by_reason = Counter(d.reason for d in dropped)
        counts["blocks_kept"] = sum(len(a.paragraphs) for a in cleaned)
        counts["dropped"] = {reason: by_reason[reason] for reason in DROP_REASONS}
        counts["articles_kept"] = len(cleaned)
    if not cleaned:
        raise InputError(nothing_left_message(articles, dropped, event))

    with stage("split", stages) as counts:
        sentences, split_counts = split_sentences(cleaned, **params(cfg.split))
        counts.update(split_counts)
    if not sentences:
        raise InputError(f"no sentences of {cfg.split.min_words}+ words left in {event.id}")

    with stage("dedup", stages) as counts:
        unique, dedup_counts = dedup_sentences(sentences, encoder, **params(cfg.dedup))
        counts.update(dedup_counts)
        counts["multi_outlet"] = sum(s.support >= 2 for s in unique)

    with stage("claims", stages) as counts:
        claims = extract_claims(unique, {a.id: a.date for a in cleaned}, **params(cfg.claims))
        disagreements = find_disagreements(claims)
        counts["claims"] = len(claims)
        counts["disagreements"] = [disagreement_record(d) for d in disagreements]

    with stage("cluster", stages) as counts:
        subtopics = cluster_subtopics(unique, encoder, title=event.get("title") or "", **params(cfg.cluster))
        counts["subtopics"] = len(subtopics)
        counts["sizes"] = [len(s.sentences) for s in subtopics]

    dates = [a.date for a in cleaned if a.date]
    header = {
        "event_id": event.id,
        "title": event.get("title") or event.id,
        "date": dt.date.fromisoformat(str(event.date)) if event.get("date") else max(dates, default=None),
    }
    if models.writer is None:
        with stage("write", stages) as counts:
            brief = write_extractive(subtopics, encoder, **header, **params(cfg.write))
    else:
        with stage("generate", stages) as counts:
            generations = models.writer([subtopic_documents(st) for st in subtopics])
            counts["subtopics"] = len(generations)
            counts["input_tokens"] = sum(g.input_tokens for g in generations)
            counts["dropped_tokens"] = sum(g.dropped_tokens for g in generations)
            counts["new_tokens"] = sum(g.new_tokens for g in generations)
        # Rates need the stage's own time, known only once it has closed.
        generate = stages["generate"]
        generate["counts"]["seconds_per_subtopic"] = round(generate["seconds"] / max(len(generations), 1), 3)
        generate["counts"]["new_tokens_per_second"] = (
            round(generate["counts"]["new_tokens"] / generate["seconds"], 1) if generate["seconds"] else None
        )
        with stage("write", stages) as counts:
            guard = FaithfulnessGuard(encoder, **params(cfg.guard))
            brief, report = write_generated(subtopics, generations, guard, encoder, **header, **params(cfg.write))
            counts.update(report)
    brief = dataclasses.replace(brief, disagreements=tuple(disagreements))
    stages["write"]["counts"].update(sentences=len(brief.sentences), words=brief.word_count)

    with stage("score", stages) as counts:
        scores = score_brief(brief, cleaned, reference, **params(cfg.score))
        counts.update({k: v for k, v in scores.items() if k != "rouge"})
    return Summary(cleaned, dropped, brief, scores)


@dataclass
class EventInput:
    """An event's validated config, its articles and its run key: what the read step hands on."""

    cfg: DictConfig
    layout: SharedLayout
    articles: list[Article]
    reference: str | None
    key: str
    stages: dict


def read_event(cfg: DictConfig) -> EventInput:
    cfg = cfg.copy()
    with open_dict(cfg):
        cfg.event = OmegaConf.create(OmegaConf.to_container(validate_event(cfg.event)))
    event, stages = cfg.event, {}
    with stage("read", stages) as counts:
        outlets = event.get("outlets")
        articles = read_articles(event.inputs, params(outlets) if outlets else {}, **params(cfg.read))
        counts["articles"] = len(articles)
        counts["blocks"] = sum(len(a.paragraphs) for a in articles)
        reference = read_reference(event.get("reference"))
    layout = SharedLayout(Path(cfg.paths.shared_dir), event.id)
    return EventInput(cfg, layout, articles, reference, run_key(params(cfg), articles, reference), stages)


def event_lock(cfg: DictConfig) -> EventLock:
    return EventLock(SharedLayout(Path(cfg.paths.shared_dir), cfg.event.id).lock, cfg.publish.lock_timeout_s)


def already_published(event: EventInput) -> bool:
    return not event.cfg.get("force") and published_key(event.layout, event.cfg.publish.json_name) == event.key


def publish_event(event: EventInput, summary: Summary | None, run_dir: Path) -> dict:
    """Publish the brief unless its key is the published one's (then it is skipped); writes the
    manifest. The caller holds the event's lock."""
    cfg, layout = event.cfg, event.layout
    if already_published(event):
        log.info("skipped: inputs, config and models are those of the published brief (force=true reruns)")
        outputs = {kind: str(layout.folder / cfg.publish[f"{kind}_name"]) for kind in ("json", "markdown")}
        return write_manifest(run_dir, event, "skipped", outputs)
    if summary is None:  # found unchanged without the lock (Ray's read step), changed since
        raise BusyError(f"the published brief of {cfg.event.id} changed while this run read its inputs; run it again")
    publish_params = {k: v for k, v in params(cfg.publish).items() if k != "lock_timeout_s"}
    with stage("publish", event.stages) as counts:
        outputs = publish_brief(
            summary.brief, summary.cleaned, summary.scores, layout.shared_dir, key=event.key, **publish_params
        )
        counts["version"] = Path(outputs["version"]).name
    return write_manifest(run_dir, event, "published", outputs, summary)


def run_pipeline(cfg: DictConfig, run_dir: Path, models: Models | None = None) -> dict:
    """Run every stage for `cfg.event`, publish the brief, and write manifest.json into `run_dir`.

    The whole run holds the event's lock, so a second run of the event waits and then finds the
    first one's brief; it is skipped when its key (inputs, config, models) is the published one's,
    before any model is loaded.
    """
    validate_event(cfg.event)
    with event_lock(cfg):
        event = read_event(cfg)
        if already_published(event):
            return publish_event(event, None, run_dir)
        models = models or load_models(cfg, event.stages)
        summary = summarize_articles(event.articles, event.cfg, models, event.stages, event.reference)
        return publish_event(event, summary, run_dir)


def write_manifest(run_dir: Path, event: EventInput, status: str, outputs: dict, summary: Summary | None = None) -> dict:
    stages = event.stages
    manifest = {
        "event": event.cfg.event.id,
        "status": status,
        "key": event.key,
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "config": OmegaConf.to_container(event.cfg, resolve=True),
        "inputs": [{"path": a.path, "sha256": a.sha256, "outlet": a.outlet} for a in event.articles],
        "stages": stages,
        "seconds_total": round(sum(s["seconds"] for s in stages.values()), 3),
        "peak_memory_mib": peak_memory_mib(),
        "scores": summary.scores if summary else None,
        "dropped_blocks": (
            [{"article": d.article_id, "reason": d.reason, "text": d.text} for d in summary.dropped] if summary else []
        ),
        "outputs": outputs,
    }
    manifest_path = run_dir / "manifest.json"
    write_atomic(manifest_path, json_text(manifest))
    manifest["outputs"]["manifest"] = str(manifest_path)
    return manifest
