"""Run the nightly command on every kind of bad input and print what each one answers.

    .venv/bin/python scripts/failure_cases.py [--jobs 2] [--only TEXT ...]

Each case is a fresh `python -m summarize` process on inputs made in a temporary folder, with
its own shared folder holding last night's brief where the case could harm it. Prints a Markdown
table: case, exit code, the one line on stderr, and whether last night's brief is intact (or a
complete new one out), index.html and feed.xml readable and showing it, and no dated copy lost.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
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
# Text of a file outside the event's folder: it must never reach a brief.
OUTSIDE_MARKER = "OUTSIDE-FILE-TEXT"
ATOM = "{http://www.w3.org/2005/Atom}"
# Article text that, published raw, would clear a reader's terminal and reverse what follows.
CONTROLS = "Lee Jae Myung and Xi Jinping met in Beijing \x1b[2J\x1bc on Monday\u202e, the two leaders sa\u200bid."
# A file name that, printed raw, would clear the terminal and forge a second error line.
FORGING_NAME = "a\x1b[2Jb\nsummarize: error: forged.txt"
# An article file name with a bidi override and an ESC: its id and path reach brief.json.
BIDI_NAME = "999_\u202egpj.\x1b[2Jnews.txt"
# An event file whose title holds characters that redraw a terminal, reorder text, or that XML
# 1.0 forbids (YAML's escapes: ESC, RIGHT-TO-LEFT OVERRIDE, U+FFFE).
HOSTILE_TITLE_EVENT = """id: lee_beijing
title: "South Korean President Lee Jae Myung\\e[2J's state visit to \\u202eChina\\uFFFE and summit with Xi Jinping"
inputs: {inputs}
keywords: [Lee, Xi, Korea, Korean, Seoul, ROK]
"""
# Characters that must never reach a published file: terminal escapes, bidi and zero-width
# controls, and U+FFFE, which XML 1.0 forbids (one of them makes feed.xml unreadable).
UNPUBLISHABLE = ("\x1b", "\u202e", "\u200b", "\ufffe")


def big_article(max_bytes: int = 1_990_000) -> bytes:
    """An article just under the 2 MB cap, of the seeds' sentences with their numbers varied."""
    lines = [line for seed in sorted(SEEDS.iterdir()) for line in seed.read_text(encoding="utf-8").splitlines()]
    sentences = [s for line in lines for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line) if len(s.split()) >= 6 and s.endswith(".")]
    rng, paragraphs, size = random.Random(7), [], 0
    while size < max_bytes - 2000:
        paragraph = " ".join(re.sub(r"\d+", lambda m: str(rng.randint(1, 999)), rng.choice(sentences)) for _ in range(4))
        paragraphs.append(paragraph)
        size += len(paragraph.encode()) + 2
    return ("date 2026-01-05\nLee Jae Myung in Beijing: the full record\n\n" + "\n\n".join(paragraphs) + "\n").encode()


