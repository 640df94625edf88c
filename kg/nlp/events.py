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

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.ids import Iris
from kg.model import EntityMention, Event, Span
from kg.nlp.attribution import attribute, deniers, resolve_np, subject_of
from kg.nlp.dates import resolve_date, same_day
from kg.nlp.discourse import Context
from kg.nlp.event_classifier import Classifier
from kg.nlp.tables import Trigger, rules, word_sets

__all__ = ["TRIGGERS", "extract_events", "is_background"]


_R = rules()
TRIGGERS: tuple[Trigger, ...] = _R.triggers
_W = _R.words
_DENY = _W["denial"]
_SPEECH = _W["speech"]
_FROM_PREPS = _W["from_prep"]
_PLACE_NOUNS = _W["place_noun"]
_PARTY_PREPS = _W["party_prep"]
_LOCATIVE_PREPS = _W["locative_prep"]
_HYPOTHETICAL = _W["hypothetical"]
_MODALS = _W["modal"]
_ATTACK_VERBS = _W["attack_verb"]
_SELF_PLACED = _R.with_policy("placedByAgent")
_STRIKES = _R.with_policy("strike")
_ONCE = _R.with_policy("oncePerDocument")  # a state declares these once: several reports are one event
_SAME_AT_PLACE = _R.with_policy("oncePerPlace")  # talks in one city, mentioned twice, are one event
_AIMED = _STRIKES & (_R.subclasses("Attack") | _R.subclasses("Shootdown"))  # strikes from afar: no battle beside
_TAKES_TARGET = _R.with_policy("takesTarget")
_HAS_TOPIC = _R.with_policy("hasTopic")
_TOPIC_PREPS = _W["topic_prep"]
_GENERIC = _W["generic_trigger"]
_COUNTRY_TYPES = _R.subclasses("Country") | _R.subclasses("State")
_SETTLEMENT = _R.subclasses("Settlement")
_REGION = _R.subclasses("Region")
_KINDS_OF_ATTACK = _R.subclasses("Attack") - {"Attack"}
_CLASHES = _R.subclasses("ArmedClash")
_GENERIC_TYPES = frozenset({"Attack", "ArmedClash"})  # the classes of a bare "attack", "strike", "raid"
_VIOLENT = _R.subclasses("Attack") | _R.subclasses("ArmedClash") | _R.subclasses("Shootdown")
_INSTRUMENTS = _R.instruments
_ANAPHORIC_DETS = frozenset({"the", "this", "that", "these", "those", "such"})  # "its offensive": its agent's
_CAPTIVE_NOUNS = _W["military_noun"] | _W["civilian_noun"] | _W["people_noun"] | _W["materiel_noun"]
_PLACEISH = _W["city_noun"] | _W["place_noun"] | _W["area_noun"] | _W["admin_noun"] | frozenset(
    {"location", "locations", "area", "areas", "neighbourhood", "neighborhood", "camp", "outpost", "base"})
_CONTAINER_DEPS = frozenset({"pobj", "prep", "compound", "poss", "appos", "amod"})


_COMBAT = word_sets("combat.tsv", "role")  # fighting told by its outcome (role -> words)
_COMBAT_VERBS = _COMBAT.get("verb", frozenset())
_STORM_VERBS = _COMBAT.get("storm_verb", frozenset())
_KILLING_VERBS = _COMBAT.get("killing_verb", frozenset())
_AIMED_VERBS = _COMBAT.get("aimed_verb", frozenset())
_EFFECTS = _COMBAT.get("effect_noun", frozenset())
_STRUCK_PLACES = _COMBAT.get("struck_place", frozenset())
_UNITS = _COMBAT.get("unit", frozenset())
_ENEMIES = _COMBAT.get("enemy", frozenset())
_COMBAT_TRIGGER = Trigger("ArmedClash", ("<combat>",))  # not a row of triggers.tsv: found by the parse
_KILLING_TRIGGER = Trigger("Other", ("<killing>",))  # a force killing civilians: violence against them
_UNARMED = _W["civilian_noun"] | _W["people_noun"]
_LAUNCH_VERBS = _COMBAT.get("launch_verb", frozenset())  # "launched drones at X": the drones are the attack
_WEAPON_VERBS = _COMBAT.get("weapon_verb", frozenset())  # "a Shahed hit X": the weapon is the attack
_NOT_WEAPONS = _COMBAT.get("not_weapon", frozenset())  # words of instruments.tsv naming an attack, not a weapon
_CONTEXT_TYPED = _COMBAT.get("context_typed", frozenset())  # a generic attack typed by the weapons told beside it
_STORY_TYPED = _COMBAT.get("story_typed", frozenset())  # a bare strike typed by the one kind of weapon a story names
_BOMBARDMENT = _COMBAT.get("bombardment", frozenset())  # a bombardment typed by the weapons around it, or the story's
_ATTEMPTS = _COMBAT.get("attempt", frozenset())  # "tried to capture X": fighting, not ground taken
_PATTERN_VERBS = _COMBAT.get("pattern_verb", frozenset())  # "intensified attacks": a campaign, not one event
_DOWNING_VERBS = _COMBAT.get("downing_verb", frozenset())  # "shot down 20 drones": a shootdown's weapons
_PLATFORM_TYPED = _COMBAT.get("platform_typed", frozenset())  # "helicopters fired rockets": an air strike
_AERIAL = _R.subclasses("AirStrike")
_WEAPON_TRIGGER = "<weapon>"  # not a row of triggers.tsv: a weapon launched or hitting, found by the parse
_MODIFIERS = frozenset({"amod", "compound", "nmod"})
_MANY_KINDS = 3  # kinds of weapon in one list that make a combined offensive, typed by none of them


_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)(s?)\b(?!\s*(?:-|–)\s*\d)(\s+[a-z]+)?")
_DECADE_WORDS = re.compile(r"\b(?:nineteen|the) ?(?:fifties|sixties|seventies|eighties|nineties)\b", re.I)
_COUNTED = _W["people_noun"] | _W["military_noun"] | _W["civilian_noun"] | _W["killed_noun"] | _W["wounded_noun"]


def is_background(sentence: str, year: int | None) -> bool:
    """True for a sentence about history: it names a year (or a decade) before the year before
    the article's (last year's events are the story's own: "the attack of October 7, 2023" in a
    2024 report is what the war is about; the 2014 war is history).

    The cut-off is relative to the article's own year (its date, or the latest full date its text
    gives); with neither, only named decades ("the nineties") are history. A number that counts
    people ("2014 soldiers") is not a year.
    """
    if _DECADE_WORDS.search(sentence):
        return True
    if year is None:
        return False
    for m in _YEAR.finditer(sentence):
        following = (m.group(3) or "").strip().lower()
        if following and (following in _COUNTED or following.rstrip("s") in _COUNTED):
            continue
        value = int(m.group(1))
        if value + (9 if m.group(2) else 0) < year - 1:
            return True
    return False


def _lemma(token: Token) -> str:
    lemma = token.lemma_.lower()
    return lemma if lemma != "-pron-" else token.lower_


def _find_triggers(sent: SpacySpan) -> list[tuple[Trigger, Token]]:
    lemmas = [_lemma(t) for t in sent]
    lowers = [t.lower_ for t in sent]
    starts: dict[str, list[int]] = {}  # word -> the positions where it is the lemma or the lower-cased form
    for i, (lemma, lower) in enumerate(zip(lemmas, lowers, strict=True)):
        starts.setdefault(lemma, []).append(i)
        if lower != lemma:
            starts.setdefault(lower, []).append(i)
    found: list[tuple[Trigger, Token]] = []
    taken: set[int] = set()
    for trigger in TRIGGERS:
        # every word of the trigger must occur (most triggers fail here, without scanning the sentence)
        if any(w not in starts for w in trigger.lemmas) or \
                any(not any(w in starts for w in r) for r in trigger.requires) \
                or any(f in starts for f in trigger.forbids):
            continue
        n = len(trigger.lemmas)
        for i in starts[trigger.lemmas[0]]:
            if i + n > len(lemmas):
                break
            window = range(i, i + n)
            if all((lemmas[j] == trigger.lemmas[k] or lowers[j] == trigger.lemmas[k])
                   and not (trigger.pos and trigger.pos[k] and sent[j].pos_ != trigger.pos[k])
                   for k, j in enumerate(window)):
                if any(j in taken for j in window):
                    continue
                taken.update(window)
                found.append((trigger, sent[i]))
    return found + _combat(sent, taken) + _weapons_used(sent, taken)


def _weapons_used(sent: SpacySpan, taken: set[int]) -> list[tuple[Trigger, Token]]:
    """Weapons told as the attack by what they do: launched or fired at a place ("launched forty
    drones at X"), or hitting it ("a X-2 slammed into a house", "was hit by a X"); each typed by
    instruments.tsv. The words triggers.tsv already made an event of are left to it."""
    found: list[tuple[Trigger, Token]] = []
    for token in sent:
        cls = _weapon_noun(token)
        if cls is None or token.i in taken or token.dep_ in ("compound", "amod", "nmod"):
            continue
        slot = token
        while slot.dep_ == "conj" and slot.head is not slot:
            slot = slot.head  # "launched drones and missiles"
        if slot.dep_ == "pobj" and slot.head.lower_ == "of" and slot.head.head is not slot.head:
            slot = slot.head.head  # "launched dozens of drones"
        verb = slot.head
        if (slot.dep_ == "dobj" and _lemma(verb) in _LAUNCH_VERBS and verb.i not in taken) or (
                slot.dep_ == "nsubj" and _lemma(verb) in _WEAPON_VERBS) or (
                slot.dep_ == "pobj" and verb.dep_ == "agent" and _lemma(verb.head) in _WEAPON_VERBS) or (
                slot.dep_ == "pobj" and verb.lower_ == "with" and _lemma(verb.head) in _WEAPON_VERBS) or (
                slot.dep_ == "dobj" and _lemma(verb) == "use" and _lemma(verb.head) in _WEAPON_VERBS):
            # "a X-2 hit a house", "was hit by a X", "hit a depot with X", "struck the bridge using X"
            found.append((Trigger(cls, (_WEAPON_TRIGGER,)), token))
    return found


