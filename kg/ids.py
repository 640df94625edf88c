"""Deterministic IRIs for everything the extractor makes.

Curated entities keep the slug chosen in ``ontology/entities.ttl``; entities the model finds
get the slug of their normalised name; mentions, statements, events and claims get content
hashes. Nothing here is random, so two builds of the same input give the same IRIs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

__all__ = ["Iris", "content_hash", "normalise_name", "slugify"]

_APOSTROPHES = re.compile(r"[\u2018\u2019\u201b\u2032`´]")
_NOT_WORD = re.compile(r"[^\w']+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 14)  # the same names come back in every document and every layer
def normalise_name(text: str) -> str:
    """Lower-case, accent-free, single-spaced form of a name, used to merge entities.

    >>> normalise_name("  Nagorno–Karabakh’s ")
    "nagorno karabakh's"
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHES.sub("'", text).lower()
    text = _NOT_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def slugify(text: str) -> str:
    """ASCII slug of a name: ``"Arayik Harutyunyan"`` → ``"arayik-harutyunyan"``.

    >>> slugify("Olesya Vartanyan")
    'olesya-vartanyan'
    >>> slugify("Prosecutor General's Office")
    'prosecutor-generals-office'
    """
    norm = normalise_name(text).replace("'", "")
    ascii_only = norm.encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")
    if not slug:  # a name in a script with no ASCII letters: fall back to a hash
        slug = "x" + hashlib.sha256(norm.encode("utf-8")).hexdigest()[:12]
    return slug


def content_hash(*parts: object, length: int = 16) -> str:
    """Hex digest over the parts, joined unambiguously."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return digest[:length]


def _segment(value: str) -> str:
    return quote(value, safe="-._~")


@dataclass(frozen=True)
class Iris:
    """Builds instance IRIs under one base (``res:``)."""

    base: str = "https://w3id.org/conflict-kg/id/"

    def entity(self, slug: str) -> str:
        return f"{self.base}entity/{_segment(slug)}"

    def document(self, doc_id: str) -> str:
        return f"{self.base}doc/{_segment(doc_id)}"

    def document_graph(self, doc_id: str) -> str:
        return f"{self.base}graph/doc/{_segment(doc_id)}"

    def activity(self, doc_id: str) -> str:
        return f"{self.base}activity/extract/{_segment(doc_id)}"

    def mention(self, doc_id: str, begin: int, end: int) -> str:
        return f"{self.base}mention/{content_hash(doc_id, begin, end)}"

    def node(self, kind: str, *parts: object) -> str:
        """IRI of an extracted node (``statement``, ``event``, ``claim``) from a content hash."""
        return f"{self.base}{kind}/{content_hash(kind, *parts)}"

    def agent(self, *path: str) -> str:
        return f"{self.base}agent/" + "/".join(_segment(p) for p in path)

    @property
    def provenance_graph(self) -> str:
        return f"{self.base}graph/provenance"

    @property
    def ontology_graph(self) -> str:
        return f"{self.base}graph/ontology"

    @property
    def entities_graph(self) -> str:
        return f"{self.base}graph/entities"

    def doc_id_of_graph(self, graph_iri: str) -> str | None:
        """The document id of a document graph IRI, or None for other graphs."""
        from urllib.parse import unquote

        prefix = f"{self.base}graph/doc/"
        return unquote(graph_iri[len(prefix):]) if graph_iri.startswith(prefix) else None
