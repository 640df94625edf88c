"""Geoparsing recall: wordings in which a town or region the gazetteer holds used to get no
coordinates (bench/geo_recall.py measures them at scale, with sentences of its own).

Every sentence is our own, written for one wording and checked on more than one war. The
extractor is the real one (spaCy model, world gazetteer, no pack).
"""

from __future__ import annotations

import pytest

from kg.build import make_extractor
from kg.geo.index import WorldGazetteer
from kg.nlp.extract import Extractor
from kg.settings import Settings
from tests.test_world import country, places_named, run


@pytest.fixture(scope="module")
def ex() -> Extractor:
    return make_extractor(Settings())


def where(ex: Extractor, text: str) -> dict[str, tuple[str, str]]:
    """Surface form -> (place label, country slug) of every place the geoparser resolved in ``text``."""
    return {k: (v[0], country(v[2])) for k, v in places_named(run(ex, text), ex).items()}


def region_of(ex: Extractor, text: str, surface: str) -> str | None:
    """The first-level region of the place ``surface`` names in ``text``."""
    result = run(ex, text)
    by_iri = {p.iri: p for p in result.places}
    for m in result.mentions:
        if m.span.text == surface and m.entity in by_iri:
            region = by_iri.get(by_iri[m.entity].in_region or "")
            return region.label if region is not None else None
    return None


# -- a name grown to the longest town or region name the gazetteer holds ------------------------

@pytest.mark.parametrize(("text", "name", "label", "cc"), [
    # the model keeps only one word of the name
    ("Sirens sounded over Umm el Fahm after midnight, Israeli police said.", "Umm el Fahm", "Umm el Faḥm", "israel"),
    ("Families left Nabatiye et Tahta for the coast, Lebanese civil defence said.", "Nabatiye et Tahta",
     "Nabatîyé et Tahta", "lebanon"),
    ("Government aircraft bombed As Safirah twice, Syrian monitors said.", "As Safirah", "As Safīrah", "syria"),
    # a hyphenated ending
    ("Junta troops torched houses in Daik-u, Burmese witnesses said.", "Daik-u", "Daik-u", "myanmar"),
    # a region whose name carries its own administrative word
    ("Wildfires spread across Krasnoyarsk Krai, Russian officials said.", "Krasnoyarsk Krai", "Krasnoyarsk Krai",
     "russia"),
])
def test_a_name_cut_short_grows_to_the_gazetteer_name(ex: Extractor, text: str, name: str, label: str,
                                                      cc: str) -> None:
    assert where(ex, text).get(name) == (label, cc)


def test_an_article_written_apart_lower_case_joins_the_name(ex: Extractor) -> None:
    got = where(ex, "Clan militias clashed in al-Mayadin at dawn, Syrian activists said.")
    assert got.get("al-Mayadin") == ("Al Mayādīn", "syria")


# -- "X-based", "X's governor" opening a sentence ------------------------------------------------

@pytest.mark.parametrize(("text", "name", "cc"), [
    ("Tarashcha-based volunteers delivered generators, Ukrainian officials said.", "Tarashcha", "ukraine"),
    ("Bayt Sahur-based medics treated the wounded, Palestinian officials said.", "Bayt Sahur", "state-of-palestine"),
    ("A Kassala-based aid group said the road to the border was closed, Sudanese officials said.", "Kassala",
     "sudan"),
])
def test_x_based_is_a_place(ex: Extractor, text: str, name: str, cc: str) -> None:
    assert where(ex, text).get(name, ("", ""))[1] == cc


def test_a_possessive_opening_a_sentence_is_a_place(ex: Extractor) -> None:
    got = where(ex, "Rahat's mayor asked for shelters after rockets fell, Israel's army said.")
    assert got.get("Rahat", ("", ""))[1] == "israel"


# -- a time span the model stretched over a name --------------------------------------------------

@pytest.mark.parametrize(("text", "name", "cc"), [
    ("Jihadists ambushed soldiers near Bagaroua on Thursday, Niger's army said.", "Bagaroua", "niger"),
    ("Gunmen raided a market outside Djibo on Sunday, Burkinabe officials said.", "Djibo", "burkina-faso"),
])
def test_a_name_inside_a_date_span(ex: Extractor, text: str, name: str, cc: str) -> None:
    assert where(ex, text).get(name, ("", ""))[1] == cc


