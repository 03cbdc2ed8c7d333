"""The read stage: article files into Article records."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import threading
from pathlib import Path

import pytest

import summarize.stages.read
from summarize.errors import InputError, SummarizeError
from summarize.settings import ReadSettings
from summarize.stages.read import read_articles

BODY = "President Lee Jae Myung met President Xi Jinping in Beijing on Monday, officials said."


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def read(stage_settings):
    """read_articles with the shipped read settings (suffixes, max_bytes), and any overridden."""

    def run(inputs, outlets=None, **overrides):
        return read_articles(str(inputs), outlets or {}, stage_settings("read", **overrides))

    return run


def test_folder_input_reads_every_article_file_in_name_order(tmp_path, read):
    write(tmp_path, "b.txt", "Second article headline goes here\n" + BODY)
    write(tmp_path, "a.md", "First article headline goes here\n" + BODY)
    write(tmp_path, "c.html", "<html><body><article><p>" + BODY + " " + BODY + "</p></article></body></html>")

    articles = read(tmp_path)

    assert [a.id for a in articles] == ["a", "b", "c"]
    assert [Path(a.path).name for a in articles] == ["a.md", "b.txt", "c.html"]
    assert articles[0].paragraphs == ("First article headline goes here", BODY)


def test_suffix_filtering_skips_other_files(tmp_path, read):
    write(tmp_path, "keep.txt", BODY)
    write(tmp_path, "KEEP2.TXT", BODY)  # suffixes are matched case-insensitively
    write(tmp_path, "notes.csv", "text,not an article")
    write(tmp_path, "image.png", "binary")
    write(tmp_path, "README", BODY)
    (tmp_path / "sub.txt").mkdir()  # a folder is not a file, whatever its name

    articles = read(tmp_path)

    assert sorted(a.id for a in articles) == ["KEEP2", "keep"]
    assert [a.id for a in read(tmp_path, suffixes=[".csv"], min_articles=1)] == ["notes"]


def test_glob_input(tmp_path, read):
    write(tmp_path, "001_x.txt", BODY)
    write(tmp_path, "002_y.txt", BODY)
    write(tmp_path, "other.txt", BODY)
    write(tmp_path, "003_z.csv", BODY)

    articles = read(tmp_path / "00*")

    assert [a.id for a in articles] == ["001_x", "002_y"]


def test_date_marker_is_parsed_and_removed(tmp_path, read):
    write(tmp_path, "a.txt", " date 2026-01-04 Left Menu\n\nStrengthening Alliances: South Korea's Mission to China\n\n" + BODY)
    write(tmp_path, "b.txt", "date 2026-01-06\n" + BODY)
    write(tmp_path, "c.txt", BODY + "\nThe date 2026-01-07 was mentioned mid-text.")

    a, b, c = read(tmp_path)

    assert a.date == dt.date(2026, 1, 4)
    assert a.paragraphs[0] == "Left Menu"
    assert not any("date 2026" in p for p in a.paragraphs)
    # A marker alone on its line leaves no empty block behind.
    assert b.date == dt.date(2026, 1, 6)
    assert b.paragraphs == (BODY,)
    # Only a leading marker counts.
    assert c.date is None
    assert c.paragraphs[-1] == "The date 2026-01-07 was mentioned mid-text."


def test_title_is_the_first_headline_shaped_block(tmp_path, read):
    write(tmp_path, "menu.txt", "date 2026-01-04 Left Menu\n\nStrengthening Alliances: South Korea's Diplomatic Mission to China\n\n" + BODY)
    write(tmp_path, "plain.txt", "Xi and Lee pledge to strengthen ties amid rising regional tensions\n\n" + BODY)
    write(tmp_path, "none.txt", BODY + "\n" + BODY + "\nDetails")
    write(tmp_path, "late.txt", BODY + "\n" + BODY + "\n" + BODY + "\nA headline shaped block on the fourth line")

    articles = {a.id: a for a in read(tmp_path)}

    assert articles["menu"].title == "Strengthening Alliances: South Korea's Diplomatic Mission to China"
    assert articles["plain"].title == "Xi and Lee pledge to strengthen ties amid rising regional tensions"
    # Sentences (final stop) and one-word blocks are not headlines.
    assert articles["none"].title is None
    # Only the first three blocks are searched.
    assert articles["late"].title is None


def test_outlet_from_mapping_by_file_name_else_file_stem(tmp_path, read):
    write(tmp_path, "001_abc.txt", BODY)
    write(tmp_path, "002_def.txt", BODY)

    articles = read(tmp_path, {"001_abc.txt": "Devdiscourse", "002_def": "keyed by stem: not used"})

    assert [a.outlet for a in articles] == ["Devdiscourse", "002_def"]
    assert [a.outlet for a in read(tmp_path)] == ["001_abc", "002_def"]


def test_whitespace_is_normalised_and_blank_lines_dropped(tmp_path, read):
    write(tmp_path, "a.txt", "  Lee\u00a0Jae   Myung  arrives in   Beijing for talks \n\n \t \nCafe\u0301 owners in Seoul were pleased.\n")

    (article,) = read(tmp_path, min_articles=1)

    assert article.paragraphs == ("Lee Jae Myung arrives in Beijing for talks", "Caf\u00e9 owners in Seoul were pleased.")


def test_sha256_is_of_the_raw_file_bytes(tmp_path, read):
    path = write(tmp_path, "a.txt", "\ufeff" + BODY, encoding="utf-8")

    (article,) = read(tmp_path, min_articles=1)

    assert article.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert article.paragraphs == (BODY,)  # the byte-order mark is not text


CP1252_ARTICLE = """date 2026-01-05
Lee meets Xi in Beijing as café talks resume
President Lee Jae Myung met President Xi Jinping in Beijing on Monday, officials said.
Former Canadian prime minister Jean Chrétien and Spain's envoy José Peña attended a dinner à la carte.
The leaders promised a “new chapter” in relations – a phrase repeated by both délégations.
"""
LATIN1_ARTICLE = """Lee meets Xi in Beijing as café talks resume
Former Canadian prime minister Jean Chrétien and Spain's envoy José Peña attended a dinner à la carte.
The délégation from Séoul said the talks had gone well, and a communiqué followed on Tuesday.
"""


@pytest.mark.parametrize(
    ("encoding", "text"), [("cp1252", CP1252_ARTICLE), ("latin-1", LATIN1_ARTICLE)], ids=["cp1252", "latin-1"]
)
def test_legacy_encoded_file_is_decoded_when_detect_encoding_is_set(tmp_path, read, encoding, text):
    path = write(tmp_path, "legacy.txt", text, encoding=encoding)
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the test really exercises the fallback

    (article,) = read(tmp_path, detect_encoding=True, min_articles=1)

    expected = [line for line in text.splitlines() if line and not line.startswith("date ")]
    assert list(article.paragraphs) == expected
    assert "Chrétien" in article.text and "à la carte" in article.text


def input_error(read, inputs, **overrides) -> str:
    """The one-line message of the InputError (exit 3) that reading `inputs` raises."""
    with pytest.raises(InputError) as caught:
        read(inputs, **overrides)
    assert isinstance(caught.value, SummarizeError)
    assert caught.value.exit_code == 3
    message = str(caught.value)
    assert message and "\n" not in message, message
    return message


def test_empty_folder_raises_input_error(tmp_path, read):
    (tmp_path / "notes.csv").write_text("{}")
    message = input_error(read, tmp_path)
    assert message == f"no article files (.txt, .md, .html, .htm, .json, .jsonl) found at {tmp_path}"


def test_missing_folder_raises_input_error_naming_event_inputs(tmp_path, read):
    assert input_error(read, tmp_path / "does-not-exist") == f"event.inputs: no folder {tmp_path / 'does-not-exist'}"


def test_glob_whose_folder_is_missing_raises_input_error_naming_the_folder(tmp_path, read):
    message = input_error(read, tmp_path / "no-such-event" / "00*.txt")
    assert message == f"event.inputs: no folder {tmp_path / 'no-such-event'}"


def test_unmatched_glob_raises_input_error(tmp_path, read):
    write(tmp_path, "a.md", BODY)
    assert input_error(read, tmp_path / "*.txt") == f"no article files (.txt, .md, .html, .htm, .json, .jsonl) found at {tmp_path / '*.txt'}"


def test_single_article_is_refused_unless_min_articles_allows_it(tmp_path, read):
    write(tmp_path, "only.txt", BODY)

    message = input_error(read, tmp_path)

    assert message == f"1 article(s) at {tmp_path}: a multi-document brief needs read.min_articles=2"
    assert [a.id for a in read(tmp_path, min_articles=1)] == ["only"]
    write(tmp_path, "second.txt", BODY)
    assert "2 article(s)" in input_error(read, tmp_path, min_articles=3)


@pytest.mark.parametrize("content", [b"", b" \n\t\r\n  \n"], ids=["zero-bytes", "whitespace-only"])
def test_empty_file_raises_input_error(tmp_path, read, content):
    write(tmp_path, "fine.txt", BODY)
    (tmp_path / "hollow.txt").write_bytes(content)

    assert input_error(read, tmp_path) == f"{tmp_path / 'hollow.txt'}: empty file"


def test_binary_file_raises_input_error(tmp_path, read):
    write(tmp_path, "fine.txt", BODY)
    # A PNG saved under an article's name: its header holds NUL bytes.
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)))

    message = input_error(read, tmp_path)

    assert message.startswith(f"{tmp_path / 'photo.txt'}: binary file")
    assert "detect_encoding" not in message  # its NULs do not fall like UTF-16's


def test_a_single_nul_byte_gives_no_utf16_hint(tmp_path, read):
    write(tmp_path, "fine.txt", BODY)
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)))  # one NUL, at an even offset

    assert "detect_encoding" not in input_error(read, tmp_path)


def test_non_utf8_file_is_refused_by_default_naming_the_byte_and_the_setting(tmp_path, read):
    write(tmp_path, "fine.txt", BODY)
    path = write(tmp_path, "legacy.txt", CP1252_ARTICLE, encoding="cp1252")
    offset = next(i for i, byte in enumerate(path.read_bytes()) if byte >= 0x80)  # the "é" of "café"

    message = input_error(read, tmp_path)

    assert message.startswith(f"{path}: not UTF-8 (byte 0x{path.read_bytes()[offset]:02x} at offset {offset})")
    assert "0xe9" in message
    assert "read.detect_encoding=true" in message
    # The settings' own default refuses too, not only the shipped config.
    with pytest.raises(InputError):
        read_articles(str(tmp_path), {}, ReadSettings())


def test_file_over_max_bytes_raises_input_error(tmp_path, read):
    write(tmp_path, "small.txt", BODY)
    write(tmp_path, "big.txt", BODY * 20)
    size = len((BODY * 20).encode())

    with pytest.raises(InputError) as caught:
        read(tmp_path, max_bytes=size - 1)
    assert caught.value.exit_code == 3
    assert str(caught.value) == f"{tmp_path / 'big.txt'}: {size} bytes, over the read.max_bytes cap of {size - 1}"
    # At the cap itself the file is read.
    assert len(read(tmp_path, max_bytes=size)) == 2


def test_unreadable_file_raises_input_error(tmp_path, read, monkeypatch):
    """README, exit 3: 'an unreadable or oversized file'."""
    write(tmp_path, "fine.txt", BODY)
    locked = write(tmp_path, "locked.txt", BODY)
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):  # chmod cannot lock root, who runs the tests here
        if Path(path).name == "locked.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    assert input_error(read, tmp_path) == f"{locked}: Permission denied"


HTML = """<!DOCTYPE html><html><head><title>Lee meets Xi in Beijing</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news menu</a></li>
<li><a href="/login">Sign in to your account</a></li></ul></nav>
<article>
<h1>Lee meets Xi in Beijing for summit talks</h1>
<p>South Korean President Lee Jae Myung met Chinese President Xi Jinping at the Great Hall of the People in Beijing on Monday, the first visit by a South Korean leader to China in six years.</p>
<p>The two leaders signed agreements on trade, technology and the environment, and pledged to work together for peace on the Korean Peninsula, officials in Seoul said.</p>
<p>More than 200 business leaders, including executives from Samsung and Hyundai, travelled with the president on the four-day state visit.</p>
</article>
<footer><p>Copyright 2026 Example News Corporation. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>"""


def test_html_goes_through_trafilatura(tmp_path, read):
    write(tmp_path, "page.html", HTML)

    (article,) = read(tmp_path, min_articles=1)

    assert (
        "The two leaders signed agreements on trade, technology and the environment, and pledged to work "
        "together for peace on the Korean Peninsula, officials in Seoul said."
    ) in article.paragraphs
    assert any(p.startswith("South Korean President Lee Jae Myung met Chinese President Xi") for p in article.paragraphs)
    text = article.text
    for chrome in ("World news menu", "Sign in to your account", "Copyright", "All rights reserved", "Privacy policy", "<p>", "href"):
        assert chrome not in text
    assert article.sha256 == hashlib.sha256(HTML.encode()).hexdigest()


def test_html_without_article_text_raises_input_error(tmp_path, read):
    write(tmp_path, "empty.htm", "<html><head><title>t</title></head><body><script>var x = 1;</script></body></html>")
    with pytest.raises(InputError) as caught:
        read(tmp_path, min_articles=1)
    assert str(caught.value) == f"{tmp_path / 'empty.htm'}: no article text found in the HTML"


def link(path: Path, target: Path | str) -> Path:
    path.symlink_to(target)
    return path


@pytest.mark.parametrize("kind", ["absolute", "relative", "glob-input"])
def test_link_to_a_file_outside_the_event_folder_is_refused(tmp_path, read, kind):
    event, outside = tmp_path / "event", tmp_path / "elsewhere"
    event.mkdir()
    outside.mkdir()
    secret = write(outside, "secret.txt", "Another event's article, or a system file, that must not be read.")
    write(event, "a.txt", BODY)
    target = secret if kind != "relative" else Path("..") / "elsewhere" / "secret.txt"
    bad = link(event / "b.txt", target)

    message = input_error(read, event / "*.txt" if kind == "glob-input" else event)

    assert message == f"{bad}: a link to {secret.resolve()}, outside the event's folder {event}"


def test_link_to_a_system_file_is_refused(tmp_path, read):
    write(tmp_path, "a.txt", BODY)
    bad = link(tmp_path / "passwd.txt", "/etc/passwd")

    message = input_error(read, tmp_path)

    assert message.startswith(f"{bad}: a link to /")
    assert message.endswith(f"outside the event's folder {tmp_path}")


def test_link_inside_the_event_folder_is_read(tmp_path, read):
    (tmp_path / "archive").mkdir()
    real = write(tmp_path / "archive", "real.txt", "Linked article headline goes here\n" + BODY)
    write(tmp_path, "a.txt", BODY)
    link(tmp_path / "b.txt", Path("archive") / "real.txt")
    link(tmp_path / "c.txt", tmp_path / "a.txt")  # an absolute link that stays inside

    articles = read(tmp_path)

    assert [a.id for a in articles] == ["a", "b", "c"]
    assert articles[1].path == str(tmp_path / "b.txt")
    assert articles[1].paragraphs == ("Linked article headline goes here", BODY)
    assert articles[1].sha256 == hashlib.sha256(real.read_bytes()).hexdigest()
    assert articles[2].paragraphs == (BODY,)


def test_dangling_link_is_refused(tmp_path, read):
    write(tmp_path, "a.txt", BODY)
    bad = link(tmp_path / "b.txt", "gone.txt")

    message = input_error(read, tmp_path)

    assert message == f"{bad}: a link that leads to no file (No such file or directory)"


def test_link_to_a_folder_is_refused(tmp_path, read):
    write(tmp_path, "a.txt", BODY)
    (tmp_path / "sub").mkdir()
    bad = link(tmp_path / "b.txt", "sub")

    assert input_error(read, tmp_path) == f"{bad}: a link to {tmp_path.resolve() / 'sub'}, which is not a file"


def test_link_loop_is_refused(tmp_path, read):
    write(tmp_path, "a.txt", BODY)
    link(tmp_path / "b.txt", "c.txt")
    link(tmp_path / "c.txt", "b.txt")

    assert "a link that leads to no file" in input_error(read, tmp_path)


def test_linked_subfolder_reached_by_a_glob_is_refused(tmp_path, read):
    """A glob over subfolders must not follow a subfolder link out of the event's folder."""
    event, elsewhere = tmp_path / "event", tmp_path / "elsewhere"
    (event / "day1").mkdir(parents=True)
    elsewhere.mkdir()
    write(event / "day1", "a.txt", BODY)
    outside = write(elsewhere, "secret.txt", BODY)
    link(event / "day2", elsewhere)

    message = input_error(read, f"{event}/*/*.txt")
    assert message == f"{event / 'day2' / 'secret.txt'}: a link to {outside.resolve()}, outside the event's folder {event}"


