"""Index scaling: what one event's publish costs as the shared folder fills up with events.

    .venv/bin/python -m bench.index_scaling [--events 1000] [--repeats 5] [--shared DIR]

Publishes `--events` synthetic small briefs (two sections, three sentences from three outlets, one
disagreement) into one shared folder (a temporary one unless --shared) through the real path a
run takes after its stages: publish_brief (render brief.json, brief.md and brief.html, write a
version, switch `current`), then after_run (the status, the event's summary, index.html and
feed.xml under the index lock). It prints, for the 1st, 10th, 100th and 1,000th event, the time of
that event's first publish, and the median wall and CPU time of that publish and `--repeats`
republishes of it with that many events in the folder (the medians are the steadier figures on a
busy machine).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from summarize.config import compose_settings
from summarize.runtime.index import after_run
from summarize.runtime.layout import BriefFiles, SharedLayout
from summarize.runtime.publish import publish_brief
from summarize.types import Article, Brief, BriefSection, BriefSentence, Disagreement, Sentence

MILESTONES = (1, 10, 100, 1000)
OUTLETS = ("Daily Example", "Example Wire", "The Sample Post")


def synthetic_brief(number: int) -> tuple[Brief, list[Article]]:
    """Event `number`'s brief: as small as a real night's brief of three outlets, with its own text."""
    event_id = f"event_{number:05d}"

    def backed(text: str, *outlets: str) -> BriefSentence:
        return BriefSentence(text, tuple(Sentence(f"{o[:3]}{number}:{i}", f"{o[:3]}{number}", o, text, i) for i, o in enumerate(outlets)))

    sentences = (
        backed(f"Leaders met in city {number} on Monday and signed 15 agreements on trade.", *OUTLETS),
        backed(f"More than {number + 200} business leaders joined the visit.", *OUTLETS[:2]),
        backed(f"Protesters gathered outside the venue of meeting {number}.", OUTLETS[2]),
    )
    dispute = Disagreement(
        "count", "agreement", (("15 agreements", OUTLETS[:2]), ("14 memorandums", OUTLETS[2:])),
        (sentences[0].backing[0].id,), sentences[0].text, (("15",), ("14",)),
    )
    brief = Brief(
        event_id, f"Synthetic event {number}", None,
        (BriefSection("Talks", sentences[:2]), BriefSection("Protests", sentences[2:])), OUTLETS, (dispute,),
    )
    paragraphs = tuple(s.text for s in sentences)
    return brief, [Article(f"{o[:3]}{number}", o, f"Report {number}", None, paragraphs, "", "0" * 64) for o in OUTLETS]


def publish_and_index(shared: Path, brief: Brief, articles: list[Article], publish) -> tuple[float, float]:
    """Wall and CPU seconds to publish the brief and bring index.html and feed.xml up to date, as
    a run does. CPU time is this process's own: on a machine others share it is the steadier
    measure of the work done; wall time adds the waits (for the disk's syncs, for a core)."""
    wall, cpu = time.perf_counter(), time.process_time()
    layout = SharedLayout(shared, brief.event_id, BriefFiles.of(publish))
    publish_brief(brief, articles, {}, layout, publish.keep_versions, key=f"bench-{time.perf_counter_ns()}")
    if warnings := after_run(shared, brief.event_id, publish):
        raise RuntimeError(f"the index warned: {warnings}")
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(shared: Path, events: int, repeats: int) -> list[dict]:
    publish = compose_settings("+event=lee_beijing").publish
    rows = []
    for number in range(1, events + 1):
        brief, articles = synthetic_brief(number)
        first = publish_and_index(shared, brief, articles, publish)
        if number in MILESTONES or number == events:
            times = [first] + [publish_and_index(shared, brief, articles, publish) for _ in range(repeats)]
            rows.append({
                "event": number,
                "first_ms": first[0] * 1000,
                "wall_ms": statistics.median(wall for wall, _ in times) * 1000,
                "cpu_ms": statistics.median(cpu for _, cpu in times) * 1000,
                "index_kib": (shared / "index.html").stat().st_size / 1024,
                "feed_kib": (shared / "feed.xml").stat().st_size / 1024,
            })
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5, help="republishes of each milestone event (median)")
    parser.add_argument("--shared", type=Path, help="the shared folder (default: a temporary one, removed after)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="index_scaling_") as tmp:
        shared = args.shared or Path(tmp)
        start = time.perf_counter()
        rows = measure(shared, args.events, args.repeats)
        total = time.perf_counter() - start
    print(f"{'event':>6} {'first publish (ms)':>19} {f'median of {args.repeats + 1}: wall (ms)':>24} {'CPU (ms)':>9} {'index.html (KiB)':>17} {'feed.xml (KiB)':>15}")
    for row in rows:
        print(
            f"{row['event']:>6} {row['first_ms']:>19.1f} {row['wall_ms']:>24.1f} {row['cpu_ms']:>9.1f}"
            f" {row['index_kib']:>17.1f} {row['feed_kib']:>15.1f}"
        )
    first, last = rows[0], rows[-1]
    print(
        f"event {last['event']} / event 1 (medians): wall {last['wall_ms'] / first['wall_ms']:.2f}x, "
        f"CPU {last['cpu_ms'] / first['cpu_ms']:.2f}x; {args.events} events published in {total:.1f} s"
    )


if __name__ == "__main__":
    main()
