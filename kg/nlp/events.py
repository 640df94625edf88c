"""Events: what the text reports or alleges happened, typed by the ontology's event classes.

Called by :mod:`kg.nlp.extract` per parsed chunk. A trigger lexicon (lemmas and short
phrases, below) types the event; the sentence gives the rest: places (the most specific
named places, one event per place, not the origin of a "from" phrase), the date (the
sentence's date expression resolved against the article date), the agent (subject of the
trigger verb, or the actor named before a trigger noun: "Armenian missile attack"), the
target, who claims it (the speaker of the sentence's speech verb or "according to") and who
denies it ("Ankara and Baku denied the claim", "disputed by Armenia"). Sentences about
history (a year before the article's, "the 1990s") give no events. The same event (type,
place and date) reported by several documents gets one IRI; each document's graph keeps its
own claim about it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.ids import Iris
from kg.model import Event, Span
from kg.nlp.discourse import Context

__all__ = ["TRIGGERS", "extract_events", "is_background"]


@dataclass(frozen=True)
class Trigger:
    event_type: str
    lemmas: tuple[str, ...]  # a sequence of lemmas that must appear in order, adjacent
    requires: tuple[str, ...] = ()  # lemmas that must also be in the sentence
    forbids: tuple[str, ...] = ()  # lemmas that veto this trigger in the sentence


TRIGGERS: tuple[Trigger, ...] = (
    Trigger("MartialLaw", ("martial", "law")),
    Trigger("Mobilization", ("mobilise",)), Trigger("Mobilization", ("mobilize",)),
    Trigger("Mobilization", ("mobilisation",)), Trigger("Mobilization", ("mobilization",)),
    Trigger("Mobilization", ("recruitment", "office")),
    Trigger("CeasefireViolation", ("violate",), requires=("ceasefire",)),
    Trigger("CeasefireViolation", ("violate",), requires=("truce",)),
    Trigger("CeasefireViolation", ("violating",), requires=("ceasefire",)),
    Trigger("CeasefireViolation", ("violation",), requires=("ceasefire",)),
    Trigger("CeasefireViolation", ("break",), requires=("truce",)),
    Trigger("CeasefireViolation", ("breaking",), requires=("truce",)),
    Trigger("CeasefireViolation", ("breach",), requires=("truce",)),
    Trigger("CeasefireViolation", ("breach",), requires=("ceasefire",)),
    Trigger("CeasefireViolation", ("comply",), requires=("ceasefire", "not")),
    Trigger("CallForCeasefire", ("call",), requires=("ceasefire",), forbids=("violate", "break")),
    Trigger("CallForCeasefire", ("call",), requires=("halt",)),
    Trigger("CallForCeasefire", ("call",), requires=("cessation",)),
    Trigger("CallForCeasefire", ("call",), requires=("end", "fighting")),
    Trigger("CallForCeasefire", ("urge",), requires=("ceasefire",)),
    Trigger("CallForCeasefire", ("pressure",), requires=("ceasefire",)),
    Trigger("CallForCeasefire", ("halt", "fire")),
    Trigger("Ceasefire", ("ceasefire",), forbids=("call", "violate", "violation", "break", "breach", "comply",
                                                   "urge", "pressure", "1994", "hold", "since")),
    Trigger("Ceasefire", ("truce",), forbids=("call", "violate", "break", "breach", "breaking", "urge")),
    Trigger("Shootdown", ("shoot", "down")), Trigger("Shootdown", ("down",), requires=("helicopter",)),
    Trigger("Shootdown", ("down",), requires=("drone",)), Trigger("Shootdown", ("down",), requires=("warplane",)),
    Trigger("Shootdown", ("down",), requires=("jet",)), Trigger("Shootdown", ("down",), requires=("plane",)),
    Trigger("Shootdown", ("down",), requires=("su-25",)),
    Trigger("DroneStrike", ("drone", "strike")), Trigger("DroneStrike", ("drone", "attack")),
    Trigger("DroneStrike", ("attack", "by", "drone")),
    Trigger("AirStrike", ("airstrike",)), Trigger("AirStrike", ("air", "strike")),
    Trigger("AirStrike", ("air", "raid")), Trigger("AirStrike", ("bomb",), requires=("aircraft",)),
    Trigger("MissileStrike", ("missile", "strike")), Trigger("MissileStrike", ("missile", "attack")),
    Trigger("MissileStrike", ("missile",), forbids=("defence", "defense", "launcher")),
    Trigger("Shelling", ("shell",)), Trigger("Shelling", ("shelling",)), Trigger("Shelling", ("artillery", "fire")),
    Trigger("Shelling", ("rocket", "fire")), Trigger("Shelling", ("under", "fire")),
    Trigger("Shelling", ("bombard",)), Trigger("Shelling", ("bombardment",)), Trigger("Shelling", ("explosion",)),
    Trigger("Shelling", ("rocket", "launcher")), Trigger("Shelling", ("target",), requires=("rocket",)),
    Trigger("TerritorialCapture", ("capture",)), Trigger("TerritorialCapture", ("seize",)),
    Trigger("TerritorialCapture", ("liberate",)), Trigger("TerritorialCapture", ("recapture",)),
    Trigger("TerritorialCapture", ("take", "over", "territory")), Trigger("TerritorialCapture", ("take", "control")),
    Trigger("TerritorialCapture", ("foothold",)), Trigger("TerritorialCapture", ("retake",)),
    Trigger("Negotiation", ("talk",), forbids=("call", "urge")), Trigger("Negotiation", ("negotiation",),
                                                                         forbids=("call", "reject")),
    Trigger("Negotiation", ("host",), requires=("negotiation",)), Trigger("Negotiation", ("meeting",),
                                                                          requires=("organise",)),
    Trigger("Mediation", ("mediate",)), Trigger("Mediation", ("broker",)), Trigger("Mediation", ("mediation",)),
    Trigger("MilitaryAid", ("military", "support")), Trigger("MilitaryAid", ("provide",), requires=("support",)),
    Trigger("ForeignFighterDeployment", ("mercenary",)), Trigger("ForeignFighterDeployment", ("foreign", "fighter")),
    Trigger("ForeignFighterDeployment", ("send", "fighter")), Trigger("ForeignFighterDeployment", ("fighter",),
                                                                      requires=("syria",)),
    Trigger("ArmedClash", ("clash",)), Trigger("ArmedClash", ("fighting",), forbids=("halt", "end", "cessation")),
    Trigger("ArmedClash", ("fight",), requires=("heavy",)), Trigger("ArmedClash", ("battle",)),
    Trigger("ArmedClash", ("hostility",), forbids=("cessation",)), Trigger("ArmedClash", ("firing",)),
    Trigger("ArmedClash", ("counteroffensive",)), Trigger("ArmedClash", ("counter", "-", "offensive")),
    Trigger("ArmedClash", ("offensive",)), Trigger("ArmedClash", ("attack",), forbids=("missile", "drone")),
)
# Classes a trigger type stands for beyond itself (the ontology's hierarchy does the rest).
_BACKGROUND = re.compile(r"\b(1[89]\d\d|200\d|201\d)s?\b|\b(?:nineteen|the) ?(?:eighties|nineties)\b")
_DENY = {"deny", "dispute", "reject", "refute"}
_FROM_PREPS = {"from"}
_TARGET_PREPS = {"against", "on", "at", "in", "into", "near", "of", "toward", "towards"}


def is_background(sentence: str, year: int | None) -> bool:
    """True for a sentence about history: it names a year (or decade) before the article's."""
    limit = year or 2020
    for m in _BACKGROUND.finditer(sentence):
        digits = re.match(r"\d+", m.group(0))
        if digits is None or int(digits.group(0)[:4]) < limit:
            return True
    return False


