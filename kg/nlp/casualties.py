"""Casualty claims: every number of killed or wounded people, whose losses, who says so.

Called by :mod:`kg.nlp.extract` per parsed chunk. A number is a casualty count when it
counts a casualty noun ("158 military deaths", "claimed 30,000 lives"), or counts people
("troops", "civilians", "people", "others", "women"…) who are killed, wounded or lost by a
verb of the clause ("14 civilians have been killed", "killing nine people", "Azerbaijan had
lost 130 troops", "another 200 were wounded"). The population comes from the counted noun,
the side from a demonym or named force in the phrase ("Karabakh separatist troops") or from
the subject of "lose", else the claimant's own side when it reports its own losses, and the
claimant from the sentence's speech verb. History ("a war that killed 30,000 in the 1990s")
is kept, flagged ``ckg:isBackground``.
"""

from __future__ import annotations

import re

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.ids import Iris
from kg.model import CasualtyClaim
from kg.nlp.attribution import attribute, resolve_np
from kg.nlp.discourse import Context
from kg.nlp.events import is_background
from kg.nlp.tables import rules

__all__ = ["extract_casualties", "parse_number"]

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
          "hundred": 100, "a dozen": 12, "dozen": 12}
_TENS = {w: n for w, n in _WORDS.items() if n in (20, 30, 40, 50)} | {"sixty": 60, "seventy": 70, "eighty": 80,
                                                                     "ninety": 90}
_UNITS = {w: n for w, n in _WORDS.items() if 1 <= n <= 9}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_W = rules().words
_KILLED_NOUNS = _W["killed_noun"]
_WOUNDED_NOUNS = _W["wounded_noun"]
_KILL_VERBS = _W["kill_verb"]
_WOUND_VERBS = _W["wound_verb"]
_MILITARY = _W["military_noun"]
_CIVILIAN = _W["civilian_noun"]
_PEOPLE = _W["people_noun"] | _MILITARY | _CIVILIAN
_QUALIFIERS = tuple(sorted(_W["count_qualifier"], key=lambda q: (-len(q), q)))


def parse_number(token: Token) -> int | None:
    """The integer a number token (with a following scale word) stands for: "2,300", "nine", "30 thousand"."""
    text = token.text.lower().replace(",", "")
    value: float | None = None
    doc = token.doc
    if text in _TENS and token.i + 2 < len(doc) and doc[token.i + 1].text in ("-", "–") \
            and doc[token.i + 2].lower_ in _UNITS:
        return None  # the "twenty" of "twenty-three": counted with its units
    if re.fullmatch(r"\d+(\.\d+)?", text):
        value = float(text)
    elif text in _WORDS:
        value = _WORDS[text]
    elif "-" in text and text.split("-", 1)[0] in _TENS and text.split("-", 1)[1] in _UNITS:
        value = _TENS[text.split("-", 1)[0]] + _UNITS[text.split("-", 1)[1]]  # "twenty-three"
    if value is None:
        return None
    if text in _UNITS and token.i >= 2 and doc[token.i - 1].text in ("-", "–") and doc[token.i - 2].lower_ in _TENS:
        value += _TENS[doc[token.i - 2].lower_]
    if token.i + 1 < len(token.doc) and token.nbor(1).lower_ in _SCALES:
        value *= _SCALES[token.nbor(1).lower_]
    if value != int(value) or value <= 0 or value > 10_000_000:
        return None
    return int(value)


def _lemma(token: Token) -> str:
    return token.lemma_.lower()


