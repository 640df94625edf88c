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
    "NotEnglishError",
    "canonical_form",
    "detect_language",
    "discover",
    "doc_id_for_url",
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
    """One article per line: ``{"id", "text", "date", "url", "outlet", "title"}`` (and ``author``,
    ``language``, ``canonical_url``, as ``kg add URL`` reads them from a page); id and text required."""
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
        for key in ("url", "outlet", "title", "author", "language", "canonical_url"):
            if record.get(key) is not None and not isinstance(record[key], str):
                raise InputError(where, f"field {key!r} must be a string")
        yield SourceDocument(
            doc_id=doc_id, text=body, path=where,
            title=(record.get("title") or None) or _title_from_text(body),
            date=_parse_date(record.get("date"), where),
            url=record.get("url") or None, outlet=record.get("outlet") or None,
            author=record.get("author") or None, language=record.get("language") or None,
            canonical_url=record.get("canonical_url") or None,
        )
    if not seen:
        raise InputError(path, "empty JSONL file: no documents")


_BLOCKS = ("p", "h1", "h2", "h3", "h4", "li", "blockquote", "pre")
_NOISE = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
          "button", "figure")
# Lines a reader does not read as part of the story: links to other stories, calls to subscribe or share.
_NOT_STORY = re.compile(
    r"\A\W*(?:(?:read|see|watch|listen)\s+(?:also|more|next)\b|also\s+(?:read|see|watch)\b|"
    r"related\s*(?:stories|articles|coverage|content|news|reading|links?)?\s*[:|>\u2013\u2014-]|"
    r"more\s+(?:on|about)\s+this\b|recommended\s*(?:for you)?\s*:|"
    r"more\s*:?\s*\Z|also\s+on\s+\S+\s|like\s+this\s+(?:story|article)\b|advertisement\W*\Z|sign\s+up\s+(?:for|to)\b|subscribe\s+(?:to|now|for)\b|click\s+here\b|follow\s+us\b|"
    r"share\s+(?:this|on)\b)", re.IGNORECASE)
_NOT_STORY_MAX = 200  # characters: a long paragraph that starts "Read more…" is still prose
_PRECISION = True
MIN_LANGUAGE_TEXT = 200  # characters of text below which the page's declared language is trusted instead
_LANGUAGE_CONFIDENCE = 0.9


class NotEnglishError(InputError):
    """A page in another language: reported in one line and not read (the pipeline reads English)."""

    def __init__(self, path: str | Path, language: str) -> None:
        self.language = language
        super().__init__(path, f"the page is in another language ({language!r}), not English: not read")


def _quiet_libraries() -> None:
    import logging

    for name in ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _decode_html(data: bytes | str, path: str) -> str:
    """HTML as text: UTF-8, else the encoding the page declares or that can be guessed (web pages
    come in many encodings; a file of plain text must be UTF-8, an HTML page need not be)."""
    if isinstance(data, str):
        return data
    if b"\x00" in data[:8192]:
        raise InputError(path, "looks binary (contains NUL bytes), not an HTML page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from trafilatura.utils import decode_file

        return decode_file(data)


_identifier: object = None


def detect_language(text: str) -> tuple[str, float]:
    """The language of ``text`` (ISO 639-1) and its probability, by py3langid's bundled model."""
    global _identifier
    if _identifier is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    lang, prob = _identifier.classify(text[:5000])  # type: ignore[attr-defined]
    return str(lang), float(prob)


def _page_language(declared: str | None, text: str) -> str | None:
    """What the text is written in: detected when there is enough of it, else what the page declares."""
    if len(text) >= MIN_LANGUAGE_TEXT:
        lang, prob = detect_language(text)
        if prob >= _LANGUAGE_CONFIDENCE:
            return lang
    if declared:
        primary = re.split(r"[-_]", declared.strip().lower(), maxsplit=1)[0]
        if re.fullmatch(r"[a-z]{2,3}", primary):
            return primary
    return None


def _story_lines(text: str) -> list[str]:
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"[ \t\u00a0]+", " ", line).strip()
        if not line or (len(line) <= _NOT_STORY_MAX and _NOT_STORY.match(line)):
            continue
        lines.append(line)
    return lines


