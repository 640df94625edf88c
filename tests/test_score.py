"""The seeds graph scored against the hand annotations with ``../shared/eval/score.py``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED


@pytest.fixture(scope="module")
def scores(seeds_dump_nq: Path) -> dict[str, dict[str, float]]:
    script = SHARED / "eval" / "score.py"
    assert script.is_file(), f"{script} is missing: CI runs with shared/ beside the clone"
    proc = subprocess.run([sys.executable, str(script), "--graph", str(seeds_dump_nq), "--gold",
                           str(SHARED / "gold"), "--json"], capture_output=True, text=True, check=True)
    print(proc.stdout)
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_every_gold_document_is_scored(scores: dict[str, dict[str, float]], seeds_dump_nq: Path) -> None:
    """What was scored: the five seed documents and every gold annotation of them (a scorer that
    read some of the gold files would still give good F1 on those)."""
    gold = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((SHARED / "gold").glob("*.json"))]
    assert sorted(g["doc"] for g in gold) == sorted(p.stem for p in (ROOT / "seeds").glob("*.txt"))
    counts = {"entities": 128, "statements": 59, "events": 76, "casualties": 24}
    assert counts == {k: sum(len(g.get("casualty_claims" if k == "casualties" else k, [])) for g in gold)
                      for k in counts}
    assert {k: scores[k]["gold"] for k in counts} == counts
    text = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--graph", str(seeds_dump_nq),
                           "--gold", str(SHARED / "gold")], capture_output=True, text=True, check=True).stdout
    assert "(5 documents)" in text


def test_entities_f1(scores: dict[str, dict[str, float]]) -> None:
    assert scores["entities"]["f1"] >= 0.90, scores["entities"]


def test_statements_f1(scores: dict[str, dict[str, float]]) -> None:
    assert scores["statements"]["f1"] >= 0.90, scores["statements"]


def test_casualty_claims_f1(scores: dict[str, dict[str, float]]) -> None:
    assert scores["casualties"]["f1"] >= 0.80, scores["casualties"]


def test_events_f1(scores: dict[str, dict[str, float]]) -> None:
    assert scores["events"]["f1"] >= 0.70, scores["events"]
