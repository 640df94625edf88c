"""The first extraction layer: curated entities win over the model, mentions are exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import make_extractor
from kg.model import SourceDocument
from kg.nlp.extract import Extractor, chunks
from kg.reader import discover, read_path
from kg.settings import Settings
from tests.conftest import PACK, SEEDS

ENT = "https://w3id.org/conflict-kg/id/entity/"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return make_extractor(Settings(), packs=[PACK])


def _links(extractor: Extractor, text: str) -> list[tuple[str, str]]:
    ex = extractor.extract(SourceDocument(doc_id="t", text=text, path="<test>"))
    return [(m.span.text, m.entity.removeprefix(ENT)) for m in ex.mentions]


@pytest.mark.parametrize("path", discover([SEEDS]), ids=lambda p: p.stem[:3])
def test_mention_offsets_slice_the_text_exactly(extractor: Extractor, path: Path) -> None:
    (doc,) = read_path(path)
    ex = extractor.extract(doc)
    assert ex.mentions
    for m in ex.mentions:
        assert doc.text[m.span.begin:m.span.end] == m.span.text
        assert 0 <= m.span.begin < m.span.end <= len(doc.text)
        assert 0 < m.confidence <= 1


def test_gazetteer_wins_over_the_model(extractor: Extractor) -> None:
    # The small model tags both as PERSON; the curated ruler makes them a state and a city.
    links = _links(extractor, "STEPANAKERT, Azerbaijan: Explosions were heard in Stepanakert on Friday.")
    assert ("STEPANAKERT", "stepanakert") in links
    assert ("Azerbaijan", "azerbaijan") in links
    assert ("Stepanakert", "stepanakert") in links


def test_spelling_variants_and_composed_names(extractor: Extractor) -> None:
    links = dict(_links(extractor, "Pashinian met Harutiunian while Azerbaijan’s Defense Ministry spoke of Fizuli "
                                   "and Tartar."))
    assert links["Pashinian"] == "nikol-pashinyan"
    assert links["Harutiunian"] == "arayik-harutyunyan"
    assert links["Azerbaijan’s Defense Ministry"] == "ministry-of-defence-of-azerbaijan"
    assert links["Fizuli"] == "fuzuli"
    assert links["Tartar"] == "tartar"


def test_lone_surname_is_the_person_named_in_full(extractor: Extractor) -> None:
    text = ("President Ilham Aliyev spoke on Sunday. Prosecutor-General Kamran Aliyev gave figures. "
            "Aliyev later repeated his demand.")
    links = _links(extractor, text)
    assert links[-1] == ("Aliyev", "ilham-aliyev")


def test_unknown_people_get_stable_iris_merged_by_name(extractor: Extractor) -> None:
    a = extractor.extract(SourceDocument(doc_id="a", text="Gevorg Petrosyanov, a farmer, said the road was cut.",
                                         path="<a>"))
    b = extractor.extract(SourceDocument(doc_id="b", text="Gevorg Petrosyanov returned to the village on Tuesday.",
                                         path="<b>"))
    ia = {e.iri for e in a.new_entities}
    ib = {e.iri for e in b.new_entities}
    assert ENT + "gevorg-petrosyanov" in ia & ib


def test_lowercase_common_words_are_not_entities(extractor: Extractor) -> None:
    links = _links(extractor, "They ate turkey and talked about the georgia peach crop.")
    assert links == []


def test_long_documents_are_chunked_at_paragraphs() -> None:
    text = ("Para one about Ganja.\n\n" * 20000)
    pieces = chunks(text, size=100_000)
    assert "".join(p for _, p in pieces) == text
    assert all(text[o:o + len(p)] == p for o, p in pieces)
    assert all(len(p) <= 100_000 for _, p in pieces)


# -- the rule tables ----------------------------------------------------------------------

def test_every_table_row_names_a_class_the_ontology_declares() -> None:
    from kg.nlp.tables import check
    assert check() == []


def test_a_row_naming_an_undeclared_class_is_reported(tmp_path: Path) -> None:
    import shutil

    from kg.nlp.tables import LEXICON_DIR, check
    for table in LEXICON_DIR.glob("*.tsv"):
        shutil.copy(table, tmp_path / table.name)
    with (tmp_path / "triggers.tsv").open("a", encoding="utf-8") as fh:
        fh.write("Skirmish\tskirmish\t\t\n")
    with (tmp_path / "roles.tsv").open("a", encoding="utf-8") as fh:
        fh.write("militia\tbody\tMilitia\n")
    problems = sorted(check(tmp_path))
    assert len(problems) == 2
    assert "'Militia' is not a class" in problems[0] and "'Skirmish' is not an event class" in problems[1]


def test_type_sets_follow_the_ontology_hierarchy() -> None:
    from kg.nlp.tables import rules
    r = rules()
    assert {"State", "Person", "ArmedForce", "GovernmentBody"} <= r.actor_types
    assert {"Country", "Settlement", "Region"} <= r.place_types and not r.place_types & r.actor_types
    assert r.with_policy("takesTarget") == r.subclasses("Attack")  # inherited from ckg:Attack
    assert r.acled["DroneStrike"] == ("Explosions/Remote violence", "Air/drone strike")  # from ckg:AirStrike