def with_image(folder: Path) -> Path:
    """The seeds, with a Markdown image in the middle of one sentence of one article."""
    seeds_with(folder)
    article = sorted(folder.iterdir())[1]
    text = article.read_text(encoding="utf-8")
    words = text.split(". ")[3].split()
    middle = " ".join(words[: len(words) // 2])
    article.write_text(text.replace(middle, middle + " ![photo](https://example.com/a.jpg)", 1), encoding="utf-8")
    return folder


def swap_forever(article: Path, outside: Path, stop: threading.Event) -> None:
    """Swap `article` between its own text and a link to `outside`, each swap one atomic rename."""
    keep = article.with_name(".keep")
    os.link(article, keep)
    while not stop.is_set():
        for make in (lambda p: p.symlink_to(outside), lambda p: os.link(keep, p)):
            staged = article.with_name(".swap")
            staged.unlink(missing_ok=True)
            make(staged)
            os.replace(staged, article)


def with_noncharacter(folder: Path) -> Path:
    """The seeds, with U+FFFE inside "Beijing" in every article: a sentence holding it is chosen."""
    seeds_with(folder)
    for article in folder.iterdir():
        article.write_text(article.read_text(encoding="utf-8").replace("Beijing", "Bei\ufffejing"), encoding="utf-8")
    return folder


def hostile_title_event(tmp: Path) -> Path:
    """A folder on Hydra's search path with event/hostile_title.yaml: the sample event's articles
    under a title holding control characters and a noncharacter."""
    (tmp / "events" / "event").mkdir(parents=True)
    (tmp / "events" / "event" / "hostile_title.yaml").write_text(HOSTILE_TITLE_EVENT.format(inputs=SEEDS), encoding="utf-8")
    return tmp / "events"


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
    utf16_seed = sorted(SEEDS.iterdir())[0].read_text(encoding="utf-8").encode("utf-16")
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
        # What a red-team found (issue 13).
        ("an article swapped with an outside link during the run", ["+event=lee_beijing", "force=true", f"event.inputs={seeds_with(tmp / 'race')}", "RACE=swap"]),
        ("publish.markdown_name is a path", ["+event=lee_beijing", "force=true", f"publish.markdown_name={tmp / 'victim.md'}"]),
        ("publish.json_name reaches outside", ["+event=lee_beijing", "force=true", "publish.json_name=../../x.json"]),
        ("rerun with brief.md deleted", ["+event=lee_beijing", "SHARED=no-markdown"]),
        ("rerun with brief.md a stale plain file", ["+event=lee_beijing", "SHARED=stale-markdown"]),
        ("run folder is not writable", ["+event=lee_beijing", "force=true", "RUNS=a-file"]),
        ("control characters in a file name", ["+event=lee_beijing", f"event.inputs={seeds_with(tmp / 'esc', {FORGING_NAME: b''})}"]),
        ("control characters in article text", ["+event=lee_beijing", "force=true", f"event.inputs={seeds_with(tmp / 'ctl', {'999.txt': CONTROLS.encode()})}"]),
        ("SIGTERM during the run", ["+event=lee_beijing", "force=true", "SIGNAL=TERM"]),
        ("SIGINT during the run", ["+event=lee_beijing", "force=true", "SIGNAL=INT"]),
        ("UTF-16 article with a byte-order mark", ["+event=lee_beijing", "force=true", f"event.inputs={seeds_with(tmp / 'u16', {'999.txt': utf16_seed}, keep=4)}"]),
        ("UTF-16 article without a byte-order mark", ["+event=lee_beijing", "force=true", f"event.inputs={seeds_with(tmp / 'u16le', {'999.txt': 'Lee and Xi met in Beijing.'.encode('utf-16-le')})}"]),
        ("a 1.99 MB article", ["+event=lee_beijing", "force=true", f"event.inputs={seeds_with(tmp / 'big', {'999_big.txt': big_article()})}"]),
        ("a Markdown image in a sentence", ["+event=lee_beijing", "force=true", f"event.inputs={with_image(tmp / 'img')}"]),
        # What the second red team found (issue 23).
        ("rerun with a stale brief.md copied through its link", ["+event=lee_beijing", "SHARED=stale-through-link"]),
        ("rerun with a stale brief.html in the version", ["+event=lee_beijing", "SHARED=stale-html"]),
        ("rerun with brief.md truncated to 0 bytes", ["+event=lee_beijing", "SHARED=empty-markdown"]),
        ("rerun with index.html deleted", ["+event=lee_beijing", "SHARED=no-index"]),
        ("rerun with feed.xml replaced by garbage", ["+event=lee_beijing", "SHARED=garbage-feed"]),
        ("another event's brief.json: event is a string", ["+event=lee_beijing", "force=true", "SHARED=other-event-string"]),
        ("another event's brief.json: time without timezone", ["+event=lee_beijing", "force=true", "SHARED=other-naive-time"]),
        ("another event's status: time without timezone", ["+event=lee_beijing", "force=true", "SHARED=other-naive-status"]),
        ("U+FFFE in article sentences", ["+event=lee_beijing", "force=true", f"event.inputs={with_noncharacter(tmp / 'fffe')}"]),
        ("ESC, U+202E and U+FFFE in event.title", ["+event=hostile_title", f"hydra.searchpath=[file://{hostile_title_event(tmp)}]"]),
        ("current version stamped in the future (clock stepped back)", ["+event=lee_beijing", "force=true", "SHARED=future-current"]),
        ("typo'd event id, inputs missing", ["+event=lee_beijing", "event.id=lee_bejing", f"event.inputs={tmp / 'nope'}"]),
        ("bidi and ESC in an article file name", ["+event=lee_beijing", "force=true", f"event.inputs={seeds_with(tmp / 'bidi', {BIDI_NAME: (SEEDS / '000_27a528e0e4b4dffd.txt').read_bytes()}, keep=4)}"]),
        ("write.budget_words=-50", ["+event=lee_beijing", "force=true", "write.budget_words=-50"]),
        ("write.budget_words=0", ["+event=lee_beijing", "force=true", "write.budget_words=0"]),
        ("write.max_words=-1", ["+event=lee_beijing", "force=true", "write.max_words=-1"]),
        ("clean.max_words=0", ["+event=lee_beijing", "force=true", "clean.max_words=0"]),
        ("a cap no sentence fits (write.max_words=5)", ["+event=lee_beijing", "force=true", "write.max_words=5"]),
        ("a failing event under executor=ray", ["+event=lee_beijing", "executor=ray", "executor.num_cpus=2", "executor.workers=1", f"event.inputs={tmp / 'nope'}", "STATUS=failure"]),
        ("SIGTERM to an executor=ray batch", ["executor=ray", "executor.events=[lee_beijing]", "executor.num_cpus=2", "executor.workers=1", "force=true", "SIGNAL=TERM", "WHEN=on Ray"]),
        ("SIGTERM while another process holds the index lock", ["+event=lee_beijing", "force=true", "SHARED=index-locked", "SIGNAL=TERM", "WHEN=] - publish "]),
        ("SIGINT 0.1 s after the start", ["+event=lee_beijing", "force=true", "SIGNAL=INT", "WHEN=0.1"]),
        ("export.json deleted from the ONNX export", ["+event=lee_beijing", "force=true", "CACHE=no-export-json"]),
        ("the cache path is a file", ["+event=lee_beijing", "force=true", "CACHE=a-file"]),
        ("vector store rows not finite", ["+event=lee_beijing", "force=true", "CACHE=nan-vectors"]),
        ("one vector for every row of the vector store", ["+event=lee_beijing", "force=true", "CACHE=one-vector"]),
        ("the run folder with 8 KiB free", ["+event=lee_beijing", "force=true", "RUNS=8k-free"]),
        ("an unknown flag with ESC and a newline", ["--no-such-flag\x1b[2J\nforged"]),
        ("-m with SUMMARIZE_RUNS_DIR set", ["-m", "+event=lee_beijing", "RUNS=check-multirun"]),
    ]


def last_nights_brief(shared: Path) -> bytes:
    folder = shared / "lee_beijing"
    return (folder / "brief.md").read_bytes() + (folder / "brief.json").read_bytes()


def prepare_shared(shared: Path, args: list[str]) -> None:
    """Last night's shared folder, harmed as the case's SHARED= marker says."""
    folder = shared / "lee_beijing"
    if "SHARED=blocked" in args:
        # A file where the event's staging folder must go: every write below it fails (ENOTDIR).
        shutil.rmtree(shared / ".summarize" / "staging", ignore_errors=True)
        (shared / ".summarize" / "staging").write_text("blocked")
    if "SHARED=no-markdown" in args:
        (folder / "brief.md").unlink()
    if "SHARED=stale-markdown" in args:
        (folder / "brief.md").unlink()
        (folder / "brief.md").write_text("# A stale brief left by hand\n")
    if "SHARED=stale-through-link" in args:  # `cp stale.md brief.md`: written through the link into current/
        (folder / "brief.md").write_text("# A stale brief copied over the published one\n")
    if "SHARED=stale-html" in args:
        (folder / "current" / "brief.html").write_text("<!DOCTYPE html><title>A stale page</title>\n")
    if "SHARED=empty-markdown" in args:
        (folder / "brief.md").write_bytes(b"")
    if "SHARED=no-index" in args:
        (shared / "index.html").unlink()
    if "SHARED=garbage-feed" in args:
        (shared / "feed.xml").write_bytes(b"\x00garbage <feed")
    if any(a.startswith("SHARED=other-") for a in args):
        damaged_other_event(shared, next(a for a in args if a.startswith("SHARED=other-")).removeprefix("SHARED=other-"))
    if "SHARED=future-current" in args:
        clock_stepped_back(folder)


def damaged_other_event(shared: Path, how: str) -> None:
    """A second event, "other", published as lee_beijing was, then damaged as `how` says."""
    other = shared / "other"
    shutil.copytree(shared / "lee_beijing", other, symlinks=True)
    document = json.loads((other / "brief.json").read_text(encoding="utf-8"))
    if how == "event-string":
        document["event"] = "other"
    elif how == "naive-time":
        document["generated_at"] = "2026-01-05T10:00:00"
    elif how == "naive-status":
        status = shared / ".summarize" / "status" / "other.json"
        status.write_text(json.dumps({"last_failure": "2099-01-05T10:00:00", "exit_code": 3, "message": "x"}))
    (other / "brief.json").write_text(json.dumps(document), encoding="utf-8")


def clock_stepped_back(folder: Path) -> None:
    """Two older dated copies, one stamped by a clock a year ahead, and the current version
    stamped by that clock too: tonight's clock has been set back right."""
    current = folder / os.readlink(folder / "current")
    ahead = dt.date.today().year + 1
    for stamp in ("2020-01-01T000000.000000Z", f"{ahead}-01-01T000000.000000Z"):
        shutil.copytree(current, folder / "versions" / stamp)
    future = f"{ahead}-01-02T000000.000000Z"
    current.rename(folder / "versions" / future)
    (folder / "current").unlink()
    (folder / "current").symlink_to(f"versions/{future}")


def prepare_cache(cache: Path, how: str) -> Path:
    """A copy of this machine's cache (the ONNX export, the vector store) at `cache`, broken as
    the case's CACHE= marker says; returns what SUMMARIZE_CACHE_DIR is set to."""
    import numpy as np

    if how == "a-file":
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text("a file where the cache should be")
        return cache
    shutil.copytree(ROOT / ".cache", cache)
    if how == "no-export-json":
        for export in (cache / "encoders").glob("*/export.json"):
            export.unlink()
    if how in ("nan-vectors", "one-vector"):
        vector = np.full(384, np.nan) if how == "nan-vectors" else np.ones(384) / np.sqrt(384)
        for store in (cache / "vectors").glob("*.sqlite"):
            db = sqlite3.connect(store)
            db.execute("UPDATE vectors SET vector = ?", (vector.astype(np.float32).tobytes(),))
            db.commit()
            db.close()
    return cache


def mount_nearly_full(folder: Path, free: int = 8192) -> None:
    """A 64 KiB tmpfs at `folder` with `free` bytes left (needs root)."""
    folder.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], check=True, capture_output=True)
    (folder / "filler").write_bytes(bytes(65536 - free))