def _force(token: Token | None) -> bool:
    """A noun that names an armed force ("the army", "army units", "government troops")."""
    return token is not None and (_lemma(token) in _UNITS or token.lower_ in _UNITS or any(
        c.dep_ in ("compound", "amod") and (_lemma(c) in _UNITS or c.lower_ in _UNITS) for c in token.children))


def _fighters(token: Token, nouns: frozenset[str] = _ENEMIES) -> bool:
    """An object that names fighters: "21 terrorists", "dozens of militants", "a number of rebels"
    (or, with ``nouns``, other people: "four civilians", "24 people")."""
    for t in [token, *(g for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                       for g in c.children if g.dep_ == "pobj")]:
        if _lemma(t) in nouns or t.lower_ in nouns:
            return True
        if nouns is _ENEMIES and any(c.dep_ == "poss" and (_lemma(c) in nouns or c.lower_ in nouns)
                                     for c in t.children):
            return True  # "stormed terrorists' dens"
    return False


def _combat(sent: SpacySpan, taken: set[int]) -> list[tuple[Trigger, Token]]:
    """Fighting told by what a force did: "army units killed 21 militants" (a force kills
    fighters), "the armed forces stormed the rebels' positions" (a force storms). The victims of a
    passive ("soldiers were killed") are not told here: that is a toll, not a clash."""
    found: list[tuple[Trigger, Token]] = []
    for token in sent:
        lemma = _lemma(token)
        if token.pos_ != "VERB" or token.i in taken or lemma not in _COMBAT_VERBS | _STORM_VERBS | _KILLING_VERBS:
            continue
        subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
        if subject is None and token.dep_ == "conj":
            subject = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
        if not _force(subject):
            continue
        objects = [x for o in token.children if o.dep_ == "dobj" for x in _conjuncts(o)]
        if lemma in _STORM_VERBS or any(_fighters(x) for x in objects):
            found.append((_COMBAT_TRIGGER, token))
        elif lemma in _KILLING_VERBS and any(_fighters(x, _UNARMED) for x in objects):
            found.append((_KILLING_TRIGGER, token))  # "soldiers killed four people in the village of X"
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
        actor, _ = resolve_np(ctx, conj)
        if actor is None:
            actor = _demonym_actor(ctx, conj)
        if actor and actor not in actors:
            actors.append(actor)
    return actors


def _demonym_actor(ctx: Context, token: Token) -> str | None:
    """The state a demonym names: "Armenian" in "Armenian missile attack"."""
    for t in [token, *[c for c in token.children if c.dep_ in ("amod", "compound", "poss")]]:
        found = ctx.demonym(t.text)
        if found is not None:
            return found
    return None


def _agent(ctx: Context, trigger: Token, event_type: str = "ArmedClash") -> list[str]:
    """Who acted: the subject of a verb trigger (through "ordered … to mobilise"), the actor
    named before a noun trigger ("Armenian missile attack"), or the subject of the verb whose
    object the noun trigger is ("Armenia declared martial law")."""
    if trigger.pos_ in ("VERB", "AUX"):
        agent = next((c for c in trigger.children if c.dep_ == "agent"), None)
        if agent is not None:
            return _actors_of(ctx, next((c for c in agent.children if c.dep_ == "pobj"), None))
        if any(c.dep_ == "nsubjpass" for c in trigger.children):
            return []  # "the city was shelled": the subject is the target
        subject = subject_of(ctx, trigger)
        return _actors_of(ctx, subject) if subject is not None else []
    head = trigger
    while head.dep_ in ("amod", "compound", "nmod") and head.head is not head:
        head = head.head
    for child in head.children:
        if child.dep_ in ("amod", "compound", "poss", "nmod") and child.i < head.i and child.i != trigger.i:
            found = _actors_of(ctx, child)
            if found:
                return found
    if head.dep_ in ("dobj", "pobj") and head.head.pos_ in ("VERB", "ADP"):
        verb = head.head if head.head.pos_ == "VERB" else head.head.head
        if verb.pos_ == "VERB" and any(c.dep_ == "nsubjpass" for c in verb.children) and (
                _lemma(trigger) in _GENERIC or _lemma(head) in _GENERIC or event_type not in _CLASHES):
            return []  # "soldiers were killed in an attack": the victims, not the attacker (in "the
            # fighting" they are a side of it)
        if verb.pos_ == "VERB":
            subject = subject_of(ctx, verb)
            if subject is not None:
                return _actors_of(ctx, subject)
    return []


_UNDERGOING = frozenset({"be", "come", "fall", "remain", "become"})  # verbs whose subject undergoes


def _acts(token: Token) -> bool:
    """True when a name is the active subject of a clause ("Yerevan said"), or the object of
    a preposition that makes it a party rather than a location ("support for Baku", "talks
    with Ankara", "fighting between Azerbaijan and Armenia"): it acts, it is not where."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    if token.dep_ == "nsubj":  # "Ganja was under fire", "X came under fire", "X fell to the rebels":
        return token.head.lemma_ not in _UNDERGOING  # the subject is where it happened
    return token.dep_ == "pobj" and token.head.lower_ in _PARTY_PREPS


def _within(ctx: Context, inner: str, outer: str) -> bool:
    """Whether a curated place lies inside another (following ckg:locatedIn)."""
    seen: set[str] = set()
    current = [inner]
    while current:
        iri = current.pop()
        entity = ctx.curated.get(iri)
        if entity is None or iri in seen:
            continue
        seen.add(iri)
        if outer in entity.located_in:
            return True
        current.extend(entity.located_in)
    return False


_LIGHT_VERBS = _W["light_verb"]
_CITY_NOUNS = _W["city_noun"]
_AREA_NOUNS = _W["area_noun"]
_OWNED_NOUNS = _W["owned_noun"]


def _governs(ctx: Context, trigger: Token, place: str, sent: SpacySpan) -> bool:
    """Whether a place is named inside the phrase or clause of a trigger."""
    head = trigger
    while head.dep_ in ("amod", "compound", "nmod") and head.head is not head:
        head = head.head
    if head.pos_ not in ("VERB", "AUX") and head.dep_ == "dobj" and head.head.lemma_.lower() in _LIGHT_VERBS:
        head = head.head  # "carry out a missile strike against X"
    begin, end = head.left_edge.idx, head.right_edge.idx + len(head.right_edge)
    if any(m.entity == place for m in ctx.mentions_in(ctx.offset + begin, ctx.offset + end)):
        return True
    if head.pos_ in ("NOUN", "PROPN") and head.dep_ in ("nsubj", "nsubjpass") and head.head.pos_ in ("VERB", "AUX"):
        # "rockets hit X, and drones hit Y": the subject's clause is the verb's, not the one coordinated with it
        for root in _place_roots(ctx, place, sent):
            if next((a.i for a in root.ancestors if a.pos_ in ("VERB", "AUX")), None) == head.head.i:
                return True
    return False


def _place_roots(ctx: Context, place: str, sent: SpacySpan) -> Iterator[Token]:
    """The parse root of each mention of ``place`` in the sentence."""
    for m in ctx.mentions_in(ctx.offset + sent.start_char, ctx.offset + sent.end_char):
        if m.entity != place:
            continue
        span = ctx.doc.char_span(m.span.begin - ctx.offset, m.span.end - ctx.offset, alignment_mode="expand")
        if span is not None:
            yield span.root


def _nearest_trigger(ctx: Context, place: str, sent: SpacySpan, triggers: dict[int, str],
                     own: Sequence[Token] = ()) -> str | None:
    """The event type of the trigger closest above a place in the parse ("talks on a ceasefire in
    Gaza": Gaza is where the ceasefire would hold, not where the talks are). A trigger coordinated
    with one of ``own`` shares its places ("airstrikes and shelling in X": both are in X)."""
    mine = {t.i for t in _linked(own)}  # "airstrikes and [artillery] shelling in X" (parsed either way)
    for root in _place_roots(ctx, place, sent):
        for token in root.ancestors:
            if token.i in triggers:
                return None if token.i in mine else triggers[token.i]
    return None


def _linked(own: Sequence[Token]) -> list[Token]:
    """Trigger tokens and those coordinated with them ("airstrikes and [artillery] shelling"), but for
    verbs that each take an object of their own ("shelled X and attacked Y": two clauses)."""
    linked = ("conj", "acl", "appos")
    out = [*own, *(c for t in own for c in t.children if c.dep_ in linked),
           *(t.head for t in own if t.dep_ in linked)]
    if any(t.pos_ == "VERB" and _has_object(t) for t in own):
        out = [t for t in out if t in own or not (t.pos_ == "VERB" and _has_object(t))]
    return out


def _has_object(verb: Token) -> bool:
    return any(c.dep_ == "dobj" for c in verb.children)


def _attached(ctx: Context, place: str, sent: SpacySpan, triggers: dict[int, str]) -> int | None:
    """The trigger attached nearest above a place in the parse: an ancestor trigger, or one hanging
    from an ancestor as its object or preposition ("[forces] were also under fire in the direction
    of X": X is the fire's, though "attacking civilian areas and that …" spans the clause too)."""
    for root in _place_roots(ctx, place, sent):
        path = {root.i}
        for token in root.ancestors:
            if token.i in triggers:
                return token.i
            for c in token.children:
                if c.i not in path and c.i in triggers and c.dep_ in ("prep", "dobj", "attr", "oprd"):
                    return c.i
            if token.pos_ in ("VERB", "AUX"):  # "… and drones hit Y": the subject tells what hit Y
                subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass") and c.i in triggers),
                               None)
                if subject is not None and _weapon_noun(subject) is not None:
                    return subject.i
            path.add(token.i)
    return None


def _launched(ctx: Context, place: str, sent: SpacySpan, triggers: dict[int, str]) -> str | None:
    """The event type of a trigger that is the object of a verb above a place ("launching
    rockets and shells on areas in X": X is where the shells fell, not where the air strike told
    beside them hit), or None."""
    for root in _place_roots(ctx, place, sent):
        for token in root.ancestors:
            if token.pos_ != "VERB":
                continue
            objects = [x for o in token.children if o.dep_ == "dobj" for x in _conjuncts(o)]
            objects += [g for x in objects for c in x.children if c.dep_ == "prep" and c.lower_ == "of"
                        for g in _conjuncts(next((p for p in c.children if p.dep_ == "pobj"), c))]
            kinds = {triggers[x.i] for x in objects if x.i in triggers}  # "launching dozens of shells"
            if len(kinds) == 1:
                return kinds.pop()
            if token.dep_ in ("ROOT", "ccomp"):
                break
    return None


def _implied_place(ctx: Context, sent: SpacySpan, region: str | None) -> list[str]:
    """A place the sentence names without a name: "the city" (the settlement named last),
    "the region"/"the area" (the document's region), "its settlements" (the state that owns them)."""
    for token in sent:
        lemma = token.lemma_.lower()
        det = next((c for c in token.children if c.dep_ in ("det", "poss")), None)
        if det is None or token.pos_ != "NOUN" or any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children):
            continue  # "the border towns of X and Y" name their places
        if det.lower_ == "the" and lemma in _CITY_NOUNS:
            before = ctx.offset + sent.start_char
            for m in ctx.mentions_before(before):
                if ctx.types(m.entity) & _SETTLEMENT:
                    return [m.entity]
        if det.lower_ == "the" and lemma in _AREA_NOUNS and region is not None:
            return [region]
        if det.lower_ == "the" and lemma == "country":  # "an Israeli strike on the country's south"
            for m in ctx.mentions_before(ctx.offset + token.idx):
                if ctx.types(m.entity) & _COUNTRY_TYPES and not _acts_at(ctx, m):
                    return [m.entity]
        if det.lower_ in ("its", "their") and lemma in _OWNED_NOUNS:
            for m in reversed(ctx.mentions_in(ctx.offset + sent.start_char, ctx.offset + token.idx)):
                if "State" in ctx.types(m.entity) and "Country" in ctx.types(m.entity):
                    return [m.entity]
    return []


