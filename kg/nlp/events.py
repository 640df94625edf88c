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

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from kg.ids import Iris
from kg.model import Event
from kg.nlp.attribution import attribute, deniers, resolve_np, subject_of
from kg.nlp.discourse import Context
from kg.nlp.tables import Trigger, rules

__all__ = ["TRIGGERS", "extract_events", "is_background"]


_R = rules()
TRIGGERS: tuple[Trigger, ...] = _R.triggers
_W = _R.words
_DENY = _W["denial"]
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
_TAKES_TARGET = _R.with_policy("takesTarget")
_HAS_TOPIC = _R.with_policy("hasTopic")
_TOPIC_PREPS = _W["topic_prep"]
_GENERIC = _W["generic_trigger"]
_COUNTRY_TYPES = _R.subclasses("Country") | _R.subclasses("State")
_SETTLEMENT = _R.subclasses("Settlement")
_REGION = _R.subclasses("Region")


_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)(s?)\b(?!\s*(?:-|–)\s*\d)(\s+[a-z]+)?")
_DECADE_WORDS = re.compile(r"\b(?:nineteen|the) ?(?:fifties|sixties|seventies|eighties|nineties)\b", re.I)
_COUNTED = _W["people_noun"] | _W["military_noun"] | _W["civilian_noun"] | _W["killed_noun"] | _W["wounded_noun"]


