"""schemathesis against our own OpenAPI on a real server: no generated request gets a 5xx.

The fast variant runs here (``CKG_FUZZ_EXAMPLES`` cases per operation, 25 by default: about
600 requests); ``make fuzz`` runs 10,000+. Writes are fuzzed too, with the token, on a
server of their own over a private store copy.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TOKEN, served_copy

EXAMPLES = os.environ.get("CKG_FUZZ_EXAMPLES", "25")


@pytest.fixture(scope="module")
def fuzz_server(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {"CKG_API_TOKEN": TOKEN, "CKG_QUERY_TIMEOUT": "5"}
    with served_copy(seeds_store, tmp_path_factory.mktemp("fuzz"), env) as (base, _):
        yield base


def test_no_generated_request_gets_a_server_error(fuzz_server: str) -> None:
    cli = Path(sys.executable).parent / "schemathesis"
    proc = subprocess.run([str(cli), "run", fuzz_server + "/openapi.json", "--checks", "not_a_server_error",
                           "--max-examples", EXAMPLES, "--seed", "20201011", "-H", f"Authorization: Bearer {TOKEN}"],
                          capture_output=True, text=True, timeout=900, check=False)
    summary = re.search(r"(\d+) generated, (.*)", proc.stdout)
    print(summary.group(0) if summary else proc.stdout[-2000:])  # the figure `make fuzz` reports
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert summary is not None and int(summary.group(1)) > 300, proc.stdout[-2000:]