def _acts_at(ctx: Context, m: EntityMention) -> bool:
    """Whether a state's mention is an agent or a demonym's, not the country as a place."""
    span = ctx.doc.char_span(m.span.begin - ctx.offset, m.span.end - ctx.offset, alignment_mode="expand")
    return span is not None and (_acts(span.root) or span.root.dep_ in ("amod", "compound"))


def _places(ctx: Context, sent: SpacySpan, actors: set[str],
            datelines: Sequence[tuple[int, int]] = ()) -> list[str]:
    """The most specific places the sentence names (not origins of "from" phrases, not the
    dateline's, not a place only named as where another one lies)."""
    mentions = ctx.mentions_in(ctx.offset + sent.start_char, ctx.offset + sent.end_char)
    places: list[tuple[str, bool, bool]] = []  # iri, is origin, is coarse (a state or country)
    roots: dict[str, list[Token]] = {}
    for m in mentions:
        if any(b <= m.span.begin < e for b, e in datelines):
            continue
        token = ctx.doc.char_span(m.span.begin - ctx.offset, m.span.end - ctx.offset, alignment_mode="expand")
        if not ctx.is_place(m.entity) and not (token is not None and _untyped_place(ctx, m.entity, token.root)):
            continue
        origin = False
        if token is not None and ((_acts(token.root) and not _between_places(ctx, token.root, m.entity))
                                  or _sided(token.root) or _reference_point(token.root) or _destination(token.root)
                                  or _teller_place(token.root)):
            continue  # "Yerevan said", "Ankara denied": a capital standing for its state, not a place
        if token is not None:
            roots.setdefault(m.entity, []).append(token.root)
        if token is not None:
            preps = [a for a in token.root.ancestors if a.dep_ == "prep"][:2]
            origin = any(p.lower_ in _FROM_PREPS for p in preps)
        coarse = bool(ctx.types(m.entity) & _COUNTRY_TYPES)
        if coarse and token is not None:
            root = token.root
            locative = (root.dep_ == "pobj" and root.head.lower_ in _LOCATIVE_PREPS) or (
                root.dep_ in ("dobj", "nsubjpass") and _lemma(root.head) in _ATTACK_VERBS) or (
                root.dep_ == "poss" and root.head.lower_ in _PLACE_NOUNS)
            if not locative:
                continue
        places.append((m.entity, origin, coarse))
    fine = [p for p, origin, coarse in places if not coarse and not origin]
    named = set(fine)
    fine = [p for p in fine if not (roots.get(p) and all(_container(ctx, r, p, named) for r in roots[p]))] or fine
    # "X village, just north of Y": X, where Y only tells where X lies ("west of Y" alone is at Y)
    fine = [p for p in fine if not (roots.get(p) and all(_bearing(r) for r in roots[p]))] or fine
    # "villages in the X and Y districts … Z": the town, not the areas around it
    fine = [p for p in fine if not (roots.get(p) and all(_admin_area(ctx, r, p) for r in roots[p]))] or fine
    if fine:
        # "Stepanakert, the main city of Nagorno-Karabakh": the most specific place only
        inner = [p for p in fine if not any(q != p and _within(ctx, q, p) for q in fine)]
        return list(dict.fromkeys(inner))
    fine = [p for p, origin, coarse in places if not coarse]
    if fine:
        return list(dict.fromkeys(fine))[:1]
    states = [p for p, origin, coarse in places if coarse and p not in actors and not origin]
    return list(dict.fromkeys(states))[:1]


def _negated(trigger: Token) -> bool:
    head = _noun_head(trigger)
    if trigger.pos_ in ("NOUN", "PROPN") and any(c.dep_ == "det" and c.lower_ == "no" for c in head.children):
        return True  # "there had been no shelling"
    for tok in [trigger, *trigger.ancestors][:4]:
        if any(c.dep_ == "neg" for c in tok.children) and _lemma(tok) not in _DENY:
            return True
    return False


def _present(trigger: Token) -> bool:
    """Whether the clause of a trigger is in the present tense ("are carrying out", "is")."""
    for tok in [trigger, *trigger.ancestors][:3]:
        if tok.tag_ in ("VBZ", "VBP") and tok.lemma_.lower() not in ("say", "claim", "accuse", "report"):
            return True
        if tok.tag_ == "VBG" and any(c.tag_ in ("VBZ", "VBP") for c in tok.children if c.dep_ == "aux"):
            return True
        if tok.pos_ == "VERB" and tok.dep_ in ("ROOT", "ccomp"):
            break
    return False


# Talks are news when they are planned: "negotiators will gather in X", "offered to host talks",
# "a delegation will arrive to hear the results of the negotiations" (as the gold annotates them);
# a modal or a verb of intent does not make them hypothetical, a refusal still does.
_TALKS = _R.subclasses("Negotiation")
_PLANNING = frozenset({"plan", "want", "hope", "seek", "prepare", "intend", "expect", "aim", "attempt", "bid",
                       "promise", "vow"})  # not a stance: "readiness to organise a meeting" is no meeting


def _hypothetical(trigger: Token, event_type: str = "") -> bool:
    """A trigger under a modal or a verb of intent ("vowed to keep fighting", "could escalate"),
    or what someone warns against ("warned against an offensive"). Planned talks are talks."""
    head = _noun_head(trigger)
    if head.dep_ == "pobj" and head.head.lower_ == "against" and _lemma(head.head.head) in ("warn", "caution"):
        return True
    planned = event_type in _TALKS
    tried = event_type in _CLASHES and _attempt(trigger) is not None  # "tried to capture X": fighting
    for tok in [trigger, *trigger.ancestors][:4]:
        lemma = tok.lemma_.lower()
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in tok.children):
            return True  # "if talks fail", "unless the rebels attack"
        if (lemma in _HYPOTHETICAL and not (planned and lemma in _PLANNING | _MODALS)
                and not (tried and lemma in _ATTEMPTS)) or any(
                (c.dep_ == "aux" and c.lower_ in _MODALS and not planned)
                or c.lemma_.lower() in ("readiness", "willingness") for c in tok.children):
            return True
    return False


def _event_date(ctx: Context, sent: SpacySpan) -> tuple[dt.date | None, bool]:
    """The date a sentence gives an event, and whether it is only the date something was said
    ("Saba reported Friday that … Wednesday night": Wednesday; "X said on Monday": Monday, as said).
    A day told relative to the telling ("said on Saturday it was shelled overnight", "said on
    Monday that drones struck on Sunday") counts from the day it was said."""
    said: dt.date | None = None
    # a DATE or a TIME ("Tuesday night", "last night", "this morning"), and a relative word the
    # model leaves untagged ("killed overnight", "shelled yesterday")
    phrases: list[SpacySpan] = [ent for ent in sent.ents if ent.label_ in ("DATE", "TIME")]
    phrases += [sent.doc[t.i:t.i + 1] for t in sent if t.lower_ in _RELATIVE_DAY_WORDS and not t.ent_type_]
    own: list[SpacySpan] = []
    for ent in phrases:
        head = ent.root.head
        if head.dep_ == "prep" and head.head is not head:
            head = head.head
        if _lemma(head) in _SPEECH:
            said = said or resolve_date(ent.text, ctx.anchor, anchor_is_publication=ctx.anchor_is_publication)
        else:
            own.append(ent)
    for ent in own:
        resolved = resolve_date(ent.text, said or ctx.anchor,
                                anchor_is_publication=ctx.anchor_is_publication or said is not None)
        if resolved is not None:
            return resolved, False
    return said, said is not None