def failure_recorded(shared: Path) -> str:
    """Whether the index's status of lee_beijing records the run's failure."""
    status = shared / ".summarize" / "status" / "lee_beijing.json"
    return "failure shown on the index" if status.is_file() and "last_failure" in status.read_text() else "NO failure shown on the index"


def run_command(args: list[str], env: dict, cwd: Path, signal_name: str | None, when: str = "] - read ") -> subprocess.CompletedProcess:
    """The job; with `signal_name`, sent that signal once its log shows `when` (by default: it has
    begun reading the articles), or `when` seconds after the start when it is a number."""
    command = [sys.executable, "-m", "summarize", *args]
    if not signal_name:
        return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    runs = Path(env["SUMMARIZE_RUNS_DIR"])
    if re.fullmatch(r"[\d.]+", when):
        time.sleep(float(when))
    else:
        while process.poll() is None and not any(when in log.read_text() for log in runs.glob("*/*/summarize.log")):
            time.sleep(0.1)
    process.send_signal(getattr(signal, f"SIG{signal_name}"))
    stdout, stderr = process.communicate()
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def run_case(name: str, args: list[str], tmp: Path, published: Path) -> dict:
    slug = re.sub(r"\W+", "_", name)
    shared = tmp / "shared" / slug
    shutil.copytree(published, shared, symlinks=True)
    before = last_nights_brief(shared)
    prepare_shared(shared, args)
    history = dated_copies(shared)
    lock = None
    if "SHARED=locked" in args:
        lock = open(shared / ".summarize" / "locks" / "lee_beijing.lock", "a")
        fcntl.flock(lock, fcntl.LOCK_EX)
    if "SHARED=index-locked" in args:
        lock = open(shared / ".summarize" / "index.lock", "a")
        fcntl.flock(lock, fcntl.LOCK_EX)
    runs = tmp / "runs" / slug
    if "RUNS=a-file" in args:
        runs.parent.mkdir(parents=True, exist_ok=True)
        runs.write_text("a file where the run folder must go")
    mounted = "RUNS=8k-free" in args
    if mounted:
        try:
            mount_nearly_full(runs)
        except (OSError, subprocess.CalledProcessError) as exc:
            return {"case": name, "command": " ".join(args), "exit": "-", "seconds": 0.0, "stderr lines": 0,
                    "message": f"(not run: cannot mount a 64 KiB tmpfs, which needs root: {exc})", "brief intact": "-"}
    cache = next((prepare_cache(tmp / "caches" / slug, a.partition("=")[2]) for a in args if a.startswith("CACHE=")), None)
    stop, racer = threading.Event(), None
    if "RACE=swap" in args:
        outside = tmp / "outside-race.txt"
        outside.write_text(f"{OUTSIDE_MARKER} Lee Jae Myung met Xi Jinping in Beijing on Monday, {OUTSIDE_MARKER}.\n")
        inputs = next(a.partition("=")[2] for a in args if a.startswith("event.inputs="))
        racer = threading.Thread(target=swap_forever, args=(sorted(Path(inputs).glob("*.txt"))[1], outside, stop))
        racer.start()
    signal_name = next((a.partition("=")[2] for a in args if a.startswith("SIGNAL=")), None)
    when = next((a.partition("=")[2] for a in args if a.startswith("WHEN=")), "] - read ")
    markers = [a for a in args if a.split("=")[0] in ("SHARED", "RACE", "RUNS", "SIGNAL", "WHEN", "CACHE", "STATUS")]
    args = [a for a in args if a not in markers]
    env = {k: v for k, v in os.environ.items() if k not in ("HYDRA_FULL_ERROR",)}
    env |= {"HF_HUB_OFFLINE": "1", "SUMMARIZE_SHARED_DIR": str(shared), "SUMMARIZE_RUNS_DIR": str(runs)}
    if cache:
        env["SUMMARIZE_CACHE_DIR"] = str(cache)
    started = time.perf_counter()
    result = run_command(args, env, tmp, signal_name, when)
    seconds = time.perf_counter() - started
    stop.set()
    if racer:
        racer.join()
    if lock:
        lock.close()
    if mounted:
        subprocess.run(["umount", str(runs)], check=True)
    verdict = brief_verdict(shared, before, result.returncode)
    if "STATUS=failure" in markers:
        verdict += f"; {failure_recorded(shared)}"
    if "RUNS=check-multirun" in markers:
        verdict += "; job folders under SUMMARIZE_RUNS_DIR" if list(runs.glob("*/*/0_lee_beijing")) else "; job folders NOT under SUMMARIZE_RUNS_DIR"
    lines = [line for line in result.stderr.splitlines() if line.startswith("summarize:")]
    message = lines[-1] if lines else result.stderr.strip().splitlines()[0] if result.stderr.strip() else ""
    return {
        "case": name,
        "command": "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in " ".join(args) or "(no arguments)").replace(str(tmp), "$TMP"),
        "exit": result.returncode,
        "seconds": seconds,
        "stderr lines": len(result.stderr.strip().splitlines()),
        "message": message.replace(str(tmp), "$TMP").replace(str(ROOT), "$REPO"),
        "brief intact": verdict + index_verdict(shared, "after publishing" in message) + history_verdict(shared, history),
    }


