"""Reviewed golden graphs: each small hand-written article under tests/golden/ (one construction
each: a split quote, a denial, a casualty claim about the other side, mediation by role, an
ambiguous place) is extracted and its document graph compared with the expected graph beside
it, ``<name>.trig``, which a person read and checked (docs/testing.md says what was checked).

A difference is printed as the quads only in the expected graph and only in the actual one.
When extraction changes on purpose, regenerate, then READ the new graphs before committing:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import make_extractor
from kg.ids import Iris
from kg.nlp.extract import Extractor
from kg.rdf import document_quads
from kg.reader import parse_text
from kg.settings import Settings
from kg.store import dump_quads
from tests.conftest import PACK

GOLDEN = Path(__file__).parent / "golden"
ARTICLES = sorted(GOLDEN.glob("*.txt"))
IRIS = Iris()


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return make_extractor(Settings(), packs=[PACK])  # type: ignore[no-any-return]


def graph_of(extractor: Extractor, article: Path) -> list[ox.Quad]:
    doc = parse_text(article.read_bytes(), doc_id=article.stem, path=str(article))
    return sorted(document_quads(extractor.extract(doc), IRIS), key=str)


def trig(quads: list[ox.Quad]) -> bytes:
    out = io.BytesIO()
    dump_quads(quads, "trig", out, base=IRIS.base)
    return out.getvalue()


def diff(expected: set[str], actual: set[str]) -> str:
    """The difference of two graphs (N-Quads lines), as RDFLib's test helper prints it."""
    lines = ["only in expected:", *(f"  {q}" for q in sorted(expected - actual)),
             "only in actual:", *(f"  {q}" for q in sorted(actual - expected))]
    return "\n".join(lines)


def _nquads(data: bytes) -> set[str]:
    return {str(q) for q in ox.parse(data, format=ox.RdfFormat.TRIG)}


def test_there_is_a_golden_graph_per_construction() -> None:
    assert [a.stem for a in ARTICLES] == ["ambiguous_place", "casualty_other_side", "denial", "mediation_role",
                                          "split_quote"]


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.stem)
def test_golden_graph(extractor: Extractor, article: Path) -> None:
    actual = trig(graph_of(extractor, article))
    expected_file = article.with_suffix(".trig")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        expected_file.write_bytes(actual)
        pytest.skip(f"wrote {expected_file.name}: read it before committing")
    assert expected_file.is_file(), f"no {expected_file.name}: run UPDATE_GOLDEN=1 pytest {__file__}"
    expected, got = _nquads(expected_file.read_bytes()), _nquads(actual)
    assert got == expected, f"{article.name}: the graph differs from the reviewed one\n{diff(expected, got)}"
    assert actual == expected_file.read_bytes(), "same graph, but not the same bytes: the TriG is not deterministic"