@pytest.mark.parametrize(
    "content", ["\ufeff", "\u00a0\u2003\n\u3000", "date 2026-01-05\n"], ids=["bom-only", "unicode-spaces", "date-line-only"]
)
def test_file_without_text_is_refused(tmp_path, read, content):
    write(tmp_path, "a.txt", BODY)
    empty = write(tmp_path, "b.txt", content)

    assert input_error(read, tmp_path) == f"{empty}: no text in the file"


def test_a_single_file_as_inputs_is_read(tmp_path, read):
    article = write(tmp_path, "a.txt", BODY)

    (only,) = read(str(article), min_articles=1)
    assert only.paragraphs == (BODY,)


def test_empty_inputs_is_refused_rather_than_reading_the_working_folder(tmp_path, read, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "b.txt", BODY)

    assert input_error(read, "").startswith("event.inputs is empty")




# --- A link swapped in between the listing's checks and the reading (red-team hole 1) -------------------


def replace_atomically(path: Path, make_new) -> None:
    """`make_new(staged)` builds the replacement beside `path`, then one rename swaps it in, as an
    attacker would: the name never goes missing."""
    staged = path.with_name(path.name + ".staged")
    make_new(staged)
    os.replace(staged, path)


def swap_after_listing(monkeypatch, swap) -> None:
    """Runs `swap()` right after `find_article_files` has checked the names: the window a racer aims for."""
    list_and_check = summarize.stages.read.find_article_files

    def listed_then_swapped(*args):
        files = list_and_check(*args)
        swap()
        return files

    monkeypatch.setattr(summarize.stages.read, "find_article_files", listed_then_swapped)