def brief_verdict(shared: Path, before: bytes, exit_code: int) -> str:
    """"yes" when readers find last night's brief, or, after a publish, a complete new one; a brief
    holding text from outside the event's folder or a raw control character is a failure."""
    try:
        now = last_nights_brief(shared)
    except OSError:
        return "NO (missing)"
    text = now.decode("utf-8", "replace")
    if OUTSIDE_MARKER in text:
        return "NO (outside text published)"
    if any(ch in text for ch in UNPUBLISHABLE):
        return "NO (control characters published)"
    if now == before:
        return "yes"
    # A stop signal that came once the brief was out (130, 143) leaves the new brief whole too.
    return "yes (new brief)" if exit_code in (0, 130, 143) and (shared / "lee_beijing" / "brief.md").is_symlink() else "NO"


def index_verdict(shared: Path, stopped_after_publishing: bool = False) -> str:
    """"" when index.html and feed.xml show the brief readers have and only events that published;
    else why not. A run stopped after publishing, before the rewrite, may leave them one brief
    behind: the event's next run brings them up to date, even when it skips."""
    if not (shared / "index.html").is_file():
        return "; NO (index.html missing)"
    try:
        feed = ET.parse(shared / "feed.xml").getroot()
    except (OSError, ET.ParseError):
        return "; NO (feed.xml does not parse)"
    # The event's entry keeps one id across versions; its <updated> is the brief readers have.
    try:
        generated_at = json.loads((shared / "lee_beijing" / "brief.json").read_text(encoding="utf-8"))["generated_at"]
    except (OSError, ValueError, KeyError, TypeError):
        return "; NO (brief.json does not read)"
    updated = {e.findtext(f"{ATOM}id"): e.findtext(f"{ATOM}updated") for e in feed.iter(f"{ATOM}entry")}
    if updated.get("tag:summarize,2026:lee_beijing") != generated_at:
        if stopped_after_publishing:
            return "; the index shows the brief before until the next run"
        return "; NO (the index does not show the brief readers have)"
    listed = re.findall(r'data-event="([^"]+)"', (shared / "index.html").read_text(encoding="utf-8"))
    if never := [e for e in listed if not (shared / e / "current").is_dir()]:
        return f"; NO (the index lists {', '.join(never)}, never published)"
    return ""


