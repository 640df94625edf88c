"""The command line and a running server share the store: read-only commands read the server's
newest snapshot while it holds the store, and ``kg add`` / ``kg remove --server URL`` write
through its ``POST /documents`` (the server sees the change at once)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from tests.conftest import TOKEN, run_kg

JSON = {"Accept": "application/sparql-results+json"}
NEW = "date 2020-10-05\nAzerbaijani forces shelled Stepanakert on Sunday, Armenia's defence ministry said.\n"


def test_read_only_commands_work_while_the_server_runs(writable_server: tuple[str, Path], tmp_path: Path) -> None:
    _, store = writable_server
    documents = run_kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?d a ckg:Document }", "--format", "csv",
                       store=store)
    assert int(documents.stdout.splitlines()[1]) >= 5
    stats = json.loads(run_kg("stats", "--json", store=store).stdout)
    assert stats["documents"] >= 5
    assert run_kg("dump", "--format", "nq", "-o", str(tmp_path / "d.nq"), store=store).returncode == 0
    assert (tmp_path / "d.nq").stat().st_size > 10_000
    assert run_kg("export", "--format", "csv", store=store).stdout.count("\n") > 2
    assert run_kg("validate", store=store).returncode == 0
    leftovers = [p.name for p in store.parent.glob(".store-snapshots/reader-*")]
    assert leftovers == []  # the private snapshot copies are gone


def test_add_and_remove_through_the_server(writable_server: tuple[str, Path], tmp_path: Path) -> None:
    base, store = writable_server
    doc = tmp_path / "shared-store-new.txt"
    doc.write_text(NEW, encoding="utf-8")
    ask = "ASK { ?d a ckg:Document ; dcterms:identifier \"shared-store-new\" }"
    env = {"CKG_API_TOKEN": TOKEN}
    added = run_kg("add", str(doc), "--server", base, store=store, env=env)
    assert "1 added" in added.stderr
    assert httpx.get(base + "/sparql", params={"query": ask}, headers=JSON).json()["boolean"] is True  # at once
    deadline = time.monotonic() + 10  # the command line reads the server's snapshot, taken after the write
    while "true" not in run_kg("query", ask, store=store).stdout:
        assert time.monotonic() < deadline, "kg query never saw the document the server added"
        time.sleep(0.5)
    run_kg("remove", "shared-store-new", "--server", base, store=store, env=env)
    assert httpx.get(base + "/sparql", params={"query": ask}, headers=JSON).json()["boolean"] is False
    refused = run_kg("add", str(doc), "--server", base, store=store, env={"CKG_API_TOKEN": "wrong"}, check=False)
    assert refused.returncode == 1 and "wrong token" in refused.stderr


def test_writing_to_the_held_store_says_how(writable_server: tuple[str, Path], tmp_path: Path) -> None:
    base, store = writable_server
    doc = tmp_path / "shared-store-other.txt"
    doc.write_text(NEW, encoding="utf-8")
    locked = run_kg("add", str(doc), store=store, check=False)
    assert locked.returncode == 1 and "kg add --server URL" in locked.stderr
    remote = run_kg("add", str(doc), "--store", base + "/sparql", store=store, check=False)
    assert remote.returncode == 1 and "kg add --server" in remote.stderr


def test_kg_query_means_what_the_endpoint_means(store_copy: Path) -> None:
    ontology = "<https://w3id.org/conflict-kg/id/graph/ontology>"
    union = int(run_kg("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv",
                       store=store_copy).stdout.split()[1])
    named = int(run_kg("query", f"SELECT (COUNT(*) AS ?n) FROM {ontology} WHERE {{ ?s ?p ?o }}", "--format", "csv",
                       store=store_copy).stdout.split()[1])
    assert 0 < named < union  # FROM is honoured
    deep = run_kg("query", "ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", store=store_copy, check=False)
    assert deep.returncode == 1 and "at most 500" in deep.stderr  # refused, not a segfault
