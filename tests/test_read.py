"""Stage 1: reading article files into Article records."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
from pathlib import Path

import pytest

from summarize.errors import InputError, SummarizeError
from summarize.read import read_articles

BODY = "President Lee Jae Myung met President Xi Jinping in Beijing on Monday, officials said."


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def read(stage_params):
    """read_articles with the shipped read parameters (suffixes, max_bytes)."""
    params = stage_params("read")

    def run(inputs, outlets=None, **overrides):
        return read_articles(str(inputs), outlets, **{**params, **overrides})

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
    write(tmp_path, "notes.json", '{"text": "not an article"}')
    write(tmp_path, "image.png", "binary")
    write(tmp_path, "README", BODY)
    (tmp_path / "sub.txt").mkdir()  # a folder is not a file, whatever its name

    articles = read(tmp_path)

    assert sorted(a.id for a in articles) == ["KEEP2", "keep"]
    assert [a.id for a in read(tmp_path, suffixes=[".json"])] == ["notes"]


def test_glob_input(tmp_path, read):
    write(tmp_path, "001_x.txt", BODY)
    write(tmp_path, "002_y.txt", BODY)
    write(tmp_path, "other.txt", BODY)
    write(tmp_path, "003_z.json", BODY)

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

    (article,) = read(tmp_path)

    assert article.paragraphs == ("Lee Jae Myung arrives in Beijing for talks", "Caf\u00e9 owners in Seoul were pleased.")


def test_sha256_is_of_the_raw_file_bytes(tmp_path, read):
    path = write(tmp_path, "a.txt", "\ufeff" + BODY, encoding="utf-8")

    (article,) = read(tmp_path)

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
def test_legacy_encoded_file_is_decoded(tmp_path, read, encoding, text):
    path = write(tmp_path, "legacy.txt", text, encoding=encoding)
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the test really exercises the fallback

    (article,) = read(tmp_path)

    expected = [line for line in text.splitlines() if line and not line.startswith("date ")]
    assert list(article.paragraphs) == expected
    assert "Chrétien" in article.text and "à la carte" in article.text


def test_empty_folder_raises_input_error(tmp_path, read):
    (tmp_path / "notes.json").write_text("{}")
    with pytest.raises(InputError) as caught:
        read(tmp_path)
    assert caught.value.exit_code == 3
    assert isinstance(caught.value, SummarizeError)
    assert str(tmp_path) in str(caught.value)


def test_missing_folder_or_unmatched_glob_raises_input_error(tmp_path, read):
    with pytest.raises(InputError):
        read(tmp_path / "does-not-exist")
    with pytest.raises(InputError):
        read(tmp_path / "*.txt")


def test_file_over_max_bytes_raises_input_error(tmp_path, read):
    write(tmp_path, "small.txt", BODY)
    write(tmp_path, "big.txt", BODY * 20)
    size = len((BODY * 20).encode())

    with pytest.raises(InputError) as caught:
        read(tmp_path, max_bytes=size - 1)
    assert caught.value.exit_code == 3
    assert "big.txt" in str(caught.value)
    # At the cap itself the file is read.
    assert len(read(tmp_path, max_bytes=size)) == 2


def test_unreadable_file_raises_input_error(tmp_path, read, monkeypatch):
    """README, exit 3: 'an unreadable or oversized file'."""
    write(tmp_path, "fine.txt", BODY)
    write(tmp_path, "locked.txt", BODY)
    real_read_bytes = Path.read_bytes

    def read_bytes(self):
        if self.name == "locked.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(InputError) as caught:
        read(tmp_path)
    assert caught.value.exit_code == 3
    assert "locked.txt" in str(caught.value)


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

    (article,) = read(tmp_path)

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
    with pytest.raises(InputError):
        read(tmp_path)
