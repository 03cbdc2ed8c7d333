"""What changed since last night (issue 25), measured: one event run on two nights, and the second
night's brief.json ("change" on each sentence, "since") scored against what the first night had.

    .venv/bin/python -m bench.two_nights [--events a,b] [--multinews 10] [--out DIR] [OVERRIDE ...]

Cases, each a chain of nights run one after another into one temporary shared folder, so that
every night's run finds the night before's brief as the event's current one:

  added     dev events: night 1 = the two articles that leave the most gold facts to night 2,
            with their syndicated copies (cerro_tallis_mine: its day-one wire and copy); night 2 = all.
            Multi-News: night 1 = the first half of a cluster's documents, at least two (a run
            needs two articles, so only clusters of three or more are used); night 2 = all.
  force     night 2 of `added` again, unchanged, with force=true: every mark and since item is false.
  two more  dev events: night 1 = all but the last two files in sorted order; night 2 = all.
  edited    the night after `two more`: all articles, with the majority value of the event's first
            gold disagreement of kind count or money replaced by another number in every file
            that gives it (38 -> 45): since.changed_values must hold it, 38 before and 45 after.
  copy      dev events: night 1 = all but the copy of the first gold copy group; night 2 = all
            (only a syndicated copy is added): nothing is new.

A sentence marked "new" is right when its fact is absent from the night before's articles. On a
dev event it is judged by the gold facts whose regexes match it (right when one of them has none
of its `files` or `allowed` among the night before's files); a sentence matching no gold fact, and
every Multi-News sentence, is judged by its sources and its words: right when none of its source
sentences comes from an article of the night before and no sentence of those articles shares
`--overlap` or more of its content words (F1). Recall: of the gold facts new on night 2 that the
brief reports (a sentence matches the fact's regexes), the share marked "new".

Jobs run in this process as a multirun runs them (summarize.runtime.runner.run_event), so the
models load once; every run embeds every sentence (embed.store_vectors=false). Prints Markdown
tables and, to stderr, progress; keeps every night's brief.html/json/md and index.html of the dev
events under the output folder it names (EVENT/CASE/ for a scored night, EVENT/CASE-night1/ for
the night before it). Hydra overrides after the options apply to every run.
The dev-set and Multi-News text is read where it lies and written only to temporary folders.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from summarize.types import fingerprint

ROOT = Path(__file__).resolve().parent.parent
EVENTS_DIR = ROOT.parent / "shared" / "eval" / "events"
MULTINEWS = ROOT.parent / "shared" / "eval" / "multinews_dev50.jsonl"
# The targets of issue 25.
TARGET_PRECISION, TARGET_RECALL = 0.9, 0.8
# The cases in the order the tables show them.
CASES = ("added", "two more", "copy", "edited", "force")

# ----------------------------------------------------------------------------------------------
# Cases: which articles each night has (pure: file name -> text in, nights out)


@dataclass(frozen=True)
class Night:
    files: dict[str, str]  # article file name -> text
    force: bool = False  # rerun even when inputs and config are those of the published brief


@dataclass(frozen=True)
class Edit:
    """One value changed between two nights: `old` written as `new` in `files`."""

    fact: str  # the gold fact's name
    old: str
    new: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class Chain:
    """Nights of one event run in turn into one shared folder; `steps` names the case scored at a
    night, against the night before it."""

    source: str  # "dev" or "multinews"
    event: dict  # the event's config, without inputs
    nights: tuple[Night, ...]
    steps: dict[int, str]
    gold: dict | None = None
    edit: Edit | None = None
    overrides: tuple[str, ...] = ()


def copy_groups(gold: dict) -> dict[str, str]:
    """file -> the original of its copy group (itself when it has none)."""
    return {f: group[0] for group in gold.get("copies", []) for f in group}


def touched(fact: dict) -> set[str]:
    """The files that state a gold fact or touch it loosely: a night with any of them has it."""
    return set(fact["files"]) | set(fact.get("allowed", []))


def facts_absent(gold: dict, night_files) -> list[dict]:
    """The gold facts no file of a night states or touches."""
    return [f for f in gold["facts"] if not touched(f) & set(night_files)]


def with_copies(gold: dict, names, among: list[str]) -> list[str]:
    """`names` and every file of `among` in a copy group with one of them."""
    origin = copy_groups(gold)
    groups = {origin.get(n, n) for n in names}
    return sorted(n for n in among if origin.get(n, n) in groups)


def seed_files(gold: dict, names: list[str]) -> list[str]:
    """Night 1 of `added`: the two articles, with their syndicated copies (a copy brings nothing
    new), that leave the most gold facts to night 2; the first such pair in file-name order. Two,
    because a run needs read.min_articles=2; the best two, because leaving out only the last two
    files would leave no gold fact new in seven of the eight events (their facts are reported by
    two outlets or more). On cerro_tallis_mine this is its day one: the wire and its copy."""
    nights = (with_copies(gold, pair, names) for pair in itertools.combinations(sorted(names), 2))
    return max(nights, key=lambda night: len(facts_absent(gold, night)))


NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
).split()
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?|\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.I)


def token_pattern(token: str) -> re.Pattern:
    """`token` as written, standing alone: "11" not in "2025-11-05", "110" or "11.5"."""
    left = r"(?<![\w$£€.,-])" if token[:1].isalnum() else r"(?<!\w)"
    right = r"(?![\w-])(?![.,:]\d)" if token[-1:].isalnum() else ""
    return re.compile(left + re.escape(token) + right, re.I)


def number_value(written: str) -> float:
    word = written.lower()
    return float(NUMBER_WORDS.index(word)) if word in NUMBER_WORDS else float(written.replace(",", ""))


def write_number(value: float, like: str) -> str:
    """`value` written as `like` is: a word up to twenty, thousands commas, as many decimals."""
    if like.lower() in NUMBER_WORDS and value <= 20:
        return NUMBER_WORDS[int(value)]
    decimals = len(like.partition(".")[2])
    if decimals:
        return f"{value:.{decimals}f}"
    return f"{int(value):,}" if "," in like else str(int(value))


def replacement(token: str, texts: list[str], avoid: list[str]) -> str:
    """`token` with its number raised (n + n/5, at least 2 or two units of its last decimal) until
    the result is written nowhere in `texts` and is none of `avoid` (the other gold values): then
    the change between the nights is the only place it can come from."""
    found = NUMBER.search(token)
    written = found.group()
    decimals = len(written.partition(".")[2])
    value = number_value(written)
    step = max(2 * 10**-decimals, round(value / 5, decimals)) if decimals else max(2, int(value) // 5)
    avoided = {number_value(NUMBER.search(a).group()) for a in avoid if NUMBER.search(a)}
    while True:
        value = round(value + step, decimals)
        new = token[: found.start()] + write_number(value, written) + token[found.end() :]
        if value not in avoided and not any(token_pattern(new).search(t) for t in texts):
            return new


def majority_value(disagreement: dict, gold: dict) -> str:
    """The value most independent sources give (a copy group counts once)."""
    origin = copy_groups(gold)
    return max(disagreement["values"], key=lambda v: (len({origin.get(f, f) for f in disagreement["values"][v]}), len(disagreement["values"][v])))


def choose_edit(gold: dict, files: dict[str, str]) -> Edit | None:
    """The edit of `edited`: the first gold disagreement about a count or an amount of money, its
    majority value replaced in every file that gives it."""
    for disagreement in gold.get("disagreements", []):
        if disagreement["kind"] in ("count", "money"):
            old = majority_value(disagreement, gold)
            new = replacement(old, list(files.values()), list(disagreement["values"]))
            return Edit(disagreement["fact"], old, new, tuple(sorted(disagreement["values"][old])))
    return None


def same_case(new: str, like: str) -> str:
    return new[:1].upper() + new[1:] if like[:1].isupper() else new


def apply_edit(files: dict[str, str], edit: Edit) -> dict[str, str]:
    """The articles with `edit.old` written as `edit.new` wherever it stands alone in `edit.files`."""
    pattern = token_pattern(edit.old)
    edited = dict(files)
    for name in edit.files:
        edited[name], count = pattern.subn(lambda m: same_case(edit.new, m.group()), files[name])
        if not count:
            raise ValueError(f"{name} does not give {edit.old!r}")
    return edited


def dev_chains(event: dict, gold: dict, files: dict[str, str]) -> list[Chain]:
    """The cases of one dev event, as three chains of nights."""
    names = sorted(files)
    pick = lambda keep: {n: files[n] for n in keep}  # noqa: E731
    copy = gold["copies"][0][1] if gold.get("copies") else None
    chains = [Chain("dev", event, (Night(pick(seed_files(gold, names))), Night(files), Night(files, force=True)), {1: "added", 2: "force"}, gold)]
    edit = choose_edit(gold, files)
    more = [Night(pick(names[:-2])), Night(files)] + ([Night(apply_edit(files, edit))] if edit else [])
    chains.append(Chain("dev", event, tuple(more), {1: "two more", 2: "edited"} if edit else {1: "two more"}, gold, edit))
    if copy:
        chains.append(Chain("dev", event, (Night(pick([n for n in names if n != copy])), Night(files)), {1: "copy"}, gold))
    return chains


# Multi-News events have no title, keywords or outlet names: bench.events' settings.
MULTINEWS_OVERRIDES = ("clean.min_similarity=0.2",)


def multinews_chain(cluster: dict, number: int) -> Chain:
    """A cluster as an event whose first night has the first half of its documents, at least two
    (read.min_articles): so only clusters of three documents or more make a case."""
    files = {f"doc_{i}.txt": text for i, text in enumerate(cluster["documents"])}
    half = dict(list(files.items())[: max(2, len(files) // 2)])
    event = {"id": f"mn_{number:02d}", "title": None, "date": None, "language": "en", "reference": None, "keywords": [], "outlets": {}}
    return Chain("multinews", event, (Night(half), Night(files), Night(files, force=True)), {1: "added", 2: "force"}, overrides=MULTINEWS_OVERRIDES)


# ----------------------------------------------------------------------------------------------
# Judging a brief against the night before (pure)

STOPWORDS = frozenset(
    "a an the and or but if of to in on at by for with from as into about over after before than then "
    "that this these those it its is are was were be been being has have had do does did not no "
    "he she they we you i his her their our your them him us who whom which what when where why how "
    "said says say will would could should may might can also more most some any all such only just "
    "there here up out so very new one s t mr ms".split()
)


def content_words(text: str) -> Counter:
    words = re.findall(r"[a-z0-9]+(?:[.,][0-9]+)*", text.lower())
    return Counter(w.replace(",", "") for w in words if w not in STOPWORDS)


def overlap(a: str, b: str) -> float:
    """ROUGE-1 F1 over content words: how much of one sentence's wording the other has."""
    wa, wb = content_words(a), content_words(b)
    common = sum((wa & wb).values())
    if not common:
        return 0.0
    precision, recall = common / sum(wa.values()), common / sum(wb.values())
    return 2 * precision * recall / (precision + recall)