_RELATIVE_DAY_WORDS = frozenset({"overnight", "yesterday", "today", "tonight"})


def _noun_head(token: Token) -> Token:
    """The head of the phrase a trigger word sits in ("drone" in "drone strike": "strike")."""
    head = token
    while head.dep_ in ("amod", "compound", "nmod") and head.head is not head and head.head.pos_ in ("NOUN", "PROPN"):
        head = head.head
    return head


def _instrument(token: Token) -> str | None:
    """The class a generic attack takes from what it was carried out with: "helicopters' attack",
    "drones attacked the town", "attacked the port with missiles", "an attack by warplanes"."""
    head = _noun_head(token)
    near: list[Token] = []
    scope = {token, head}
    scope |= {c for t in list(scope) for c in t.children if c.dep_ in ("relcl", "acl", "advcl")}  # "… that hit X with"
    # "targeted a group of fighters using drones" (the participle parsed under the object)
    scope |= {g for c in head.children if c.dep_ == "dobj" for g in c.children
              if g.dep_ == "acl" and g.lemma_.lower() == "use"}
    if head.dep_ == "dobj" and _lemma(head.head) in _LIGHT_VERBS:  # "warplanes carried out a raid"
        near += [c for c in head.head.children if c.dep_ in ("nsubj", "agent")]
    if head.dep_ in ("xcomp", "advcl") and head.head.lemma_.lower() == "use":  # "used a drone to strike a bus"
        near += [c for c in head.head.children if c.dep_ == "dobj"]
    for t in scope:
        near += [c for c in t.children if c.dep_ in ("compound", "amod", "poss", "nmod", "nsubj", "agent")]
        for prep in (c for c in t.children if c.dep_ == "prep" and c.lower_ in ("with", "by", "from")):
            near += [c for c in prep.children if c.dep_ == "pobj"]
        if t.lemma_.lower() == "use":  # "shelled the village using rocket launchers"
            near += [c for c in t.children if c.dep_ == "dobj"]
    for c in list(near):
        if c.dep_ == "agent":
            near += [g for g in c.children if g.dep_ == "pobj"]
    near = [x for c in near for x in _conjuncts(c)]  # "with drones and missiles"
    near += [g for c in near for g in c.children if g.dep_ in ("compound", "amod")]
    return _first_named((c, cls) for c in near if (cls := _weapon_word(c)) is not None)


def _first_named(named: Iterable[tuple[Token, str]]) -> str | None:
    """The class of the weapons named, the most specific of one phrase ("pilotless aircraft" is a
    drone) and, of two kinds ("drones and missiles": one combined attack), the one named first; of
    three kinds or more ("tanks, artillery, aviation and drones"), an offensive no one kind types: None."""
    pairs = list(named)
    kept = [(t, c) for t, c in pairs if not any(
        o != c and c in _R.superclasses.get(o, ()) and ((u.head.i == t.i and u.dep_ in _MODIFIERS) or (
            t.head.i == u.i and t.dep_ in _MODIFIERS)) for u, o in pairs)]
    if len({c for _, c in kept}) >= _MANY_KINDS:
        return None
    return min(kept, key=lambda p: (p[0].i, p[1]))[1] if kept else None


def _weapon_word(token: Token) -> str | None:
    """The attack class a word naming a weapon or platform makes (instruments.tsv): its lemma, its
    lower-cased form, that form without a hyphenated suffix ("X-2"), or the phrase its modifiers
    make with it ("heavy weapons")."""
    lower = token.lower_
    before = f"{_lemma(token.doc[token.i - 1])} {_lemma(token)}" if token.i > 0 else ""
    for w in (before, _lemma(token), lower, lower.split("-", 1)[0] if "-" in lower[1:] else ""):
        if w in _INSTRUMENTS:
            return _INSTRUMENTS[w]
    return None


def _weapon_noun(token: Token) -> str | None:
    """The class of a noun that names the weapon itself, not a modifier of something else ("drones",
    "Shahed drones", "cruise missiles"; not "drone factory", "air defence", "missile launcher")."""
    if token.pos_ not in ("NOUN", "PROPN") or _lemma(token) in _NOT_WEAPONS:
        return None
    cls = _weapon_word(token)
    if cls is None:
        return None
    head = token.head
    if token.dep_ in ("compound", "amod", "nmod") and head is not token and head.pos_ in ("NOUN", "PROPN") and \
            _weapon_word(head) is None and _lemma(head) not in _CONTEXT_TYPED:
        return None  # "drone factory", "missile defence", "Air Force" ("drone strike" names the drone)
    return cls


def _weapons_named(sent: SpacySpan, skip: Iterable[int] = (), downed: bool = True) -> list[tuple[Token, str]]:
    """The weapons a sentence names as used (launched, fired, hitting, and, with ``downed``, shot
    down: not those held, supplied or hit), each with its class, in text order."""
    skipped = set(skip)
    out: list[tuple[Token, str]] = []
    hit_verbs = _ATTACK_VERBS - _LAUNCH_VERBS
    for token in sent:
        cls = _weapon_noun(token)
        if cls is None or token.i in skipped:
            continue
        head = token
        while head.dep_ in ("conj", "compound", "amod", "appos") and head.head is not head:
            head = head.head  # "drones, rockets and missiles", "Shahed drones"
        if head.dep_ in ("dobj", "nsubjpass") and _lemma(head.head) in _HOLDING_VERBS | hit_verbs:
            continue  # "sites said to contain drones", "targeted missiles ready for launch"
        if not downed and head.dep_ in ("dobj", "nsubjpass") and _lemma(head.head) in _DOWNING_VERBS:
            continue  # "downed two helicopters in response to an attack": the shootdown's, told in it
        out.append((token, cls))
    return out


_HOLDING_VERBS = frozenset({"contain", "store", "stockpile", "supply", "deliver", "provide", "possess", "acquire",
                            "develop", "produce", "manufacture", "buy", "sell", "receive", "display", "hide", "import",
                            "export", "smuggle", "seize", "capture", "find", "discover", "hold", "have", "own"})


def _weapon_hit(trigger: Trigger, token: Token) -> bool:
    """A weapon named as what was hit ("targeted missiles ready for launch"), or as what is held,
    supplied or found ("sites alleged to contain drones and missiles"), not as the attack."""
    if len(trigger.lemmas) != 1 or _lemma(token) not in _INSTRUMENTS:
        return False
    head = token
    while head.dep_ == "conj" and head.head is not head:
        head = head.head  # "drones, weapons and missiles"
    hit_verbs = (_ATTACK_VERBS - {"fire", "launch"}) | {"destroy", "intercept"}  # "fired missiles at X": the attack
    return (head.dep_ in ("dobj", "nsubjpass") and _lemma(head.head) in hit_verbs) or (
        head.dep_ in ("dobj", "nsubjpass") and _lemma(head.head) in _HOLDING_VERBS)


def _civil_target(token: Token) -> bool:
    """Whether an attack is on ships, cars, houses or civilians rather than on a force."""
    head = _noun_head(token)
    objects = [c for c in head.children if c.dep_ == "dobj"] if head.pos_ == "VERB" else []
    objects += [g for t in {token, head} for c in t.children if c.dep_ == "prep" and c.lower_ in ("on", "against")
                for g in c.children if g.dep_ == "pobj"]
    return any(_civil(x) for o in objects for x in _conjuncts(o))


def _ground_target(ctx: Context, token: Token) -> bool:
    """Whether an attack (the word "attack": not a battle, an offensive or an ambush) is on a place
    rather than on a force: "attacked the village of X", "an attack on the town of X", "has
    attacked X airport", "attacked the X area"; "attacked an army unit", "a detachment was attacked
    on the outskirts of X" (where, not what) are clashes."""
    if _lemma(token) != "attack":
        return False
    if token.pos_ == "VERB":
        objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
    else:
        objects = [g for c in token.children if c.dep_ == "prep" and c.lower_ in ("on", "against")
                   for g in c.children if g.dep_ == "pobj"]
    for obj in (x for o in objects for x in _conjuncts(o)):
        if _lemma(obj) in _STRUCK_PLACES or obj.lower_ in _STRUCK_PLACES:
            return True
        m = ctx.mention_at(obj)
        if m is not None and ctx.is_place(m.entity) and not ctx.types(m.entity) & _COUNTRY_TYPES:
            return True  # "attacked X" (a town); "attacked Armenia" is the state, a side
    return False


_FORCE_WORDS = _W["military_noun"] | {"army", "naval", "navy"}


def _civil(noun: Token) -> bool:
    """A civil target ("a car", "merchant ships"), not one a force owns ("an army convoy", "a military base")."""
    return _lemma(noun) in _W["civil_target"] and not any(
        c.dep_ in ("amod", "compound") and (_lemma(c) in _FORCE_WORDS or c.lower_ in _FORCE_WORDS)
        for c in noun.children)


def _captives(ctx: Context, token: Token) -> bool:
    """Whether what a capture verb takes is people or materiel ("captured two officers alive",
    "seized a cache of weapons"), not ground."""
    objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass", "oprd", "acomp")]
    if token.pos_ == "NOUN":
        objects += [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of"
                    for g in c.children if g.dep_ == "pobj"]
    if not objects:
        return False
    for obj in objects:
        for t in [obj, *(c for c in obj.children if c.dep_ in ("prep", "conj"))]:
            targets = [t] if t.dep_ != "prep" else [g for g in t.children if g.dep_ == "pobj"]
            for x in targets:
                m = ctx.mention_at(x)
                if m is not None and ctx.is_place(m.entity):
                    return False
                if (m is not None and ctx.is_person(m.entity)) or _lemma(x) in _CAPTIVE_NOUNS:
                    return True
    return False