def is_background(sentence: str, year: int | None) -> bool:
    """True for a sentence about history: it names a year (or a decade) before the article's year.

    The cut-off is the article's own year (its date, or the latest full date its text gives);
    with neither, only named decades ("the nineties") are history. A number that counts
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
        if value + (9 if m.group(2) else 0) < year:
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


def _agent(ctx: Context, trigger: Token) -> list[str]:
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
        if verb.pos_ == "VERB":
            subject = subject_of(ctx, verb)
            if subject is not None:
                return _actors_of(ctx, subject)
    return []


def _acts(token: Token) -> bool:
    """True when a name is the active subject of a clause ("Yerevan said"), or the object of
    a preposition that makes it a party rather than a location ("support for Baku", "talks
    with Ankara", "fighting between Azerbaijan and Armenia"): it acts, it is not where."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    if token.dep_ == "nsubj":
        return token.head.lemma_ != "be"  # "Ganja was under fire": the subject is where it happened
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
    return any(m.entity == place for m in ctx.mentions_in(ctx.offset + begin, ctx.offset + end))


def _nearest_trigger(ctx: Context, place: str, sent: SpacySpan, triggers: dict[int, str]) -> str | None:
    """The event type of the trigger closest above a place in the parse ("talks on a ceasefire in
    Gaza": Gaza is where the ceasefire would hold, not where the talks are)."""
    for m in ctx.mentions_in(ctx.offset + sent.start_char, ctx.offset + sent.end_char):
        if m.entity != place:
            continue
        span = ctx.doc.char_span(m.span.begin - ctx.offset, m.span.end - ctx.offset, alignment_mode="expand")
        if span is None:
            continue
        for token in span.root.ancestors:
            if token.i in triggers:
                return triggers[token.i]
    return None


def _implied_place(ctx: Context, sent: SpacySpan, region: str | None) -> list[str]:
    """A place the sentence names without a name: "the city" (the settlement named last),
    "the region"/"the area" (the document's region), "its settlements" (the state that owns them)."""
    for token in sent:
        lemma = token.lemma_.lower()
        det = next((c for c in token.children if c.dep_ in ("det", "poss")), None)
        if det is None or token.pos_ != "NOUN":
            continue
        if det.lower_ == "the" and lemma in _CITY_NOUNS:
            before = ctx.offset + sent.start_char
            for m in ctx.mentions_before(before):
                if ctx.types(m.entity) & _SETTLEMENT:
                    return [m.entity]
        if det.lower_ == "the" and lemma in _AREA_NOUNS and region is not None:
            return [region]
        if det.lower_ in ("its", "their") and lemma in _OWNED_NOUNS:
            for m in reversed(ctx.mentions_in(ctx.offset + sent.start_char, ctx.offset + token.idx)):
                if "State" in ctx.types(m.entity) and "Country" in ctx.types(m.entity):
                    return [m.entity]
    return []


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


def _hypothetical(trigger: Token) -> bool:
    """A trigger under a modal or a verb of intent ("vowed to keep fighting", "could escalate")."""
    for tok in [trigger, *trigger.ancestors][:4]:
        if tok.lemma_.lower() in _HYPOTHETICAL or any(
                (c.dep_ == "aux" and c.lower_ in _MODALS)
                or c.lemma_.lower() in ("readiness", "willingness") for c in tok.children):
            return True
    return False


def _main_region(ctx: Context) -> str | None:
    """The region the document names most: where unplaced fighting is (the war's theatre)."""
    counts: dict[str, int] = {}
    for m in ctx.mentions:
        if ctx.types(m.entity) & _REGION:
            counts[m.entity] = counts.get(m.entity, 0) + 1
    return max(sorted(counts), key=lambda k: counts[k]) if counts else None


def extract_events(ctx: Context, *, doc_id: str, text: str, iris: Iris, year: int | None) -> list[Event]:
    """Events reported or alleged in one chunk."""
    events: dict[str, Event] = {}
    last_dated: dict[str, tuple[int, object]] = {}  # event type -> (sentence number, date)
    region = _main_region(ctx)
    for number, sent in enumerate(ctx.sents):
        date = ctx.date_in(sent, outside_quotes=False)
        current = date is not None and (year is None or date.year >= year)
        if is_background(sent.text, year) and not current:
            continue
        line = sent.text.strip()
        if ctx.is_headline(sent) or not any(t.pos_ in ("VERB", "AUX") for t in sent) or line.endswith("?") or \
                sent.text.lstrip().upper().startswith(("READ MORE", "WATCH", "ALSO READ", "RELATED")):
            continue  # headlines, questions and links to other stories report no event
        triggers = [(t, tok) for t, tok in _find_triggers(sent) if not _negated(tok) and not _hypothetical(tok)
                    and not (t.event_type == "Mediation" and tok.dep_ in ("amod", "compound"))]
        topics = {i for t, tok in triggers if t.event_type in _HAS_TOPIC
                  for i in (tok.i, tok.head.i if tok.dep_ == "compound" else tok.i)}
        # "talks on a truce": the truce is what the talks are about, not an event of its own
        kept = [(t, tok) for t, tok in triggers if t.event_type in _HAS_TOPIC or not topics
                or not (any(a.i in topics for a in tok.ancestors)
                        or (tok.dep_ == "pobj" and tok.head.lower_ in _TOPIC_PREPS))]
        topic_tokens = {tok.i: "topic" for t, tok in triggers if (t, tok) not in kept}
        triggers = kept
        if not triggers:
            continue
        tokens: Sequence[Token] = list(sent)
        attribution = attribute(ctx, tokens, focus=ctx.offset + triggers[0][1].idx, claims=True)
        claimed = (attribution.speaker,) if attribution else ()
        denied = tuple(d for d in deniers(ctx, tokens) if d not in claimed)
        evidence = ctx.sentence_span(sent, text)
        b, e = evidence.begin, evidence.end
        by_type: dict[str, list[Token]] = {}
        for trigger, token in triggers:
            by_type.setdefault(trigger.event_type, []).append(token)
        if set(by_type) & _STRIKES:
            by_type.pop("ArmedClash", None)  # "the attack" that is the strike itself
        trigger_tokens = {tok.i: kind for kind, toks in by_type.items() for tok in toks}
        for event_type, tokens_ in sorted(by_type.items()):
            agents = tuple(dict.fromkeys(a for tok in tokens_ for a in _agent(ctx, tok)))
            places = _places(ctx, sent, set(agents) | set(claimed))
            if topic_tokens:  # "a truce in X": X is where the truce would be, not where the talks are
                places = [p for p in places if _nearest_trigger(ctx, p, sent, topic_tokens) is None]
            if len(by_type) > 1:  # several kinds of event in one sentence: each keeps the places it governs
                places = [p for p in places if any(_governs(ctx, tok, p, sent) for tok in tokens_)
                          and _nearest_trigger(ctx, p, sent, trigger_tokens) in (None, event_type)]
            event_date = date
            if event_date is None and ctx.anchor_is_publication and any(_present(tok) for tok in tokens_):
                event_date = ctx.anchor  # "are shelling", "the shelling … is a provocation": as it is reported
            if event_date is None and event_type in last_dated and number - last_dated[event_type][0] <= 3:
                event_date = last_dated[event_type][1]  # type: ignore[assignment]  # the story goes on
            if event_date is not None:
                last_dated[event_type] = (number, event_date)
            if not places and event_type in _SELF_PLACED:
                places = [a for a in agents if ctx.is_place(a)][:1]
            if not places:
                places = _implied_place(ctx, sent, region)
            quoted = all(ctx.token_in_quote(tok) for tok in tokens_)
            if not (places or event_date or agents or claimed or denied) or (quoted and event_type == "ArmedClash"
                                                                   and not places):
                continue  # "the fighting" in general, or in someone's words: nothing to place it
            generic = all(_lemma(tok) in _GENERIC for tok in tokens_)
            if event_type == "ArmedClash" and not (places or event_date or (agents and not generic)):
                continue  # "there had been heavy fighting": the war going on, not an event one can place
            if not places and event_type == "ArmedClash" and region is not None:
                places = [region]
            targets = tuple(p for p in places if event_type in _TAKES_TARGET)
            about = tuple(sorted({m.entity for m in ctx.mentions_in(b, e)}))
            place_list: list[str | None] = [*places] or [None]
            for place in place_list:
                if place is not None and event_date is not None:
                    iri = iris.node("event", event_type, place, event_date.isoformat())
                else:
                    iri = iris.node("event", doc_id, b, event_type, place or "")
                confidence = 0.55 + (0.1 if place else 0) + (0.1 if event_date else 0) + (0.1 if agents else 0)
                events[iri] = Event(
                    iri=iri, types=(event_type,), evidence=evidence, agent=agents,
                    target=(place,) if place and place in targets else (), place=(place,) if place else (),
                    date=event_date, claimed_by=claimed, denied_by=denied, about=about,
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
            if len(group) < 2 or len(dates) > 1:
                continue
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
