"""Web archives: the HTML pages of a WARC file (``kg add FILE.warc.gz``), read with warcio.

Each ``response`` record of an HTML page with status 200 becomes a document whose source is
the archived URL (``WARC-Target-URI``); when the page states no publication date, the date it
was archived (``WARC-Date``) stands in. Other records (requests, metadata, images, redirects,
errors) are passed over; a page that cannot be read is one line in the report. Nothing is fetched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from kg.model import SourceDocument
from kg.reader import InputError, parse_html

__all__ = ["WARC_SUFFIXES", "is_warc", "warc_documents"]

WARC_SUFFIXES = (".warc", ".warc.gz")
MAX_RECORD_BYTES = 20 * 1024 * 1024


def is_warc(path: str | Path) -> bool:
    return str(path).lower().endswith(WARC_SUFFIXES)


def warc_documents(path: str | Path, *, report: Callable[[str, str], None] | None = None,
                   skip: set[str] | None = None) -> Iterator[SourceDocument]:
    """The documents of the HTML responses in one WARC file, in file order. A URL in ``skip`` (what
    the store holds) is passed over; a record that is not a readable English article is one
    ``report("failed", …)`` line. Raises :class:`InputError` when the file is not a WARC file."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    path = Path(path)
    _check_warc(path)
    seen: set[str] = set()
    try:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                status = record.http_headers.get_statuscode() or ""
                ctype = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
                if ctype not in ("text/html", "application/xhtml+xml") or not status.startswith("2"):
                    continue
                if skip is not None and url in skip:
                    if report:
                        report("stored", url)
                    continue
                where = f"{path}:{url}"
                body = record.content_stream().read(MAX_RECORD_BYTES + 1)
                try:
                    if len(body) > MAX_RECORD_BYTES:
                        raise InputError(where, f"page is more than the {MAX_RECORD_BYTES} bytes allowed")
                    doc = parse_html(body, path=where, url=url or None)
                except InputError as exc:
                    if report:
                        report("failed", f"{url or path}: {exc.problem}")
                    continue
                if doc.date is None:
                    archived = _warc_date(record.rec_headers.get_header("WARC-Date"))
                    if archived is not None:
                        doc = replace(doc, date=archived)
                if doc.doc_id in seen:
                    continue
                seen.add(doc.doc_id)
                yield doc
    except ArchiveLoadFailed as exc:
        raise InputError(path, f"not a WARC file ({str(exc).splitlines()[0][:200]})") from exc
    except OSError as exc:
        raise InputError(path, exc.strerror or "cannot be read") from exc


def _check_warc(path: Path) -> None:
    """Raise :class:`InputError` unless the file starts as a WARC file does (warcio reads anything)."""
    import gzip
    import zlib

    try:
        with path.open("rb") as fh:
            head = fh.read(2)
            fh.seek(0)
            start = gzip.GzipFile(fileobj=fh).read(5) if head == b"\x1f\x8b" else fh.read(5)
    except (OSError, EOFError, zlib.error) as exc:
        if isinstance(exc, FileNotFoundError | PermissionError):
            raise InputError(path, exc.strerror or "cannot be read") from exc
        raise InputError(path, "not a WARC file (not readable as gzip)") from exc
    if start != b"WARC/":
        raise InputError(path, "not a WARC file (it does not start with a WARC/1.x record)")


def _warc_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
