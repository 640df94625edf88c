"""The natural features of ``ontology/world/features.tsv``: seas, straits, rivers, heights...

The data checks read the file and the world gazetteer only; the last test runs the real extractor
on a sentence of our own.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from kg.geo.index import WorldGazetteer, name_key
from kg.model import SourceDocument
from tests.conftest import ROOT

WORLD = ROOT / "ontology" / "world"
COLUMNS = ["slug", "label", "alt_labels", "kind", "lat", "lon", "countries", "qid", "geonames", "source"]
KINDS = {"sea", "gulf", "strait", "canal", "river", "reservoir", "lake", "heights", "mountain", "mountains",
         "valley", "glacier", "peninsula", "desert"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def _split(cell: str | None) -> list[str]:
    return [part.strip() for part in (cell or "").split("|") if part.strip()]


FEATURES = _rows(WORLD / "features.tsv")
STATES = _rows(WORLD / "states.tsv")


def _names(row: dict[str, str]) -> list[str]:
    return [row["label"], *_split(row["alt_labels"])]


def test_the_file_has_its_columns_and_unique_slugs() -> None:
    with (WORLD / "features.tsv").open(encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        assert header == COLUMNS
        for number, line in enumerate(f, start=2):
            assert line.count("\t") == len(COLUMNS) - 1, f"line {number} has the wrong number of cells"
    slugs = [r["slug"] for r in FEATURES]
    assert len(slugs) == len(set(slugs)), "duplicate slugs"
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)
    assert len(FEATURES) >= 40


@pytest.mark.parametrize("row", FEATURES, ids=lambda r: r["slug"])
def test_every_row_is_placed_typed_and_sourced(row: dict[str, str]) -> None:
    assert row["label"].strip() == row["label"] and row["label"]
    assert row["kind"] in KINDS
    lat, lon = float(row["lat"]), float(row["lon"])
    assert -90 <= lat <= 90 and -180 <= lon <= 180
    assert re.fullmatch(r"-?\d{1,3}(\.\d+)?", row["lat"]) and re.fullmatch(r"-?\d{1,3}(\.\d+)?", row["lon"])
    # the source names where the coordinates were checked: at least one public copy (a host name)
    assert row["source"].startswith("coordinates:")
    assert re.search(r"[a-z0-9-]+\.[a-z]{2,}(/|\b)", row["source"])
    assert row["qid"] == "" or re.fullmatch(r"Q[1-9]\d*", row["qid"])
    assert row["geonames"] == "" or re.fullmatch(r"[1-9]\d*", row["geonames"])


def test_countries_are_iso_codes_of_the_states_file() -> None:
    codes = {r["iso2"] for r in STATES}
    for row in FEATURES:
        countries = _split(row["countries"])
        assert countries, row["slug"]
        assert len(countries) == len(set(countries)), row["slug"]
        unknown = [cc for cc in countries if cc not in codes]
        assert not unknown, f"{row['slug']}: {unknown}"


def test_one_name_names_one_feature() -> None:
    owner: dict[str, str] = {}
    for row in FEATURES:
        for name in _names(row):
            key = name_key(name)
            assert owner.setdefault(key, row["slug"]) == row["slug"], f"{name!r}: {owner[key]} and {row['slug']}"


def test_no_name_is_a_state_name() -> None:
    states = {name_key(n) for r in STATES for n in [r["label"], *_split(r["alt_labels"]), *_split(r["demonyms"])]}
    clashes = [(row["slug"], n) for row in FEATURES for n in _names(row) if name_key(n) in states]
    assert not clashes


@pytest.fixture(scope="module")
def gazetteer() -> WorldGazetteer:
    return WorldGazetteer.open()


def test_no_name_is_a_settlements_main_name_in_the_features_countries(gazetteer: WorldGazetteer) -> None:
    """"Dnipro" is the city: a feature's name must not be what a town of its own countries is called
    (a namesake abroad, a Mount Hermon in the United States, does not count)."""
    clashes = []
    for row in FEATURES:
        countries = set(_split(row["countries"]))
        for name in _names(row):
            towns = [p for p in gazetteer.lookup(name)
                     if p.kind == "settlement" and p.cc in countries and gazetteer.main_name_match(name, p)]
            clashes += [(row["slug"], name, p.name, p.cc) for p in towns]
    assert not clashes


def test_alt_labels_are_not_regions_of_the_features_countries(gazetteer: WorldGazetteer) -> None:
    """Sudan's Blue Nile and River Nile states, Myanmar's Ayeyarwady Region: an alternate name that
    is a first-level region would take the region's mentions (the curated entity wins)."""
    clashes = []
    for row in FEATURES:
        countries = set(_split(row["countries"]))
        for name in _split(row["alt_labels"]):
            clashes += [(row["slug"], name, p.name) for p in gazetteer.lookup(name)
                        if p.kind == "region" and p.cc in countries and gazetteer.main_name_match(name, p)]
    assert not clashes


def test_features_are_linked_with_coordinates() -> None:
    from kg.build import make_extractor
    from kg.settings import Settings

    extractor = make_extractor(Settings())
    text = ("Tankers waited in the Strait of Hormuz. Ukrainian troops crossed the Dnipro River below the "
            "drained Kakhovka Reservoir, and drones flew over the Sea of Azov.")
    ex = extractor.extract(SourceDocument(doc_id="f", text=text, path="<test>", date=dt.date(2024, 3, 5)))
    linked = {m.span.text: m.entity.rsplit("/", 1)[-1] for m in ex.mentions}
    assert linked.get("Strait of Hormuz") == "strait-of-hormuz"
    assert linked.get("Dnipro River") == "dnieper"
    assert linked.get("Kakhovka Reservoir") == "kakhovka-reservoir"
    assert linked.get("Sea of Azov") == "sea-of-azov"
    for slug in ("strait-of-hormuz", "dnieper", "kakhovka-reservoir", "sea-of-azov"):
        record = next(e for e in extractor.entities.values() if e.iri.endswith("/" + slug))
        assert record.types == ("NaturalFeature",) and record.lat is not None and record.long is not None
        assert record.located_in
