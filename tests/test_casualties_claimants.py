"""Casualty claims: who gives the number (a source after the figure, a source sentence before it, an
outlet referred back to) and wordings of the kinds. Hand-written sentences, one per class of wording."""

from __future__ import annotations

import pytest

from kg.build import make_extractor
from kg.nlp.extract import Extractor
from kg.settings import Settings
from tests.test_casualties import claimants, counts, extractor, run

__all__ = ["bare", "extractor"]


@pytest.fixture(scope="module")
def bare() -> Extractor:
    """An extractor with no conflict pack, as the development corpus is built."""
    return make_extractor(Settings(), packs=[])

MOD_AZ = "ministry-of-defence-of-azerbaijan"
MOD_AM = "ministry-of-defence-of-armenia"


def test_a_number_hung_on_more_counts_the_people_after_it(extractor: Extractor) -> None:
    ex = run(extractor, "The Armenian Defence Ministry reported 16 more servicemen killed on Monday.")
    assert claimants(ex) == [(16, "Killed", MOD_AM)]


def test_quoting_a_source_makes_it_the_claimant(extractor: Extractor) -> None:
    ex = run(extractor, "Quoting the Azerbaijani Defence Ministry, the agency said nine civilians were killed "
                        "in Tartar.")
    assert claimants(ex) == [(9, "Killed", MOD_AZ)]


def test_figures_provided_by_a_source(extractor: Extractor) -> None:
    ex = run(extractor, "According to figures provided by the Azerbaijani Defence Ministry, 24 civilians have died.")
    assert claimants(ex) == [(24, "Killed", MOD_AZ)]


def test_the_channel_is_the_outlet_named_before(extractor: Extractor) -> None:
    ex = run(extractor, "Al Jazeera aired pictures of the ruined school. The channel said five pupils were killed.")
    assert claimants(ex) == [(5, "Killed", "al-jazeera")]


def test_this_was_reported_by_a_source_then_the_figures(extractor: Extractor) -> None:
    ex = run(extractor, "Fighting flared again near Hadrut on Tuesday. This was reported by the Azerbaijani Defence "
                        "Ministry. Three civilians were killed and six were wounded.")
    assert claimants(ex) == [(3, "Killed", MOD_AZ), (6, "Wounded", MOD_AZ)]


def test_a_source_sentence_ending_with_a_colon(extractor: Extractor) -> None:
    ex = run(extractor, "Shushan Stepanyan said on Tuesday: Nine soldiers were killed overnight.")
    assert claimants(ex) == [(9, "Killed", "shushan-stepanyan")]


def test_a_sentence_that_announces_something_else_gives_no_claimant(extractor: Extractor) -> None:
    ex = run(extractor, "The Azerbaijani Defence Ministry issued an update on Tuesday. Nine soldiers were killed "
                        "overnight.")
    assert claimants(ex) == [(9, "Killed", None)]


def test_shot_dead_kills(extractor: Extractor) -> None:
    assert counts(run(extractor, "A sniper shot dead two soldiers near Fuzuli.")) == [(2, "Killed")]
    assert counts(run(extractor, "Gunmen shot dead three shepherds on Sunday.")) == [(3, "Killed")]


def test_among_the_wounded_were(extractor: Extractor) -> None:
    ex = run(extractor, "Among the wounded were four children, the Azerbaijani Defence Ministry said.")
    assert claimants(ex) == [(4, "Wounded", MOD_AZ)]
    assert counts(run(extractor, "Among the dead were two nurses.")) == [(2, "Killed")]


def test_medical_help_and_hospital_are_wounds(extractor: Extractor) -> None:
    assert counts(run(extractor, "Seven people were hurt and two more sought medical help after the blast.")) == \
        [(2, "Wounded"), (7, "Wounded")]
    assert counts(run(extractor, "Three civilians were hospitalised after the shelling.")) == [(3, "Wounded")]
    assert counts(run(extractor, "Nine people received medical treatment after the strike.")) == [(9, "Wounded")]
    assert counts(run(extractor, "Five residents were treated for injuries at the city hospital.")) == [(5, "Wounded")]
    assert counts(run(extractor, "A woman sought medical help after the blast.")) == [(1, "Wounded")]
    assert counts(run(extractor, "Two villages sought medical help from the capital.")) == []