def _iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def _clean_meta(value: object, limit: int = 500) -> str | None:
    if not isinstance(value, str):
        return None
    value = re.sub(r"\s+", " ", value).strip()
    return value[:limit] if value else None


def parse_html(data: bytes | str, *, doc_id: str | None = None, path: str = "<html>", url: str | None = None
               ) -> SourceDocument:
    """The story of a news page, as a reader sees it: main text (no navigation, captions, comments or
    "read also" lines), title, publication date, outlet, author, language and canonical URL, by
    trafilatura (dates by htmldate); our own paragraph heuristic only when trafilatura finds no main
    text. ``url`` is where the page came from (``kg add URL``, a WARC record). Without ``doc_id``
    the id is made from the page's canonical URL (:func:`doc_id_for_url`). A page in another language
    raises :class:`NotEnglishError`; nothing here reaches the network."""
    import trafilatura

    _quiet_libraries()
    raw = _decode_html(data, path)
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(raw)
    meta = _html_meta(tree)
    html = tree.css_first("html")
    declared = (html.attributes.get("lang") if html is not None else None) \
        or meta.get("og:locale") or meta.get("content-language") or meta.get("dc.language")
    found = None
    try:
        found = trafilatura.bare_extraction(raw, url=url, with_metadata=True, include_comments=False,
                                            include_tables=False, include_images=False, favor_precision=_PRECISION,
                                            deduplicate=False)
    except Exception:  # noqa: BLE001, S110 - a page trafilatura cannot read still has our heuristic
        found = None
    lines = _story_lines(getattr(found, "text", None) or "") if found is not None else []
    if lines:
        text = "\n\n".join(lines)
        title = _headline(_clean_meta(getattr(found, "title", None)), tree) or _heuristic_title(tree, meta)
        date = _iso_date(getattr(found, "date", None))
        outlet = _clean_meta(getattr(found, "sitename", None), 200) or _clean_meta(meta.get("og:site_name"), 200)
        author = _clean_meta(getattr(found, "author", None), 300)
        canonical = _clean_meta(getattr(found, "url", None), 2000)
    else:
        text, title, date, outlet, author, canonical = _heuristic(raw, url, path)
    text = _check_text(text, path)
    language = _page_language(declared, text)
    if language is not None and language != "en":
        raise NotEnglishError(path, language)
    canonical = canonical or _clean_meta(meta.get("og:url"), 2000) or url
    if doc_id is None:
        if not (canonical or url):
            raise InputError(path, "no document id: the page has no URL to make one from")
        doc_id = doc_id_for_url(canonical or url or "")
    return SourceDocument(doc_id=_check_id(doc_id, path), text=text, path=path,
                          title=title or _title_from_text(text), date=date, url=url or _clean_meta(meta.get("og:url")),
                          outlet=outlet, author=author, language=language, canonical_url=canonical)


_TITLE_TAIL = re.compile(r"\s+[|\u2013\u2014-]\s+[^|\u2013\u2014]{1,60}\Z")


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _headline(title: str | None, tree: object) -> str | None:
    """The headline as the reader sees it: the page's ``<h1>`` when it is the story's title (it shares
    most of its words with the title in the page's metadata, so a site logo in an h1 is not taken);
    else that title without a trailing `` | Section | Site`` (or `` - Site``)."""
    candidates = [h.text(separator=" ", strip=True) for h in tree.css("article h1, main h1, h1")[:4]]  # type: ignore[attr-defined]
    if title:
        for text in candidates:
            text = re.sub(r"\s+", " ", text).strip()
            if not 10 <= len(text) <= 300:
                continue
            ours, theirs = _words(text), _words(title)
            if ours and theirs and len(ours & theirs) >= 0.5 * min(len(ours), len(theirs)):
                return text
        while _TITLE_TAIL.search(title) and len(_TITLE_TAIL.sub("", title)) >= 10:
            title = _TITLE_TAIL.sub("", title)
    return title


