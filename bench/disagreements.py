"""Does the brief flag a count that two outlets state alike once one of them is changed?

    .venv/bin/python -m bench.disagreements [--limit 50]

For each dev cluster, find a count (a number of some thing, summarize/nlp/values.py) that two
different articles state with the same value, change it in one of them (n -> n + max(2, n/5)),
and run the pipeline from clean to write on the changed cluster: the change is caught when the
brief's disagreements hold both values with the right outlets. The same clusters unchanged show
the flags the pipeline raises by itself, to be judged by hand. The candidates are chosen from the
parsed sentences, not from the aligner's facts, so the figure measures the aligner's recall too.
Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass

from omegaconf import DictConfig

from bench.quality import bench_settings, load_clusters, parse_cluster
from summarize.config import PROJECT_ROOT, compose
from summarize.errors import InputError
from summarize.nlp.sentence_splitter import punkt_tokenizer
from summarize.nlp.values import stated_values
from summarize.runtime.runner import load_models, summarize_work
from summarize.settings import Settings
from summarize.types import Disagreement, Models

DEV_SET = PROJECT_ROOT.parent / "shared" / "eval" / "multinews_dev50.jsonl"


@dataclass(frozen=True)
class Change:
    cluster: dict  # the changed cluster
    key: str
    old: str  # the number as written, and its replacement
    new: str
    changed_outlet: str


def counts_by_article(cluster: dict, models: Models, synonyms) -> dict[tuple[str, str], dict[int, str]]:
    """(key, value) -> {document index: the number as written} for every count the documents state."""
    split = punkt_tokenizer().tokenize
    stated: dict[tuple[str, str], dict[int, str]] = {}
    for index, document in enumerate(cluster["documents"]):
        sentences = [s for line in document.split("\n") for s in split(line.strip()) if re.search(r"\d", s)]
        for doc in models.parser.pipe(sentences):
            for value in stated_values(doc, synonyms=synonyms):
                number = re.search(r"\d[\d,.]*", value.text)
                if value.kind == "count" and value.value.isdigit() and number:
                    stated.setdefault((value.key, value.value), {}).setdefault(index, number.group())
    return stated


def change_one(cluster: dict, models: Models, synonyms) -> Change | None:
    """The cluster with one count changed in one of two articles stating it alike, or None."""
    for (key, value), documents in sorted(counts_by_article(cluster, models, synonyms).items()):
        if len(documents) < 2 or int(value) < 2:
            continue
        changed = sorted(documents)[-1]
        old = documents[changed]
        new = str(int(value) + max(2, int(value) // 5))
        text = cluster["documents"][changed]
        # Only the number as written, standing alone: "15" in "15 agreements", never in "2015".
        pattern = re.compile(rf"(?<![\d.,]){re.escape(old)}(?![\d])")
        if len(pattern.findall(text)) != 1:
            continue
        documents_after = list(cluster["documents"])
        documents_after[changed] = pattern.sub(new, text)
        return Change({**cluster, "documents": documents_after}, key, old, new, f"article {changed + 1}")
    return None


def disagreements_of(cluster: dict, cfg: DictConfig, settings: Settings, models: Models) -> list[Disagreement]:
    try:
        work = summarize_work(parse_cluster(cluster, cfg), settings, models, {})
    except InputError:
        return []
    return list(work.disagreements)


def caught(change: Change, flags: list[Disagreement]) -> bool:
    """A flag on the changed thing holding the new value with the changed outlet, and the old value
    with outlets that still state it (any of them: the cluster may have several)."""
    for flag in flags:
        if flag.kind != "count" or flag.subject != change.key:
            continue
        with_old = any(change.old.replace(",", "") in v.replace(",", "") and change.changed_outlet not in o for v, o in flag.values)
        with_new = any(change.new in v and change.changed_outlet in o for v, o in flag.values)
        if with_old and with_new:
            return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args()
    cfg = compose(config_name="bench/default")
    settings = bench_settings(cfg)
    models = load_models(settings, {})
    synonyms = settings.claims.synonyms
    changes, spurious, caught_count = 0, [], 0
    print("| cluster | thing counted | change | caught |\n|---|---|---|---|")
    clusters = load_clusters(str(DEV_SET), args.limit)
    for cluster in clusters:
        for flag in disagreements_of(cluster, cfg, settings, models):
            spurious.append((cluster["id"], flag))
        change = change_one(cluster, models, synonyms)
        if change is None:
            continue
        changes += 1
        hit = caught(change, disagreements_of(change.cluster, cfg, settings, models))
        caught_count += hit
        print(f"| {cluster['id']} | {change.key} | {change.old} -> {change.new} in {change.changed_outlet} | {'yes' if hit else 'no'} |")
    print(f"\nCaught {caught_count} of {changes} changed counts ({100 * caught_count / max(changes, 1):.0f}%).")
    print(f"\nFlags raised on the {len(clusters)} unchanged clusters: {len(spurious)}\n")
    print("| cluster | kind | subject | values |\n|---|---|---|---|")
    for cluster_id, flag in spurious:
        values = " · ".join(f"{v} ({', '.join(o)})" for v, o in flag.values)
        print(f"| {cluster_id} | {flag.kind} | {flag.subject} | {values} |")


if __name__ == "__main__":
    main()