@pytest.fixture(params=["proc", "no-proc"])
def fd_paths(request, monkeypatch):
    """Runs a test with Linux's /proc/self/fd, then as on a system without it (the inode check)."""
    if request.param == "no-proc":
        real_readlink = os.readlink

        def readlink(path, *args, **kwargs):
            if str(path).startswith("/proc/self/fd/"):
                raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path))
            return real_readlink(path, *args, **kwargs)

        monkeypatch.setattr(os, "readlink", readlink)
    return request.param


def test_file_swapped_for_an_outside_link_after_the_listing_is_refused(tmp_path, read, monkeypatch, fd_paths):
    event, outside = tmp_path / "event", tmp_path / "elsewhere"
    event.mkdir()
    outside.mkdir()
    secret = write(outside, "secret.txt", "SECRET text of another event that must never be published.")
    write(event, "a.txt", BODY)
    article = write(event, "b.txt", BODY)
    swap_after_listing(monkeypatch, lambda: replace_atomically(article, lambda new: new.symlink_to(secret)))

    assert input_error(read, event) == f"{article}: a link to {secret.resolve()}, outside the event's folder {event}"


def test_subfolder_swapped_for_an_outside_link_after_the_listing_is_refused(tmp_path, read, monkeypatch, fd_paths):
    event, outside = tmp_path / "event", tmp_path / "elsewhere"
    (event / "day1").mkdir(parents=True)
    outside.mkdir()
    for name in ("a.txt", "b.txt"):
        write(event / "day1", name, BODY)
        write(outside, name, "SECRET text of another event that must never be published.")

    def swap_folder():
        (event / "day1").rename(event / "day1.old")
        (event / "day1").symlink_to(outside)

    swap_after_listing(monkeypatch, swap_folder)

    message = input_error(read, f"{event}/*/*.txt")
    assert message == f"{event / 'day1' / 'a.txt'}: a link to {outside.resolve() / 'a.txt'}, outside the event's folder {event}"