def _lemma(token: Token) -> str:
    lemma = token.lemma_.lower()
    return lemma if lemma != "-pron-" else token.lower_


def _find_triggers(sent: SpacySpan) -> list[tuple[Trigger, Token]]:
    lemmas = [_lemma(t) for t in sent]
    lowers = [t.lower_ for t in sent]
    present = set(lemmas) | set(lowers)
    found: list[tuple[Trigger, Token]] = []
    taken: set[int] = set()
    for trigger in TRIGGERS:
        if any(r not in present for r in trigger.requires) or any(f in present for f in trigger.forbids):
            continue
        n = len(trigger.lemmas)
        for i in range(len(lemmas) - n + 1):
            window = range(i, i + n)
            if all(lemmas[j] == trigger.lemmas[k] or lowers[j] == trigger.lemmas[k] for k, j in enumerate(window)):
                if any(j in taken for j in window):
                    continue
                taken.update(window)
                found.append((trigger, sent[i]))
    return found


def _conjuncts(token: Token) -> list[Token]:
    out = [token]
    for child in token.children:
        if child.dep_ == "conj":
            out.extend(_conjuncts(child))
    return out


def _actors_of(ctx: Context, token: Token | None) -> list[str]:
    if token is None:
        return []
    actors: list[str] = []
    for conj in _conjuncts(token):
        actor, _ = ctx.resolve_np(conj)
        if actor is None:
            actor = _demonym_actor(ctx, conj)
        if actor and actor not in actors:
            actors.append(actor)
    return actors