# -- datelines in title case, with a country or a region ------------------------------------------

@pytest.mark.parametrize(("text", "name", "cc"), [
    ("Oster, Ukraine (AP) — Two drones hit a power station overnight.", "Oster", "ukraine"),
    ("Nalut, Libya — Rival militias traded fire on Friday.", "Nalut", "libya"),
    ("Baalbek, Baalbek-Hermel Governorate — An air strike hit a warehouse, Lebanese media said.", "Baalbek",
     "lebanon"),
    ("Tarashcha, Kyiv Oblast — Air defences were active all night, Ukrainian officials said.", "Tarashcha",
     "ukraine"),
    ("Bayt Sahur, West Bank — Troops raided several homes, Palestinian media said.", "Bayt Sahur",
     "state-of-palestine"),
])
def test_a_title_case_dateline(ex: Extractor, text: str, name: str, cc: str) -> None:
    assert where(ex, text).get(name, ("", ""))[1] == cc


def test_a_capitals_dateline_whose_first_word_is_short(ex: Extractor) -> None:
    got = where(ex, "ET TIRA, June 9 (Reuters) - Police closed the main road, Israel's police said.")
    assert got.get("ET TIRA", ("", ""))[1] == "israel"


def test_a_sentence_opening_word_is_no_dateline(ex: Extractor) -> None:
    # a capitalised word opening a sentence, then a comma, is no place unless a place follows it
    got = where(ex, "Meanwhile, Ukrainian troops held their lines near Kupiansk.")
    assert "Meanwhile" not in got


# -- "X, Y region": the town of that region -----------------------------------------------------

def test_x_comma_region_is_the_town_of_that_region(ex: Extractor) -> None:
    # two towns share the name in one country: the region named after it decides
    assert region_of(ex, "Shells hit Horodyshche, Rivne region, on Friday, Ukrainian officials said.",
                     "Horodyshche") == "Rivne Region"
    assert region_of(ex, "Shells hit Horodyshche, Cherkasy region, on Friday, Ukrainian officials said.",
                     "Horodyshche") == "Cherkasy Oblast"


def test_x_a_town_in_the_region(ex: Extractor) -> None:
    got = where(ex, "Rebels said they had retaken Oster, a town in the Chernihiv region, Ukrainian media said.")
    assert got.get("Oster") == ("Oster", "ukraine")


def test_a_region_named_after_a_sea_or_a_river(ex: Extractor) -> None:
    got = where(ex, "Displaced families reached the Red Sea state, Sudanese aid workers said.")
    assert got.get("Red Sea state") == ("Red Sea", "sudan")
    # the sea itself is no region
    assert "Red Sea" not in where(ex, "Houthi drones were fired at a tanker in the Red Sea, Yemen's rebels said.")


def test_a_mistyped_region_name_ending_in_its_administrative_word(ex: Extractor) -> None:
    got = where(ex, "Poltava Oblast's governor reported power cuts, Ukrainian media said.")
    assert got.get("Poltava Oblast") == ("Poltava Oblast", "ukraine")


def test_region_names_of_the_gazetteer_read_as_news_writes_them() -> None:
    # GeoNames' "Administrative" and "Popularate" are a subdivision type, not a name
    world = WorldGazetteer.open()
    assert {p.name for p in world.lookup("Chelyabinsk oblast") if p.kind == "region"} == {"Chelyabinsk Oblast"}
    assert {p.cc for p in world.lookup("Nalut district") if p.kind == "region"} == {"LY"}


# -- spellings of the words many names are made of; lists the model took for one name ----------

@pytest.mark.parametrize(("text", "name", "cc"), [
    ("Barrel bombs fell on Kfar Nabl at noon, a Syrian monitor said.", "Kfar Nabl", "syria"),
    ("Tanks moved into Bayt Lahiya before dawn, Palestinian witnesses said.", "Bayt Lahiya", "state-of-palestine"),
])
def test_a_name_word_in_another_transliteration(ex: Extractor, text: str, name: str, cc: str) -> None:
    assert where(ex, text).get(name, ("", ""))[1] == cc