def _kind_for(number: Token) -> tuple[str, Token] | None:
    """("Killed"|"Wounded", the counted word) when the number counts casualties."""
    head = number.head if number.dep_ in ("nummod", "quantmod", "compound", "amod") else number
    # "158 military deaths", "30,000 lives", "100 people dead"
    following = []
    for word in head.doc[head.i + 1:head.i + 3]:
        if word.pos_ in ("CCONJ", "PUNCT", "VERB", "AUX", "ADP"):
            break  # "killed four people and wounded 19": "wounded" counts the next number
        following.append(word)
    for word in [head, *following]:
        lemma = _lemma(word)
        if lemma in _WOUNDED_NOUNS or word.lower_ in _WOUNDED_NOUNS:
            return "Wounded", head
        if (lemma in _KILLED_NOUNS or word.lower_ in _KILLED_NOUNS) and not (lemma == "life" and number.i > word.i):
            return "Killed", head
    # "23 civilians killed": a participle hanging off the counted noun
    for child in head.children:
        if child.dep_ in ("acl", "relcl", "amod") and _lemma(child) in _KILL_VERBS | _WOUND_VERBS:
            return ("Wounded" if _lemma(child) in _WOUND_VERBS else "Killed"), head
    # the number counts people; look for the verb that kills or wounds them
    if _lemma(head) in _PEOPLE or head is number or head.ent_type_ == "NORP":  # "ten Palestinians"
        verb = head.head
        for child in verb.children:  # "one person was reported killed"
            if child.dep_ in ("xcomp", "oprd", "acomp") and _lemma(child) in _KILL_VERBS | _WOUND_VERBS:
                return ("Wounded" if _lemma(child) in _WOUND_VERBS else "Killed"), head
        for _ in range(3):
            lemma = _lemma(verb)
            if lemma in _WOUND_VERBS:
                return "Wounded", head
            if lemma in _KILL_VERBS:
                return "Killed", head
            if verb.dep_ == "conj" and verb.pos_ == "VERB":
                break  # "… were killed and 100,000 residents have fled": another predicate
            if lemma in ("include", "among") or verb.dep_ in ("prep", "appos", "conj") or verb.pos_ in ("ADP", "NOUN"):
                verb = verb.head
                continue
            break
        # "N others, among them …, were wounded": the clause's verb further up
        for anc in head.ancestors:
            lemma = _lemma(anc)
            if lemma in _WOUND_VERBS:
                return "Wounded", head
            if lemma in _KILL_VERBS and anc.pos_ == "VERB":
                return "Killed", head
            if anc.pos_ == "VERB" and lemma not in ("include", "be"):
                break
    return None


def _population(counted: Token, sent: SpacySpan) -> str:
    words = {_lemma(counted), counted.lower_} | {_lemma(c) for c in counted.children}
    if words & _CIVILIAN:
        return "Civilian"
    if words & _MILITARY:
        return "Military"
    if any(t.lower_ in ("including", "includes") for t in counted.subtree) or \
            "civilian" in {_lemma(t) for t in counted.subtree}:
        return "MixedPopulation"
    return "UnknownPopulation"


def _qualifier(number: Token) -> str | None:
    before = number.doc[max(0, number.i - 3):number.i].text.lower()
    for q in _QUALIFIERS:
        if before.endswith(q) or f" {q} " in f" {before} ":
            return q.removeprefix("an ")
    return None


def _side(ctx: Context, counted: Token, sent: SpacySpan) -> str | None:
    # a force or a state named in the counted phrase ("Karabakh separatist troops", "Azeri civilians")
    for token in counted.subtree:
        mention = ctx.mention_at(token)
        if mention is not None:
            actor = ctx.as_actor(mention.entity)
            if actor:
                return ctx.state_of(actor) or actor
        found = ctx.demonym(token.text)
        if found is not None:
            return found
    # "Azerbaijan had lost 130 troops": the subject of "lose"
    for anc in counted.ancestors:
        if _lemma(anc) == "lose":
            subj = next((c for c in anc.children if c.dep_ == "nsubj"), None)
            if subj is not None:
                actor, _ = resolve_np(ctx, subj)
                if actor:
                    return ctx.state_of(actor) or actor
        if anc.pos_ == "VERB":
            break
    return None


def extract_casualties(ctx: Context, *, doc_id: str, text: str, iris: Iris, year: int | None) -> list[CasualtyClaim]:
    """Casualty claims of one chunk."""
    claims: list[CasualtyClaim] = []
    for sent in ctx.sents:
        if ctx.is_headline(sent):
            continue  # a headline repeats the story's numbers
        background = is_background(sent.text, year)
        found: list[tuple[Token, int, str, Token]] = []
        for token in sent:
            if not token.like_num or token.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT", "ORDINAL"):
                continue
            count = parse_number(token)
            if count is None:
                continue
            judged = _kind_for(token)
            if judged is None:
                continue
            found.append((token, count, judged[0], judged[1]))
        if not found:
            continue
        attribution = attribute(ctx, list(sent), focus=ctx.offset + found[0][0].idx, claims=True)
        claimant = attribution.speaker if attribution else None
        evidence = ctx.sentence_span(sent, text)
        for token, count, kind, counted in found:
            side = _side(ctx, counted, sent)
            if side is None and claimant and attribution and attribution.verb is not None and \
                    _lemma(attribution.verb) in ("report", "record", "confirm", "say"):
                own = ctx.state_of(claimant) or (claimant if "State" in ctx.types(claimant) else None)
                if own and _lemma(attribution.verb) in ("report", "record"):
                    side = own
            claims.append(CasualtyClaim(
                iri=iris.node("claim", doc_id, ctx.offset + token.idx, count, kind),
                count=count, kind=kind, evidence=evidence,
                population=_population(counted, sent), qualifier=_qualifier(token), side=side,
                claimed_by=(claimant,) if claimant else (),
                date=ctx.date_in(sent), background=background,
                confidence=0.75 if claimant else 0.6,
            ))
    return claims