def test_named_pipe_in_the_folder_is_skipped(tmp_path, read):
    write(tmp_path, "a.txt", BODY)
    write(tmp_path, "b.txt", BODY)
    os.mkfifo(tmp_path / "pipe.txt")

    assert [a.id for a in read(tmp_path)] == ["a", "b"]


def test_named_pipe_swapped_in_after_the_listing_is_refused_without_waiting(tmp_path, read, monkeypatch):
    write(tmp_path, "a.txt", BODY)
    article = write(tmp_path, "b.txt", BODY)
    swap_after_listing(monkeypatch, lambda: replace_atomically(article, os.mkfifo))
    outcome: list[BaseException | None] = []

    def read_and_record():
        try:
            read(tmp_path)
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001  (the test looks at it below)
            outcome.append(error)

    reader = threading.Thread(target=read_and_record, daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():  # blocked on the pipe: a writer that closes at once releases it
        os.close(os.open(article, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=5)
        pytest.fail("reading waited on a named pipe")
    (error,) = outcome
    assert isinstance(error, InputError)
    assert str(error) == f"{article}: not a regular file (a folder, a named pipe or a device)"


def test_links_inside_the_event_folder_are_read_without_proc(tmp_path, read, fd_paths):
    (tmp_path / "archive").mkdir()
    write(tmp_path / "archive", "real.txt", BODY)
    write(tmp_path, "a.txt", BODY)
    link(tmp_path / "b.txt", Path("archive") / "real.txt")

    assert [a.paragraphs for a in read(tmp_path)] == [(BODY,), (BODY,)]


# --- Control and invisible format characters (red-team hole 2) -----------------------------------------


def test_terminal_escapes_c1_controls_bidi_and_zero_width_characters_are_removed(tmp_path, read):
    write(
        tmp_path, "a.txt",
        "Lee \u202eni gnijieB\u202c meets Xi\u200b for talks\n"
        "\x1b[2J\x1bcPresident Lee\u0080\u009b met \u2066Xi\u2069 Jinping\u200e\u200f\u061c in\u2060 Beijing"
        "\ufeff on\u200d Monday,\x07 officials\x7f said.\n",
    )
    write(tmp_path, "b\x1b[31m.txt", BODY)  # a file name is the outlet when event.outlets does not name it

    a, b = read(tmp_path)

    assert a.title == "Lee ni gnijieB meets Xi for talks"
    assert a.paragraphs == (a.title, "[2JcPresident Lee met Xi Jinping in Beijing on Monday, officials said.")
    assert b.outlet == "b[31m"


def test_text_in_other_scripts_and_emoji_is_kept(tmp_path, read):
    text = (
        "이재명 대통령과 시진핑 주석이 베이징에서 회담했다\n"
        "习近平主席在北京会见了李在明总统。\n"
        "Jean Chrétien, José Peña and Zoë Ørsted attended; “new chapter” – said délégations.\n"
        "Leaders smiled 🇰🇷🇨🇳 ❤️ 👍🏽 and then\tleft.\n"
        "مرحبا بالعالم and नमस्ते दुनिया too.\n"
    )
    write(tmp_path, "a.txt", text)

    (article,) = read(tmp_path, min_articles=1)

    assert article.paragraphs == tuple(text.replace("\t", " ").splitlines())


def test_zero_width_joiner_in_an_emoji_sequence_is_dropped(tmp_path, read):
    """Documented cost of the rule: a family emoji becomes its three people, still readable."""
    write(tmp_path, "a.txt", "The family \U0001F468\u200d\U0001F469\u200d\U0001F467 waved.")

    (article,) = read(tmp_path, min_articles=1)

    assert article.paragraphs == ("The family \U0001F468\U0001F469\U0001F467 waved.",)


# --- Byte-order marks (red-team hole 3) ----------------------------------------------------------------

KOREAN = "이재명 대통령과 시진핑 주석이 베이징에서 회담했다"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_file_with_a_byte_order_mark_is_read_without_detect_encoding(tmp_path, read, encoding):
    write(tmp_path, "a.txt", BODY)
    # Python writes the mark only for "utf-16" and "utf-32"; the others get it by hand.
    path = write(tmp_path, "b.txt", ("" if encoding in ("utf-16", "utf-32") else "\ufeff") + KOREAN + "\n" + BODY, encoding)

    a, b = read(tmp_path)

    assert b.paragraphs == (KOREAN, BODY)
    assert b.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_broken_utf16_after_its_byte_order_mark_is_refused(tmp_path, read):
    write(tmp_path, "a.txt", BODY)
    broken = tmp_path / "b.txt"
    broken.write_bytes(("\ufeff" + BODY).encode("utf-16-le") + b"\x00")  # an odd byte count

    assert input_error(read, tmp_path).startswith(f"{broken}: not valid UTF-16 despite its byte-order mark (truncated data")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_binary_and_the_message_names_detect_encoding(tmp_path, read, encoding):
    write(tmp_path, "a.txt", BODY)
    path = write(tmp_path, "b.txt", BODY, encoding=encoding)

    message = input_error(read, tmp_path)

    assert message == (
        f"{path}: binary file (NUL bytes), not article text; "
        "if it is UTF-16 without a byte-order mark, set read.detect_encoding=true"
    )
    assert [a.paragraphs for a in read(tmp_path, detect_encoding=True)] == [(BODY,), (BODY,)]


# --- Article metadata: news-please and trafilatura JSON, JSON Lines, header lines (issue 24) -------------

SECOND = "The two leaders signed fifteen agreements on trade, technology and the environment on Tuesday."


def news_please(**fields) -> str:
    """An article as news-please writes it (its fields, with invented values), `fields` overriding them."""
    record = {
        "url": "https://news.example.org/world/lee-xi-summit",
        "title": "Lee and Xi meet in Beijing",
        "date_publish": "2026-01-05 09:30:00",
        "source_domain": "news.example.org",
        "maintext": BODY + "\n\n" + SECOND,
        "language": "en",
    }
    return json.dumps(record | fields, ensure_ascii=False)


def trafilatura_json(**fields) -> str:
    """An article as trafilatura's JSON output writes it, `fields` overriding its values."""
    record = {
        "url": "https://daily.example.com/2026/01/06/summit",
        "title": "Summit ends with fifteen agreements",
        "date": "2026-01-06",
        "hostname": "daily.example.com",
        "text": SECOND + "\n" + BODY,
    }
    return json.dumps(record | fields)


def test_news_please_and_trafilatura_json_give_text_title_date_url_and_outlet(tmp_path, read):
    write(tmp_path, "np.json", news_please())
    write(tmp_path, "tf.json", trafilatura_json())

    np_article, tf_article = read(tmp_path)

    assert np_article.paragraphs == (BODY, SECOND)
    assert (np_article.id, np_article.title, np_article.date) == ("np", "Lee and Xi meet in Beijing", dt.date(2026, 1, 5))
    assert (np_article.url, np_article.outlet) == ("https://news.example.org/world/lee-xi-summit", "news.example.org")
    assert tf_article.paragraphs == (SECOND, BODY)
    assert (tf_article.title, tf_article.date) == ("Summit ends with fifteen agreements", dt.date(2026, 1, 6))
    assert (tf_article.url, tf_article.outlet) == ("https://daily.example.com/2026/01/06/summit", "daily.example.com")
    assert [a.file_name for a in (np_article, tf_article)] == ["np.json", "tf.json"]


def test_json_without_metadata_falls_back_to_the_headline_and_the_file_name(tmp_path, read):
    write(tmp_path, "bare.json", json.dumps({"text": "Lee and Xi meet in Beijing\n" + BODY, "title": None, "date": "unknown"}))

    (article,) = read(tmp_path, min_articles=1)

    assert (article.outlet, article.title, article.date, article.url) == ("bare", "Lee and Xi meet in Beijing", None, None)


def test_a_json_lines_file_holds_one_article_per_line_each_with_its_own_id(tmp_path, read):
    lines = [news_please(), "", trafilatura_json(), news_please(source_domain=None, url=None)]
    write(tmp_path, "feed.jsonl", "\n".join(lines) + "\n")

    articles = read(tmp_path)  # one file is enough: it holds three articles

    assert [a.id for a in articles] == ["feed:1", "feed:3", "feed:4"]
    assert [a.outlet for a in articles] == ["news.example.org", "daily.example.com", "feed:4"]
    assert [a.url for a in articles] == ["https://news.example.org/world/lee-xi-summit", "https://daily.example.com/2026/01/06/summit", None]
    assert {a.file_name for a in articles} == {"feed.jsonl"}


def test_outlet_comes_from_the_config_then_the_metadata_then_the_file_name(tmp_path, read):
    write(tmp_path, "a.json", news_please())
    write(tmp_path, "b.json", trafilatura_json())
    write(tmp_path, "c.txt", BODY)

    articles = read(tmp_path, {"a.json": "Example News"})

    assert [a.outlet for a in articles] == ["Example News", "daily.example.com", "c"]


def test_text_file_header_lines_give_title_date_url_and_outlet(tmp_path, read):
    write(
        tmp_path, "a.txt",
        "title: Lee and Xi meet in Beijing\nDate: 2026-01-05\nurl: https://news.example.org/a\noutlet: Example News\n\n"
        "Menu\n" + BODY,
    )
    write(tmp_path, "b.txt", "date: soon, officials said\n" + BODY)  # not a date: text, and the header ends

    a, b = read(tmp_path)

    assert (a.title, a.date, a.url, a.outlet) == ("Lee and Xi meet in Beijing", dt.date(2026, 1, 5), "https://news.example.org/a", "Example News")
    assert a.paragraphs == ("Menu", BODY)
    assert (b.date, b.paragraphs) == (None, ("date: soon, officials said", BODY))
    # The event's own name for the file still comes first.
    assert read(tmp_path, {"a.txt": "Configured"})[0].outlet == "Configured"


def test_a_date_line_after_the_headline_gives_the_date(tmp_path, read):
    write(tmp_path, "a.txt", "Lee and Xi meet in Beijing\ndate 2026-01-05\n" + BODY)
    write(tmp_path, "b.txt", BODY + "\ndate 2026-01-07\n" + SECOND)  # after a sentence, not a headline: text

    a, b = read(tmp_path)

    assert (a.date, a.title, a.paragraphs) == (dt.date(2026, 1, 5), "Lee and Xi meet in Beijing", ("Lee and Xi meet in Beijing", BODY))
    assert (b.date, b.paragraphs) == (None, (BODY, "date 2026-01-07", SECOND))


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
     "/world/summit", "../secret.html", "//evil.example/x", "file:///etc/passwd", "https:evil.example", "http://[::1", ""],
)
def test_only_http_and_https_urls_are_kept(tmp_path, read, url):
    write(tmp_path, "a.json", news_please(url=url))
    write(tmp_path, "b.txt", f"url: {url}\n" + BODY)

    assert [a.url for a in read(tmp_path)] == [None, None]


