"""Wikidata links beyond the curated set: reconciliation when online, a cache file offline.

``kg link`` sends the store's unlinked persons and organisations to a reconciliation service
speaking the W3C Entity Reconciliation API (the protocol OpenRefine uses; for Wikidata,
``https://wikidata.reconci.link/en/api``), with a type constraint per class (human,
organisation, armed organisation), and writes the candidates it accepts to a links file (TSV:
name, QID, label, type, score). The file travels with the corpus; every later build reads it
(``CKG_LINKS``) and gives each matching new entity ``owl:sameAs wd:Q…``, offline. Nothing here
runs during a build unless the file exists; nothing reaches the network unless ``kg link`` is run.

Called by :mod:`kg.cli` (``kg link``) and :mod:`kg.build` (reading the file).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.ids import normalise_name
from kg.reader import InputError

__all__ = ["WIKIDATA_TYPES", "Link", "reconcile", "read_links", "write_links"]

# ckg: class -> the Wikidata class a candidate must be an instance of (subclasses included by the service)
WIKIDATA_TYPES = {
    "Person": "Q5",  # human
    "Organization": "Q43229",  # organization
    "GovernmentBody": "Q327333",  # government agency
    "ArmedForce": "Q17149090",  # armed organization
    "MediaOutlet": "Q1193236",  # news media
    "InternationalOrganization": "Q484652",  # international organization
}
_QID = re.compile(r"Q[1-9]\d*")
_FIELDS = ("name", "qid", "label", "type", "score")


@dataclass(frozen=True)
class Link:
    """An accepted reconciliation: the name as the corpus writes it and the Wikidata item."""

    name: str
    qid: str
    label: str
    type: str
    score: float

    @property
    def key(self) -> str:
        return normalise_name(self.name)


def read_links(path: Path) -> dict[str, str]:
    """Normalised name -> QID from a links file (missing file: nothing). Raises
    :class:`~kg.reader.InputError` naming the file and line of a malformed row."""
    if not path.is_file():
        return {}
    out: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for number, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
            qid = (row.get("qid") or "").strip()
            name = (row.get("name") or "").strip()
            if not name or not _QID.fullmatch(qid):
                raise InputError(f"{path}:{number}", f"a links row needs a name and a Wikidata id (Q…), got {qid!r}")
            out[normalise_name(name)] = qid
    return dict(sorted(out.items()))


def write_links(path: Path, links: Iterable[Link]) -> None:
    """Write (merge into) a links file, sorted, atomically."""
    existing: dict[str, Link] = {}
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                link = Link(row["name"], row["qid"], row.get("label", ""), row.get("type", ""),
                            float(row.get("score") or 0))
                existing[link.key] = link
    for link in links:
        existing[link.key] = link
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(_FIELDS)
        for link in sorted(existing.values(), key=lambda lk: lk.key):
            writer.writerow([link.name, link.qid, link.label, link.type, f"{link.score:g}"])
    tmp.replace(path)


def reconcile(service: str, names: Mapping[str, str], *, min_score: float = 80.0, batch: int = 10,
              timeout: float = 20.0, user_agent: str = "conflict-kg") -> tuple[list[Link], list[str]]:
    """Ask ``service`` (a W3C Reconciliation API endpoint) about ``names`` (name -> ckg: type).

    A candidate is accepted when the service says it matches, or when it scores at least
    ``min_score`` and clearly ahead of the next candidate; its type constraint is sent with the
    query. Returns the accepted links and one line per name left unlinked (with the reason).
    Raises ``OSError`` when the service cannot be reached.
    """
    import httpx

    accepted: list[Link] = []
    report: list[str] = []
    items = sorted(names.items())
    with httpx.Client(timeout=timeout, headers={"User-Agent": user_agent}, follow_redirects=True) as client:
        for start in range(0, len(items), batch):
            chunk = items[start:start + batch]
            queries = {f"q{i}": {"query": name, "limit": 3,
                                 **({"type": WIKIDATA_TYPES[kind]} if kind in WIKIDATA_TYPES else {})}
                       for i, (name, kind) in enumerate(chunk)}
            try:
                response = client.post(service, data={"queries": json.dumps(queries)})
                response.raise_for_status()
                answer = response.json()
            except httpx.HTTPError as exc:
                raise OSError(f"reconciliation service {service}: {exc}") from exc
            except ValueError as exc:
                raise OSError(f"reconciliation service {service}: not JSON ({exc})") from exc
            for i, (name, kind) in enumerate(chunk):
                results = sorted(answer.get(f"q{i}", {}).get("result", []),
                                 key=lambda r: -float(r.get("score", 0)))
                if not results:
                    report.append(f"{name}: no candidate")
                    continue
                top = results[0]
                qid = str(top.get("id", ""))
                score = float(top.get("score", 0))
                lead = score - float(results[1].get("score", 0)) if len(results) > 1 else score
                if not _QID.fullmatch(qid):
                    report.append(f"{name}: candidate {qid!r} is not a Wikidata id")
                elif top.get("match") or (score >= min_score and lead >= 10):
                    accepted.append(Link(name, qid, str(top.get("name", "")), kind, score))
                else:
                    report.append(f"{name}: best candidate {qid} ({top.get('name', '')}) scores {score:g}, "
                                  f"{lead:g} ahead: not accepted")
    return accepted, report