def _demonym_actor(ctx: Context, token: Token) -> str | None:
    """The state a demonym names: "Armenian" in "Armenian missile attack"."""
    for t in [token, *[c for c in token.children if c.dep_ in ("amod", "compound", "poss")]]:
        for iri, entity in ctx.curated.items():
            if t.text in entity.demonyms:
                return iri
    return None


def _agent(ctx: Context, trigger: Token) -> list[str]:
    head = trigger
    if trigger.pos_ == "VERB":
        subj = next((c for c in trigger.children if c.dep_ == "nsubj"), None)
        if subj is not None:
            return _actors_of(ctx, subj)
        agent = next((c for c in trigger.children if c.dep_ == "agent"), None)
        if agent is not None:
            return _actors_of(ctx, next((c for c in agent.children if c.dep_ == "pobj"), None))
    # a noun trigger: the actor named in front of it ("Armenian missile attack", "Azerbaijan's offensive")
    for child in head.children:
        if child.dep_ in ("amod", "compound", "poss", "nmod") and child.i < head.i:
            found = _actors_of(ctx, child)
            if found:
                return found
    if head.dep_ in ("dobj", "pobj") and head.head.pos_ == "VERB":
        subj = next((c for c in head.head.children if c.dep_ == "nsubj"), None)
        if subj is not None and head.head.lemma_ in ("launch", "carry", "conduct", "stage", "mount"):
            return _actors_of(ctx, subj)
    return []


