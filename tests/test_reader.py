"""Reading articles: formats, the date marker, and one-line errors for bad files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kg.reader import InputError, discover, parse_html, parse_jsonl, parse_text, read_path


def test_date_marker_is_removed_and_parsed() -> None:
    doc = parse_text(b" date 2020-10-04 STEPLAND, Ruritania: Shells fell.\n\nMore text.", doc_id="a")
    assert doc.date == dt.date(2020, 10, 4)
    assert doc.text.startswith("STEPLAND, Ruritania")


def test_text_without_marker_keeps_everything() -> None:
    doc = parse_text("A headline\n\nBody text here.", doc_id="b")
    assert doc.date is None
    assert doc.title == "A headline"
    assert doc.text == "A headline\n\nBody text here."


def test_crlf_and_bom_are_normalised() -> None:
    doc = parse_text("\ufeffdate 2021-01-02\r\nLine one.\r\nLine two.".encode(), doc_id="c")
    assert doc.date == dt.date(2021, 1, 2)
    assert doc.text == "Line one.\nLine two."


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty document"),
        (b"   \n\n  ", "empty document"),
        (b" date 2020-10-04   \n", "empty document"),
        (b"\x00\x01\x02binary", "binary"),
        ("caf\u00e9".encode("latin-1"), "not UTF-8"),
        (b"date 2020-13-45 Text", "not a valid"),
    ],
)
def test_bad_text_files_give_one_line_errors(tmp_path: Path, data: bytes, problem: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_path(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    assert problem in message


def test_jsonl_reads_all_fields() -> None:
    line = json.dumps({"id": "x1", "text": "Fighting in Shusha.", "date": "2020-10-08",
                       "url": "https://example.org/a", "outlet": "Example News", "title": "T"})
    (doc,) = parse_jsonl(line + "\n\n")
    assert (doc.doc_id, doc.date, doc.url, doc.outlet, doc.title) == (
        "x1", dt.date(2020, 10, 8), "https://example.org/a", "Example News", "T")


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"id": "a", "text": "ok"}\n{"id": "b"}\n', ":2: missing or empty field(s): text"),
        ('{"text": "no id"}\n', ":1: missing or empty field(s): id"),
        ('{"id": "a", "text": "ok"\n', ":1: invalid JSON"),
        ('["not", "an", "object"]\n', "must be a JSON object"),
        ('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', "duplicate document id"),
        ('{"id": "a", "text": "x", "date": "yesterday"}\n', "not a valid YYYY-MM-DD"),
        ("\n\n", "empty JSONL file"),
    ],
)
def test_bad_jsonl_names_the_line(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "docs.jsonl"
    path.write_text(content)
    with pytest.raises(InputError, match="docs.jsonl") as info:
        read_path(path)
    assert problem in str(info.value)


def test_html_main_text_without_scripts_or_navigation() -> None:
    html = b"""<html><head><title>Site | Story</title>
    <meta property="article:published_time" content="2020-10-05T10:00:00Z">
    <meta property="og:site_name" content="Example Times"></head>
    <body><nav><a>Home</a><a>World</a></nav><script>var x = "<p>no</p>";</script>
    <article><h1>Shelling of Ganja</h1><p>Rockets hit <b>Ganja</b> overnight.</p>
    <p>Officials said four people died.</p></article><footer>Copyright</footer></body></html>"""
    doc = parse_html(html, doc_id="h")
    assert doc.text == "Shelling of Ganja\n\nRockets hit Ganja overnight.\n\nOfficials said four people died."
    assert doc.title == "Shelling of Ganja"
    assert doc.date == dt.date(2020, 10, 5)
    assert doc.outlet == "Example Times"


def test_discover_recurses_and_rejects_unknown_types(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("x")
    (tmp_path / "two.jsonl").write_text("x")
    (tmp_path / "notes.md").write_text("x")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "skip.txt").write_text("x")
    assert [p.name for p in discover([tmp_path])] == ["one.txt", "two.jsonl"]
    with pytest.raises(InputError, match="unsupported file type"):
        discover([tmp_path / "notes.md"])
    with pytest.raises(InputError, match="no such file"):
        discover([tmp_path / "missing.txt"])


@pytest.mark.parametrize(("name", "data", "problem"), [
    ("soup.html", b"<html><body><div><p>unclosed <b>tags <i>everywhere<p>Shelling in <u>Ganja</body>", None),
    ("scripts.html", b"<html><script>only()</script><style>x{}</style></html>", "empty document"),
    ("utf16.txt", "date 2020-10-04 Text".encode("utf-16"), "binary"),
    ("nul.jsonl", b'{"id": "a", "text": "x\x00y"}\n', "binary"),
    ("control.txt", bytes(range(1, 32)) * 50, "non-printable"),
])
def test_bad_input_corpus(tmp_path: Path, name: str, data: bytes, problem: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    if problem is None:  # tag soup is still an article: its text is read
        (doc,) = read_path(path)
        assert "Shelling in Ganja" in doc.text.replace("\n", " ")
        return
    with pytest.raises(InputError) as info:
        read_path(path)
    assert problem in str(info.value) and "\n" not in str(info.value)
