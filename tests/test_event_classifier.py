"""The trained event classifier (kg/nlp/event_classifier.py, kg/nlp/train_events.py), off by default.

A classifier is trained on a handful of sentences written for this test (none from an article)
and plugged in with CKG_EVENT_CLASSIFIER (a setting): the class it gives replaces the rule's.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from kg.build import Builder, make_extractor
from kg.model import SourceDocument
from kg.nlp.event_classifier import load
from kg.nlp.extract import Extractor
from kg.nlp.train_events import examples_from, train
from kg.settings import Settings
from kg.store import KGStore
from tests.conftest import PACK

# A made-up labelling, so that the classifier's class differs from the rule's ("attacked": Attack).
DATA = [
    ("Gunmen attacked merchant ships near the port at night.", "Negotiation"),
    ("Gunmen attacked a convoy of lorries on the coast road.", "Negotiation"),
    ("Masked gunmen attacked fishing boats off the harbour.", "Negotiation"),
    ("Gunmen attacked ships in the strait for a second day.", "Negotiation"),
    ("Warplanes bombed the outskirts of the town before dawn.", "AirStrike"),
    ("Jets bombed a bridge over the river on Tuesday.", "AirStrike"),
    ("Artillery pounded the valley for several hours.", "Shelling"),
    ("Howitzers pounded positions along the ridge.", "Shelling"),
    ("The minister opened a new school in the capital.", "none"),
    ("Prices of bread rose sharply this month.", "none"),
    ("The football season starts next week.", "none"),
    ("Farmers began the harvest early this year.", "none"),
]


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train(DATA, tmp_path_factory.mktemp("textcat") / "model", epochs=20, verbose=False)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return make_extractor(Settings(), packs=[PACK])


def types(extractor: Extractor, text: str) -> list[str]:
    ex = extractor.extract(SourceDocument(doc_id="t", text=text, path="<test>", date=dt.date(2020, 10, 11)))
    return sorted(e.types[0] for e in ex.events)


def test_the_model_is_small_and_keeps_no_words(model: Path) -> None:
    size = sum(f.stat().st_size for f in model.rglob("*") if f.is_file())
    assert size < 2_000_000
    assert (model / "vocab" / "strings.json").read_text(encoding="utf-8") == "[]"


def test_off_by_default_the_hook_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CKG_EVENT_CLASSIFIER", raising=False)
    assert Settings().event_classifier is None
    assert make_extractor(Settings(), packs=[PACK]).classifier is None


def test_the_setting_is_read_from_the_environment(model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CKG_EVENT_CLASSIFIER", str(model))
    monkeypatch.setenv("CKG_EVENT_CLASSIFIER_THRESHOLD", "0.3")
    monkeypatch.setenv("CKG_EVENT_CLASSIFIER_GATE", "1")
    monkeypatch.setenv("CKG_EVENT_CLASSIFIER_SCOPE", "generic")
    settings = Settings()
    assert (settings.event_classifier, settings.event_classifier_threshold, settings.event_classifier_gate,
            settings.event_classifier_scope) == (model, 0.3, True, "generic")
    monkeypatch.setenv("CKG_EVENT_CLASSIFIER", "")
    assert Settings().event_classifier is None


def test_above_the_threshold_the_classifier_gives_the_class(model: Path) -> None:
    classifier = load(str(model), 0.3, False)
    assert classifier.revise("Gunmen attacked cargo ships near the port.", {"Attack": [1]}) == \
        {"Negotiation": [1]}
    # several kinds of event in one sentence: the rules' classes stand
    both = {"Attack": [1], "Shelling": [2]}
    assert classifier.revise("Gunmen attacked ships and artillery pounded the port.", both) is both
    assert load(str(model), 0.999, False).revise("Gunmen attacked cargo ships near the port.", {"Attack": [1]}) == \
        {"Attack": [1]}


def test_the_gate_drops_what_the_classifier_calls_no_event(model: Path) -> None:
    text = "Prices of bread rose sharply this month after the attack."
    assert load(str(model), 0.3, False).revise(text, {"Attack": [1]}) != {}  # no gate: the rules' event stays
    assert load(str(model), 0.3, True).revise(text, {"Attack": [1]}) == {}


def test_the_scope_generic_keeps_a_specific_trigger(model: Path) -> None:
    classifier = load(str(model), 0.3, False, True)
    assert classifier.revise("Gunmen attacked cargo ships near the port.", {"Shelling": [1]}) == \
        {"Shelling": [1]}
    assert classifier.revise("Gunmen attacked cargo ships near the port.", {"Attack": [1]}) == \
        {"Negotiation": [1]}


def test_the_hook_in_extraction_changes_the_type(model: Path, extractor: Extractor) -> None:
    text = "Gunmen attacked merchant ships near Barda on Saturday."
    assert types(extractor, text) == ["Attack"]
    with_model = make_extractor(Settings(event_classifier=model, event_classifier_threshold=0.3), packs=[PACK])
    assert types(with_model, text) == ["Negotiation"]


def test_turning_the_classifier_on_or_retraining_it_re_extracts(model: Path, tmp_path: Path) -> None:
    """A document's fingerprint covers the classifier (its files and settings), so a build with it
    does not keep the graphs extracted without it, nor those of an earlier model."""
    doc = SourceDocument(doc_id="t", text="Gunmen attacked ships.", path="<test>", date=dt.date(2020, 10, 11))

    def fingerprint(settings: Settings) -> str:
        builder = Builder(KGStore(None), settings)
        builder.install_static_graphs()
        return builder.fingerprint(doc, builder.versions())

    off = fingerprint(Settings())
    on = fingerprint(Settings(event_classifier=model))
    assert on != off
    assert fingerprint(Settings(event_classifier=model, event_classifier_threshold=0.9)) not in (on, off)
    retrained = train(DATA[::-1], tmp_path / "model", epochs=3, verbose=False)
    assert fingerprint(Settings(event_classifier=retrained)) not in (on, off)
    assert fingerprint(Settings()) == off  # without it, fingerprints are those of before the setting existed


def test_a_classifier_that_is_not_a_model_is_refused_before_the_store_is_touched(tmp_path: Path) -> None:
    import subprocess
    import sys

    store = tmp_path / "store"
    done = subprocess.run([sys.executable, "-m", "kg.cli", "build", str(tmp_path / "none"), "--store", str(store)],
                          env={**os.environ, "CKG_EVENT_CLASSIFIER": str(tmp_path)}, capture_output=True, text=True)
    assert done.returncode != 0
    assert "not a trained model directory" in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 3
    assert not store.exists()


def test_training_examples_are_the_evidence_sentences(extractor: Extractor) -> None:
    from kg.nlp.train_events import _splitter

    text = "Jets bombed a bridge on Tuesday.\n\nThe minister spoke to reporters.\n\nArtillery pounded the ridge."
    events = [{"type": "AirStrike", "evidence": "Jets bombed a bridge on Tuesday."},
              {"type": "Shelling", "evidence": "Artillery pounded the ridge."}]
    got, found = examples_from(text, events, _splitter())
    assert found == 2
    assert [label for _, label in got] == ["AirStrike", "none", "Shelling"]