def _acts(token: Token) -> bool:
    """True when a name is the subject (or possessor) of a clause: it acts, it is not where."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    return token.dep_ in ("nsubj", "nsubjpass", "poss")


def _places(ctx: Context, sent: SpacySpan, actors: set[str]) -> list[str]:
    """The most specific places the sentence names (not origins of "from" phrases)."""
    mentions = ctx.mentions_in(ctx.offset + sent.start_char, ctx.offset + sent.end_char)
    places: list[tuple[str, bool, bool]] = []  # iri, is origin, is coarse (a state or country)
    for m in mentions:
        if not ctx.is_place(m.entity):
            continue
        token = ctx.doc.char_span(m.span.begin - ctx.offset, m.span.end - ctx.offset, alignment_mode="expand")
        origin = False
        if token is not None and _acts(token.root):
            continue  # "Yerevan said", "Ankara denied": a capital standing for its state, not a place
        if token is not None:
            for anc in token.root.ancestors:
                if anc.dep_ == "prep":
                    origin = anc.lower_ in _FROM_PREPS
                    break
        coarse = bool(ctx.types(m.entity) & {"State", "Country"})
        places.append((m.entity, origin, coarse))
    fine = [p for p, origin, coarse in places if not coarse and not origin]
    if fine:
        return list(dict.fromkeys(fine))
    fine = [p for p, origin, coarse in places if not coarse]
    if fine:
        return list(dict.fromkeys(fine))[:1]
    states = [p for p, origin, coarse in places if coarse and p not in actors and not origin]
    return list(dict.fromkeys(states))[:1]


def _denied_by(ctx: Context, sent: SpacySpan) -> list[str]:
    deniers: list[str] = []
    for token in sent:
        if _lemma(token) not in _DENY or token.pos_ != "VERB":
            continue
        subj = next((c for c in token.children if c.dep_ in ("nsubj",)), None)
        agent = next((c for c in token.children if c.dep_ == "agent"), None)
        if subj is None and agent is not None:
            subj = next((c for c in agent.children if c.dep_ == "pobj"), None)
        for actor in _actors_of(ctx, subj):
            if actor not in deniers:
                deniers.append(actor)
    return deniers


def _negated(trigger: Token) -> bool:
    for tok in [trigger, *trigger.ancestors][:3]:
        if any(c.dep_ == "neg" for c in tok.children) and _lemma(tok) not in _DENY:
            return True
    return False


def extract_events(ctx: Context, *, doc_id: str, text: str, iris: Iris, year: int | None) -> list[Event]:
    """Events reported or alleged in one chunk."""
    events: dict[str, Event] = {}
    for sent in ctx.doc.sents:
        if is_background(sent.text, year):
            continue
        triggers = [(t, tok) for t, tok in _find_triggers(sent) if not _negated(tok)]
        if not triggers:
            continue
        tokens: Sequence[Token] = list(sent)
        attribution = ctx.attribute(tokens, focus=ctx.offset + triggers[0][1].idx)
        claimed = (attribution.speaker,) if attribution else ()
        denied = tuple(d for d in _denied_by(ctx, sent) if d not in claimed)
        date = ctx.date_in(sent, outside_quotes=False)
        b, e = ctx.offset + sent.start_char, ctx.offset + sent.end_char
        evidence = Span(b, e, text[b:e])
        by_type: dict[str, list[Token]] = {}
        for trigger, token in triggers:
            by_type.setdefault(trigger.event_type, []).append(token)
        if "Shootdown" in by_type or "MissileStrike" in by_type or "DroneStrike" in by_type:
            by_type.pop("ArmedClash", None)  # "an attack" that is the strike itself
        for event_type, tokens_ in sorted(by_type.items()):
            agents = tuple(dict.fromkeys(a for tok in tokens_ for a in _agent(ctx, tok)))
            places = _places(ctx, sent, set(agents) | set(claimed))
            targets = tuple(p for p in places if event_type in ("Shelling", "MissileStrike", "DroneStrike",
                                                                   "AirStrike"))
            about = tuple(sorted({m.entity for m in ctx.mentions_in(b, e)}))
            place_list: list[str | None] = [*places] or [None]
            for place in place_list:
                if place is not None and date is not None:
                    iri = iris.node("event", event_type, place, date.isoformat())
                else:
                    iri = iris.node("event", doc_id, b, event_type, place or "")
                confidence = 0.55 + (0.1 if place else 0) + (0.1 if date else 0) + (0.1 if agents else 0)
                events[iri] = Event(
                    iri=iri, types=(event_type,), evidence=evidence, agent=agents,
                    target=(place,) if place and place in targets else (), place=(place,) if place else (),
                    date=date, claimed_by=claimed, denied_by=denied, about=about,
                    confidence=round(min(confidence, 0.9), 2),
                )
    return list(events.values())
