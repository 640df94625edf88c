"""What the statement, event and claim layers need to know about a parsed document chunk:
which entity a token belongs to, who the subject of a speech verb is (names, pronouns,
"the ministry", "the spokeswoman"), what date a sentence gives, and whether a character
lies inside a quotation.

Built once per spaCy ``Doc`` by :mod:`kg.nlp.extract`; the rules use the dependency parse
of the configured model and the curated entities (types, ``ckg:capitalOf``,
``ckg:affiliatedWith``), never the wording of particular articles.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from kg.model import CuratedEntity, EntityMention, NewEntity, Span
from kg.nlp.dates import resolve_date
from kg.nlp.quotes import Quote

__all__ = ["ACTOR_TYPES", "Attribution", "Context", "PLACE_TYPES", "SPEECH_VERBS"]

PERSON = "Person"
ACTOR_TYPES = {"State", "Person", "Organization", "GovernmentBody", "ArmedForce", "MediaOutlet",
               "InternationalOrganization", "Mediator", "Actor"}
PLACE_TYPES = {"Location", "Country", "Region", "Settlement"}
SPEECH_VERBS = {
    "say", "tell", "add", "state", "tweet", "write", "post", "declare", "announce", "claim", "accuse",
    "warn", "urge", "insist", "stress", "note", "report", "quote", "reply", "respond", "confirm", "deny",
    "describe", "allege", "reiterate", "vow", "promise", "threaten", "comment", "explain", "argue", "assert",
    "affirm", "maintain", "pledge", "demand", "acknowledge", "admit", "emphasise", "emphasize", "underline",
    "suggest", "express", "voice", "call", "blame", "dismiss", "reject", "welcome", "condemn",
    "record", "estimate", "put", "reaffirm", "repeat",
}
_ALWAYS_REPORTING = {"say", "tell", "add", "tweet", "write", "state", "quote", "reply", "respond", "post",
                     "comment", "stress", "note", "insist", "reiterate", "explain", "report", "record", "confirm",
                     "announce", "claim"}
_PRONOUNS_PERSON = {"he", "she", "him", "her"}
_PRONOUNS_THING = {"it", "they", "them"}
_PERSON_NOUNS = {"spokesman", "spokeswoman", "spokesperson", "leader", "minister", "president", "official",
                 "adviser", "advisor", "aide", "commander", "prosecutor", "ombudsman", "envoy", "ambassador",
                 "premier", "chief", "head", "secretary", "diplomat", "mediator", "co-chair"}
_BODY_NOUNS = {"ministry", "office", "government", "presidency", "administration", "service", "department",
               "authorities", "committee", "council", "agency", "army", "military"}


@dataclass(frozen=True)
class Attribution:
    """Who a clause attributes something to, and through which verb."""

    speaker: str
    on_behalf_of: str | None
    verb: Token | None
    confidence: float


@dataclass
class Context:
    """One parsed chunk with its linked mentions; offsets are absolute (document) offsets."""

    doc: Doc
    offset: int
    mentions: Sequence[EntityMention]
    curated: dict[str, CuratedEntity]
    new: dict[str, NewEntity]
    quotes: Sequence[Quote]
    anchor: dt.date | None
    anchor_is_publication: bool
    _starts: list[int] = field(default_factory=list)
    text: str = ""  # the chunk's text (spaCy rebuilds ``Doc.text`` from its tokens on every access)
    sents: list[SpacySpan] = field(default_factory=list)  # the chunk's sentences, listed once
    _sent_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.mentions = sorted(self.mentions, key=lambda m: (m.span.begin, m.span.end))
        self._starts = [m.span.begin for m in self.mentions]
        self.text = self.doc.text
        self.sents = list(self.doc.sents)
        self._sent_starts = [s.start for s in self.sents]

    def sent_of(self, token: Token) -> SpacySpan:
        """The sentence of ``token`` (``Token.sent`` walks every sentence of the doc on each call)."""
        return self.sents[bisect.bisect_right(self._sent_starts, token.i) - 1]

    # -- entities -------------------------------------------------------------------------

    def types(self, iri: str) -> set[str]:
        if iri in self.curated:
            return set(self.curated[iri].types)
        if iri in self.new:
            return {self.new[iri].type}
        return set()

    def is_person(self, iri: str) -> bool:
        return PERSON in self.types(iri)

    def is_actor(self, iri: str) -> bool:
        return bool(self.types(iri) & ACTOR_TYPES)

    def is_place(self, iri: str) -> bool:
        return bool(self.types(iri) & PLACE_TYPES)

    def as_actor(self, iri: str) -> str | None:
        """The actor an entity stands for when it acts: a capital stands for its state."""
        if self.is_actor(iri):
            return iri
        entity = self.curated.get(iri)
        if entity and entity.capital_of:
            return entity.capital_of[0]
        return None

    def state_of(self, iri: str) -> str | None:
        """The state an actor belongs to (a ministry's or an army's), or itself for a state."""
        entity = self.curated.get(iri)
        if entity is None:
            return None
        if "State" in entity.types:
            return iri
        for parent in (*entity.part_of, *entity.affiliated_with):
            if parent in self.curated and "State" in self.curated[parent].types:
                return parent
        return None

    def affiliation(self, iri: str) -> str | None:
        entity = self.curated.get(iri)
        if entity and entity.affiliated_with:
            return entity.affiliated_with[0]
        return None

    def sentence_span(self, sent: SpacySpan, text: str) -> Span:
        """The evidence span of a sentence: its characters without surrounding whitespace."""
        raw = sent.text
        begin = self.offset + sent.start_char + (len(raw) - len(raw.lstrip()))
        end = self.offset + sent.start_char + len(raw.rstrip())
        return Span(begin, max(begin, end), text[begin:max(begin, end)])

    def mentions_in(self, begin: int, end: int) -> list[EntityMention]:
        i = bisect.bisect_left(self._starts, begin)
        out = []
        while i < len(self.mentions) and self.mentions[i].span.begin < end:
            if self.mentions[i].span.end <= end:
                out.append(self.mentions[i])
            i += 1
        return out

    def mention_at(self, token: Token) -> EntityMention | None:
        char = self.offset + token.idx
        i = bisect.bisect_right(self._starts, char) - 1
        while i >= 0 and i >= bisect.bisect_right(self._starts, char) - 3:
            m = self.mentions[i]
            if m.span.begin <= char < m.span.end:
                return m
            i -= 1
        return None

    def mentions_before(self, char: int) -> list[EntityMention]:
        i = bisect.bisect_left(self._starts, char)
        return list(reversed(self.mentions[:i]))

    # -- quotes ---------------------------------------------------------------------------

    def in_quote(self, char: int) -> bool:
        return any(q.begin <= char < q.end for q in self.quotes)

    def token_in_quote(self, token: Token) -> bool:
        return self.in_quote(self.offset + token.idx)

    # -- dates ----------------------------------------------------------------------------

    def date_in(self, tokens: Iterable[Token] | SpacySpan, *, outside_quotes: bool = True) -> dt.date | None:
        """The first resolvable DATE entity among ``tokens``."""
        seen: set[int] = set()
        for token in tokens:
            if token.ent_type_ != "DATE" or token.i in seen:
                continue
            if outside_quotes and self.token_in_quote(token):
                continue
            ent = next((e for e in self.doc.ents if e.start <= token.i < e.end), None)
            if ent is None:
                continue
            seen.update(range(ent.start, ent.end))
            resolved = resolve_date(ent.text, self.anchor, anchor_is_publication=self.anchor_is_publication)
            if resolved is not None:
                return resolved
        return None

    # -- subjects and speakers -------------------------------------------------------------

    def subject_of(self, verb: Token) -> Token | None:
        """The subject of a verb, climbing through xcomp/advcl/conj ("was quoted as saying").

        An active verb coordinated with a passive one does not inherit its patient ("X was
        targeted and [the leader] threatened …"); "Y quoted X as saying" gives X; an inverted
        attribution ("…,” said the spokesman") gives the noun after the verb.
        """
        current: Token | None = verb
        passive_ok = True
        for _ in range(4):
            if current is None:
                return None
            for child in current.children:
                if child.dep_ == "nsubj" or (child.dep_ == "nsubjpass" and passive_ok):
                    if not self.token_in_quote(child):
                        if current.lemma_.lower() == "quote":
                            quoted = next((c for c in current.children if c.dep_ == "dobj"), None)
                            if quoted is not None:
                                return quoted
                        return child
            if current.lemma_.lower() in SPEECH_VERBS:
                after = next((c for c in current.children if c.dep_ in ("dobj", "attr", "nsubj")
                              and c.i > current.i and not self.token_in_quote(c)
                              and (c.pos_ in ("PROPN", "NOUN"))), None)
                if after is not None and self._follows_quote(current):
                    return after
            for child in current.children:
                if child.dep_ == "agent":
                    for grandchild in child.children:
                        if grandchild.dep_ == "pobj":
                            return grandchild
            if current.dep_ in ("xcomp", "advcl", "conj", "ccomp", "pcomp") and current.head is not current:
                passive_ok = current.dep_ != "conj" or any(c.dep_ == "auxpass" for c in current.children)
                current = current.head
            else:
                return None
        return None

    def _follows_quote(self, verb: Token) -> bool:
        """True when a closing quotation ends just before the verb ("…,” said X)."""
        start = self.offset + verb.idx
        return any(0 <= start - q.end <= 4 for q in self.quotes)

    def resolve_np(self, head: Token, *, want_person: bool = False) -> tuple[str | None, str | None]:
        """(entity, body it speaks for) for a noun phrase given by its head token.

        Names in the phrase win (a person over the body it belongs to: in "defence ministry
        spokeswoman Shushan Stepanyan" the speaker is the person and the ministry is who she
        speaks for); a possessor ("Aliyev's adviser X") is not the speaker. Pronouns and
        definite descriptions ("the ministry", "the spokesman") are resolved to earlier
        mentions.
        """
        lower = head.lower_
        if lower in _PRONOUNS_PERSON:
            return self._recent(head, person=True), None
        if lower in _PRONOUNS_THING:
            return self._last_speaker(head) or self._recent(head, person=False), None
        candidates: list[tuple[float, int, str]] = []
        for token in head.subtree:
            if self.token_in_quote(token):
                continue
            mention = self.mention_at(token)
            if mention is None or not self.as_actor(mention.entity):
                continue
            score = 0.0
            if token.i == head.i:
                score += 3
            if token.dep_ in ("appos", "compound", "flat") and token.head.i == head.i:
                score += 2
            if token.dep_ == "poss" or any(a.dep_ == "poss" for a in token.ancestors if a.i != head.i and
                                           head.i in {x.i for x in a.ancestors}):
                score -= 3
            if self.is_person(mention.entity):
                score += 1.5
            candidates.append((score, -token.i, mention.entity))
        if candidates:
            candidates.sort(reverse=True)
            best = candidates[0][2]
            speaker = self.as_actor(best) or best
            body = None
            if self.is_person(speaker):
                for _, _, other in candidates[1:]:
                    actor = self.as_actor(other)
                    if actor and actor != speaker and not self.is_person(actor):
                        body = actor
                        break
            return speaker, body
        if head.lemma_.lower() in _PERSON_NOUNS:
            return self._recent(head, person=True), None
        if head.lemma_.lower() in _BODY_NOUNS:
            return self._recent(head, person=False, noun=head.lemma_.lower()), None
        return None, None

    def _last_speaker(self, token: Token) -> str | None:
        """The non-person actor that last spoke before ``token`` ("…, it said" after "the ministry said")."""
        start = self.sent_of(token).start
        earlier = [s for s in self.sents if s.end <= start]
        for sent in reversed(earlier[-3:]):
            for verb in sorted(sent, key=lambda t: -t.i):
                if verb.lemma_.lower() not in _ALWAYS_REPORTING or verb.pos_ != "VERB":
                    continue
                subject = next((c for c in verb.children if c.dep_ == "nsubj"), None) or self._left_of(verb)
                if subject is None or subject.lower_ in _PRONOUNS_PERSON | _PRONOUNS_THING:
                    continue
                for t in subject.subtree:
                    mention = self.mention_at(t)
                    if mention is not None:
                        actor = self.as_actor(mention.entity)
                        if actor and not self.is_person(actor):
                            return actor
        return None

    def _recent(self, token: Token, *, person: bool, noun: str | None = None) -> str | None:
        """The latest earlier mention of a person (or of a non-person actor) before ``token``."""
        char = self.offset + token.idx
        # Prefer the subject of the previous sentence (who the text is about), then recency.
        previous = self._previous_subject(token)
        if previous and self.is_person(previous) == person and (noun is None or self._noun_fits(previous, noun)):
            return previous
        for mention in self.mentions_before(char):
            if self.in_quote(mention.span.begin):
                continue
            actor = self.as_actor(mention.entity)
            if actor is None or self.is_person(actor) != person:
                continue
            if noun is not None and not self._noun_fits(actor, noun):
                continue
            return actor
        return None

    def _noun_fits(self, iri: str, noun: str) -> bool:
        label = (self.curated[iri].label if iri in self.curated else self.new[iri].label if iri in self.new else "")
        types = self.types(iri)
        if noun in ("ministry", "office", "presidency", "service", "department", "agency", "committee", "council"):
            return noun in label.lower() or "GovernmentBody" in types and noun == "office"
        if noun in ("army", "military"):
            return "ArmedForce" in types
        return bool(types & {"GovernmentBody", "State", "Organization"})

    def _previous_subject(self, token: Token) -> str | None:
        sent = self.sent_of(token)
        if sent.start == 0:
            return None
        prev = self.sent_of(self.doc[sent.start - 1])
        root = prev.root
        subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None or subject.lower_ in _PRONOUNS_PERSON | _PRONOUNS_THING:
            return None
        for t in subject.subtree:
            mention = self.mention_at(t)
            if mention is not None:
                return self.as_actor(mention.entity)
        return None

    def according_to(self, tokens: Iterable[Token]) -> Token | None:
        """The object of "according to X" among ``tokens``, if any."""
        for token in tokens:
            if token.lower_ == "according" and not self.token_in_quote(token):
                for child in token.children:
                    if child.lower_ == "to":
                        for pobj in child.children:
                            if pobj.dep_ == "pobj":
                                return pobj
                nxt = token.nbor(1) if token.i + 1 < len(self.doc) else None
                if nxt is not None and nxt.lower_ == "to" and nxt.i + 1 < len(self.doc):
                    return next((c for c in nxt.children if c.dep_ == "pobj"), self.doc[nxt.i + 1])
        return None

    def attribute(self, tokens: Sequence[Token], *, focus: int) -> Attribution | None:
        """The speaker a stretch of text attributes its content to.

        ``tokens`` are the candidate tokens (the sentence or sentences around a quote or a
        claim); ``focus`` is the character offset (absolute) of what is attributed. The
        nearest speech verb outside quotations with a resolvable subject wins; "according
        to X" is used when there is no such verb.
        """
        verbs = [t for t in tokens if t.lemma_.lower() in SPEECH_VERBS and t.pos_ in ("VERB", "AUX")
                 and not self.token_in_quote(t) and self._reports(t)]
        # the reporting verb highest in the parse wins ("…, it added" over "expressed"), then the nearest
        verbs.sort(key=lambda t: (len(list(t.ancestors)), abs(self.offset + t.idx - focus)))
        for verb in verbs:
            subject = self.subject_of(verb) or self._left_of(verb)
            if subject is None:
                continue
            speaker, body = self.resolve_np(subject)
            if speaker is None:
                continue
            return Attribution(speaker=speaker, on_behalf_of=body or self._default_body(speaker), verb=verb,
                               confidence=0.85 if subject.pos_ == "PROPN" else 0.7)
        pobj = self.according_to(tokens)
        if pobj is not None:
            speaker, body = self.resolve_np(pobj)
            if speaker is not None:
                return Attribution(speaker=speaker, on_behalf_of=body or self._default_body(speaker), verb=None,
                                   confidence=0.75)
        return None

    def _left_of(self, verb: Token) -> Token | None:
        """The name right before a verb ("…, the prosecutor's office in Baku said"), when the
        parse found no subject: the head of the nearest mention ending just before it."""
        i = verb.i - 1
        while i >= 0 and (self.doc[i].pos_ in ("AUX", "ADV", "PART") or self.doc[i].dep_ in ("aux", "neg")):
            i -= 1
        stop = max(-1, i - 8)
        found: Token | None = None
        while i > stop:  # the leftmost name of the phrase: its head ("the office in Baku")
            token = self.doc[i]
            if token.is_punct and token.text not in ("'", "’", "-"):
                break
            mention = self.mention_at(token)
            if mention is not None and self.as_actor(mention.entity):
                found = token
            i -= 1
        return found

    def _reports(self, verb: Token) -> bool:
        """Whether a speech-verb token is used to report something here: "said" always; others
        ("declared", "called") only with a clause, or a quotation next to or inside them
        ("declared martial law" reports nothing)."""
        if verb.lemma_.lower() in _ALWAYS_REPORTING:
            return True
        if any(c.dep_ in ("ccomp", "xcomp", "parataxis") for c in verb.children):
            return True
        for q in self.quotes:
            span = self.doc.char_span(q.begin - self.offset, q.end - self.offset, alignment_mode="expand")
            if span is not None and len(span) and (span[0].head.i == verb.i or span[0].head.head.i == verb.i
                                                   or span.root.head.i == verb.i):
                return True  # accused X “of …”, called it ‘…’
        return self._follows_quote(verb)

    def _default_body(self, speaker: str) -> str | None:
        if self.is_person(speaker):
            return self.affiliation(speaker)
        return None