def dated_copies(shared: Path) -> set[str]:
    return {p.name for p in (shared / "lee_beijing" / "versions").iterdir()}


def history_verdict(shared: Path, before: set[str]) -> str:
    """Every case keeps far fewer than publish.keep_versions copies: none may be lost."""
    lost = before - dated_copies(shared)
    return f"; NO ({len(lost)} dated copies deleted)" if lost else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="+", metavar="TEXT", help="run only the cases whose name holds one of these")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "empty").mkdir()
        published = tmp / "published"
        env = os.environ | {"SUMMARIZE_SHARED_DIR": str(published), "SUMMARIZE_RUNS_DIR": str(tmp / "runs")}
        subprocess.run([sys.executable, "-m", "summarize", "+event=lee_beijing"], cwd=tmp, env=env, check=True, capture_output=True)
        with ThreadPoolExecutor(args.jobs) as pool:
            chosen = [(name, case) for name, case in cases(tmp) if not args.only or any(text in name for text in args.only)]
            rows = list(pool.map(lambda case: run_case(*case, tmp, published), chosen))
    print("| case | command | exit | seconds | stderr lines | message (stderr) | last night's brief, the index and the dated copies intact |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        message = row["message"].replace("|", "\\|")
        print(
            f"| {row['case']} | `{row['command']}` | {row['exit']} | {row['seconds']:.1f} | {row['stderr lines']} "
            f"| {message} | {row['brief intact']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
