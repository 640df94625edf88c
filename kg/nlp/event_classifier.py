"""A trained sentence classifier of event types, behind a setting (off by default).

``CKG_EVENT_CLASSIFIER`` (:class:`kg.settings.Settings`) names a spaCy pipeline directory made
by :mod:`kg.nlp.train_events` (``make train-events``): a ``textcat`` over sentences whose
exclusive classes are the event classes of the gold annotations plus ``none``. When it is set,
the builder's extractor spec carries it to every worker (and its files and settings are part of
each document's fingerprint, so turning it on or retraining re-extracts), and
:meth:`Classifier.revise` is called by :func:`kg.nlp.events.extract_events` once per sentence
in which the trigger rules found events, with the rule's classes; where the rules give the sentence one class and the
classifier's likeliest class of event (its probabilities over the event classes, ``none`` left
out) is another one, above ``CKG_EVENT_CLASSIFIER_THRESHOLD`` (default 0.7), the classifier's
class replaces it (a rule class that is already a kind of the predicted class is
kept: it is more specific). With ``CKG_EVENT_CLASSIFIER_GATE=1``, a sentence the classifier
puts in ``none`` above the threshold gives no event. With ``CKG_EVENT_CLASSIFIER_SCOPE=generic``
only a generic rule class (a bare "attack" or "fighting", or a class the annotations count as
"Other") is replaced: a specific trigger ("air strike", "shelled") keeps its class.

The trigger rules still decide which sentences are looked at, and places, dates, agents and
claimants: the classifier only changes the class. docs/extraction.md ("A trained event
classifier") gives the measured effect, which is why the setting is off by default.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypeVar

__all__ = ["NONE", "Classifier", "load"]

NONE = "none"
T = TypeVar("T")


class Classifier:
    """A loaded text classifier with its decision settings."""

    def __init__(self, path: Path, threshold: float, gate: bool, generic_only: bool = False) -> None:
        import spacy

        self.nlp = spacy.load(path)
        self.threshold = threshold
        self.gate = gate
        self.generic_only = generic_only
        labels = self.nlp.get_pipe("textcat").labels  # type: ignore[attr-defined]
        # the rule classes the classifier may make specific: a bare "attack", "fighting", or a
        # class the annotations do not list (counted as "Other")
        self.specific = frozenset(labels) - {NONE, "Other", "ArmedClash"}

    def scores(self, text: str) -> dict[str, float]:
        return dict(self.nlp(text).cats)

    def decide(self, text: str, rule_types: list[str]) -> list[str] | None:
        """The classes the sentence's events take: ``rule_types`` unchanged, another single
        class, or ``[]`` (no event); ``None`` when the classifier leaves the rules' decision."""
        cats = self.scores(text)
        if not cats:
            return None
        if self.gate and cats.get(NONE, 0.0) >= self.threshold:
            return []
        # The rules found an event here: which class is it? The classes of events, renormalised.
        kinds = {k: v for k, v in cats.items() if k != NONE}
        total = sum(kinds.values())
        if not kinds or total <= 0:
            return None
        best = max(sorted(kinds), key=lambda k: kinds[k])
        if kinds[best] / total < self.threshold:
            return None
        if len(rule_types) != 1 or rule_types[0] == best:
            return None  # several kinds of event in the sentence: the rules place each
        if self.generic_only and rule_types[0] in self.specific:
            return None  # "air strike", "shelled": the trigger's own class stands
        from kg.nlp.tables import rules

        if rule_types[0] in rules().subclasses(best):
            return None  # "Attack" already counts as "Other"; a subclass is more specific
        return [best]

    def revise(self, text: str, by_type: dict[str, list[T]]) -> dict[str, list[T]]:
        """The sentence's events by class (class -> trigger tokens), as the classifier revises them."""
        if not by_type:
            return by_type
        decided = self.decide(text, sorted(by_type))
        if decided is None:
            return by_type
        if not decided:
            return {}
        return {decided[0]: [tok for toks in by_type.values() for tok in toks]}


@lru_cache(maxsize=4)
def load(path: str, threshold: float, gate: bool, generic_only: bool = False) -> Classifier:
    return Classifier(Path(path), threshold, gate, generic_only)
