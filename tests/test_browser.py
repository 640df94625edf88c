"""Headless Chromium (Debian's) against the real server, for the seeds and for a corpus of another
war (tests/data/other-war.jsonl, our own sentences, built with no pack but a small one of its own,
tests/data/other-war-pack.ttl): the map draws the Natural Earth basemap and clustered markers,
the timeline draws one item per event, the claims ledger shows both sides and the casualty chart,
entity and event pages render; every page passes axe-core with no serious or critical
violation, at 1280 px and at phone width without sideways scrolling; no request leaves the
origin; an unknown filter value is answered with a message. Screenshots land in tests/artifacts/
(the ones in docs/img/ are copies of these)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ROOT, run_kg, start_server, stop_server

ARTIFACTS = ROOT / "tests" / "artifacts"
DATA = ROOT / "tests" / "data"


def _contested_event(base: str) -> str:
    """The path of an event that someone claims and someone denies (from the canned query claims)."""
    rows = httpx.get(base + "/queries/claims", headers={"Accept": "application/json"}, timeout=30).json()["rows"]
    denied = sorted(r["event"] for r in rows if r["stance"] == "denies")
    assert denied, "the corpus has a denied event"
    return "/id/" + denied[0].split("/id/", 1)[1]


def _pages(entity: str, event: str) -> list[dict[str, Any]]:
    return [
        {"name": "map", "path": "/map", "wait": "#map[data-basemap]", "scroll": "form.filters",
         "click": ".leaflet-marker-icon.pin-point",
         "count": {"markers": ".leaflet-marker-icon", "areas": "path.leaflet-interactive"},
         "attr": {"basemap": ["#map", "data-basemap"]}, "phone": True},
        {"name": "timeline", "path": "/timeline", "wait": ".vis-item.vis-box", "scroll": "form.filters",
         "count": {"items": ".vis-item.vis-box", "rows": "table.events tbody tr"}, "phone": True},
        {"name": "claims", "path": "/claims", "wait": "#casualty-chart[data-bars]",
         "count": {"ledger": "table.ledger tbody tr", "denied": "table.ledger tr.contested",
                   "casualties": "table.casualties tbody tr"}, "phone": True},
        {"name": "claims-chart", "path": "/claims#casualties", "wait": "#casualty-chart[data-bars]",
         "attr": {"bars": ["#casualty-chart", "data-bars"]}},
        {"name": "index", "path": "/", "count": {"ledger": "table.ledger tbody tr"}, "phone": True},
        {"name": "entity", "path": entity, "wait": ".minimap[data-basemap]", "full": True,
         "count": {"props": "table.props tbody tr", "formats": "p.formats a", "strip": ".strip .vis-item.vis-box",
                   "pins": ".minimap .leaflet-marker-icon"}},
        {"name": "event", "path": event, "full": True, "text": "table.event-facts",
         "count": {"sentences": "blockquote.sentence"}},
        {"name": "unknown-type", "path": "/timeline?type=Bombardment&actor=nobody-at-all", "text": ".errors"},
        {"name": "sparql", "path": "/sparql", "wait": ".yasqe .CodeMirror"},
    ]


def _run_screens(base: str, prefix: str, pages: list[dict[str, Any]]) -> dict[str, Any]:
    assert shutil.which("node"), "node is needed (the machine's Node.js)"
    assert (ROOT / "tools" / "node_modules" / "axe-core").is_dir(), "run make install (npm tools)"
    assert shutil.which("chromium"), "install Debian's chromium"
    ARTIFACTS.mkdir(exist_ok=True)
    proc = subprocess.run(["node", str(ROOT / "tests" / "browser" / "screens.mjs"), base, str(ARTIFACTS), prefix,
                           json.dumps(pages)], capture_output=True, text=True, timeout=400, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return summary


def _check_common(summary: dict[str, Any], prefix: str) -> None:
    pages = summary["pages"]
    assert summary["offsite"] == []  # basemap, scripts, styles: everything came from our server
    assert [c for c in summary["console"] if "unknown-type" not in c] == [], summary["console"]  # CSP refusals too
    for name, page in pages.items():  # the YASGUI editor's page too: editor.js mends its markup
        assert page["axe"] == [], (name, page["axe"])
        assert not page["overflowX"], f"{name} scrolls sideways"
    assert int(pages["map"]["basemap"]) > 200          # Natural Earth countries drawn
    assert pages["map"]["markers"] >= 3
    assert pages["map"]["popupLinks"] >= 2             # a marker's popup: its events and their sentences
    assert pages["timeline"]["items"] >= 3
    assert pages["timeline-phone"]["items"] >= 1
    assert pages["claims"]["ledger"] >= 2 and pages["claims"]["denied"] >= 1
    assert int(pages["claims-chart"]["bars"]) >= 1
    assert pages["index"]["ledger"] >= 2              # the landing page opens on the ledger
    assert pages["entity"]["props"] >= 4 and pages["entity"]["formats"] >= 3 and pages["entity"]["pins"] >= 1
    assert pages["event"]["sentences"] >= 1
    assert "Denied by" in pages["event"]["text"] and "Claimed by" in pages["event"]["text"]
    assert pages["unknown-type"]["status"] == 400
    assert "no event type “Bombardment”" in pages["unknown-type"]["text"]
    assert "No actor “nobody-at-all”" in pages["unknown-type"]["text"]
    assert summary["firstTab"] == "Skip to content"
    assert summary["keyboardPopup"] >= 1              # a marker opens its popup from the keyboard
    for name in ("map", "timeline", "claims", "claims-chart", "entity", "event", "map-phone", "claims-phone"):
        assert (ARTIFACTS / f"{prefix}{name}.png").stat().st_size > 10_000


def test_pages_in_chromium_seeds(server: str) -> None:
    summary = _run_screens(server, "seeds-", _pages("/id/entity/stepanakert", _contested_event(server)))
    _check_common(summary, "seeds-")
    pages = summary["pages"]
    assert pages["entity"]["strip"] >= 3               # Stepanakert's timeline strip
    assert pages["map"]["areas"] >= 2                  # Armenia and Azerbaijan shaded as countries


@pytest.fixture(scope="module")
def other_war_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store built from tests/data/other-war.jsonl without the seeds' pack: its towns come from the
    world gazetteer, three areas the gazetteer has no coordinates for from tests/data/other-war-pack.ttl."""
    store = tmp_path_factory.mktemp("other-war") / "store"
    env = {"CKG_PACKS": ""}
    run_kg("build", str(DATA / "other-war.jsonl"), "--pack", str(DATA / "other-war-pack.ttl"), store=store, env=env)
    proc, base = start_server(store, env)
    yield base
    stop_server(proc)


