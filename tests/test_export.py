"""Exports round-trip: every exported row is an event in the graph, with its CAMEO code."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pyoxigraph as ox

from tests.conftest import run_kg

CKG = "https://w3id.org/conflict-kg/ontology#"


def _graph(store: Path) -> ox.Store:
    dump = run_kg("dump", "--format", "nq", store=store).stdout
    graph = ox.Store()
    graph.load(dump.encode(), format=ox.RdfFormat.N_QUADS)
    return graph


def test_csv_export_round_trips(seeds_store: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run_kg("export", "--format", "csv", store=seeds_store).stdout)))
    graph = _graph(seeds_store)
    events = {str(r["e"].value) for r in graph.query(  # type: ignore[union-attr,index]
        f"SELECT ?e WHERE {{ GRAPH ?g {{ ?e a <{CKG}Event> }} }}")}
    assert rows and {r["event"] for r in rows} == events
    for r in rows:
        assert r["sentence"] and r["document"]
        if r["event_type"] != "other event":  # the catch-all class has no single CAMEO code
            assert r["cameo_code"] and r["plover_category"], r
        if r["place"]:
            assert r["latitude"] and r["longitude"]


def test_gdelt_and_acled_exports(seeds_store: Path) -> None:
    """One GDELT row and one ACLED row per event of the graph, each saying what the CSV row says."""
    events = {str(r["e"].value) for r in _graph(seeds_store).query(  # type: ignore[union-attr,index]
        f"SELECT ?e WHERE {{ GRAPH ?g {{ ?e a <{CKG}Event> }} }}")}
    assert len(events) > 50
    by_event = {r["event"]: r for r in csv.DictReader(io.StringIO(run_kg("export", "--format", "csv",
                                                                           store=seeds_store).stdout))}
    gdelt = run_kg("export", "--format", "gdelt", store=seeds_store).stdout.splitlines()
    header = gdelt[0].split("\t")
    assert header[:5] == ["GLOBALEVENTID", "SQLDATE", "Actor1Name", "Actor2Name", "EventCode"]
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in gdelt[1:]]
    assert sorted(r["CKG_EVENT_IRI"] for r in rows) == sorted(events)
    assert [r["GLOBALEVENTID"] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    for r in rows:
        row = by_event[r["CKG_EVENT_IRI"]]
        assert (r["EventCode"], r["SQLDATE"], r["ActionGeo_FullName"], r["CKG_SENTENCE"]) == \
            (row["cameo_code"], row["date"].replace("-", ""), row["place"], row["sentence"].replace("\n", " "))
        assert r["EventRootCode"] == row["cameo_code"][:2]
    acled = list(csv.DictReader(io.StringIO(run_kg("export", "--format", "acled", store=seeds_store).stdout)))
    assert sorted(r["ckg_event"] for r in acled) == sorted(events)
    kinds = {r["ckg_event"]: (r["event_type"], r["sub_event_type"]) for r in acled}
    for event, row in by_event.items():
        if row["event_type"] in ("shelling", "missile strike"):
            assert kinds[event] == ("Explosions/Remote violence", "Shelling/artillery/missile attack")
        elif row["event_type"] == "armed clash":
            assert kinds[event] == ("Battles", "Armed clash")
    assert {k for k, _ in kinds.values()} == {"Battles", "Explosions/Remote violence", "Strategic developments"}


def test_export_csv_endpoint_matches_cli(server: str, seeds_store: Path) -> None:
    r = httpx.get(server + "/export.csv")
    assert r.status_code == 200 and r.text == run_kg("export", "--format", "csv", store=seeds_store).stdout