def _combined(triggers: Sequence[tuple[Trigger, Token]]) -> dict[int, str]:
    """Weapons named in one list ("drones and missiles hit X", "launched drones, cruise missiles and
    ballistic missiles"): one combined attack, of the class of the weapon named first."""
    out: dict[int, str] = {}
    for _, token in triggers:
        if token.i in out or _weapon_noun(token) is None:
            continue
        root = token
        while root.dep_ == "conj" and root.head is not root:
            root = root.head
        members = _conjuncts(root)
        if root.dep_ in ("compound", "nmod", "amod") and _lemma(root.head) in _CONTEXT_TYPED:
            # "a drone and missile attack": the weapons modifying one attack noun
            members = [x for c in root.head.children if c.dep_ in ("compound", "nmod", "amod") for x in _conjuncts(c)]
        named = [(t, cls) for t in members if (cls := _weapon_noun(t)) is not None]
        if len(named) > 1:
            out.update((t.i, _first_named(named) or "Attack") for t, _ in named)  # many kinds: an attack
    return out


def _told_beside(ctx: Context, number: int, sent: SpacySpan, token: Token) -> str | None:
    """The class of the weapons a generic attack's sentence names ("a strike on X; air defences downed
    twelve drones"), else those of the next sentence ("A strike hit X. Officials said a drone was used")."""
    found = _first_named(_weapons_named(sent, skip=[token.i], downed=False))
    after = ctx.sents[number + 1] if number + 1 < len(ctx.sents) else None
    if found is None and after is not None and not ctx.is_headline(after) and \
            set(_places(ctx, after, set())) <= set(_places(ctx, sent, set())):
        # "attacks on X killed two. In Y, a rocket hit a house": another event, at its own place
        agents = set(_agent(ctx, token))
        # "X conducted strikes … X also said it destroyed eight drones": the other side's drones
        found = _first_named((w, cls) for w, cls in _weapons_named(after)
                             if not (agents and (verb := _downed_by(w)) is not None
                                     and agents & set(_agent(ctx, verb))))
    return found


def _downed_by(token: Token) -> Token | None:
    """The verb that shot a weapon down ("destroyed eight drones", "drones were intercepted"), or None."""
    head = token
    while head.dep_ in ("conj", "compound", "amod", "appos") and head.head is not head:
        head = head.head  # "eight unmanned aerial vehicles (UAVs)"
    if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head is not head.head:
        head = head.head.head  # "shot down 20 of the drones"
    return head.head if head.dep_ in ("dobj", "nsubjpass") and _lemma(head.head) in _DOWNING_VERBS else None


def _story_named(ctx: Context) -> list[tuple[Token, str]]:
    """The weapons a story names as used, and the words that name a kind of strike ("airstrikes")."""
    named = [(t, cls) for sent in ctx.sents for t, cls in _weapons_named(sent, downed=False)]
    return named + [(t, cls) for t in ctx.doc if _lemma(t) in _NOT_WEAPONS and (cls := _weapon_word(t)) is not None]


def _sole_kind(named: Sequence[tuple[Token, str]]) -> str | None:
    """The one kind of strike a story tells by its weapons (:func:`_story_named`: "airstrikes" and
    nothing else), or None."""
    kinds = {cls for _, cls in named}
    return kinds.pop() if len(kinds) == 1 else None


def _story_weapon(named: Sequence[tuple[Token, str]]) -> str | None:
    """What a bare strike is in a story whose weapons (:func:`_story_named`) are only drones or
    missiles (no aircraft, no guns): a drone strike in a story of drones, and, where both are named,
    the kind named first (as in "drones and missiles": one combined attack). None in any other story."""
    kinds = {cls for _, cls in named}
    if not kinds or not kinds <= _STORY_KINDS:
        return None
    return min(named, key=lambda p: p[0].i)[1]


_CAPTURES = _R.subclasses("TerritorialCapture")
_STORY_KINDS = frozenset({"DroneStrike", "MissileStrike"})


def _attempt(token: Token) -> Token | None:
    """The word of attempt above a trigger ("tried to capture", "an attempt to retake"), or None."""
    for tok in [token, *token.ancestors][1:4]:
        if _lemma(tok) in _ATTEMPTS:
            return tok
        if tok.pos_ == "VERB" and tok.dep_ in ("ROOT", "ccomp"):
            break
    return None


def _stepped_up(token: Token) -> bool:
    """A trigger noun told as a campaign stepped up ("has intensified attacks on X", "escalated its
    strikes"): a pattern, not one event."""
    return token.pos_ == "NOUN" and token.dep_ == "dobj" and _lemma(token.head) in _PATTERN_VERBS


def _purpose(token: Token) -> bool:
    """A verb told as the aim of what was done ("seized weapons in the battles to liberate X")."""
    return token.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)


def _tried(trigger: Trigger, token: Token) -> Trigger:
    """A capture tried or failed ("rebels tried to take X"), or told as what fighting was for ("an
    offensive to retake X"): fighting at X, not ground taken."""
    if trigger.event_type in _CAPTURES and (_attempt(token) is not None or _purpose(token)):
        return Trigger("ArmedClash", trigger.lemmas, trigger.requires, trigger.forbids, trigger.line, trigger.pos)
    return trigger


def _launcher(token: Token) -> Token | None:
    """The verb that launches or fires a weapon ("launched rockets", "fired dozens of missiles"), or None."""
    if _weapon_noun(token) is None:
        return None
    slot = token
    while slot.dep_ == "conj" and slot.head is not slot:
        slot = slot.head
    if slot.dep_ == "pobj" and slot.head.lower_ == "of" and slot.head.head is not slot.head:
        slot = slot.head.head
    return slot.head if slot.dep_ == "dobj" and _lemma(slot.head) in _LAUNCH_VERBS else None


def _retype(ctx: Context, event_type: str, token: Token) -> str:
    """The class of a mention once its words are read in context: a generic attack carried out
    with aircraft, drones, missiles or guns is that kind of attack; people or weapons captured
    are fighting, not ground taken."""
    found = _instrument(token)
    launcher = _launcher(token)
    platform = _instrument(launcher) if launcher is not None else None
    if platform in _AERIAL:
        return platform  # "helicopters launched rockets at X": an air strike
    if event_type in _GENERIC_TYPES or _lemma(token) in _W["instrument_typed"] or (
            _lemma(token) in _PLATFORM_TYPED and found in _AERIAL):
        if found is not None:
            return found
        if event_type == "ArmedClash" and (_civil_target(token) or _ground_target(ctx, token)):
            return "Attack"  # "attacks on merchant ships", "attacked the village of X": no clash between forces
    if event_type == "TerritorialCapture" and _captives(ctx, token):
        return "ArmedClash"
    if found is not None and found != event_type and event_type in _R.superclasses.get(found, ()):
        return found  # "an air strike by a drone", "a drone dropped bombs": the most specific class
    return event_type


def _attributive(trigger: Trigger, token: Token) -> bool:
    """A one-word trigger used as an adjective ("the besieged enclave"): it describes, it does not report."""
    # "besieged"; "offensive operations" report; "a downed drone" was shot down
    return len(trigger.lemmas) == 1 and token.dep_ == "amod" and trigger.event_type != "Shootdown" and (
        token.tag_ in ("VBN", "VBD") or token.lower_.endswith("ed"))


def _habitual(token: Token) -> bool:
    """A trigger in the simple present ("it shells civilian areas", "carries out strikes"): what a
    side does, not an event."""
    verb = token if token.pos_ == "VERB" else (token.head if token.dep_ == "dobj" else None)
    if verb is None or verb.tag_ not in ("VBZ", "VBP"):
        return False
    return not any(c.dep_ in ("aux", "auxpass") for c in verb.children)


def _anaphoric(token: Token) -> bool:
    """A trigger noun that names an event already told ("the attack", "these strikes", "its offensive")."""
    if token.pos_ not in ("NOUN", "PROPN"):
        return False
    head = _noun_head(token)
    return any(c.dep_ in ("det", "poss") and c.lower_ in _ANAPHORIC_DETS for c in head.children)


_DATELINE_END = re.compile(r"\s[-–—]{1,2}\s|:\s|/\.?\s")
_DATELINE_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d+")
_MONTH_WORDS = frozenset("jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june "
                         "july august september october november december".split())


def _datelines(ctx: Context) -> list[tuple[int, int]]:
    """Where the text names where it was filed ("CAIRO (Sputnik) -", "Sanaa, July 13:", "KYIV,
    Ukraine, June 22 —"): a place there is the reporter's, not the event's."""
    out: list[tuple[int, int]] = []
    if ctx.offset:
        return out
    begin = 0
    for _ in range(4):
        while begin < len(ctx.text) and ctx.text[begin].isspace():
            begin += 1
        if begin >= len(ctx.text):
            break
        head = ctx.text[begin:begin + 80].split("\n", 1)[0]
        m = _DATELINE_END.search(head)
        if m is not None and head[:1].isupper():
            words = _DATELINE_WORD.findall(head[:m.start()])
            if 0 < len(words) <= 8 and all(w[0].isupper() or w.isdigit() or w.lower() in _MONTH_WORDS for w in words):
                out.append((ctx.offset + begin, ctx.offset + begin + m.start()))
        nl = ctx.text.find("\n", begin)
        if nl < 0:
            break
        begin = nl
    return out


