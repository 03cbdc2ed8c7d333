"""Long clusters for timing: consecutive dev clusters joined into clusters of about ten articles.

    .venv/bin/python -m bench.long_clusters [--articles 10] [--out /tmp/summarize-long-clusters.jsonl]
    .venv/bin/python -m bench data=/tmp/summarize-long-clusters.jsonl "peers=[lexrank]" scaling_sizes=[]

Multi-News clusters hold two to four articles; a night's event often holds ten. Joining clusters
gives clusters of that size to time, not to score: a joined cluster mixes stories and its
references are its parts' references joined, so only seconds per cluster mean anything. The file
is written outside the checkout (default /tmp): the dev set's licence is research-only, so it is
read where it lies and never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from summarize.config import PROJECT_ROOT

DEV_SET = PROJECT_ROOT.parent / "shared" / "eval" / "multinews_dev50.jsonl"


def joined_clusters(clusters: list[dict], articles: int) -> list[dict]:
    joined, current = [], {"ids": [], "documents": [], "references": []}
    for cluster in clusters:
        current["ids"].append(cluster["id"])
        current["documents"] += cluster["documents"]
        current["references"].append(cluster["references"])
        if len(current["documents"]) >= articles:
            joined.append(current)
            current = {"ids": [], "documents": [], "references": []}
    return [
        {"id": "+".join(c["ids"]), "documents": c["documents"],
         "references": ["\n".join(parts[0] for parts in c["references"])]}
        for c in joined
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10, help="articles per joined cluster (at least)")
    parser.add_argument("--data", type=Path, default=DEV_SET)
    parser.add_argument("--out", type=Path, default=Path("/tmp/summarize-long-clusters.jsonl"))
    args = parser.parse_args()
    if args.out.resolve().is_relative_to(PROJECT_ROOT):
        parser.error(f"--out {args.out} is inside the checkout; the dev set must not be copied into the repository")
    clusters = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    joined = joined_clusters(clusters, args.articles)
    args.out.write_text("".join(json.dumps(c) + "\n" for c in joined), encoding="utf-8")
    sizes = [len(c["documents"]) for c in joined]
    print(f"{len(joined)} clusters of {min(sizes)}-{max(sizes)} articles ({sum(sizes) / len(sizes):.1f} on average) in {args.out}")


if __name__ == "__main__":
    main()
