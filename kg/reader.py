"""Read news articles from disk: ``.txt``, ``.jsonl``, ``.html`` files and folders of them.

Called by the command line and the HTTP API before anything touches the store, so a bad
file is rejected whole, with one line naming it and the problem (:class:`InputError`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.model import SourceDocument

__all__ = [
    "SUFFIXES",
    "InputError",
    "discover",
    "iter_path",
    "parse_html",
    "parse_jsonl",
    "parse_text",
    "read_path",
]

SUFFIXES = (".txt", ".jsonl", ".html", ".htm")
MAX_BYTES = 20 * 1024 * 1024  # one article file; JSONL files may hold many
MAX_JSONL_BYTES = 2 * 1024 * 1024 * 1024
_DATE_MARKER = re.compile(r"\A\s*date[ \t]+(\d{4}-\d{2}-\d{2})(?![\w-])[ \t]*\n?[ \t]*")
_DOC_ID = re.compile(r"\A[^\x00-\x1f/\\]{1,200}\Z")


class InputError(ValueError):
    """A document that cannot be read; ``str()`` is one line naming the file and the problem."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """The input files under ``paths`` (folders recursively), sorted, without duplicates."""
    found: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                         and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                raise InputError(path, f"unsupported file type {path.suffix or '(none)'!r}; "
                                       f"expected one of {', '.join(SUFFIXES)}")
            found.add(path)
        else:
            raise InputError(path, "no such file or folder")
    return sorted(found)


def read_path(path: str | Path) -> list[SourceDocument]:
    """Every document in one file. Raises :class:`InputError` for anything unreadable."""
    return list(iter_path(path))


def iter_path(path: str | Path) -> Iterator[SourceDocument]:
    """The documents of one file, one at a time: a JSONL file is read line by line, so memory
    stays flat however many articles it holds. Raises :class:`InputError` for anything unreadable
    (for JSONL, possibly after earlier lines were yielded)."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        limit = MAX_JSONL_BYTES if suffix == ".jsonl" else MAX_BYTES
        if size > limit:
            raise InputError(path, f"file is {size} bytes, more than the {limit} allowed")
        if suffix == ".jsonl":
            yield from _jsonl_records(_jsonl_lines(path), str(path))
            return
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, exc.strerror or "cannot be read") from exc
    if suffix in (".html", ".htm"):
        yield parse_html(data, doc_id=path.stem, path=str(path))
    elif suffix == ".txt":
        yield parse_text(data, doc_id=path.stem, path=str(path))
    else:
        raise InputError(path, f"unsupported file type {suffix or '(none)'!r}")


def _decode(data: bytes, path: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(path, "looks binary (contains NUL bytes), not a text article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not UTF-8 text (bad byte at offset {exc.start}); "
                               "convert it with iconv -t UTF-8") from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_id(doc_id: str, path: str) -> str:
    doc_id = doc_id.strip()
    if not _DOC_ID.match(doc_id):
        raise InputError(path, f"bad document id {doc_id!r}: 1-200 characters, no slashes or control characters")
    return doc_id


def _parse_date(value: object, path: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InputError(path, f"date {value!r} is not a YYYY-MM-DD string")
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError as exc:
        raise InputError(path, f"date {value!r} is not a valid YYYY-MM-DD date") from exc


def _title_from_text(text: str) -> str | None:
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    if not first:
        return None
    if len(first) <= 150 and not first.endswith((".", "”", '"')):
        return first
    words = first.split()
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    if len(sentence) <= 150:
        return sentence
    return " ".join(words[:16]) + "…"


def _check_text(text: str, path: str) -> str:
    if not text.strip():
        raise InputError(path, "empty document: no text after the header")
    printable = sum(1 for c in text[:4096] if c.isprintable() or c in "\n\t")
    if printable < 0.9 * min(len(text), 4096):
        raise InputError(path, "mostly non-printable characters: not a text article")
    return text


def parse_text(data: bytes | str, *, doc_id: str, path: str = "<text>") -> SourceDocument:
    """A plain-text article with an optional leading ``date YYYY-MM-DD`` marker."""
    text = _decode(data, path) if isinstance(data, bytes) else data.replace("\r\n", "\n")
    date = None
    marker = _DATE_MARKER.match(text)
    if marker:
        date = _parse_date(marker.group(1), path)
        text = text[marker.end():]
    text = _check_text(text, path)
    return SourceDocument(doc_id=_check_id(doc_id, path), text=text, path=path,
                          title=_title_from_text(text), date=date)


def parse_jsonl(data: bytes | str, *, path: str = "<jsonl>") -> list[SourceDocument]:
    """One article per line: ``{"id", "text", "date", "url", "outlet", "title"}``; id and text required."""
    text = _decode(data, path) if isinstance(data, bytes) else data
    return list(_jsonl_records(enumerate(text.split("\n"), start=1), path))


def _jsonl_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Numbered, decoded lines of a JSONL file, read one at a time (a file may hold 100k articles)."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if b"\x00" in raw:
                raise InputError(f"{path}:{number}", "looks binary (contains NUL bytes), not JSON text")
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}:{number}", f"is not UTF-8 text (bad byte at offset {exc.start}); "
                                                    "convert it with iconv -t UTF-8") from exc
            yield number, line.rstrip("\r\n")


