"""Every SPARQL query of docs/tutorial.md runs on the seeds graph and answers something."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.ids import Iris
from kg.store import KGStore
from tests.conftest import ROOT

QUERIES = re.findall(r"```sparql\n(.*?)```", (ROOT / "docs" / "tutorial.md").read_text(), re.S)


def test_the_tutorial_has_ten_questions() -> None:
    assert len(QUERIES) == 10


@pytest.mark.parametrize("number", range(len(QUERIES)), ids=lambda n: f"q{n + 1}")
def test_tutorial_query_answers(store_copy: Path, number: int) -> None:
    store = KGStore(store_copy, iris=Iris())
    rows = list(store.query(QUERIES[number]))  # type: ignore[arg-type]
    assert rows, f"question {number + 1} found nothing"