# After a full stop, a question or exclamation mark (and a closing quote), before a capital or digit.
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)]))\s+(?=[\"“'‘(]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """An article's sentences, roughly: line by line, then at a full stop before a capital."""
    parts = (SENTENCE_END.split(line.strip()) for line in text.splitlines())
    return [p for part in parts for p in part if p]


def brief_sentences(document: dict) -> list[dict]:
    """Every sentence record of a brief.json, once (the lede is also in its section)."""
    seen, sentences = set(), []
    for section in document.get("sections") or []:
        for sentence in section.get("sentences") or []:
            if sentence.get("index") not in seen:
                seen.add(sentence.get("index"))
                sentences.append(sentence)
    return sentences


def states(fact: dict, text: str) -> bool:
    """A sentence states a gold fact when every one of its regexes matches it."""
    return all(re.search(p, text, re.I) for p in fact["all"])


def article_id(file_name: str) -> str:
    return Path(file_name).stem


@dataclass(frozen=True)
class Verdict:
    right: bool
    judge: str  # "gold" or "words"
    why: str


def judge_by_words(sentence: dict, before: dict[str, str], threshold: float) -> Verdict:
    """Right when no source sentence is from the night before and no sentence of it is close."""
    old_ids = {article_id(n) for n in before}
    from_before = sorted({s.get("article_id") for s in sentence.get("sources") or []} & old_ids)
    if from_before:
        return Verdict(False, "words", f"sources from night 1: {', '.join(from_before)}")
    closest = max((overlap(sentence["text"], s) for t in before.values() for s in split_sentences(t)), default=0.0)
    if closest >= threshold:
        return Verdict(False, "words", f"a night-1 sentence shares {closest:.2f} of its words")
    return Verdict(True, "words", f"closest night-1 sentence shares {closest:.2f}")


def judge_marked(sentence: dict, before: dict[str, str], gold: dict | None, threshold: float) -> Verdict:
    """Whether a sentence marked "new" states a fact absent from the night before's articles."""
    facts = [f for f in (gold or {}).get("facts", []) if states(f, sentence["text"])]
    if not facts:
        return judge_by_words(sentence, before, threshold)
    new = [f["name"] for f in facts if not touched(f) & set(before)]
    if new:
        return Verdict(True, "gold", f"new fact: {new[0]}")
    return Verdict(False, "gold", f"night 1 has it: {facts[0]['name']}")


def since_items(since: dict | None) -> int:
    """Everything `since` reports as changed."""
    keys = ("new_facts", "changed_values", "new_outlets", "no_longer_reported", "new_disagreements")
    return sum(len(since.get(k) or []) for k in keys) if since else 0


def numbers_in(text: str) -> set[float]:
    return {number_value(m.group()) for m in NUMBER.finditer(text or "")}


def side_numbers(side: dict | None) -> set[float]:
    side = side or {}
    return numbers_in(f"{side.get('written', '')} {side.get('value', '')}")


def changed_value_found(since: dict | None, edit: Edit) -> bool:
    """since.changed_values holds the edited quantity: the old number before, the new one after."""
    old, new = number_value(NUMBER.search(edit.old).group()), number_value(NUMBER.search(edit.new).group())
    items = (since or {}).get("changed_values") or []
    return any(old in side_numbers(c.get("before")) and new in side_numbers(c.get("after")) for c in items)


@dataclass
class Score:
    """One scored night."""

    source: str
    event: str
    case: str
    failed: str | None = None
    marked_new: int = 0
    right: int = 0
    by_gold: int = 0
    by_words: int = 0
    new_facts: int | None = None  # gold facts new that night (None: no gold)
    reported: int = 0  # of those, in the brief
    recalled: int = 0  # of those, in a sentence marked "new"
    dropped_before: int = 0  # wrong "new" marks of a sentence of a night-1 article that night 1's facts lack
    marked_changed: int = 0
    changed_found: bool | None = None  # edited: the value in since.changed_values
    changed_items: int = 0  # edited: how many since.changed_values items give it
    edited_marked: bool | None = None  # edited: a sentence giving the new value is marked "changed"
    edited_other: int = 0  # edited: marked sentences that do not give the new value
    since_items: int = 0
    summary: str = ""
    notes: list[str] = field(default_factory=list)  # wrong marks, misses, changed values
    marks: list[dict] = field(default_factory=list)  # every marked sentence and its verdict (results.json)


def short(text: str, width: int = 150) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def carried_prints(document: dict | None) -> set[str]:
    """The fingerprints of every sentence of a brief.json's facts: what the next night compares with."""
    return {p for fact in (document or {}).get("facts") or [] for p in fact.get("fingerprints") or []}


def dropped_by_night_one(sentence: dict, before: dict[str, str], carried: set[str]) -> bool:
    """A sentence of a night-1 article that no fact of night 1's brief carries: night 1's run left
    it out (the clean stage's topic filter, say), so night 2 cannot know it by its fingerprint."""
    old_ids = {article_id(n) for n in before}
    return any(s.get("article_id") in old_ids and fingerprint(s.get("text", "")) not in carried for s in sentence.get("sources") or [])


def score_novelty(score: Score, sentences: list[dict], before: dict[str, str], previous: dict | None, gold: dict | None, threshold: float) -> None:
    carried = carried_prints(previous)
    for sentence in (s for s in sentences if s.get("change") == "new"):
        verdict = judge_marked(sentence, before, gold, threshold)
        score.marked_new += 1
        score.right += verdict.right
        score.by_gold += verdict.judge == "gold"
        score.by_words += verdict.judge == "words"
        dropped = not verdict.right and dropped_by_night_one(sentence, before, carried)
        score.dropped_before += dropped
        score.marks.append({"change": "new", "right": verdict.right, "judge": verdict.judge, "why": verdict.why, "text": sentence["text"]})
        if not verdict.right:
            also = "; night 1's brief carries no fact with its night-1 sentence" if dropped else ""
            score.notes.append(f"false new ({verdict.why}{also}): {short(sentence['text'])}")


def score_recall(score: Score, sentences: list[dict], before: dict[str, str], after: dict[str, str], gold: dict) -> None:
    new = [f for f in facts_absent(gold, before) if set(f["files"]) & set(after)]
    score.new_facts = len(new)
    for fact in new:
        stating = [s for s in sentences if states(fact, s["text"])]
        score.reported += bool(stating)
        if not stating:
            score.notes.append(f"new fact not in the brief: {fact['name']}")
        score.recalled += any(s.get("change") == "new" for s in stating)
        if stating and not any(s.get("change") == "new" for s in stating):
            marks = ", ".join(str(s.get("change")) for s in stating)
            score.notes.append(f"new fact not marked new ({fact['name']}; marked {marks}): {short(stating[0]['text'])}")


def score_edit(score: Score, sentences: list[dict], since: dict | None, edit: Edit) -> None:
    score.changed_found = changed_value_found(since, edit)
    score.changed_items = sum(changed_value_found({"changed_values": [c]}, edit) for c in (since or {}).get("changed_values") or [])
    gives = lambda s: bool(token_pattern(edit.new).search(s["text"]))  # noqa: E731
    giving = [s for s in sentences if gives(s)]
    score.edited_marked = any(s.get("change") == "changed" for s in giving) if giving else None
    score.edited_other = sum(bool(s.get("change")) and not gives(s) for s in sentences)
    if not giving:
        score.notes.append(f"the brief shows no sentence giving {edit.new}")


def describe_changes(score: Score, sentences: list[dict], since: dict | None) -> None:
    for item in (since or {}).get("changed_values") or []:
        before, after = item.get("before") or {}, item.get("after") or {}
        score.notes.append(f"changed value {item.get('kind')} {item.get('subject')!r}: {before.get('written')!r} -> {after.get('written')!r}")
    for sentence in (s for s in sentences if s.get("change") == "changed"):
        score.marks.append({"change": "changed", "text": sentence["text"]})
        score.notes.append(f"marked changed: {short(sentence['text'])}")


def score_night(chain: Chain, k: int, document: dict, previous: dict | None, threshold: float) -> Score:
    """The night `k` brief of `chain`, against night k-1's articles and brief (`previous`)."""
    case, before, after = chain.steps[k], chain.nights[k - 1].files, chain.nights[k].files
    sentences, since = brief_sentences(document), document.get("since")
    score = Score(chain.source, chain.event["id"], case, since_items=since_items(since), summary=(since or {}).get("summary", ""))
    score.marked_changed = sum(s.get("change") == "changed" for s in sentences)
    score_novelty(score, sentences, before, previous, chain.gold, threshold)
    if chain.gold and case != "force":
        score_recall(score, sentences, before, after, chain.gold)
    if case == "edited" and chain.edit:
        score_edit(score, sentences, since, chain.edit)
    describe_changes(score, sentences, since)
    return score


# ----------------------------------------------------------------------------------------------
# Tables


def ratio(numerator: int, denominator: int | None) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "-"


def yes_no(value: bool | None) -> str:
    return "-" if value is None else "yes" if value else "no"


def novelty_table(scores: list[Score]) -> list[str]:
    lines = [
        "| event | case | judge | marked new | right | precision | by gold / by words | new gold facts: in brief / marked | recall | marked changed | since |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        if s.failed:
            lines.append(f"| {s.event} | {s.case} | - | failed: {short(s.failed, 80)} |||||||")
            continue
        judge = "gold, else sources + words" if s.source == "dev" else "sources + words"
        recall = f"{s.reported} of {s.new_facts} / {s.recalled}" if s.new_facts is not None else "-"
        lines.append(
            f"| {s.event} | {s.case} | {judge} | {s.marked_new} | {s.right} | {ratio(s.right, s.marked_new)} | {s.by_gold} / {s.by_words} "
            f"| {recall} | {ratio(s.recalled, s.reported) if s.new_facts is not None else '-'} | {s.marked_changed} | {s.summary or '(none)'} |"
        )
    return lines


def edit_table(scores: list[Score], edits: dict[str, Edit]) -> list[str]:
    lines = [
        "| event | edit | in since.changed_values (items) | its sentences marked changed | other marked sentences | since |",
        "|---|---|---|---|---|---|",
    ]
    for s in scores:
        edit = edits[s.event]
        lines.append(
            f"| {s.event} | {edit.fact}: {edit.old} -> {edit.new} | {yes_no(s.changed_found)} ({s.changed_items}) | {yes_no(s.edited_marked)} "
            f"| {s.edited_other} | {s.summary or '(none)'} |"
        )
    return lines


def force_table(scores: list[Score]) -> list[str]:
    lines = ["| event | marked sentences | since items | since |", "|---|---|---|---|"]
    for s in scores:
        lines.append(f"| {s.event} | {s.marked_new + s.marked_changed} | {s.since_items} | {s.summary or '(none)'} |")
    return lines


def totals(scores: list[Score]) -> dict:
    ok = [s for s in scores if not s.failed]
    new_facts = sum(s.new_facts or 0 for s in ok)
    return {
        "nights": len(scores), "failed": len(scores) - len(ok),
        "marked_new": sum(s.marked_new for s in ok), "right": sum(s.right for s in ok), "dropped_before": sum(s.dropped_before for s in ok),
        "by_gold": sum(s.by_gold for s in ok), "by_words": sum(s.by_words for s in ok),
        "new_facts": new_facts, "reported": sum(s.reported for s in ok), "recalled": sum(s.recalled for s in ok),
        "marked_changed": sum(s.marked_changed for s in ok), "since_items": sum(s.since_items for s in ok),
        "changed_found": sum(bool(s.changed_found) for s in ok), "edited_marked": sum(bool(s.edited_marked) for s in ok),
    }


def totals_table(scores: list[Score]) -> list[str]:
    lines = [
        "| source | case | nights (failed) | marked new | precision | wrong, night 1 dropped it | new gold facts: in brief / marked | recall | marked changed | since items | changed value found |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    groups = [(src, case) for src in ("dev", "multinews") for case in CASES]
    for source, case in groups:
        group = [s for s in scores if s.source == source and s.case == case]
        if not group:
            continue
        t = totals(group)
        recall = f"{t['reported']} of {t['new_facts']} / {t['recalled']}" if source == "dev" and case != "force" else "-"
        found = f"{t['changed_found']} of {t['nights'] - t['failed']}" if case == "edited" else "-"
        lines.append(
            f"| {source} | {case} | {t['nights']} ({t['failed']}) | {t['marked_new']} | {ratio(t['right'], t['marked_new'])} | {t['dropped_before']} | {recall} "
            f"| {ratio(t['recalled'], t['reported']) if recall != '-' else '-'} | {t['marked_changed']} | {t['since_items']} | {found} |"
        )
    return lines


def headline(scores: list[Score]) -> list[str]:
    """The issue's three targets, pooled: precision over every night with something added or
    edited, recall over the dev events, false changes over the force reruns."""
    novel = totals([s for s in scores if s.case != "force"])
    forced = totals([s for s in scores if s.case == "force"])
    dev = totals([s for s in scores if s.source == "dev" and s.case != "force"])
    return [
        f"- novelty precision {ratio(novel['right'], novel['marked_new'])} ({novel['right']} of {novel['marked_new']} marked new; "
        f"{novel['by_gold']} judged by gold, {novel['by_words']} by sources and words); target >= {TARGET_PRECISION}",
        f"- novelty recall {ratio(dev['recalled'], dev['reported'])} ({dev['recalled']} of the {dev['reported']} new gold facts the briefs report; "
        f"they report {dev['reported']} of {dev['new_facts']}); target >= {TARGET_RECALL}",
        f"- false changes on the force reruns: {forced['marked_new'] + forced['marked_changed']} marked sentences, "
        f"{forced['since_items']} since items over {forced['nights'] - forced['failed']} reruns; target 0",
    ]


def report(scores: list[Score], edits: dict[str, Edit]) -> str:
    by_case = lambda case: [s for s in scores if s.case == case]  # noqa: E731
    novelty = [s for case in ("added", "two more", "copy", "edited") for s in by_case(case)]
    parts = ["## Targets", "", *headline(scores), "", "## Totals", "", *totals_table(scores), "", "## Marked new, by night", "", *novelty_table(novelty)]
    edited = [s for s in by_case("edited") if not s.failed]
    if edited:
        parts += ["", "## Edited values", "", *edit_table(edited, edits)]
    parts += ["", "## Force reruns", "", *force_table([s for s in by_case("force") if not s.failed])]
    parts += ["", "## What to look at", ""]
    for s in scores:
        parts += [f"- {s.event} / {s.case}: {note}" for note in s.notes]
    return "\n".join(parts) + "\n"


# ----------------------------------------------------------------------------------------------
# Running the nights (the job, in this process)


def read_dev_event(folder: Path) -> tuple[dict, dict, dict[str, str]]:
    """event.yaml (without its ARTICLES placeholder), gold.json and the articles' text."""
    from omegaconf import OmegaConf

    event = OmegaConf.to_container(OmegaConf.load(folder / "event.yaml"))
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted((folder / "articles").glob("*.txt"))}
    return event, gold, files


def write_articles(folder: Path, files: dict[str, str]) -> None:
    """The night's articles in the event's one inputs folder, as a scraper leaves them."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def run_night(chain: Chain, night: Night, work: Path, overrides: list[str], number: int) -> dict:
    """One nightly run of the chain's event on `night`'s articles; its published brief.json."""
    from omegaconf import open_dict

    from summarize.config import compose, load_settings
    from summarize.runtime.runner import run_event

    articles = work / "articles"
    write_articles(articles, night.files)
    event = dict(chain.event, inputs=str(articles), outlets={k: v for k, v in (chain.event.get("outlets") or {}).items() if k in night.files})
    cfg = compose(f"paths.shared_dir={work / 'shared'}", "embed.store_vectors=false", f"force={'true' if night.force else 'false'}", *chain.overrides, *overrides)
    with open_dict(cfg):
        cfg.event = event
    manifest = run_event(load_settings(cfg), work / "runs" / f"night{number}")
    if manifest["status"] != "published":
        raise RuntimeError(f"night {number} was {manifest['status']}, not published")
    return json.loads((work / "shared" / event["id"] / "brief.json").read_text(encoding="utf-8"))


def keep_brief(work: Path, event_id: str, dest: Path) -> None:
    """The night's published pages, for a look (or a screenshot) after the temporary folder goes."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("brief.html", "brief.json", "brief.md"):
        shutil.copyfile(work / "shared" / event_id / name, dest / name)
    shutil.copyfile(work / "shared" / "index.html", dest / "index.html")


def kept_name(chain: Chain, k: int) -> str:
    """The folder of a chain's night k: its case ("two_more"), or the first case's and "night1"."""
    return (chain.steps[k] if k in chain.steps else f"{chain.steps[min(chain.steps)]}-night{k + 1}").replace(" ", "_")


def run_chain(chain: Chain, tmp: Path, args, progress) -> list[Score]:
    """Every night of a chain in turn; a failed night fails the nights scored after it."""
    work = Path(tempfile.mkdtemp(prefix=f"{chain.event['id']}-", dir=tmp))
    scores: list[Score] = []
    document = None
    for k, night in enumerate(chain.nights):
        step = chain.steps.get(k, "night 1")
        start = time.perf_counter()
        previous = document
        try:
            document = run_night(chain, night, work, args.overrides, k + 1)
        except Exception as error:  # one failed night must not cost the other events theirs
            progress(f"{chain.event['id']} {step}: FAILED {error!r}")
            return scores + [Score(chain.source, chain.event["id"], case, failed=repr(error)) for j, case in chain.steps.items() if j >= k]
        progress(f"{chain.event['id']} {step} (night {k + 1}, {len(night.files)} articles): {time.perf_counter() - start:.1f}s")
        if k in chain.steps:
            scores.append(score_night(chain, k, document, previous, args.overlap))
        if chain.source == "dev":
            keep_brief(work, chain.event["id"], args.out / chain.event["id"] / kept_name(chain, k))
    return scores


def build_chains(args) -> tuple[list[Chain], dict[str, Edit]]:
    chains: list[Chain] = []
    names = args.events.split(",") if args.events else sorted(p.name for p in EVENTS_DIR.iterdir() if (p / "gold.json").exists())
    for name in names:
        event, gold, files = read_dev_event(EVENTS_DIR / name)
        chains += dev_chains(event, gold, files)
    if args.multinews:
        from bench.quality import load_clusters

        clusters = [c for c in load_clusters(str(MULTINEWS), None) if len(c["documents"]) >= 3]
        chains += [multinews_chain(c, i) for i, c in enumerate(clusters[: args.multinews])]
    edits = {c.event["id"]: c.edit for c in chains if c.edit}
    return chains, edits


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="", help="dev events, comma-separated (default: all eight)")
    parser.add_argument("--multinews", type=int, default=10, help="the first N Multi-News dev clusters of 3+ documents (0: none)")
    parser.add_argument("--overlap", type=float, default=0.5, help="content-word F1 at which a night-1 sentence has the marked one's fact")
    parser.add_argument("--out", type=Path, default=None, help="where the scored nights' briefs and the results go")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for every run, e.g. changes.min_score=0.6")
    args = parser.parse_args(argv)
    args.out = args.out or ROOT / "outputs" / "bench" / "two_nights" / datetime.now().strftime("%Y-%m-%d/%H-%M-%S")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    chains, edits = build_chains(args)
    nights = sum(len(c.nights) for c in chains)
    done = 0

    def progress(message: str) -> None:
        nonlocal done
        done += 1
        print(f"[{done}/{nights} {time.perf_counter() - started:.0f}s] {message}", file=sys.stderr, flush=True)

    scores: list[Score] = []
    with tempfile.TemporaryDirectory(prefix="two-nights-") as tmp:
        for chain in chains:
            scores += run_chain(chain, Path(tmp), args, progress)
    text = report(scores, edits) + f"\n{nights} runs in {time.perf_counter() - started:.0f} s; briefs kept in {args.out}\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(text, encoding="utf-8")
    (args.out / "results.json").write_text(json.dumps([vars(s) for s in scores], indent=1, default=str), encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