def _html_meta(tree: object) -> dict[str, str]:
    meta: dict[str, str] = {}
    for node in tree.css("meta"):  # type: ignore[attr-defined]
        key = node.attributes.get("property") or node.attributes.get("name") or node.attributes.get("http-equiv")
        if key and node.attributes.get("content"):
            meta.setdefault(key.lower(), node.attributes["content"] or "")
    return meta


def _heuristic_title(tree: object, meta: dict[str, str]) -> str | None:
    title_node = tree.css_first("title")  # type: ignore[attr-defined]
    h1 = tree.css_first("h1")  # type: ignore[attr-defined]
    return _clean_meta(meta.get("og:title") or (h1.text(strip=True) if h1 else None)
                       or (title_node.text(strip=True) if title_node else None))


def _heuristic(raw: str, url: str | None, path: str
               ) -> tuple[str, str | None, dt.date | None, str | None, str | None, str | None]:
    """The fallback reader: paragraphs of ``<article>`` (or ``<main>``/``<body>``), meta tags for the rest."""
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(raw)
    meta = _html_meta(tree)
    title = _heuristic_title(tree, meta)
    canonical_node = tree.css_first('link[rel="canonical"]')
    canonical = _clean_meta(canonical_node.attributes.get("href") if canonical_node else None, 2000)
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
    paragraphs = _story_lines("\n".join(paragraphs))
    date = None
    for key in ("article:published_time", "date", "pubdate", "dc.date"):
        date = _iso_date(meta.get(key))
        if date:
            break
    if date is None and paragraphs:  # the page hides its date: htmldate looks in its markup and URL
        from htmldate import find_date

        try:
            date = _iso_date(find_date(raw, url=url, original_date=True, extensive_search=False))
        except Exception:  # noqa: BLE001 - no date is an answer
            date = None
    return ("\n\n".join(paragraphs), title, date, _clean_meta(meta.get("og:site_name"), 200),
            _clean_meta(meta.get("author"), 300), canonical)


_TRACKING = re.compile(r"\A(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ref|smid|taid)\Z", re.IGNORECASE)


def canonical_form(url: str) -> str:
    """A URL in the form two links to the same page share: lower-case scheme and host, no default
    port, no fragment, no tracking parameters (``utm_*``, ``fbclid``…), the other parameters kept."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    default = (parts.scheme.lower(), parts.port) in (("http", 80), ("https", 443))
    port = parts.port if parts.port and not default else None
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    return urlunsplit((parts.scheme.lower(), host + (f":{port}" if port else ""), parts.path or "/", query, ""))


def doc_id_for_url(url: str) -> str:
    """The document id of a web page, the same for every run: its host, the last words of its path
    and a hash of its canonical form, e.g. ``www.example.org-ceasefire-talks-resume-1f0c2a9b3d4e``."""
    import hashlib
    from urllib.parse import unquote, urlsplit

    canonical = canonical_form(url)
    parts = urlsplit(canonical)
    words = re.sub(r"[^a-z0-9]+", "-", unquote(parts.path).lower().rsplit("/", 2)[-1] or
                   unquote(parts.path).lower()).strip("-")
    words = re.sub(r"-(?:html?|php|aspx?)\Z", "", words)[:60].strip("-")
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]
    host = re.sub(r"[^a-z0-9.-]+", "-", parts.hostname or "page")
    return "-".join(p for p in (host, words, digest) if p)


def _ancestors(node: object, root: object) -> Iterator[object]:
    parent = getattr(node, "parent", None)
    while parent is not None and parent is not root:
        yield parent
        parent = getattr(parent, "parent", None)
