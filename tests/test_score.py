"""The seeds graph scored against the hand annotations with ``../shared/eval/score.py``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED


@pytest.fixture(scope="module")
def scores(seeds_dump_nq: Path) -> dict[str, dict[str, float]]:
    script = SHARED / "eval" / "score.py"
    assert script.is_file(), f"{script} is missing: CI runs with shared/ beside the clone"
    proc = subprocess.run([sys.executable, str(script), "--graph", str(seeds_dump_nq), "--gold",
                           str(SHARED / "gold"), "--json"], capture_output=True, text=True, check=True)
    print(proc.stdout)
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_entities_f1(scores: dict[str, dict[str, float]]) -> None:
    assert scores["entities"]["f1"] >= 0.90, scores["entities"]


def test_statements_f1(scores: dict[str, dict[str, float]]) -> None:
    assert scores["statements"]["f1"] >= 0.90, scores["statements"]


def test_casualty_claims_f1(scores: dict[str, dict[str, float]]) -> None:
    assert scores["casualties"]["f1"] >= 0.80, scores["casualties"]


def test_events_f1(scores: dict[str, dict[str, float]]) -> None:
    assert scores["events"]["f1"] >= 0.70, scores["events"]
