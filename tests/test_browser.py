"""Headless Chromium (Debian's) against the real server: the query editor runs a query, and
entity and document pages render. Screenshots land in tests/artifacts/ for a person to look at."""

from __future__ import annotations

import json
import shutil
import subprocess

from tests.conftest import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"


def test_query_editor_and_pages_in_chromium(server: str) -> None:
    assert shutil.which("node"), "node is needed (the machine's Node.js)"
    assert (ROOT / "tools" / "node_modules" / "playwright-core").is_dir(), "run make install (npm tools)"
    assert shutil.which("chromium") or (ROOT / "usr/bin/chromium").exists(), "install Debian's chromium"
    ARTIFACTS.mkdir(exist_ok=True)
    proc = subprocess.run(["node", str(ROOT / "tests" / "browser" / "screens.mjs"), server, str(ARTIFACTS)],
                          capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["tabs"] >= 5            # examples and canned queries as tabs
    assert summary["rows"] > 5             # the first example returned rows
    assert summary["entityTitle"] == "Stepanakert"
    assert summary["mapPoints"] == 1
    assert summary["highlighted"] > 10
    assert summary["timelineItems"] > 5
    assert summary["markers"] > 5          # the map draws markers without any tile server
    assert summary["offsite"] == []        # no CDN: everything came from our server
    for name in ("query-editor.png", "entity-stepanakert.png", "document-000.png", "timeline.png", "map.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000
