"""Casualty claims: a report referred back to, a person joined to a count, a number after a date
phrase. Hand-written sentences, one per failure class found on the tuning half."""

from __future__ import annotations

from kg.nlp.extract import Extractor
from tests.test_casualties import claimants, counts, extractor, run

__all__ = ["extractor"]


def test_the_report_said_is_the_report_met_before(extractor: Extractor) -> None:
    ex = run(extractor, "Two people were killed in a strike on Barda on Saturday, the Azerbaijani Defence Ministry "
                        "reported.\n\nThe wounded included three children, the report said.")
    assert claimants(ex) == [(2, "Killed", "ministry-of-defence-of-azerbaijan"),
                             (3, "Wounded", "ministry-of-defence-of-azerbaijan")]


def test_it_added_is_the_last_claimant(extractor: Extractor) -> None:
    ex = run(extractor, "Two people were killed in a strike on Barda on Saturday, the Azerbaijani Defence Ministry "
                        "reported.\n\nThree more were wounded, it added.")
    assert claimants(ex) == [(2, "Killed", "ministry-of-defence-of-azerbaijan"),
                             (3, "Wounded", "ministry-of-defence-of-azerbaijan")]


def test_a_new_unnamed_source_is_not_the_last_claimant(extractor: Extractor) -> None:
    ex = run(extractor, "Two people were killed in a strike on Barda on Saturday, the Azerbaijani Defence Ministry "
                        "reported.\n\nThree more were wounded, a witness said.")
    assert claimants(ex)[1] == (3, "Wounded", None)


def test_a_person_joined_to_a_count_is_one_more(extractor: Extractor) -> None:
    assert counts(run(extractor, "Twelve soldiers and a policeman were wounded on Monday.")) == \
        [(1, "Wounded"), (12, "Wounded")]
    assert counts(run(extractor, "Three soldiers and two tanks were lost on Monday.")) == [(3, "Killed")]


def test_a_number_hung_on_the_date_before_it(extractor: Extractor) -> None:
    ex = run(extractor, "This month about 30 people died in raids while the previous month 45 were killed in ambushes.")
    assert counts(ex) == [(30, "Killed"), (45, "Killed")]


def test_the_day_of_a_month_is_no_count(extractor: Extractor) -> None:
    ex = run(extractor, "The raid came a day after a missile attack on May 12 killed three people in the city.")
    assert counts(ex) == [(3, "Killed")]
