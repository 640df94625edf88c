"""``bench/load.py --writes-every`` (the soak of ``make bench-soak``) for a few seconds: reads
from several clients and ``POST /documents`` writes against a real ``kg serve``, no error, and
every acknowledged document in the store, live and after a restart."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port


@pytest.mark.slow
def test_reads_with_writes_lose_nothing(seeds_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "soak.json"
    proc = subprocess.run([sys.executable, "bench/load.py", "--store", str(seeds_store), "--clients", "4",
                           "--seconds", "8", "--writes-every", "2", "--sample-every", "1", "--window", "4",
                           "--port", str(free_port()), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["errors"] == 0, result["error_examples"]
    writes = result["writes"]
    assert writes["acknowledged"] >= 1
    assert writes["present_live"] == writes["present_after_restart"] == writes["acknowledged"], writes
    assert result["soak_goals"]["every acknowledged document present"]
    assert len(result["windows"]) >= 2 and result["memory"]["max_mb"] > 0
    assert result["latency_ms"]["canned"]["n"] > 0 and result["latency_ms"]["write"]["n"] >= 1


@pytest.mark.slow
def test_a_soak_of_constant_size_replaces_documents(seeds_store: Path, tmp_path: Path) -> None:
    """``--distinct 1``: every write after the first replaces the one document of the writer, so
    the store keeps its size; the document is there at the end, once."""
    out = tmp_path / "soak.json"
    proc = subprocess.run([sys.executable, "bench/load.py", "--store", str(seeds_store), "--clients", "2",
                           "--seconds", "8", "--writes-every", "1.5", "--distinct", "1", "--sample-every", "1",
                           "--window", "4", "--port", str(free_port()), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["errors"] == 0, result["error_examples"]
    writes = result["writes"]
    assert writes["writes"] >= 2, writes  # the later ones were replacements, all acknowledged
    assert writes["acknowledged"] == writes["present_live"] == writes["present_after_restart"] == 1, writes
    assert result["soak_goals"]["every acknowledged document present"]