def _sided(token: Token) -> bool:
    """A place named as a side: "in support of X", "solidarity with Palestinians in X", "X-backed forces"."""
    head = token.head
    if token.dep_ in ("npadvmod", "compound", "amod", "nmod") and head.lower_ in _W["party_participle"]:
        return True
    if token.dep_ == "pobj" and head.dep_ == "prep" and head.head.lower_ in _W["base_participle"]:
        return True  # "Islamists based in X"
    current = token
    for _ in range(3):
        if current.dep_ != "pobj" or current.head.dep_ != "prep" or current.head.head is current.head:
            return False
        current = current.head.head
        if _lemma(current) in _W["party_noun"]:
            return True
    return False


def _between_places(ctx: Context, token: Token, entity: str) -> bool:
    """"between X and Y" where X and Y are towns, not sides: a stretch of ground."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    return token.dep_ == "pobj" and token.head.lower_ == "between" and not ctx.is_actor(entity) \
        and not ctx.types(entity) & _COUNTRY_TYPES


def _iterative(token: Token) -> bool:
    """A trigger noun told as a pattern ("repeated attacks", "daily shelling"), not one event."""
    return token.pos_ == "NOUN" and any(
        c.dep_ == "amod" and (_lemma(c) in _W["iterative"] or c.lower_ in _W["iterative"]) for c in token.children)


_DIRECTIONS = frozenset("north south east west northeast northwest southeast southwest".split())


_CARRY_VERBS = frozenset({"arrive", "take", "evacuate", "transfer", "rush", "bring", "transport", "carry", "admit",
                          "flee", "airlift"})


def _destination(token: Token) -> bool:
    """A place named as where the wounded or the fleeing went ("taken to a hospital in X", "the
    bodies arrived at X", "families fled to X"): not where the event was."""
    current = token
    for _ in range(4):
        head = current.head
        if current.dep_ == "pobj" and head.lower_ in ("to", "at", "into") and _lemma(head.head) in _CARRY_VERBS:
            return True
        if current.dep_ not in ("pobj", "prep", "compound", "appos", "conj") or head is current:
            return False
        current = head
    return False


def _reference_point(token: Token) -> bool:
    """A place that only measures where the event was: "150 km south of X"."""
    head = token.head
    return token.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in _DIRECTIONS and any(
        c.like_num or any(g.like_num for g in c.children) for c in head.head.children)


_PLACE_SLOT_PREPS = frozenset({"around", "near", "outside"})
_NAME_PLACE_HEADS = _PLACEISH | _W["site_noun"]
_NAMED_PLACE_HEADS = _COMBAT.get("named_place_head", frozenset())


def _teller_place(token: Token) -> bool:
    """A place named only as where the teller is ("sources at the X hospital in Y reported",
    "doctors at the clinic in Y said"): not where the event was. A body "in Y" ("the civil
    defence in Y said") is not enough: its place is often where the event was."""
    current, crossed = token, False
    for _ in range(6):
        head = current.head
        if head is current:
            return False
        if current.dep_ == "nsubj" and crossed:
            return _lemma(head) in _SPEECH
        if current.dep_ not in ("pobj", "prep", "compound", "appos"):
            return False
        crossed = crossed or (current.dep_ == "prep" and current.lower_ == "at")  # "sources at the hospital"
        current = head
    return False


def _untyped_place(ctx: Context, entity: str, root: Token) -> bool:
    """A name the linker took for a person or a body (no curated entity) standing where only a place
    stands: before a place noun ("the X area", "the X and Y camps"), after "the towns of" ("the
    villages of X, Y and Z"), or after "around"/"near"/"outside" a strike's targets."""
    if entity in ctx.curated or entity not in ctx.new or ctx.types(entity) & {"Person"} and root.dep_ == "poss":
        return False
    head = root
    while head.dep_ in ("conj", "appos") and head.head is not head:
        head = head.head  # "the towns of X, Y and Z": the first conjunct carries the slot
    if head.dep_ == "compound" and _lemma(head.head) in _NAME_PLACE_HEADS:
        return True
    if root.dep_ == "compound" and _lemma(root.head) in _NAME_PLACE_HEADS:
        return True
    if _lemma(root) in _NAMED_PLACE_HEADS and root.text[:1].isupper():
        return True  # "on X Street"
    if head.dep_ != "pobj":
        return False
    prep = head.head
    if prep.lower_ == "of" and _lemma(prep.head) in _CITY_NOUNS | _W["site_noun"] and prep.head.tag_ == "NNS":
        return True
    return prep.lower_ in _PLACE_SLOT_PREPS


def _bearing(token: Token) -> bool:
    """A place named after a bearing ("north of X", "just west of X"): where something else lies."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    head = token.head
    return token.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in _DIRECTIONS


def _admin_area(ctx: Context, root: Token, place: str) -> bool:
    """A place named as an administrative area: "the Shebekinsky district", "the Terter and Fuzuli districts"."""
    for t in (root, root.head, *(c for c in root.children if c.dep_ in ("compound", "appos"))):
        if _lemma(t) in _W["admin_noun"] or t.lower_ in _W["admin_noun"]:
            return True
    head = root
    while head.dep_ == "conj" and head.head is not head:
        head = head.head  # "the Terter, Jabrail and Fuzuli districts": the last one carries the noun
    return head is not root and _lemma(head.head) in _W["admin_noun"]


def _container(ctx: Context, root: Token, place: str, others: set[str]) -> bool:
    """Whether a place is named only as where another place lies ("the village of X in the Y
    district", "X area in the countryside of Y", "Y's X")."""
    if root.dep_ == "pobj" and root.head.lower_ == "of" and _lemma(root.head.head) in _W["surround_noun"] \
            and others - {place}:
        return True  # "Sahl al-Rouj in the countryside of Idlib"
    if root.dep_ == "appos" and any(c.dep_ == "conj" for c in root.children):
        return False  # "the towns of X, Y, Z and W" parsed with Y in apposition: a list, not Y within X
    current = root
    for _ in range(8):
        if current.dep_ not in _CONTAINER_DEPS and not (current.dep_ == "relcl" and current.lemma_ == "be"):
            return False
        current = current.head
        if current.pos_ in ("VERB", "AUX") and current.lemma_ != "be":
            return False
        placeish = _lemma(current) in _PLACEISH  # "Kinda area in Y", "the village of X in Y"
        for t in [current, *(c for c in current.children if placeish and (c.dep_ in ("compound", "appos") or
                                 (c.dep_ == "prep" and c.lower_ == "of")))]:
            for u in ([t] if t.dep_ != "prep" else [g for g in t.children if g.dep_ == "pobj"]):
                m = ctx.mention_at(u)
                if m is not None and m.entity != place and m.entity in others:
                    return True
        if current.head is current:
            return False
    return False


def _names_topic(ctx: Context, place: str, sent: SpacySpan, triggers: list[Token]) -> bool:
    """Whether a place is named only as a modifier ("the Gaza ceasefire talks", "a Gaza truce
    proposal"): talks are where they are held, and that is said with a preposition."""
    roots = []
    for m in ctx.mentions_in(ctx.offset + sent.start_char, ctx.offset + sent.end_char):
        if m.entity == place:
            span = ctx.doc.char_span(m.span.begin - ctx.offset, m.span.end - ctx.offset, alignment_mode="expand")
            if span is not None:
                roots.append(span.root)
    return bool(roots) and all(r.dep_ in ("compound", "amod", "nmod", "poss") for r in roots)


def _compatible(antecedent: _Mention, mention: _Mention) -> bool:
    """Whether a later mention can name the same event as an earlier one."""
    a, b = antecedent.event_type, mention.event_type
    if a == b:
        pass
    elif a in _VIOLENT and mention.anaphoric and all(_lemma(t) in _EFFECTS for t in mention.tokens):
        pass  # "launched airstrikes on X. Residents described the explosions as powerful": the strikes'
    elif b in _GENERIC_TYPES and a in _VIOLENT and mention.anaphoric:
        pass  # "the attack" after an air strike
    elif not (a in _GENERIC_TYPES and b in _VIOLENT and (mention.anaphoric or antecedent.anaphoric)):
        return False  # "the drone strike" after "the attack": the same; a shelling after fighting: not
        # ("the attack took place in X" under the headline, then "a drone attack killed eight": the same)
    if antecedent.own_date and mention.own_date and antecedent.date != mention.date:
        return False
    return not (antecedent.agents and mention.agents and not set(antecedent.agents) & set(mention.agents))


def _coarse(ctx: Context, places: list[str]) -> bool:
    return all(ctx.types(p) & (_COUNTRY_TYPES | _REGION) for p in places)


def _corefer(ctx: Context, mentions: list[_Mention]) -> list[_Mention]:
    """One event per cluster of mentions: a mention with no place of its own ("134 families fled the
    clashes", "the militaries confirmed the strikes"), or a definite one ("the attack took place in
    X", "the strike hit X") that places an event told before, is that event: it adds its place
    (where the first gave none, or only a country or region), date, claimants and a more
    specific class ("the attack" told first, "the drone struck" after)."""
    out: list[_Mention] = []
    last: dict[int, int] = {}  # id of a cluster -> number of its last sentence
    for m in mentions:
        target: _Mention | None = None
        # "the strike" told again goes to the strike told before, not to "the October 7 attacks" between
        same = m.event_type not in _GENERIC_TYPES and not m.places and m.anaphoric and any(
            c.event_type == m.event_type and _compatible(c, m) for c in out)
        for c in reversed(out):
            if not _compatible(c, m) or (same and c.event_type != m.event_type):
                continue
            if not m.places and (m.anaphoric or m.event_type in _VIOLENT or (
                    m.event_type in _OTHER_KINDS and {_lemma(t) for t in m.tokens} & {_lemma(t) for t in c.tokens})):
                target = c  # a claim of talks or of aid, told again by another party, is another claim
                # ("houses were burned", then "the village was burned down": the same burning)
            elif m.places and m.event_type == c.event_type and set(m.places) == set(c.places) \
                    and m.number - last[id(c)] <= 2 \
                    and not (m.dated and c.dated) \
                    and not (m.claimed and c.claimed and not set(m.claimed) & set(c.claimed)):
                target = c  # "X was shelled", then "the army shelled X": told twice (each side's report is its own)
            elif c.anaphoric and c.event_type in _GENERIC_TYPES and m.event_type not in _GENERIC_TYPES \
                    and m.number - last[id(c)] <= 2 and (not c.places or set(m.places) <= set(c.places)):
                target = c  # "the attack" told first, what it was told next
            elif m.anaphoric and m.number - last[id(c)] <= 4 and (
                    not c.places or _coarse(ctx, c.places) or set(m.places) <= set(c.places)
                    # "the strike" in "the country", told again of the same day
                    or (_coarse(ctx, m.places) and not _coarse(ctx, c.places) and m.date in (None, c.date))
                    or all(any(_within(ctx, p, q) for q in c.places) for p in m.places)):
                target = c
            break  # the nearest compatible event only
        if target is None:
            out.append(m)
            last[id(m)] = m.number
            continue
        last[id(target)] = m.number
        if m.places and (not target.places or (_coarse(ctx, target.places) and not _coarse(ctx, m.places)) or (
                _coarse(ctx, target.places) and set(target.places) <= set(m.about) - set(m.places))):
            target.places = list(m.places)  # "in X Township of Y State" after "in Y State": the one inside
        if target.event_type in _GENERIC_TYPES and m.event_type not in _GENERIC_TYPES:
            target.event_type = m.event_type
        if m.date is not None and (target.date is None or (m.own_date and not target.own_date)):
            target.date, target.own_date = m.date, m.own_date
        target.agents = tuple(dict.fromkeys([*target.agents, *m.agents]))
        target.extra_claimed += [c for c in m.claimed if c not in target.claimed]
        target.denied = tuple(dict.fromkeys([*target.denied, *m.denied]))
    return out


# acts told again in other words are one act; claims of aid or of fighters sent, told by another party, are not
_OTHER_KINDS = _R.subclasses("Other") - _R.subclasses("MilitaryAid") - _R.subclasses("ForeignFighterDeployment")
_PLACED_BY_CONTEXT = _VIOLENT | _R.subclasses("TerritorialCapture") | _R.subclasses("CeasefireViolation")


def _context_place(ctx: Context, number: int, actors: set[str], datelines: Sequence[tuple[int, int]]) -> list[str]:
    """Where an event the sentence does not place happened: the place the sentence before (or the
    one before that) names ("Drones flew over X at dawn. Two people died in the attack."), else
    the dateline's town ("X, May 3 (Agency) - ... the strike killed two")."""
    for before in (number - 1, number - 2):
        if before < 0:
            break
        sent = ctx.sents[before]
        if ctx.is_headline(sent):
            break
        found = _places(ctx, sent, actors, datelines)
        if found:
            return found[:1]
    for begin, end in datelines:
        for m in ctx.mentions_in(begin, end):
            if ctx.types(m.entity) & _SETTLEMENT:
                return [m.entity]
    return []


def _main_region(ctx: Context) -> str | None:
    """The region the document names most: where unplaced fighting is (the war's theatre)."""
    counts: dict[str, int] = {}
    for m in ctx.mentions:
        if ctx.types(m.entity) & _REGION:
            counts[m.entity] = counts.get(m.entity, 0) + 1
    return max(sorted(counts), key=lambda k: counts[k]) if counts else None


@dataclass
class _Mention:
    """One kind of event named in one sentence, before mentions of one event are joined."""

    event_type: str
    tokens: list[Token]
    places: list[str]
    date: dt.date | None
    own_date: bool  # the sentence gives the date (not the story going on, nor the report's date)
    agents: tuple[str, ...]
    claimed: tuple[str, ...]
    denied: tuple[str, ...]
    evidence: Span
    about: tuple[str, ...]
    number: int  # the sentence's number in the chunk
    anaphoric: bool  # "the attack", "this strike": names an event told before
    dated: bool = False  # the sentence has a date phrase of its own (resolved or not: "late last month")
    extra_claimed: list[str] = field(default_factory=list)


_TOLL_VERBS = _W["kill_verb"] | _W["wound_verb"]


def _toll_places(ctx: Context, sent: SpacySpan, text: str, number: int, mentions: list[_Mention],
                 datelines: Sequence[tuple[int, int]]) -> list[_Mention]:
    """The towns a toll that follows an attack names ("Shelling killed 13 civilians in the
    province on Thursday. Twelve were killed in X and one in Y"): the attack told just before, at
    each town it did not name. Only towns (not a country or a region), only under the verb of
    the toll, and only right after the attack."""
    if not mentions or mentions[-1].number != number - 1 or mentions[-1].event_type not in _VIOLENT:
        return []
    before = mentions[-1]
    verbs = [t for t in sent if t.pos_ == "VERB" and _lemma(t) in _TOLL_VERBS]
    if not verbs:
        return []
    places: list[str] = []
    for p in _places(ctx, sent, set(before.agents), datelines):
        if p in before.places or not ctx.types(p) & _SETTLEMENT:
            continue
        for m in ctx.mentions_in(ctx.offset + sent.start_char, ctx.offset + sent.end_char):
            span = ctx.doc.char_span(m.span.begin - ctx.offset, m.span.end - ctx.offset, alignment_mode="expand")
            if m.entity == p and span is not None and any(a in verbs for a in span.root.ancestors) \
                    and span.root.dep_ == "pobj" and span.root.head.lower_ in _LOCATIVE_PREPS:  # "killed in X"
                places.append(p)
                break
    if not places:
        return []
    attribution = attribute(ctx, list(sent), focus=ctx.offset + verbs[0].idx, claims=True)
    evidence = ctx.sentence_span(sent, text)
    return [_Mention(
        event_type=before.event_type, tokens=verbs[:1], places=list(dict.fromkeys(places)), date=before.date,
        own_date=False, agents=before.agents, claimed=(attribution.speaker,) if attribution else before.claimed,
        denied=(), evidence=evidence, number=number, anaphoric=False,
        about=tuple(sorted({m.entity for m in ctx.mentions_in(evidence.begin, evidence.end)})))]


def extract_events(ctx: Context, *, doc_id: str, text: str, iris: Iris, year: int | None,
                   classifier: Classifier | None = None) -> list[Event]:
    """Events reported or alleged in one chunk; ``classifier`` (CKG_EVENT_CLASSIFIER) may retype them."""
    mentions: list[_Mention] = []
    last_dated: dict[str, tuple[int, dt.date]] = {}  # event type -> (sentence number, date)
    region = _main_region(ctx)
    named = _story_named(ctx)  # one scan of the story's weapons for both
    story, sole = _story_weapon(named), _sole_kind(named)
    datelines = _datelines(ctx)
    told_before: dt.date | None = None  # the date of the last event told, of any kind
    for number, sent in enumerate(ctx.sents):
        date, said_date = _event_date(ctx, sent)
        if date is None and told_before is not None and same_day(sent.text):
            date = told_before  # "the same morning": the day of the event told before
        current = date is not None and (year is None or date.year >= year)
        if is_background(sent.text, year) and not current:
            continue
        line = sent.text.strip()
        if ctx.is_headline(sent) or not any(t.pos_ in ("VERB", "AUX") for t in sent) or line.endswith("?") or \
                sent.text.lstrip().upper().startswith(("READ MORE", "WATCH", "ALSO READ", "RELATED")):
            continue  # headlines, questions and links to other stories report no event
        found = [(_tried(t, tok), tok) for t, tok in _find_triggers(sent) if not _stepped_up(tok)]
        triggers = [(t, tok) for t, tok in found if not _negated(tok) and not _hypothetical(tok, t.event_type)
                    and not _attributive(t, tok) and not _weapon_hit(t, tok) and not _iterative(tok)
                    and not (t.event_type == "Mediation" and tok.dep_ in ("amod", "compound"))]
        # "to deter them from attacking ships in X": X is where the event that did not happen would be
        dropped = {tok.i: "dropped" for t, tok in found if (t, tok) not in triggers and tok.pos_ == "VERB"}
        objects = {tok.head.i for _, tok in triggers if tok.dep_ == "dobj"}
        triggers = [(t, tok) for t, tok in triggers if tok.i not in objects or t.event_type in _HAS_TOPIC]
        # "repelled an attack": the attack is the event, not a second one
        subjects = {tok.head.i for t, tok in triggers if tok.dep_ == "nsubj" and tok.head.pos_ == "VERB"
                    and t.event_type in _VIOLENT}
        triggers = [(t, tok) for t, tok in triggers if tok.i not in subjects or t.event_type not in _VIOLENT]
        # "the attack targeted X", "rockets hit X": the subject names the event, the verb tells what it did
        topics = {i for t, tok in triggers if t.event_type in _HAS_TOPIC
                  for i in (tok.i, tok.head.i if tok.dep_ == "compound" else tok.i)}
        # "talks on a truce": the truce is what the talks are about, not an event of its own
        kept = [(t, tok) for t, tok in triggers if t.event_type in _HAS_TOPIC or not topics
                or not (any(a.i in topics for a in tok.ancestors)
                        or (tok.dep_ == "pobj" and tok.head.lower_ in _TOPIC_PREPS))]
        topic_tokens = {tok.i: "topic" for t, tok in triggers if (t, tok) not in kept}
        topic_tokens |= dropped
        triggers = kept
        if not triggers:
            mentions += _toll_places(ctx, sent, text, number, mentions, datelines)
            continue
        combat = {tok.i for t, tok in triggers if t is _COMBAT_TRIGGER or t is _KILLING_TRIGGER}
        tokens: Sequence[Token] = list(sent)
        attribution = attribute(ctx, tokens, focus=ctx.offset + triggers[0][1].idx, claims=True)
        claimed = (attribution.speaker,) if attribution else ()
        denied = tuple(d for d in deniers(ctx, tokens) if d not in claimed)
        evidence = ctx.sentence_span(sent, text)
        b, e = evidence.begin, evidence.end
        by_type: dict[str, list[Token]] = {}
        combined = _combined(triggers)
        for trigger, token in triggers:
            kind = combined.get(token.i) or _retype(ctx, trigger.event_type, token)
            if _lemma(token) in _BOMBARDMENT and kind == "Shelling" and _instrument(token) is None:
                # "bombardment" with nothing around it to type it: the one kind of strike the story tells
                kind = _told_beside(ctx, number, sent, token) or (sole if sole is not None else kind)
            elif kind in _GENERIC_TYPES | {"AirStrike"} and _lemma(token) in _CONTEXT_TYPED \
                    and _instrument(token) is None:
                kind = _told_beside(ctx, number, sent, token) or kind
                if kind in ("AirStrike", "Attack") and _lemma(token) in _STORY_TYPED and story is not None:
                    kind = story  # a bare strike (or "struck X") in a story of drones
            if kind == "Attack" and _lemma(token) in _AIMED_VERBS:
                continue  # "targeted missiles ready for launch": only "targeted X using drones" tells a strike
            by_type.setdefault(kind, []).append(token)
        if classifier is not None:
            by_type = classifier.revise(sent.text, by_type)
        if set(by_type) & _STRIKES and (set(by_type) & _AIMED or all(
                _lemma(tok) in _GENERIC or _anaphoric(tok) for tok in by_type.get("ArmedClash", ()))):
            # "the attack" that is the strike itself ("an emergency where the clashes took place": told
            # before); an ambush or a battle beside an arrest is its own
            by_type.pop("ArmedClash", None)
        if set(by_type) & _KINDS_OF_ATTACK:
            by_type.pop("Attack", None)  # "the strike" that is the air strike named beside it
        trigger_tokens = {tok.i: kind for kind, toks in by_type.items() for tok in toks}
        for event_type, tokens_ in sorted(by_type.items()):
            agents = tuple(dict.fromkeys(a for tok in tokens_ for a in _agent(ctx, tok, event_type)))
            places = _places(ctx, sent, set(agents) | set(claimed), datelines)
            if event_type in _HAS_TOPIC:  # "the Gaza ceasefire talks": about Gaza, not held there
                places = [p for p in places if not _names_topic(ctx, p, sent, tokens_)]
            if topic_tokens:  # "a truce in X": X is where the truce would be, not where the talks are
                places = [p for p in places if _nearest_trigger(ctx, p, sent, topic_tokens) is None]
            if len(by_type) > 1:  # several kinds of event in one sentence: each keeps the places it governs
                every = places
                places = [p for p in places if (_attached(ctx, p, sent, trigger_tokens) is not None or (
                    any(_governs(ctx, tok, p, sent) for tok in tokens_)
                    and _nearest_trigger(ctx, p, sent, trigger_tokens, tokens_) in (None, event_type))
                    or (not any(_governs(ctx, tok, p, sent) for toks in by_type.values() for tok in toks)
                        and _launched(ctx, p, sent, trigger_tokens) in (None, event_type)))
                    and _attached(ctx, p, sent, trigger_tokens) in (None, *(t.i for t in _linked(tokens_)))]
                # a place no trigger governs ("troops in X repelled an attack … with shell fire") is all of theirs
                if not places and event_type in _PLACED_BY_CONTEXT:
                    places = every[:1]  # "seized weapons in the battles to retake X": the battles were at X
                    if every and event_type == "Attack" and _attached(ctx, every[0], sent, trigger_tokens) is not None:
                        continue  # "attacking civilian areas and [were] under fire near X": told as the fire at X
            event_date = date
            own_date = date is not None and not said_date
            if any(_habitual(tok) for tok in tokens_) and not (own_date or places):
                continue  # "it shells civilian areas": what a side does, not an event
            if event_date is None and ctx.anchor_is_publication and any(_present(tok) for tok in tokens_):
                event_date = ctx.anchor  # "are shelling", "the shelling … is a provocation": as it is reported
            if event_date is None and event_type in last_dated and number - last_dated[event_type][0] <= 3 \
                    and not any(t.ent_type_ == "DATE" for t in sent):  # "last year": not the day told before
                event_date = last_dated[event_type][1]  # the story goes on
            if event_date is not None:
                last_dated[event_type] = (number, event_date)
                told_before = event_date
            if not places and event_type in _SELF_PLACED:
                places = [a for a in agents if ctx.is_place(a)][:1]
            if not places:
                places = _implied_place(ctx, sent, region)
            if not places and all(tok.i in combat for tok in tokens_):
                continue  # "the army killed 2,300 fighters": a toll of the war unless it says where
            quoted = all(ctx.token_in_quote(tok) for tok in tokens_)
            # "Two people died in the attack" after a sentence that names the town: placed by its context
            placed = bool(places) or (event_type in _PLACED_BY_CONTEXT and event_type != "ArmedClash"
                                      and bool(_context_place(ctx, number, set(agents) | set(claimed), datelines)))
            if not (placed or event_date or agents or claimed or denied) or (quoted and event_type == "ArmedClash"
                                                                    and not places):
                continue  # "the fighting" in general, or in someone's words: nothing to place it
            generic = all(_lemma(tok) in _GENERIC for tok in tokens_)
            if event_type == "ArmedClash" and not (places or event_date or (agents and not generic)):
                continue  # "there had been heavy fighting": the war going on, not an event one can place
            about = tuple(sorted({m.entity for m in ctx.mentions_in(b, e)}))
            mentions.append(_Mention(
                event_type=event_type, tokens=list(tokens_), places=list(places), date=event_date,
                own_date=own_date, agents=agents, claimed=claimed, denied=denied, evidence=evidence,
                about=about, number=number, anaphoric=all(_anaphoric(tok) for tok in tokens_),
                dated=any(t.ent_type_ == "DATE" and not ctx.token_in_quote(t) for t in sent)))
    events: dict[str, Event] = {}
    for m in _corefer(ctx, mentions):
        places = m.places
        if not places and m.event_type in _PLACED_BY_CONTEXT:
            places = _context_place(ctx, m.number, set(m.agents) | set(m.claimed), datelines)
        if not places and m.event_type == "ArmedClash" and region is not None:
            places = [region]
        targets = tuple(p for p in places if m.event_type in _TAKES_TARGET)
        claimants = tuple(dict.fromkeys([*m.claimed, *m.extra_claimed]))
        place_list: list[str | None] = [*places] or [None]
        for place in place_list:
            if place is not None and m.date is not None:
                iri = iris.node("event", m.event_type, place, m.date.isoformat())
            else:
                iri = iris.node("event", doc_id, m.evidence.begin, m.event_type, place or "")
            confidence = 0.55 + (0.1 if place else 0) + (0.1 if m.date else 0) + (0.1 if m.agents else 0)
            events[iri] = Event(
                iri=iri, types=(m.event_type,), evidence=m.evidence, agent=m.agents,
                target=(place,) if place and place in targets else (), place=(place,) if place else (),
                date=m.date, claimed_by=claimants, denied_by=m.denied, about=m.about,
                confidence=round(min(confidence, 0.9), 2),
            )
    return _merge_once(list(events.values()))


def _merge_once(events: list[Event]) -> list[Event]:
    """Reports in one document of a martial law or a mobilisation are one event: the one with
    the most detail keeps its IRI and gains the others' claimants."""
    out: list[Event] = []
    for event_type in sorted(_ONCE):
        same = [e for e in events if event_type in e.types]
        if len(same) < 2:
            continue
        best = max(same, key=lambda e: (bool(e.place), e.date is not None, bool(e.agent), e.confidence, e.iri))
        claimed = tuple(dict.fromkeys(c for e in same for c in e.claimed_by))
        agents = tuple(dict.fromkeys(a for e in same for a in e.agent))
        merged = Event(iri=best.iri, types=best.types, evidence=best.evidence, agent=agents, target=best.target,
                       place=best.place, date=best.date, claimed_by=claimed, denied_by=best.denied_by,
                       about=best.about, background=best.background, confidence=best.confidence)
        events = [e for e in events if e not in same]
        out.append(merged)
    for event_type in sorted(_SAME_AT_PLACE):
        by_place: dict[str, list[Event]] = {}
        for e in events:
            if event_type in e.types and e.place:
                by_place.setdefault(e.place[0], []).append(e)
        for place in sorted(by_place):
            group = by_place[place]
            dates = {e.date for e in group if e.date is not None}
            if len(group) < 2 or len(dates) > 1 or (dates and any(e.date is None for e in group)):
                continue  # "will arrive in X on Saturday", then "talks resumed in X earlier this week": two rounds
            best = max(group, key=lambda e: (e.date is not None, bool(e.agent), e.confidence, e.iri))
            merged = Event(iri=best.iri, types=best.types, evidence=best.evidence,
                           agent=tuple(dict.fromkeys(a for e in group for a in e.agent)), target=best.target,
                           place=best.place, date=best.date,
                           claimed_by=tuple(dict.fromkeys(c for e in group for c in e.claimed_by)),
                           denied_by=tuple(dict.fromkeys(d for e in group for d in e.denied_by)),
                           about=best.about, background=best.background, confidence=best.confidence)
            events = [e for e in events if e not in group]
            out.append(merged)
    return events + out
