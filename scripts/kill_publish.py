"""Kill a publishing run at random moments, many times, and check what a reader would find.

    .venv/bin/python scripts/kill_publish.py [--trials 500] [--seed 0] [--keep-versions 5]

Each trial forks a child that does what the nightly job does at the end of a run: take the
event's lock (summarize.runtime.lock) and publish the next brief (summarize.runtime.publish). The parent sends
SIGKILL after a random delay drawn across the measured length of one such child, so kills land
before, during and after every step of publishing. After each kill the event's folder must hold
the previous brief or the new one, both files byte-exact and of the same brief, and nothing but
complete dated versions and the links to them. Prints a Markdown table; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from summarize.runtime.checksums import VERSION_SUMS, sums_text
from summarize.runtime.layout import BriefFiles, SharedLayout
from summarize.runtime.lock import EventLock
from summarize.runtime.publish import publish_brief
from summarize.runtime.render import brief_document, json_text, render_html, render_markdown
from summarize.settings import PublishSettings
from summarize.types import Article, Brief, BriefSection, BriefSentence, Sentence

EVENT = "kill_test"
CALIBRATE_EVERY = 10
OUTLETS = ("Outlet A", "Outlet B", "Outlet C", "Outlet D", "Outlet E")
SCORES = {"words": 0}
# The shipped names (PublishSettings' defaults).
FILES = BriefFiles.of(PublishSettings())


def night_brief(night: int) -> tuple[Brief, list[Article]]:
    """A brief about the size of a real one (8 sentences, 5 outlets), different every night."""
    texts = [
        f"On night {night}, report {i} says the delegations met for {i + 2} hours and signed "
        f"{night % 7 + i} agreements on trade, technology and culture in the capital."
        for i in range(8)
    ]
    sentences = [
        BriefSentence(text, (Sentence(f"a{i % 5}:{i}", f"a{i % 5}", OUTLETS[i % 5], text, i),))
        for i, text in enumerate(texts)
    ]
    sections = (BriefSection("Talks", tuple(sentences[:4])), BriefSection("Agreements", tuple(sentences[4:])))
    brief = Brief(EVENT, f"Night {night}", dt.date(2026, 1, 5), sections, OUTLETS)
    sources = [
        Article(f"a{i}", outlet, f"Story {i}", dt.date(2026, 1, 5), tuple(texts), f"/seeds/a{i}.txt", "0" * 64)
        for i, outlet in enumerate(OUTLETS)
    ]
    return brief, sources


def expected_files(night: int, generated_at: str) -> dict[str, str]:
    brief, sources = night_brief(night)
    document = brief_document(brief, sources, SCORES, generated_at) | {"key": f"night-{night}"}
    return {
        FILES.json: json_text(document),
        FILES.markdown: render_markdown(brief, sources, generated_at),
        FILES.html: render_html(document, FILES),
    }


def brief_night(folder: Path) -> int | None:
    """The night of the complete brief in `folder` (brief.md, brief.json and brief.html, byte-exact
    and of the same brief), or None when any file is missing, cut short or from another brief."""
    try:
        found = {name: (folder / name).read_text(encoding="utf-8") for name in FILES.names}
        document = json.loads(found[FILES.json])
        night = int(document["key"].removeprefix("night-"))
        if found != expected_files(night, document["generated_at"]):
            return None
    except (OSError, ValueError, KeyError, AttributeError):
        return None
    return night


def strays(layout: SharedLayout) -> list[str]:
    """Anything in the event's folder but the links and complete dated versions (the brief's
    files and their sums, which match them)."""
    found = [p.name for p in layout.folder.iterdir() if p.name not in (*FILES.names, "current", "versions")]
    for version in layout.versions.iterdir():
        if sorted(p.name for p in version.iterdir()) != sorted((*FILES.names, VERSION_SUMS)) or not sums_match(version):
            found.append(f"versions/{version.name}")
    return found


def sums_match(version: Path) -> bool:
    """Whether the version holds a complete brief and the sums of exactly its files."""
    if brief_night(version) is None:
        return False
    contents = {name: (version / name).read_text(encoding="utf-8") for name in FILES.names}
    return (version / VERSION_SUMS).read_text(encoding="utf-8") == sums_text(contents)


def publish_night(shared: Path, night: int, keep_versions: int) -> None:
    brief, sources = night_brief(night)
    layout = SharedLayout(shared, EVENT, FILES)
    with EventLock(layout.lock, timeout_s=30, poll_s=0.001):
        publish_brief(brief, sources, SCORES, layout, keep_versions, key=f"night-{night}")


def forked(shared: Path, night: int, keep_versions: int) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            publish_night(shared, night, keep_versions)
        finally:
            os._exit(0)
    return pid


def run_trials(shared: Path, trials: int, seed: int, keep_versions: int) -> dict:
    layout = SharedLayout(shared, EVENT, FILES)
    publish_night(shared, 0, keep_versions)
    # One child's length, fork to exit: the span the kills are spread over. It is measured again
    # every CALIBRATE_EVERY trials, so that a machine that slows down or speeds up under other
    # load (a test suite, CI) still gets kills on both sides of the switch.
    lengths: list[float] = []

    def calibrate(night: int) -> None:
        start = time.perf_counter()
        os.waitpid(forked(shared, night, keep_versions), 0)
        lengths.append(time.perf_counter() - start)

    for night in range(1, 11):
        calibrate(night)
    spans = []
    night, rng = 10, random.Random(seed)
    outcome = {"old brief": 0, "new brief": 0, "partial or mixed": 0, "missing": 0, "stray files": 0}
    leftovers = {"staging": 0, "lock": 0}
    for trial in range(trials):
        if trial and trial % CALIBRATE_EVERY == 0:
            night = 10 + trial // CALIBRATE_EVERY
            calibrate(night)  # an unkilled publish: its brief is now the one out
        span = statistics.median(lengths[-10:]) * 1.2
        spans.append(span)
        new = 10**5 + trial
        pid = forked(shared, new, keep_versions)
        time.sleep(rng.uniform(0, span))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        if not all((layout.folder / name).exists() for name in FILES.names):
            outcome["missing"] += 1
        else:
            found = brief_night(layout.folder)
            if found == night:
                outcome["old brief"] += 1
            elif found == new:
                outcome["new brief"] += 1
                night = new
            else:
                outcome["partial or mixed"] += 1
                print(f"trial {trial}: partial or mixed brief", file=sys.stderr)
        if found_strays := strays(layout):
            outcome["stray files"] += 1
            print(f"trial {trial}: stray {found_strays}", file=sys.stderr)
        leftovers["staging"] += layout.staging.exists()
        leftovers["lock"] += bool(layout.lock.read_text())
    # The run after the last kill takes over the lock and clears what the killed ones left.
    publish_night(shared, 10**6, keep_versions)
    versions = len(list(layout.versions.iterdir()))
    return {
        "trials": trials,
        "kill delay": f"0-{min(spans) * 1000:.1f} to 0-{max(spans) * 1000:.1f} ms",
        **outcome,
        "staging left by the kill (cleared by the next run)": leftovers["staging"],
        "lock left by the kill (taken over by the next run)": leftovers["lock"],
        "after one more run: staging cleared": not layout.staging.exists(),
        f"after one more run: versions kept (keep_versions={keep_versions})": versions,
        "after one more run: brief complete": brief_night(layout.folder) == 10**6,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep-versions", type=int, default=5)
    args = parser.parse_args()
    # Each trial's lock take-over is logged as a warning; hundreds of them would bury the table.
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as shared:
        results = run_trials(Path(shared), args.trials, args.seed, args.keep_versions)
    print("| measure | value |\n|---|---|")
    for name, value in results.items():
        print(f"| {name} | {value} |")
    failed = results["partial or mixed"] + results["missing"] + results["stray files"]
    sound = results["after one more run: staging cleared"] and results["after one more run: brief complete"]
    return 0 if failed == 0 and sound else 1


if __name__ == "__main__":
    sys.exit(main())