def test_http_and_https_urls_are_kept_as_written(tmp_path, read):
    write(tmp_path, "a.json", news_please(url="HTTP://News.Example.org/a?b=1&c=2#top"))
    write(tmp_path, "b.txt", "url: https://daily.example.com/x(1)\n" + BODY)

    assert [a.url for a in read(tmp_path)] == ["HTTP://News.Example.org/a?b=1&c=2#top", "https://daily.example.com/x(1)"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.json", '{"text": "x",\n "title": }', "a.json: not JSON (Expecting value at line 2, column 11)"),
        ("a.jsonl", news_please() + '\n{"text": "x" "title": "y"}\n', "a.jsonl: line 2: not JSON (Expecting ',' delimiter at column 14)"),
        ("a.jsonl", news_please() + "\n[1, 2]\n", "a.jsonl: line 2: a JSON list, not an object holding one article"),
        ("a.json", news_please(title=["a", "list"]), "a.json: 'title' is a list, not a string"),
        ("a.json", json.dumps({"title": "No text here at all"}), "a.json: no article text (no 'maintext' or 'text' field)"),
        ("a.json", "[" * 100_000 + "]" * 100_000, "a.json: not JSON this program reads (nested too deeply)"),
    ],
    ids=["broken-json", "broken-line", "not-an-object", "field-not-a-string", "no-text", "nested-too-deeply"],
)
def test_malformed_json_is_an_input_error_naming_the_file_and_line(tmp_path, read, name, content, message):
    write(tmp_path, "fine.txt", BODY)
    write(tmp_path, name, content)

    assert input_error(read, tmp_path) == f"{tmp_path}/{message}"


