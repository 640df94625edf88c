"""Speakers on unseen text: one hand-written sentence per class of attribution error found on the
tuning half of the development corpus (corpus/), none taken from it. Built with the world's
entities only (no conflict pack), as the corpus is scored."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.build import make_extractor
from kg.model import DocumentExtraction, SourceDocument
from kg.nlp.extract import Extractor
from kg.settings import Settings


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return make_extractor(Settings(), packs=[])


def run(extractor: Extractor, text: str) -> DocumentExtraction:
    return extractor.extract(SourceDocument(doc_id="t", text=text, path="<test>", date=dt.date(2024, 5, 2)))


def short(iri: str | None) -> str:
    return (iri or "-").rsplit("/", 1)[-1]


def quotes(ex: DocumentExtraction) -> dict[str, str]:
    return {st.quote: short(st.speaker) for st in ex.statements if st.quote}


def test_responding_to_a_quoted_phrase_is_not_speaking(extractor: Extractor) -> None:
    ex = run(extractor, "Iraqi state television quoted a military source saying on Monday; the air defenses "
                        "responded to “hostile drones,” The strike killed three soldiers.")
    assert "air-defence" not in quotes(ex)["hostile drones"]
    assert all("air-defence" not in short(c) for claim in ex.casualty_claims for c in claim.claimed_by)


def test_remarked_reports_speech(extractor: Extractor) -> None:
    ex = run(extractor, "Information Minister Amara Diallo in a statement remarked that three of the dead were "
                        "police officers.")
    assert [(short(st.speaker), st.quote) for st in ex.statements] == [("amara-diallo", None)]


def test_the_government_is_the_rulers_the_text_names(extractor: Extractor) -> None:
    ex = run(extractor, "Eleven Chadian soldiers were killed in an ambush near the border on Monday, the government "
                        "said. The military government declared two days of mourning.")
    (claim,) = [c for c in ex.casualty_claims if c.count == 11]
    assert [short(c) for c in claim.claimed_by] == ["chad-government"]


def test_the_government_is_the_rulers_not_a_foreign_ministry_named_before(extractor: Extractor) -> None:
    ex = run(extractor, "Kenya on Wednesday condemned an attack in Chad, said the Kenyan Foreign Ministry. Twenty "
                        "Chadian soldiers were killed in western Chad on Tuesday, the government said. The military "
                        "government declared two days of mourning.")
    (claim,) = [c for c in ex.casualty_claims if c.count == 20]
    assert [short(c) for c in claim.claimed_by] == ["chad-government"]


def test_according_to_a_witness_and_media_is_the_outlet(extractor: Extractor) -> None:
    ex = run(extractor, "At least nine civilians were killed when army jets bombed a market in the north, according "
                        "to residents and the BBC. The victims included four children, while at least six others "
                        "were wounded, according to the residents and media.")
    (claim,) = [c for c in ex.casualty_claims if c.count == 6]
    assert [short(c) for c in claim.claimed_by] == ["bbc"]


def test_a_clause_or_a_place_in_the_subject_does_not_speak(extractor: Extractor) -> None:
    ex = run(extractor, "Fighting flared again on Monday. “We pushed them back,” a spokeswoman for a rebel group "
                        "fighting the junta told Reuters. A rebel alliance in northern Chad said it “will not stop”.")
    assert [s for s in ex.statements if s.quote] == []  # neither the junta nor the state


def test_a_named_group_with_a_clause_still_speaks(extractor: Extractor) -> None:
    ex = run(extractor, "“We pushed them back,” a spokeswoman for the Kachin Independence Army fighting the junta "
                        "told Reuters.")
    assert quotes(ex) == {"We pushed them back": "kachin-independence-army"}


def test_a_light_verb_with_a_speech_noun_reports_its_quotation(extractor: Extractor) -> None:
    ex = run(extractor, "General Amadou Keita, the defence minister, gave assurances of “the total commitment of "
                        "the army to restore peace.”")
    assert list(quotes(ex).values()) == ["amadou-keita"]


def test_scare_quotes_in_the_speakers_own_phrase_are_not_what_was_said(extractor: Extractor) -> None:
    ex = run(extractor, "Ten people were wounded, says the head of the self-styled Lakeside “republic” Ivan Petrov. "
                        "“We will not retreat,” said Ivan Petrov, the head of the region.")
    assert quotes(ex) == {"We will not retreat": "ivan-petrov"}
