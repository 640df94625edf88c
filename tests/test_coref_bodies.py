"""One actor, one node for bodies named by kind, by role, in lower case: hand-written sentences,
one per class of error found on the tuning half of the development corpus (none taken from it).

Built with the world's entities only (no conflict pack), as the corpus is scored.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kg.build import make_extractor
from kg.model import DocumentExtraction, SourceDocument
from kg.nlp.extract import Extractor
from kg.settings import Settings

ENT = "https://w3id.org/conflict-kg/id/entity/"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return make_extractor(Settings(), packs=[])


def run(extractor: Extractor, text: str) -> DocumentExtraction:
    return extractor.extract(SourceDocument(doc_id="t", text=text, path="<test>", date=dt.date(2024, 5, 2)))


def nodes(ex: DocumentExtraction) -> dict[str, set[str]]:
    """Entity slug -> the surface texts of its mentions."""
    out: dict[str, set[str]] = {}
    for m in ex.mentions:
        out.setdefault(m.entity.removeprefix(ENT), set()).add(m.span.text)
    return out


def labels(ex: DocumentExtraction) -> dict[str, str]:
    return {e.iri.removeprefix(ENT): e.label for e in ex.new_entities}


def test_a_demonym_before_a_ministry_of_a_kind_names_that_states_ministry(extractor: Extractor) -> None:
    ex = run(extractor, "The Lebanese Ministry of Public Health said on Tuesday that four people were killed in "
                        "the raid. The Health Ministry later said two more bodies were found.")
    found = nodes(ex)
    assert found["lebanese-ministry-of-public-health"] == {"Lebanese Ministry of Public Health"}
    # the bare "Health Ministry" is Lebanon's (its node of that kind), not a ministry of no state; that it
    # is a second node of the same ministry is a known gap: joining it to the one named before cost two
    # speakers and a claimant on the checking half (aggregate), so that rule was taken out
    assert found["lebanon-health-ministry"] == {"Health Ministry"}
    assert not any(label.lower() == "ministry" for label in labels(ex).values())


def test_the_ministry_after_a_named_one_is_no_new_entity(extractor: Extractor) -> None:
    ex = run(extractor, "The Jordanian Ministry of Health reported that nine people were hurt in the blast. "
                        "The Ministry said in a statement that three of them were in a critical condition.")
    assert not any(label.lower() == "ministry" for label in labels(ex).values())
    speakers = {st.speaker for st in ex.statements if st.speaker}
    assert all("ministry-of-health" in (s or "") for s in speakers)


def test_the_defence_ministry_after_the_ministry_of_defence_is_that_one(extractor: Extractor) -> None:
    ex = run(extractor, "The Danish Ministry of Defence confirmed the deployment on Monday. Two frigates sailed "
                        "from the port on Tuesday, the Danish defence ministry added.")
    found = nodes(ex)
    ministries = [k for k, v in found.items() if any("inistry" in s for s in v)]
    assert len(ministries) == 1, found


def test_an_acronym_before_a_ministry_is_its_owner_too(extractor: Extractor) -> None:
    ex = run(extractor, "Harbour City, the NRC Ministry of Health has announced that three people were killed "
                        "in the shelling of the harbour district.")
    found = nodes(ex)
    assert any("NRC Ministry of Health" in v for v in found.values())
    assert any(v == {"NRC"} for v in found.values()), found


def test_a_capital_that_installed_or_annexed_is_its_state(extractor: Extractor) -> None:
    ex = run(extractor, "The Moscow-installed officials in the town said the shelling had stopped, and "
                        "Moscow-annexed land was quiet on Friday.")
    found = nodes(ex)
    assert "moscow" not in found
    assert any(v & {"Moscow"} for k, v in found.items() if k.startswith("russia")), found


@pytest.mark.parametrize("text", [
    "Jordan's civil defence agency said two people were killed when a wall collapsed in Amman.",
    "Civil defence said the fire was out. Rescue and civil defence crews pulled two people from the rubble in Amman.",
])
def test_a_body_named_by_its_kind_in_lower_case_is_the_states(extractor: Extractor, text: str) -> None:
    ex = run(extractor, text)
    found = nodes(ex)
    assert "jordan-civil-defence" in found, found
    assert labels(ex)["jordan-civil-defence"].startswith("civil defence")


def test_a_civil_defence_of_others_is_not_the_states(extractor: Extractor) -> None:
    ex = run(extractor, "Arab civil defence teams arrived in Amman on Sunday.")
    assert "jordan-civil-defence" not in nodes(ex)


@pytest.mark.parametrize(("text", "state", "mentioned"), [
    ("A Syrian drone attack hit a depot near the border, the governor of the province said.", "syria", False),
    ("Iraqi shelling damaged two houses in the village, local officials said.", "iraq", False),
    ("Syrian officials said the depot was empty.", "syria", True),
    ("Two Iraqi journalists were wounded near the village.", "iraq", True),
])
def test_a_demonym_of_an_act_is_no_mention_of_the_state(extractor: Extractor, text: str, state: str,
                                                        mentioned: bool) -> None:
    assert (state in nodes(run(extractor, text))) is mentioned


def test_a_capital_glued_to_a_participle_at_a_line_start_is_no_dateline(extractor: Extractor) -> None:
    ex = run(extractor, "The shelling went on.\n\nMoscow-installed officials in the region said two people died.")
    assert "moscow" not in nodes(ex)


def test_a_demonym_before_an_act_the_parser_took_for_a_verb(extractor: Extractor) -> None:
    ex = run(extractor, "Three people wounded in Syrian shelling of a border village")
    assert "syria" not in nodes(ex)


def test_an_untagged_ministry_of_a_kind_is_a_mention(extractor: Extractor) -> None:
    ex = run(extractor, "In Irbid, a shell hit a school and one child was wounded, the Rescue Council under the "
                        "Health Ministry of the Jordanian government said in a statement.")
    assert nodes(ex).get("jordan-health-ministry") == {"Health Ministry"}, nodes(ex)


def test_a_name_made_of_generic_words_is_the_states_armed_forces(extractor: Extractor) -> None:
    ex = run(extractor, "Chadian soldiers repelled the raid near Abeche. A unit of the Defence and Security Forces "
                        "was attacked on the road, the army said.")
    found = nodes(ex)
    assert not any(k.startswith("defence-and-security") for k in found), found
    forces = [k for k, v in found.items() if "Defence and Security Forces" in v]
    assert forces and "army" in found[forces[0]], found


def test_a_body_before_a_possessive_in_a_name_is_mentioned_too(extractor: Extractor) -> None:
    ex = run(extractor, "Two soldiers were killed in an ambush in northern Chad on Monday, the Military Transition "
                        "Council's Information Team reported.")
    found = nodes(ex)
    assert found.get("military-transition-council") == {"Military Transition Council"}, found
    assert any("Military Transition Council's Information Team" in v for v in found.values()), found


def test_a_service_without_an_owner_is_of_the_country_of_the_place_before_it(extractor: Extractor) -> None:
    ex = run(extractor, "Ankara was quiet. The envoy flew to Amman to meet the head of the general intelligence "
                        "agency on Monday.")
    found = nodes(ex)
    assert found.get("jordan-general-intelligence") == {"general intelligence agency"}, found


def test_the_agency_after_a_name_with_that_noun_is_that_name(extractor: Extractor) -> None:
    ex = run(extractor, "Jordan's National Security Council met in Amman on Monday. The Petra news agency reported "
                        "the decision, and the agency added that talks would go on.")
    found = nodes(ex)
    assert found.get("petra") == {"Petra", "agency"}, found
    assert not any(k.endswith("-agency") for k in found), found


def test_a_body_name_with_a_word_left_out_is_the_same_body(extractor: Extractor) -> None:
    ex = run(extractor, "A man was hurt, said the head of the Kharkiv Military Administration, Ivan Petrenko. "
                        "Later, the Kharkiv Regional Military Administration reported a second strike.")
    found = nodes(ex)
    bodies = [k for k, v in found.items() if any("Military Administration" in s for s in v)]
    assert len(bodies) == 1, found