def test_json_files_are_held_to_the_size_cap_encoding_and_folder_checks(tmp_path, read):
    event, outside = tmp_path / "event", tmp_path / "elsewhere"
    event.mkdir()
    outside.mkdir()
    write(event, "fine.txt", BODY)
    big = write(event, "big.jsonl", news_please() + "\n" + news_please() + "\n")
    assert input_error(read, event, max_bytes=big.stat().st_size - 1).startswith(f"{big}: {big.stat().st_size} bytes, over")
    big.unlink()
    legacy = write(event, "legacy.json", news_please(maintext="Café talks resumed in Séoul on Monday."), encoding="cp1252")
    assert input_error(read, event).startswith(f"{legacy}: not UTF-8")
    legacy.unlink()
    secret = write(outside, "secret.json", news_please())
    bad = link(event / "b.json", secret)
    assert input_error(read, event) == f"{bad}: a link to {secret.resolve()}, outside the event's folder {event}"


def test_file_name_is_relative_to_the_event_folder(tmp_path, read):
    (tmp_path / "day1").mkdir()
    write(tmp_path / "day1", "a.json", news_please())
    write(tmp_path / "day1", "feed.jsonl", trafilatura_json())

    articles = read(f"{tmp_path}/*/*")

    assert [a.file_name for a in articles] == ["day1/a.json", "day1/feed.jsonl"]
    assert [a.path for a in articles] == [str(tmp_path / "day1" / "a.json"), str(tmp_path / "day1" / "feed.jsonl")]
