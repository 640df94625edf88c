"""Mediator is a role, not a birthright: the actors a text presents mediating.

An actor becomes a ``ckg:Mediator`` in one document's graph (never as a global type) where that
document presents it mediating, brokering, facilitating or hosting talks, co-chairing a peace
process or acting as a go-between: "talks mediated by X", "X brokered the truce", "a
Qatari-brokered deal", "X hosted the negotiations", "the co-chairs, X, Y and Z", "X's mediation",
"X, which mediates", "X acted as an intermediary". A conflict pack may also type a body
``ckg:Mediator`` for its war (the OSCE Minsk Group).

Called by :mod:`kg.nlp.extract`; the RDF layer writes the type with its evidence span.
"""

from __future__ import annotations

from collections.abc import Mapping

from spacy.tokens import Doc, Token

from kg.model import CuratedEntity, EntityMention, Span
from kg.nlp.tables import rules

__all__ = ["find_mediators"]

_VERBS = {"mediate", "broker", "facilitate", "co-chair", "cochair", "chair", "host", "arbitrate", "negotiate"}
_NEEDS_TALKS = {"host", "chair", "facilitate", "negotiate"}  # "hosted talks", not "hosted refugees"
_TALKS = {"talk", "negotiation", "summit", "meeting", "dialogue", "process", "conference", "round", "deal",
          "agreement", "truce", "ceasefire", "exchange", "swap", "peace", "discussion", "consultation"}
_NOUNS = {"mediator", "mediators", "mediation", "co-chair", "co-chairs", "cochair", "cochairs", "broker",
          "brokers", "intermediary", "intermediaries", "go-between", "facilitator", "facilitators", "guarantor",
          "guarantors", "co-chairmen", "co-chairman"}
_PLACE_TYPES = rules().place_types  # ckg:Location and its subclasses, from the ontology


def _is_actor(iri: str, curated: Mapping[str, CuratedEntity]) -> bool:
    entity = curated.get(iri)
    if entity is None:
        return True  # a new entity: a place would have been resolved by the geoparser or left as Location
    types = set(entity.types)
    return bool(types - _PLACE_TYPES) or "State" in types


def find_mediators(doc: Doc, mentions: list[EntityMention], curated: Mapping[str, CuratedEntity], *,
                   offset: int = 0) -> list[tuple[str, Span]]:
    """``(actor IRI, evidence sentence)`` for every actor ``doc`` presents mediating."""
    words = [t for t in doc if (t.pos_ == "VERB" and t.lemma_.lower() in _VERBS) or t.lower_ in _NOUNS
             or t.lemma_.lower() in _NOUNS]
    if not words:  # most documents: no word of mediation, nothing to map
        return []
    by_token: dict[int, EntityMention] = {}
    for m in mentions:
        span = doc.char_span(m.span.begin - offset, m.span.end - offset, alignment_mode="expand")
        if span is not None:
            for t in span:
                by_token.setdefault(t.i, m)
    found: dict[str, Span] = {}

    def take(tokens: list[Token], sentence: Token) -> None:
        sent = sentence.sent
        for t in tokens:
            m = by_token.get(t.i)
            if m is not None and _is_actor(m.entity, curated):
                evidence = Span(offset + sent.start_char, offset + sent.end_char, sent.text)
                found.setdefault(m.entity, evidence)

    for token in words:
        lemma, lower = token.lemma_.lower(), token.lower_
        if token.pos_ == "VERB" and lemma in _VERBS:
            near = [*token.subtree, token.head] if token.dep_ in ("acl", "relcl", "amod") else list(token.subtree)
            if lemma in _NEEDS_TALKS and not any(c.lemma_.lower() in _TALKS for c in near):
                continue
            if token.dep_ in ("amod", "acl") or (token.i > 1 and doc[token.i - 1].text == "-"):
                # "the Qatari-brokered truce", "talks mediated by X": the agent follows "by" or precedes the hyphen
                if token.i > 1 and doc[token.i - 1].text == "-":
                    take(list(doc[token.i - 2].subtree), token)
            agents = [c for c in token.children if c.dep_ in ("nsubj", "csubj")]
            agents += [g for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            agents += [g for c in token.children if c.lower_ == "by" for g in c.children if g.dep_ == "pobj"]
            for a in agents:
                take(list(a.subtree), token)
            if token.dep_ == "relcl":  # "X, which mediated the talks"
                take([token.head], token)
        elif lower in _NOUNS or lemma in _NOUNS:
            tokens = [c for c in token.subtree if c.i != token.i]
            # "X's mediation", "co-chairs France, Russia and the US", "mediation by X", "X, a mediator"
            if token.dep_ == "appos" or (token.dep_ == "attr" and token.head.lemma_ in ("be", "act", "serve")):
                head = token.head if token.dep_ == "appos" else next(
                    (c for c in token.head.children if c.dep_ == "nsubj"), None)
                if head is not None:
                    tokens += list(head.subtree)
            if token.dep_ == "pobj" and token.head.lower_ == "as" and token.head.head.pos_ == "VERB":
                tokens += [c for c in token.head.head.children if c.dep_ == "nsubj" for c in c.subtree]
            take(tokens, token)
    return sorted(found.items())
