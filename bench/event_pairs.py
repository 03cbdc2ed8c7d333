"""Same-fact sentence pairs drawn from the answer keys of the multi-outlet dev events.

The events (../shared/eval/events/<id>/: articles/, event.yaml, gold.json, described in their
README) say, per fact, regexes that every sentence stating it matches. Each event is cleaned and
split as a run does it; two sentences of different articles that both state some answer-key fact
are a pair, "same fact" when they state one in common. Pairs within one copy group are left out:
copies are found by their shared wording, and the rule judged here is for paraphrases. The text is
read where it lies, never stored.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from pathlib import Path

from bench.fact_pairs import LabelledPair
from summarize.config import PROJECT_ROOT, compose_settings
from summarize.runtime.runner import STAGES, load_models, read_event
from summarize.settings import Settings
from summarize.types import EventWork, Sentence

EVENTS_SOURCE = "events"
EVENTS_DIR = PROJECT_ROOT.parent / "shared" / "eval" / "events"


def event_dirs(root: Path = EVENTS_DIR) -> list[Path]:
    return sorted(p for p in root.iterdir() if (p / "gold.json").is_file()) if root.is_dir() else []


def event_overrides(folder: Path) -> list[str]:
    """The event's own config as command-line overrides of the shipped event (as the attribution
    checker does it), its `inputs` pointing at its articles."""
    import yaml

    event = yaml.safe_load((folder / "event.yaml").read_text(encoding="utf-8"))
    keywords = ", ".join(json.dumps(k) for k in event.get("keywords") or [])
    outlets = ", ".join(f"{k}: {json.dumps(v)}" for k, v in (event.get("outlets") or {}).items())
    return [
        "+event=lee_beijing", f"event.id={event['id']}", f"event.inputs={folder / 'articles'}",
        f"event.title={json.dumps(event.get('title'))}", f"event.date={json.dumps(str(event.get('date')))}",
        f"event.keywords=[{keywords}]", "~event.outlets", f"+event.outlets={{{outlets}}}", "embed.store_vectors=false",
    ]


def split_as_a_run(settings: Settings) -> EventWork:
    """The event read, cleaned and split as a run does it."""
    work, models = read_event(settings).work, load_models(settings, {})
    for entry in STAGES[:2]:  # clean, split
        work, _ = entry.build(settings, models)(work)
    return work


@functools.cache
def event_sentences(folder: Path) -> tuple[Sentence, ...]:
    """The event's sentences as a run's split stage hands them on."""
    return split_as_a_run(compose_settings(*event_overrides(folder))).sentences


def states(fact: dict, text: str) -> bool:
    return all(re.search(pattern, text, re.IGNORECASE) for pattern in fact["all"])


def load_event_pairs(root: Path = EVENTS_DIR) -> list[LabelledPair]:
    pairs = []
    for folder in event_dirs(root):
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
        original = {f: group[0] for group in gold.get("copies", []) for f in group}
        sentences = event_sentences(folder)
        stated = [frozenset(f["name"] for f in gold["facts"] if states(f, s.text)) for s in sentences]
        for i, j in itertools.combinations(range(len(sentences)), 2):
            a, b = sentences[i], sentences[j]
            file_a, file_b = (original.get(s.article_id + ".txt", s.article_id) for s in (a, b))
            if a.article_id == b.article_id or file_a == file_b or not stated[i] or not stated[j]:
                continue
            shared = stated[i] & stated[j]
            why = ", ".join(sorted(shared)) if shared else "different facts"
            pairs.append(LabelledPair(EVENTS_SOURCE, folder.name, a.text, b.text, a.article_id, b.article_id, bool(shared), why))
    return pairs