def test_pages_in_chromium_other_war(other_war_server: str) -> None:
    base = other_war_server
    summary = _run_screens(base, "otherwar-", _pages("/id/entity/gori-ge", _contested_event(base)))
    _check_common(summary, "otherwar-")
    html = httpx.get(base + "/claims", timeout=30).text
    assert "Georgia" in html and "Russia" in html and "Tskhinvali" in html
    assert "Stepanakert" not in html                   # nothing of the seeds' war is built in


def test_filters_reach_every_view(server: str) -> None:
    """The same URL parameters filter the map, the timeline and the ledger, and links carry them over."""
    everything = httpx.get(server + "/timeline", timeout=30).text
    some = httpx.get(server + "/timeline", params={"type": "Shelling", "from": "2020-10-01",
                                                   "to": "2020-10-31"}, timeout=30).text
    assert everything.count('<tr id="ev-') > some.count('<tr id="ev-') > 0
    assert "href=\"/map?type=Shelling&amp;from=2020-10-01&amp;to=2020-10-31\"" in some
    ledger = httpx.get(server + "/claims", params={"actor": "armenia"}, timeout=30)
    assert ledger.status_code == 200 and "Armenia" in ledger.text
    bad = httpx.get(server + "/map", params={"from": "last week"}, timeout=30)
    assert bad.status_code == 400 and "is not a date" in bad.text
    csv = httpx.get(server + "/claims.csv", timeout=30)
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("event,date,type,placeLabel,stance,who")


def test_pictures_keep_the_result_limit(seeds_store: Path, tmp_path: Path) -> None:
    """Over the server's result limit, the timeline shows the first events by date and says so."""
    store = tmp_path / "store"
    shutil.copytree(seeds_store, store)
    proc, base = start_server(store, {"CKG_RESULT_LIMIT": "10"})
    try:
        page = httpx.get(base + "/timeline", timeout=30).text
        entity = httpx.get(base + "/id/entity/stepanakert", headers={"Accept": "text/html"}, timeout=30)
    finally:
        stop_server(proc)
    assert page.count('<tr id="ev-') == 10 and "the first 10 by date" in page
    assert entity.status_code == 200 and "Shelling at Stepanakert" in entity.text
