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
    gdelt = run_kg("export", "--format", "gdelt", store=seeds_store).stdout.splitlines()
    header = gdelt[0].split("\t")
    assert header[:5] == ["GLOBALEVENTID", "SQLDATE", "Actor1Name", "Actor2Name", "EventCode"]
    assert all(len(line.split("\t")) == len(header) for line in gdelt[1:])
    acled = list(csv.DictReader(io.StringIO(run_kg("export", "--format", "acled", store=seeds_store).stdout)))
    assert {r["event_type"] for r in acled} <= {"Battles", "Explosions/Remote violence", "Strategic developments"}
    assert len(acled) == len(gdelt) - 1


def test_export_csv_endpoint_matches_cli(server: str, seeds_store: Path) -> None:
    r = httpx.get(server + "/export.csv")
    assert r.status_code == 200 and r.text == run_kg("export", "--format", "csv", store=seeds_store).stdout
