"""Run the nightly command on every kind of bad input and print what each one answers.

    .venv/bin/python scripts/failure_cases.py [--jobs 2]

Each case is a fresh `python -m summarize` process on inputs made in a temporary folder, with
its own shared folder holding last night's brief where the case could harm it. Prints a Markdown
table: case, exit code, the one line on stderr, and whether last night's brief is intact.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "lee_beijing"
FRENCH = (
    "Le président sud-coréen Lee Jae Myung a rencontré le président chinois Xi Jinping à Pékin lundi. "
    "Les deux dirigeants ont signé plusieurs accords sur le commerce et la technologie. "
    "La visite d'État de quatre jours est la première d'un président sud-coréen depuis six ans."
)
JUNK = "Accept cookies\nSubscribe to our newsletter\nHome | World | Business | Sport\n"


def seeds_with(folder: Path, extra: dict[str, bytes] | None = None, keep: int = 5) -> Path:
    """The lee_beijing articles (the first `keep`) plus `extra` files, in `folder`."""
    folder.mkdir(parents=True)
    for seed in sorted(SEEDS.iterdir())[:keep]:
        shutil.copy(seed, folder / seed.name)
    for name, data in (extra or {}).items():
        (folder / name).write_bytes(data)
    return folder


def cases(tmp: Path) -> list[tuple[str, list[str]]]:
    outside = tmp / "outside.txt"
    outside.write_text("A file of another event.\n")
    links = seeds_with(tmp / "links")
    (links / "999_link.txt").symlink_to(outside)
    return [
        ("no event", []),
        ("unknown event", ["+event=nosuch"]),
        ("event name reaching outside", ["+event=../../x"]),
        ("unknown config key (Hydra)", ["+event=lee_beijing", "write.no_such_key=1"]),
        ("event config: key missing", ["+event=lee_beijing", "~event.inputs"]),
        ("event config: wrong type", ["+event=lee_beijing", "event.keywords=Lee"]),
        ("event config: misspelt key", ["+event=lee_beijing", "+event.titel=x"]),
        ("event id reaching outside", ["+event=lee_beijing", "event.id=../x"]),
        ("input folder missing", ["+event=lee_beijing", f"event.inputs={tmp / 'nope'}"]),
        ("input folder empty", ["+event=lee_beijing", f"event.inputs={(tmp / 'empty').resolve()}"]),
        ("empty file", ["+event=lee_beijing", f"event.inputs={seeds_with(tmp / 'e', {'999_empty.txt': b''})}"]),
        ("binary file", ["+event=lee_beijing", f"event.inputs={seeds_with(tmp / 'b', {'999.txt': bytes(range(256))})}"]),
        ("not UTF-8", ["+event=lee_beijing", f"event.inputs={seeds_with(tmp / 'l', {'999.txt': 'Séoul'.encode('latin-1')})}"]),
        ("file over the size cap", ["+event=lee_beijing", "read.max_bytes=5000"]),
        ("link outside the event's folder", ["+event=lee_beijing", f"event.inputs={links}"]),
        ("a single article", ["+event=lee_beijing", f"event.inputs={seeds_with(tmp / 'one', keep=1)}"]),
        ("nothing left after cleaning", ["+event=lee_beijing", f"event.inputs={seeds_with(tmp / 'j', {'a.txt': JUNK.encode(), 'b.txt': JUNK.encode()}, keep=0)}"]),
        ("every article in another language", ["+event=lee_beijing", f"event.inputs={seeds_with(tmp / 'fr', {'a.txt': FRENCH.encode(), 'b.txt': FRENCH.encode()}, keep=0)}"]),
        ("reference file missing", ["+event=lee_beijing", f"event.reference={tmp / 'nope.txt'}"]),
        ("model weights missing", ["+event=lee_beijing", "model=seq2seq", f"model.path={tmp / 'no-model'}"]),
        ("shared folder not writable", ["+event=lee_beijing", "force=true", "SHARED=blocked"]),
        ("another run holds the lock", ["+event=lee_beijing", "force=true", "publish.lock_timeout_s=1", "SHARED=locked"]),
        ("rerun, nothing changed", ["+event=lee_beijing"]),
        ("rerun with force=true", ["+event=lee_beijing", "force=true"]),
    ]


def last_nights_brief(shared: Path) -> bytes:
    folder = shared / "lee_beijing"
    return (folder / "brief.md").read_bytes() + (folder / "brief.json").read_bytes()


def run_case(name: str, args: list[str], tmp: Path, published: Path) -> dict:
    shared = tmp / "shared" / name.replace(" ", "_").replace("'", "").replace(":", "")
    shutil.copytree(published, shared, symlinks=True)
    before = last_nights_brief(shared)
    lock = None
    if "SHARED=blocked" in args:
        # A file where the event's staging folder must go: every write below it fails (ENOTDIR).
        shutil.rmtree(shared / ".summarize" / "staging", ignore_errors=True)
        (shared / ".summarize" / "staging").write_text("blocked")
    if "SHARED=locked" in args:
        lock = open(shared / ".summarize" / "locks" / "lee_beijing.lock", "a")
        fcntl.flock(lock, fcntl.LOCK_EX)
    args = [a for a in args if not a.startswith("SHARED=")]
    env = {k: v for k, v in os.environ.items() if k not in ("HYDRA_FULL_ERROR",)}
    env |= {"HF_HUB_OFFLINE": "1", "SUMMARIZE_SHARED_DIR": str(shared), "SUMMARIZE_RUNS_DIR": str(tmp / "runs")}
    result = subprocess.run([sys.executable, "-m", "summarize", *args], cwd=tmp, env=env, capture_output=True, text=True)
    if lock:
        lock.close()
    lines = [line for line in result.stderr.splitlines() if line.startswith("summarize:")]
    message = lines[-1] if lines else result.stderr.strip().splitlines()[0] if result.stderr.strip() else ""
    return {
        "case": name,
        "command": " ".join(args) or "(no arguments)",
        "exit": result.returncode,
        "stderr lines": len(result.stderr.strip().splitlines()),
        "message": message.replace(str(tmp), "$TMP").replace(str(ROOT), "$REPO"),
        "brief intact": "yes" if last_nights_brief(shared) == before or "force=true" in args and result.returncode == 0 else "NO",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "empty").mkdir()
        published = tmp / "published"
        env = os.environ | {"SUMMARIZE_SHARED_DIR": str(published), "SUMMARIZE_RUNS_DIR": str(tmp / "runs")}
        subprocess.run([sys.executable, "-m", "summarize", "+event=lee_beijing"], cwd=tmp, env=env, check=True, capture_output=True)
        with ThreadPoolExecutor(args.jobs) as pool:
            rows = list(pool.map(lambda case: run_case(*case, tmp, published), cases(tmp)))
    print("| case | command | exit | stderr lines | message (stderr) | last night's brief intact |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        message = row["message"].replace("|", "\\|")
        print(f"| {row['case']} | `{row['command']}` | {row['exit']} | {row['stderr lines']} | {message} | {row['brief intact']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
