"""The read stage against a racer: an article swapped, over and over, between a regular file and a link
to a file outside the event's folder, while the event is read again and again. The outside text must
never be read, whichever moment each read lands on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from summarize.errors import InputError
from summarize.settings import ReadSettings
from summarize.stages.read import read_articles

INSIDE = "President Lee Jae Myung met President Xi Jinping in Beijing on Monday, officials said."
OUTSIDE = "SECRET-OUTSIDE-TEXT: another event's article, or a system file, that must never be published."
SWAPS = 20_000  # about a second of racing, over which several hundred reads run (200 at least)
MIN_READS = 200

# The racer is a process, as an attacker's would be: a thread would swap only when the reader lets go of
# the GIL, and met the window of the unfixed code in one read of a thousand. Each swap is one atomic
# rename, so the name never goes missing and each read meets the link or the file. The file is a hard link
# to one staged copy, and the link's target is short and relative: ext4 flushes a new file's data to disk
# when it is renamed over another, and a link of over 60 bytes has data, which slows the racer tenfold.
RACER = """
import os, sys
article, secret, staging, swaps = sys.argv[1:]
regular = os.path.join(staging, "inside.txt")
print("ready", flush=True)
for number in range(int(swaps)):
    staged = os.path.join(staging, str(number))
    if number % 2 == 0:
        os.symlink(secret, staged)
    else:
        os.link(regular, staged)
    os.replace(staged, article)
"""


def test_an_article_swapped_with_an_outside_link_never_leaks_the_outside_text(tmp_path):
    event, outside, staging = tmp_path / "event", tmp_path / "elsewhere", tmp_path / "staging"
    for folder in (event, outside, staging):
        folder.mkdir()
    secret = outside / "secret.txt"
    secret.write_text(OUTSIDE)
    (staging / "inside.txt").write_text(INSIDE)
    # The swapped article is read last: the window from the listing's check of its name to its opening
    # then spans the reading of the others.
    for name in ("a", "b", "c", "d", "e", "z"):
        (event / f"{name}.txt").write_text(INSIDE)
    article = event / "z.txt"

    racer = subprocess.Popen(
        [sys.executable, "-c", RACER, str(article), "../elsewhere/secret.txt", str(staging), str(SWAPS)],
        stdout=subprocess.PIPE, text=True,
    )
    assert racer.stdout is not None and racer.stdout.readline() == "ready\n"
    read, refused, leaked = 0, 0, []
    try:
        while racer.poll() is None or read + refused < MIN_READS:
            try:
                articles = read_articles(str(event), {}, ReadSettings())
            except InputError as error:  # the right outcome when a read meets the link
                assert OUTSIDE not in str(error)
                refused += 1
                continue
            read += 1
            leaked += [a.text for a in articles if a.text != INSIDE]
    finally:
        racer.kill()
        racer.wait()

    assert racer.returncode == 0, "the racer failed, so nothing was raced"
    assert not leaked, f"{len(leaked)} of {read} reads took the outside text: {leaked[0]!r}"
    print(f"{read} reads, {refused} refused, over {SWAPS} swaps")