def test_a_possessive_claim_is_its_owners(extractor: Extractor) -> None:
    ex = run(extractor, "Baku's claim of 300 Armenian soldiers killed could not be verified.")
    assert claimants(ex) == [(300, "Killed", "azerbaijan")]
    ex = run(extractor, "Yerevan rejected the Azerbaijani Defence Ministry's claim that 200 of its soldiers had died.")
    assert claimants(ex) == [(200, "Killed", MOD_AZ)]


def test_more_speech_verbs_report_the_numbers(extractor: Extractor) -> None:
    for verb in ("revealed", "indicated", "clarified", "specified"):
        ex = run(extractor, f"The Armenian Defence Ministry {verb} that 12 soldiers had died in the fighting.")
        assert claimants(ex) == [(12, "Killed", MOD_AM)], verb


def test_a_trailing_source_the_parser_left_without_subject(bare: Extractor) -> None:
    # the source after the figure, which the parser joined to the verb of the killing (or to nothing)
    for opening in ("Shelling by Freedonian forces on Thursday killed no fewer than nine civilians in the rebel",
                    "Air raids by Freedonian forces on Sunday killed at least nine civilians in the besieged"):
        ex = run(bare, f"{opening} city of Velkor, a war monitor and local residents reported.\n\nThe Ruritanian "
                       "Observatory for Peace said that the shells came from the hills.")
        assert claimants(ex) == [(9, "Killed", "ruritanian-observatory-for-peace")], opening
    ex = run(bare, "Air raids by Freedonian forces on Sunday killed at least nine civilians in the besieged city of "
                   "Velkor, the Ruritanian Red Crescent and local medics reported.")
    assert claimants(ex) == [(9, "Killed", "ruritanian-red-crescent")]


def test_that_brings_the_number_of_those_killed_to(bare: Extractor) -> None:
    ex = run(bare, "Shelling killed two more civilians in Velkor on Sunday. That brings the number of civilians "
                   "killed to 31, according to the Ruritanian Health Ministry.")
    assert claimants(ex) == [(2, "Killed", "ruritanian-health-ministry"), (31, "Killed", "ruritanian-health-ministry")]


def test_the_group_that_runs_a_ministry_is_not_its_voice(bare: Extractor) -> None:
    ex = run(bare, "Freedonian strikes hit Velkor overnight, the Velkor Health Ministry said. The Zarqa-run health "
                   "ministry said 20 people were killed.")
    assert claimants(ex) == [(20, "Killed", "velkor-health-ministry")]
    ex = run(bare, "Freedonian strikes hit Velkor overnight. The Zarqa-run health ministry said 20 people were killed.")
    assert claimants(ex) == [(20, "Killed", None)]


def test_a_named_source_with_an_apposition_after_the_figure(bare: Extractor) -> None:
    for tail in ("Ivan Petrov, the mayor of the town, said.", "Ivan Petrov, the regional governor, said on Telegram."):
        ex = run(bare, f"Freedonian drones struck Velkor on Monday. The strike killed 12 people, {tail}")
        assert claimants(ex) == [(12, "Killed", "ivan-petrov")], tail


def test_the_information_was_confirmed_by_a_source_after_the_figure(bare: Extractor) -> None:
    ex = run(bare, "Freedonian drones struck Velkor on Monday. Twelve people were killed. The information was "
                   "confirmed by the Velkor Emergency Service.")
    assert claimants(ex) == [(12, "Killed", "velkor-emergency-service")]


def test_according_to_preliminary_data_is_the_source_of_the_sentence_before(bare: Extractor) -> None:
    ex = run(bare, "The Velkor Emergency Service reported on Monday that Freedonian drones had struck the city. "
                   "According to preliminary data, 12 people were killed.")
    assert claimants(ex) == [(12, "Killed", "velkor-emergency-service")]
    ex = run(bare, "The Velkor Emergency Service reported on Monday that Freedonian drones had struck the city. "
                   "According to data from the Velkor Red Cross, 12 people were killed.")
    assert claimants(ex) == [(12, "Killed", "velkor-red-cross")]


def test_injuries_suffered_or_sustained_are_wounds(extractor: Extractor) -> None:
    assert counts(run(extractor, "Twelve people suffered injuries in the blast.")) == [(12, "Wounded")]
    assert counts(run(extractor, "Eight soldiers sustained shrapnel wounds in the shelling.")) == [(8, "Wounded")]
    assert counts(run(extractor, "Six people were taken to hospital with burns.")) == [(6, "Wounded")]
    # one of the people counted before, told about: no claim of its own
    ex = run(extractor, "Two civilians were wounded in Tartar. An old man received shrapnel wounds to his arm.")
    assert counts(ex) == [(2, "Wounded")]