def _jsonl_records(lines: Iterable[tuple[int, str]], path: str) -> Iterator[SourceDocument]:
    seen: set[str] = set()
    for number, line in lines:
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(where, f"invalid JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(record, dict):
            raise InputError(where, "each line must be a JSON object")
        missing = [k for k in ("id", "text") if not isinstance(record.get(k), str | int) or record.get(k) == ""]
        if missing:
            raise InputError(where, f"missing or empty field(s): {', '.join(missing)}")
        if not isinstance(record["text"], str):
            raise InputError(where, "field 'text' must be a string")
        doc_id = _check_id(str(record["id"]), where)
        if doc_id in seen:
            raise InputError(where, f"duplicate document id {doc_id!r}")
        seen.add(doc_id)
        body = _check_text(record["text"].replace("\r\n", "\n"), where)
        for key in ("url", "outlet", "title"):
            if record.get(key) is not None and not isinstance(record[key], str):
                raise InputError(where, f"field {key!r} must be a string")
        yield SourceDocument(
            doc_id=doc_id, text=body, path=where,
            title=(record.get("title") or None) or _title_from_text(body),
            date=_parse_date(record.get("date"), where),
            url=record.get("url") or None, outlet=record.get("outlet") or None,
        )
    if not seen:
        raise InputError(path, "empty JSONL file: no documents")


_BLOCKS = ("p", "h1", "h2", "h3", "h4", "li", "blockquote", "pre")
_NOISE = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
          "button", "figure")


def parse_html(data: bytes | str, *, doc_id: str, path: str = "<html>") -> SourceDocument:
    """The main text of an HTML page: paragraphs of ``<article>`` (or ``<main>``/``<body>``)."""
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    raw = _decode(data, path) if isinstance(data, bytes) else data
    tree = HTMLParser(raw)
    meta = {}
    for node in tree.css("meta"):
        key = node.attributes.get("property") or node.attributes.get("name")
        if key and node.attributes.get("content"):
            meta[key.lower()] = node.attributes["content"] or ""
    title_node = tree.css_first("title")
    h1 = tree.css_first("h1")
    title = meta.get("og:title") or (h1.text(strip=True) if h1 else None) or (
        title_node.text(strip=True) if title_node else None)
    tree.strip_tags(list(_NOISE))
    root = tree.css_first("article") or tree.css_first("main") or tree.body or tree.root
    paragraphs: list[str] = []
    if root is not None:
        for node in root.css(",".join(_BLOCKS)):
            if any(getattr(parent, "tag", None) in _BLOCKS for parent in _ancestors(node, root)):
                continue
            para = re.sub(r"\s+", " ", node.text(separator=" ")).strip()
            if para:
                paragraphs.append(para)
        if not paragraphs:
            para = re.sub(r"[ \t]+", " ", root.text(separator="\n")).strip()
            paragraphs = [p.strip() for p in para.split("\n") if p.strip()]
    text = _check_text("\n\n".join(paragraphs), path)
    date = None
    for key in ("article:published_time", "date", "pubdate", "dc.date"):
        if meta.get(key):
            try:
                date = dt.date.fromisoformat(meta[key][:10])
                break
            except ValueError:
                continue
    return SourceDocument(doc_id=_check_id(doc_id, path), text=text, path=path,
                          title=title or _title_from_text(text), date=date,
                          url=meta.get("og:url") or None, outlet=meta.get("og:site_name") or None)


def _ancestors(node: object, root: object) -> Iterator[object]:
    parent = getattr(node, "parent", None)
    while parent is not None and parent is not root:
        yield parent
        parent = getattr(parent, "parent", None)