def test_a_list_taken_for_one_name_keeps_the_names_the_gazetteer_holds(ex: Extractor) -> None:
    text = "Libyan units patrolled between Susa and Ras Hilal, Libya's army said."
    assert where(ex, text).get("Susa", ("", ""))[1] == "libya"
    # the name the gazetteer does not hold stays a name of its own
    assert "Ras Hilal" in {m.span.text for m in run(ex, text).mentions}


def test_a_date_span_over_a_name_keeps_its_date(ex: Extractor) -> None:
    # the model sometimes takes "X on Saturday" for one DATE: the name becomes the place, the rest stays a date
    from spacy.tokens import Span

    assert ex.geoparser is not None
    doc = ex.nlp("Ukraine said Russian troops shelled Vovchansk on Saturday.")
    start = next(t.i for t in doc if t.text == "Vovchansk")
    doc.ents = [e for e in doc.ents if e.end <= start or e.start >= start + 3] + [
        Span(doc, start, start + 3, label="DATE")]
    doc, _ = ex.geoparser(doc)
    ents = {e.text: e.label_ for e in doc.ents}
    assert ents.get("Vovchansk") == "GPE" and ents.get("Saturday") == "DATE"


@pytest.mark.parametrize(("text", "name", "cc"), [
    # a lower-case article joined by a hyphen opens the name
    ("Government troops shelled an-Nabk and its farms, Syrian activists said.", "an-Nabk", "syria"),
    ("Militias fought over at-Taj at night, Libyan officials said.", "at-Taj", "libya"),
    # single letters joined by hyphens (GeoNames' "I-n-Gall") are the "In-" news writes
    ("Soldiers were ambushed outside In-Gall, Niger's army said.", "In-Gall", "niger"),
])
def test_what_a_hyphen_joins_to_a_name_opens_it(ex: Extractor, text: str, name: str, cc: str) -> None:
    assert where(ex, text).get(name, ("", ""))[1] == cc


@pytest.mark.parametrize("text", [
    "Fighters overran Kidal, a town in the Kidal region, Malian officials said.",
    "Kidal, Kidal Region — Drones circled the airstrip, Malian officials said.",
    "Separatists held Kidal in Mali's Kidal region for years.",
])
def test_a_town_the_text_places_in_its_namesake_region_is_the_town(ex: Extractor, text: str) -> None:
    assert where(ex, text).get("Kidal") == ("Kidal", "mali")


def test_a_holiday_date_is_no_place(ex: Extractor) -> None:
    # "X Day" as a DATE: the capitalised word names the holiday, not a town called so
    from spacy.tokens import Span

    assert ex.geoparser is not None
    doc = ex.nlp("Crowds marked Independence Day near the border, Ukraine's army said.")
    start = next(t.i for t in doc if t.text == "Independence")
    doc.ents = [e for e in doc.ents if e.end <= start or e.start >= start + 2] + [
        Span(doc, start, start + 2, label="DATE")]
    doc, _ = ex.geoparser(doc)
    assert {e.text: e.label_ for e in doc.ents}.get("Independence Day") == "DATE"


def test_a_region_of_a_neighbouring_country_keeps_its_spelling(ex: Extractor) -> None:
    # the story names only Russia: the Sumy region across the border is no Russian place spelled alike
    got = where(ex, "Russia said its drones struck fuel depots in the Sumy region overnight.")
    assert got.get("Sumy region") == ("Sumy Region", "ukraine")


@pytest.mark.parametrize(("text", "name", "cc"), [
    ("A depot burned in Moscow-annexed Crimea overnight, Ukraine's navy said.", "Crimea", "ukraine"),
    ("Ukrainian drones hit fuel tanks in Russian-occupied Crimea, Kyiv said.", "Crimea", "ukraine"),
])
def test_annexed_or_occupied_names_a_place(ex: Extractor, text: str, name: str, cc: str) -> None:
    assert where(ex, text).get(name, ("", ""))[1] == cc
