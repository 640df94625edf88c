"""Who says what: the speaker a clause attributes its content to.

Called by the statement, event and claim layers with a :class:`~kg.nlp.discourse.Context`.
The subject of a speech verb (through "was quoted as saying", "…,” said X", "X quoted Y as
saying"), resolved to an entity: names in the phrase (a person over the body it belongs to),
pronouns ("he", "it" = the last body that spoke), role nouns ("the spokeswoman", "the
ministry": ``lexicon/roles.tsv``); "according to X" when there is no verb. Word sets come
from ``lexicon/lexicon.tsv``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Token

from kg.model import EntityMention
from kg.nlp.discourse import Context
from kg.nlp.tables import rules

__all__ = ["Attribution", "SPEECH_VERBS", "according_to", "attribute", "deniers", "is_denial", "resolve_np",
           "subject_of"]

_R = rules()
SPEECH_VERBS = _R.words["speech"]
_ALWAYS_REPORTING = _R.words["reporting"]
_PRONOUNS_PERSON = _R.words["pronoun_person"]
_PRONOUNS_THING = _R.words["pronoun_thing"]
_PERSON_NOUNS = _R.person_nouns()
_BODY_NOUNS = _R.body_nouns()
_STATEMENT_NOUNS = _R.words["statement_noun"]
_DENIAL = _R.words["denial"]
_VIA = _R.words["agency_credit"]
_REPORTED_PREPS = _R.words["reported_prep"]
_MEDIA = _R.subclasses("MediaOutlet")
_RELAYING = _R.words["relaying"]
_STATES = _R.subclasses("State")
_GOVERNMENT = _R.subclasses("GovernmentBody")
_SOURCE_NOUNS = _R.words["source_noun"]
_MEDIA_NOUNS = _R.words["media_noun"]
_OFFICIAL = _R.words["official_modifier"]
_ORG_NOUNS = _R.words["org_noun"]
_RULER_NOUNS = _R.words["ruler_noun"]
_LOCATIVE = _R.words["locative_prep"]
_RULER_QUALIFIERS = _R.words["ruler_qualifier"]


@dataclass(frozen=True)
class Attribution:
    """Who a clause attributes something to, and through which verb."""

    speaker: str
    on_behalf_of: str | None
    verb: Token | None
    confidence: float


def subject_of(ctx: Context, verb: Token) -> Token | None:
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
        # two subjects (a dateline misparsed: "Tripoli, the Health Ministry has announced"): the nearer
        subjects = [c for c in current.children if c.dep_ == "nsubj" or (c.dep_ == "nsubjpass" and passive_ok)]
        if len(subjects) > 1 and all(c.i < current.i for c in subjects):
            subjects.reverse()
        for child in subjects:
            if not ctx.token_in_quote(child):
                agent = _agent_of(current) if child.dep_ == "nsubjpass" and \
                    current.lemma_.lower() in SPEECH_VERBS else None
                if agent is not None:
                    return agent  # "this was reported by X": X says it
                if current.lemma_.lower() in ("quote", "cite"):
                    quoted = next((c for c in current.children if c.dep_ == "dobj"), None)
                    if quoted is not None:
                        return quoted
                return child
        if current.lemma_.lower() in SPEECH_VERBS:
            after = next((c for c in current.children if c.dep_ in ("dobj", "attr", "nsubj")
                          and c.i > current.i and not ctx.token_in_quote(c)
                          and (c.pos_ in ("PROPN", "NOUN"))), None)
            if after is not None and _follows_quote(ctx, current):
                return after
        by = _agent_of(current)
        if by is not None:
            return by
        through_as = current.dep_ == "prep" and current.lower_ == "as"  # "cited X as saying"
        if (current.dep_ in ("xcomp", "advcl", "conj", "ccomp", "pcomp") or through_as) and current.head is not current:
            passive_ok = current.dep_ != "conj" or any(c.dep_ == "auxpass" for c in current.children)
            current = current.head
        else:
            return None
    return None


def _agent_of(verb: Token) -> Token | None:
    """The object of a passive verb's "by" ("was reported by X"): X."""
    for child in verb.children:
        if child.dep_ == "agent":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


def _follows_quote(ctx: Context, verb: Token) -> bool:
    """True when a closing quotation ends just before the verb ("…,” said X)."""
    start = ctx.offset + verb.idx
    return any(0 <= start - q.end <= 4 for q in ctx.quotes)


def resolve_np(ctx: Context, head: Token, *, want_person: bool = False) -> tuple[str | None, str | None]:
    """(entity, body it speaks for) for a noun phrase given by its head token.

    Names in the phrase win (a person over the body it belongs to: in "defence ministry
    spokeswoman Shushan Stepanyan" the speaker is the person and the ministry is who she
    speaks for); a possessor ("Aliyev's adviser X") is not the speaker. Pronouns and
    definite descriptions ("the ministry", "the spokesman") are resolved to earlier
    mentions.
    """
    lower = head.lower_
    if lower in _PRONOUNS_PERSON:
        return _last_person(ctx, head) or _recent(ctx, head, person=True), None
    if lower in _PRONOUNS_THING:
        return _last_speaker(ctx, head) or _recent(ctx, head, person=False), None
    if head.lemma_.lower() in _STATEMENT_NOUNS:
        return _issuer(ctx, head)
    if head.lemma_.lower() in _PERSON_NOUNS and head.i + 1 < len(ctx.doc):
        # "the group's leader Maria Lopez said", parsed as two subjects: the name after the role
        after = ctx.mention_at(ctx.doc[head.i + 1])
        if after is not None and ctx.is_person(after.entity) and not ctx.token_in_quote(head):
            body = next((ctx.as_actor(m.entity) for t in head.subtree if (m := ctx.mention_at(t)) is not None
                         and ctx.as_actor(m.entity) and not ctx.is_person(m.entity)), None)
            return after.entity, body
    if head.lemma_.lower() in _BODY_NOUNS and ctx.mention_at(head) is None and \
            any(c.dep_ == "compound" and c.lower_ in _MEDIA_NOUNS for c in head.children):
        # "the press service of X", "X's press office": it speaks for X
        owner = next((o for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for o in c.children
                      if o.dep_ == "pobj"), None) or next((c for c in head.children if c.dep_ == "poss"), None)
        owned = resolve_np(ctx, owner, want_person=want_person) if owner is not None else (None, None)
        if owned[0] is not None:
            return owned
    if head.text.islower() and head.lemma_.lower() in _BODY_NOUNS and (own := ctx.mention_at(head)) is not None \
            and own.entity in ctx.new and ctx.new[own.entity].label.islower():
        # "the civil defence agency" the text described (a new body of the story's state) after it
        # named "the X Civil Defence": the body named
        named = _named_kind(ctx, head, head.lemma_.lower(), before=own.span.begin)
        if named is not None and named != own.entity:
            return named, None
    candidates: list[tuple[float, int, str]] = []
    skipped = _not_the_phrase(ctx, head)
    for token in head.subtree:
        if ctx.token_in_quote(token) or token.i in skipped or _is_credit(ctx, token) or _runs_it(ctx, token, head):
            continue
        mention = ctx.mention_at(token)
        if mention is None or not ctx.as_actor(mention.entity):
            continue
        score = 0.0
        if token.i == head.i:
            score += 3
        if token.dep_ in ("appos", "compound", "flat") and token.head.i == head.i:
            score += 2
        if token.dep_ == "poss" or any(a.dep_ == "poss" for a in token.ancestors if a.i != head.i and
                                       head.i in {x.i for x in a.ancestors}):
            score -= 3
        if ctx.is_person(mention.entity):
            score += 1.5
        candidates.append((score, -token.i, mention.entity))
    if candidates:
        candidates.sort(reverse=True)
        best = candidates[0][2]
        speaker = ctx.as_actor(best) or best
        if head.lemma_.lower() in _PERSON_NOUNS and not ctx.is_person(speaker) and ctx.mention_at(head) is None:
            # "the head of the regional administration": the person the text gave that role, else the body;
            # "a ministry official" is someone not named: the body
            if _indefinite(head):
                return speaker, None
            return _person_with_role(ctx, head, body=speaker) or speaker, speaker
        body = None
        if ctx.is_person(speaker):
            for _, _, other in candidates[1:]:
                actor = ctx.as_actor(other)
                if actor and actor != speaker and not ctx.is_person(actor):
                    body = actor
                    break
        return speaker, body
    if head.lemma_.lower() in _PERSON_NOUNS and head.tag_ in ("NNS", "NNPS") and head.lower_ != head.lemma_.lower():
        # "officials said", "Ukrainian officials said": no one person; "health officials", "military
        # officials": the body of that kind named before; else a demonym names their state
        for t in head.children:
            if t.dep_ not in ("amod", "compound") or t.i > head.i or ctx.demonym(t.text):
                continue
            word = t.lemma_.lower()
            body = _recent(ctx, t, person=False, noun=word) if word in _BODY_NOUNS else _named_with(ctx, t, word)
            if body is not None:
                return body, None
        state = next((ctx.demonym(t.text) for t in head.children if t.i < head.i and ctx.demonym(t.text)), None)
        return state, None
    if head.lemma_.lower() in _PERSON_NOUNS:
        if _indefinite(head):
            return None, None  # "an official said", "a spokesman said": no one named before
        return _person_with_role(ctx, head) or _recent(ctx, head, person=True), None
    if _is_media_phrase(head):
        outlet = _outlet(ctx, head)
        if outlet is not None:
            return outlet, None
    if head.lemma_.lower() in _SOURCE_NOUNS:
        # an unnamed source of a body ("a military source", "a ministry source"): that body
        for child in head.children:
            noun = child.lower_ if child.lower_ in _BODY_NOUNS else child.lemma_.lower()
            if child.dep_ in ("amod", "compound") and noun in _BODY_NOUNS:
                return (_body_of_state(ctx, _state_of_quoter(ctx, head), noun) or _body_of_main_state(ctx, noun)
                        or _recent(ctx, child, person=False, noun=noun)), None
    if head.lemma_.lower() in _BODY_NOUNS:
        noun = head.lemma_.lower()
        found = _named_kind(ctx, head, noun) or _recent(ctx, head, person=False, noun=noun)
        if not any(c.dep_ in ("amod", "compound", "poss", "nmod", "prep") for c in head.children):
            # "the government said" where the text names who rules ("the junta", "the military
            # government"): those rulers, not the state nor a body named before
            rulers = _ruling_body(ctx)
            if rulers is not None and rulers != found and _noun_fits(ctx, rulers, noun) and (
                    found is None or ctx.state_of(found) in (None, ctx.state_of(rulers) or _main_state(ctx))):
                return rulers, None
        return found, None
    if (head.lower_ in _ORG_NOUNS or head.lemma_.lower() in _ORG_NOUNS) and not _indefinite(head) \
            and not any(c.dep_ in ("compound", "amod") and c.pos_ == "PROPN" and not ctx.demonym(c.text)
                        for c in head.children):  # "the Emergency Lawyers group": a name the model missed
        return _last_body(ctx, head), None
    return None, None


def _main_state(ctx: Context) -> str | None:
    """The state the chunk names most."""
    counts: dict[str, int] = {}
    for m in ctx.mentions:
        if ctx.types(m.entity) & _STATES:
            counts[m.entity] = counts.get(m.entity, 0) + 1
    return min(counts, key=lambda k: (-counts[k], k)) if counts else None


def _ruling_body(ctx: Context) -> str | None:
    """The one body the chunk names as the rulers of the state it names most ("the junta", "the
    military government": a ruler noun, or a noun after ruler qualifiers only), outside quotations."""
    main = _main_state(ctx)
    found: set[str] = set()
    for m in ctx.mentions:
        if ctx.in_quote(m.span.begin) or not ctx.types(m.entity) & _GOVERNMENT or ctx.is_person(m.entity):
            continue
        words = [w for w in m.span.text.lower().split() if w not in ("the", "a", "an")]
        if not words or not (words[-1] in _RULER_NOUNS or (len(words) > 1 and set(words[:-1]) <= _RULER_QUALIFIERS)):
            continue
        if main is not None and ctx.state_of(m.entity) in (None, main):
            found.add(m.entity)
    return found.pop() if len(found) == 1 else None


def _last_body(ctx: Context, token: Token) -> str | None:
    """What "the group", "the monitor" stands for: the body named last before it that is no state,
    person, place, media outlet or body of a state ("the rebels" are not the army that struck them:
    "U.S. Central Command"); the subject of the sentence before first."""
    def body(mention: EntityMention) -> str | None:
        iri = ctx.as_actor(mention.entity)
        if iri is None or iri != mention.entity or ctx.is_person(iri) or ctx.in_quote(mention.span.begin) \
                or ctx.types(iri) & (_STATES | _MEDIA | _GOVERNMENT) or ctx.state_of(iri) is not None:
            return None
        first = mention.span.text.split()[0] if mention.span.text.split() else ""
        if ctx.demonym(first) is not None or any(
                ctx.types(m.entity) & _STATES and 0 <= mention.span.begin - m.span.end <= 1 for m in ctx.mentions):
            return None  # "U.S. Central Command", "Israeli Air Force"
        return iri

    earlier = ctx.mentions_before(ctx.offset + token.idx)
    previous = _previous_subject(ctx, token)
    found = [iri for m in earlier if (iri := body(m)) is not None]
    if previous is not None and previous in found:
        return previous
    return found[0] if found else None



def _runs_it(ctx: Context, token: Token, head: Token) -> bool:
    """The X of "the X-run health ministry", "X-controlled media": who runs the body, not the body."""
    doc = ctx.doc
    j = token.i + 1
    while j < head.i and ctx.mention_at(doc[j]) is not None and ctx.mention_at(doc[j]) == ctx.mention_at(token):
        j += 1
    return (j + 1 < head.i and doc[j].text == "-" and doc[j + 1].tag_ in ("VBN", "VBD")
            and ctx.mention_at(head) is None and head.pos_ in ("NOUN", "PROPN"))


def _named_kind(ctx: Context, head: Token, noun: str, before: int | None = None) -> str | None:
    """"the health ministry", "the ministry in Gaza": of the bodies of that kind named before (before
    ``before``, an absolute offset, when given), the one whose name has the phrase's modifier or place
    ("Gaza Health Ministry"), not merely the last."""
    before = ctx.offset + head.idx if before is None else before
    words = [c.lower_ for c in head.children if c.dep_ in ("compound", "amod") and c.i < head.i
             and not ctx.demonym(c.text)]
    words += [o.lower_ for c in head.children if c.dep_ == "prep" and c.lower_ in ("in", "of", "for")
              for o in c.children if o.dep_ == "pobj"]
    for word in words:
        for mention in ctx.mentions_before(before):
            actor = ctx.as_actor(mention.entity)
            if actor and not ctx.is_person(actor) and len(word) > 3 and word in _label_words(ctx, actor) \
                    and _noun_fits(ctx, actor, noun) and not ctx.in_quote(mention.span.begin):
                return actor
    # "the civil defence agency" after "the X Civil Defence": a body whose name has all the phrase's
    # (two or more) modifiers, whatever its own noun
    phrase = [t.lower_ for t in ctx.doc[head.left_edge.i:head.i] if t.dep_ in ("compound", "amod")
              and t.pos_ in ("NOUN", "ADJ", "PROPN") and not ctx.demonym(t.text)]
    if len(phrase) >= 2:
        for mention in ctx.mentions_before(before):
            actor = ctx.as_actor(mention.entity)
            if actor and not ctx.is_person(actor) and set(phrase) <= _label_words(ctx, actor) \
                    and not ctx.types(actor) & _STATES and not ctx.in_quote(mention.span.begin):
                return actor
    return None


def _named_with(ctx: Context, token: Token, word: str) -> str | None:
    """The latest body named before ``token`` whose name has ``word`` ("health" officials: the Health Ministry)."""
    for mention in ctx.mentions_before(ctx.offset + token.idx):
        actor = ctx.as_actor(mention.entity)
        if actor and not ctx.is_person(actor) and not ctx.types(actor) & _STATES and len(word) > 3 \
                and word in _label_words(ctx, actor):
            return actor
    return None


def _label_words(ctx: Context, iri: str) -> set[str]:
    label = (ctx.curated[iri].label if iri in ctx.curated else ctx.new[iri].label if iri in ctx.new else "")
    return set(label.lower().split())


def _indefinite(head: Token) -> bool:
    """"an official", "a spokesman", "another commander": a role that names no one the text named."""
    return any(c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in head.children)


def _is_media_phrase(head: Token) -> bool:
    """"state media", "local media", "the official news agency", "Syrian state television"; "the
    paper", "the channel" alone (the outlet named before; not "the agency", which may be any body's)."""
    if head.lower_ not in _MEDIA_NOUNS and head.lemma_.lower() not in _MEDIA_NOUNS:
        return False
    if head.lower_ in ("media", "medium"):
        return True
    if head.lower_ not in _R.roles and all(c.dep_ in ("det", "punct") for c in head.children if c.i < head.i) \
            and any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in head.children) \
            and not any(c.dep_ in ("prep", "poss", "appos") for c in head.children):
        return True
    return any(c.dep_ in ("amod", "compound") and c.lower_ in _OFFICIAL for c in head.children)


def _outlet(ctx: Context, head: Token) -> str | None:
    """The media outlet a phrase like "state media" stands for: one named in it ("state media
    (SANA)"), else the latest named before that is no credit ("told Reuters", "(AFP)") — of the
    phrase's state when it names one ("Syrian state media": an outlet of Syria, or with its name)."""
    state = None
    for t in head.subtree:
        if t.i < head.i and (found := ctx.demonym(t.text)) is not None:
            state = found
        mention = ctx.mention_at(t)
        if mention is not None and ctx.types(mention.entity) & _MEDIA and not ctx.token_in_quote(t):
            return mention.entity  # in brackets or an apposition: "state media (SANA)"
    for mention in ctx.mentions_before(ctx.offset + head.idx):
        if not ctx.types(mention.entity) & _MEDIA or ctx.in_quote(mention.span.begin):
            continue
        token = ctx.doc.char_span(mention.span.begin - ctx.offset, mention.span.end - ctx.offset,
                                  alignment_mode="expand")
        if token is None or any(_is_credit(ctx, t) or t.head.lemma_.lower() in ("verify", "reach", "confirm")
                                for t in token):
            continue
        if state is not None and not _of_state(ctx, mention.entity, state):
            continue
        return mention.entity
    return None


def _of_state(ctx: Context, outlet: str, state: str) -> bool:
    """Whether an outlet belongs to a state, by the curated record or by its name ("Syrian Arab News Agency")."""
    own = ctx.state_of(outlet)
    if own is not None:
        return own == state
    entity = ctx.curated.get(outlet) or ctx.new.get(outlet)
    label = (getattr(entity, "label", "") or "").lower()
    names = {getattr(ctx.curated.get(state), "label", "").lower(),
             *(d.lower() for d in getattr(ctx.curated.get(state), "demonyms", ()))} - {""}
    return any(n in label for n in names)


def _unnamed_source(ctx: Context, subject: Token) -> bool:
    """"quoted a military source", "citing sources": an unnamed source that an outlet quotes."""
    return (subject.lemma_.lower() in _SOURCE_NOUNS and subject.dep_ in ("dobj", "pobj")
            and subject.head.lemma_.lower() in ("quote", "cite")
            and not any(ctx.mention_at(t) is not None for t in subject.subtree))


def _not_the_phrase(ctx: Context, head: Token) -> set[int]:
    """Tokens under a noun phrase that do not name who it is: brackets ("(via Reuters)"), "via X",
    relative and participial clauses ("footage aired by a channel"), objects of other verbs."""
    out: set[int] = set()
    for child in head.children:
        if child.dep_ in ("relcl", "acl", "advcl", "ccomp") or child.lower_ in _VIA or (
                child.dep_ == "prep" and child.lower_ in _VIA):
            out.update(t.i for t in child.subtree)
    for token in head.subtree:
        if token.i in out or token.i == head.i:
            continue
        if token.dep_ in ("relcl", "acl", "advcl", "ccomp") and token.head.i != head.i:
            out.update(t.i for t in token.subtree)  # "a spokeswoman for a group [fighting the junta]"
        elif token.dep_ == "prep" and token.lower_ in _LOCATIVE and token.head.pos_ == "NOUN" and \
                token.head.lemma_.lower() in _ORG_NOUNS and ctx.mention_at(token.head) is None:
            out.update(t.i for t in token.subtree)  # "a rebel alliance [in the north of X]": where it is, not who
    depth = 0
    for token in head.subtree:
        if token.text == "(":
            depth += 1
        if depth:
            out.add(token.i)
        if token.text == ")":
            depth = max(0, depth - 1)
    return out


def _is_credit(ctx: Context, token: Token) -> bool:
    """A news agency credited, not speaking: "(via Reuters)", "(AFP)", "told Reuters", "— AFP"."""
    doc = ctx.doc
    if token.head.lower_ in _VIA or (token.i > 0 and doc[token.i - 1].lower_ in _VIA):
        return True
    left = doc[max(0, token.i - 3):token.i]
    right = doc[token.i + 1:token.i + 3]
    if any(t.text == "(" for t in left) and any(t.text == ")" for t in right):
        return True
    if token.i > 0 and doc[token.i - 1].text in ("—", "–", "--") and (token.i + 1 >= len(doc) or
                                                                      doc[token.i + 1].is_punct
                                                                      or "\n" in doc[token.i].whitespace_):
        return True
    return token.dep_ in ("dobj", "dative") and token.head.lemma_.lower() in ("tell", "quote")


def _issuer(ctx: Context, head: Token) -> tuple[str | None, str | None]:
    """Who issued "the statement": a name in the phrase ("a statement from X", "X's statement"),
    else the subject of the last verb that had a statement as its object ("X issued a statement"),
    else the last body that spoke."""
    skipped = _not_the_phrase(ctx, head)
    for token in head.subtree:
        if token.i == head.i or token.i in skipped or ctx.token_in_quote(token):
            continue
        mention = ctx.mention_at(token)
        if mention is not None and ctx.as_actor(mention.entity):
            return ctx.as_actor(mention.entity), None
    start = ctx.sent_of(head).start
    for token in reversed(ctx.doc[max(0, start - 200):head.i]):
        if token.lemma_.lower() in _STATEMENT_NOUNS and token.dep_ in ("dobj", "pobj") and token.i != head.i:
            verb = token.head if token.dep_ == "dobj" else token.head.head
            subject = subject_of(ctx, verb) if verb.pos_ in ("VERB", "AUX") else None
            if subject is not None and subject.lemma_.lower() not in _STATEMENT_NOUNS:
                speaker, body = resolve_np(ctx, subject)
                if speaker is not None:
                    return speaker, body
    return _last_speaker(ctx, head), None


def _person_with_role(ctx: Context, head: Token, *, body: str | None = None) -> str | None:
    """The person the text named with this role earlier ("regional governor Maria Lopez … the
    governor said"): the latest person mention with the role noun (or ``body``) right by it."""
    noun = head.lemma_.lower()
    char = ctx.offset + head.idx
    for mention in ctx.mentions_before(char):
        if not ctx.is_person(mention.entity) or ctx.in_quote(mention.span.begin):
            continue
        span = ctx.doc.char_span(mention.span.begin - ctx.offset, mention.span.end - ctx.offset,
                                 alignment_mode="expand")
        if span is None:
            continue
        window = ctx.doc[max(0, span.start - 8):min(len(ctx.doc), span.end + 4)]
        if any(t.lemma_.lower() == noun for t in window if t.i < span.start or t.i >= span.end):
            return mention.entity
        if body is not None and any((m := ctx.mention_at(t)) is not None and m.entity == body for t in window):
            return mention.entity
    return None


def _last_person(ctx: Context, token: Token) -> str | None:
    """Who "he"/"she" is: the person who was last the subject of a clause, following earlier
    "he"/"she" back to the name ("Lopez said … He added … he said": Lopez)."""
    start = ctx.sent_of(token).start
    earlier = [s for s in ctx.sents if s.end <= start][-8:]
    current = ctx.sent_of(token)
    for sent in [current, *reversed(earlier)]:
        subjects = [t for t in sent if t.dep_ in ("nsubj", "nsubjpass") and not ctx.token_in_quote(t)
                    and (sent is not current or t.i < token.i)]
        subjects.sort(key=lambda t: (t.head.dep_ != "ROOT", -t.i if sent is current else t.i))
        for subject in subjects:
            if subject.lower_ in _PRONOUNS_PERSON:
                break  # "He …" again: who he is was said earlier
            for t in subject.subtree:
                mention = ctx.mention_at(t)
                if mention is not None and ctx.is_person(mention.entity) and not ctx.token_in_quote(t):
                    return mention.entity
    return None


def _last_speaker(ctx: Context, token: Token) -> str | None:
    """The non-person actor that last spoke before ``token`` ("…, it said" after "the ministry said")."""
    start = ctx.sent_of(token).start
    earlier = [s for s in ctx.sents if s.end <= start]
    for sent in reversed(earlier[-3:]):
        for verb in sorted(sent, key=lambda t: -t.i):
            if verb.lemma_.lower() not in _ALWAYS_REPORTING or verb.pos_ != "VERB":
                continue
            subject = next((c for c in verb.children if c.dep_ == "nsubj"), None) or _left_of(ctx, verb)
            if subject is None or subject.lower_ in _PRONOUNS_PERSON | _PRONOUNS_THING:
                continue
            for t in [subject, *subject.subtree]:  # the head of the phrase first: "Chad's ministry" is the ministry
                mention = ctx.mention_at(t)
                if mention is not None:
                    actor = ctx.as_actor(mention.entity)
                    if actor and not ctx.is_person(actor):
                        return actor
    return None


def _recent(ctx: Context, token: Token, *, person: bool, noun: str | None = None) -> str | None:
    """The latest earlier mention of a person (or of a non-person actor) before ``token``."""
    char = ctx.offset + token.idx
    # Prefer the subject of the previous sentence (who the text is about), then recency.
    previous = _previous_subject(ctx, token)
    if previous and ctx.is_person(previous) == person and (noun is None or _noun_fits(ctx, previous, noun)) \
            and (noun is None or _label_has(ctx, previous, noun) or not _named_so(ctx, char, noun)):
        return previous
    fallback: str | None = None
    for mention in ctx.mentions_before(char):
        if ctx.in_quote(mention.span.begin):
            continue
        actor = ctx.as_actor(mention.entity)
        if actor is None or ctx.is_person(actor) != person:
            continue
        if noun is not None and not _noun_fits(ctx, actor, noun):
            continue
        if noun is None or _label_has(ctx, actor, noun):
            return actor
        fallback = fallback or actor  # "the center": a body called a center first, else one of its kind
    return fallback


def _state_of_quoter(ctx: Context, source: Token) -> str | None:
    """The state of whoever quotes an unnamed source ("Syrian state media quoted a military
    source"): a state or a demonym in the subject of the verb the source is the object of."""
    if source.dep_ != "dobj":
        return None
    subject = next((c for c in source.head.children if c.dep_ == "nsubj"), None)
    for t in subject.subtree if subject is not None else ():
        mention = ctx.mention_at(t)
        if mention is not None and ctx.types(mention.entity) & _STATES:
            return mention.entity
        if ctx.demonym(t.text) is not None:
            return ctx.demonym(t.text)
    return None


def _body_of_state(ctx: Context, state: str | None, noun: str) -> str | None:
    """The curated body of that kind ("military") of a state, when it has exactly one."""
    if state is None:
        return None
    found = sorted(iri for iri, e in ctx.curated.items() if state in e.part_of and _noun_fits(ctx, iri, noun))
    return found[0] if len(found) == 1 else None


def _body_of_main_state(ctx: Context, noun: str) -> str | None:
    """The curated body of that kind ("military") of the state the chunk names most."""
    counts: dict[str, int] = {}
    for m in ctx.mentions:
        if ctx.types(m.entity) & _STATES:
            counts[m.entity] = counts.get(m.entity, 0) + 1
    if not counts:
        return None
    return _body_of_state(ctx, min(counts, key=lambda k: (-counts[k], k)), noun)


def _named_so(ctx: Context, char: int, noun: str) -> bool:
    """Whether a body whose name has this noun was named before ``char`` ("… Support Center")."""
    return any(not ctx.is_person(m.entity) and _label_has(ctx, m.entity, noun) for m in ctx.mentions_before(char))


def _label_has(ctx: Context, iri: str, noun: str) -> bool:
    label = (ctx.curated[iri].label if iri in ctx.curated else ctx.new[iri].label if iri in ctx.new else "")
    return noun in label.lower()


def _noun_fits(ctx: Context, iri: str, noun: str) -> bool:
    """Whether an entity can be what a role noun ("the ministry", "the army") refers to (roles.tsv)."""
    role = _R.roles.get(noun)
    if role is None:
        return False
    label = (ctx.curated[iri].label if iri in ctx.curated else ctx.new[iri].label if iri in ctx.new else "")
    types = ctx.types(iri)
    for fit in role.fits:
        if fit == "label" and noun in label.lower():
            return True
        if fit != "label" and types & _R.subclasses(fit):
            return True
    return False


def _previous_subject(ctx: Context, token: Token) -> str | None:
    sent = ctx.sent_of(token)
    if sent.start == 0:
        return None
    prev = ctx.sent_of(ctx.doc[sent.start - 1])
    root = prev.root
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.lower_ in _PRONOUNS_PERSON | _PRONOUNS_THING:
        return None
    for t in subject.subtree:
        mention = ctx.mention_at(t)
        if mention is not None:
            return ctx.as_actor(mention.entity)
    return None


def according_to(ctx: Context, tokens: Iterable[Token]) -> Token | None:
    """The object of "according to X" among ``tokens``, if any."""
    for token in tokens:
        if token.lower_ == "according" and not ctx.token_in_quote(token):
            for child in token.children:
                if child.lower_ == "to":
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            return pobj
            nxt = token.nbor(1) if token.i + 1 < len(ctx.doc) else None
            if nxt is not None and nxt.lower_ == "to" and nxt.i + 1 < len(ctx.doc):
                return next((c for c in nxt.children if c.dep_ == "pobj"), ctx.doc[nxt.i + 1])
    return None


def attribute(ctx: Context, tokens: Sequence[Token], *, focus: int, claims: bool = False) -> Attribution | None:
    """The speaker a stretch of text attributes its content to.

    ``tokens`` are the candidate tokens (the sentence or sentences around a quote or a
    claim); ``focus`` is the character offset (absolute) of what is attributed. The
    nearest speech verb outside quotations with a resolvable subject wins; "according
    to X" is used when there is no such verb. With ``claims`` (who asserts an event or a
    number), a denial ("X denied …", "X did not confirm …") attributes nothing: see
    :func:`deniers`.
    """
    strength = {t.i: _report_strength(ctx, t) for t in tokens if t.lemma_.lower() in SPEECH_VERBS
                and t.pos_ in ("VERB", "AUX") and not ctx.token_in_quote(t) and not (claims and is_denial(t))}
    strength.update({t.i: 2 for t in tokens if t.i not in strength and _light_report(ctx, t)})
    verbs = [t for t in tokens if strength.get(t.i)]
    # a verb that reports outright (a clause, a quotation it governs, "said") over one whose only
    # quotation lies in a prepositional object ("responded to “aggression”"); then the reporting verb
    # highest in the parse ("…, it added" over "expressed"), then the nearest
    verbs.sort(key=lambda t: (-strength[t.i], len(list(t.ancestors)), abs(ctx.offset + t.idx - focus)))
    found: Attribution | None = None
    for verb in verbs:
        subject = subject_of(ctx, verb) or _left_of(ctx, verb)
        if subject is None:
            continue
        speaker, body = resolve_np(ctx, subject)
        if speaker is None and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
            left = _left_of(ctx, verb)  # "…, Al-Masirah channel, affiliated with …, reported": not the
            if left is not None:  # subject of the clause the parser hung the verb on
                subject = left
                speaker, body = resolve_np(ctx, subject)
        if claims and _unnamed_source(ctx, subject):
            # "state media quoted a military source as saying …": who asserts it is the outlet
            quoter = next((c for c in subject.head.children if c.dep_ == "nsubj"), None)
            outlet = resolve_np(ctx, quoter)[0] if quoter is not None else None
            if outlet is not None:
                speaker, body = outlet, None
        if speaker is None:
            continue
        found = Attribution(speaker=speaker, on_behalf_of=body or _default_body(ctx, speaker), verb=verb,
                            confidence=0.85 if subject.pos_ == "PROPN" else 0.7)
        break
    if found is not None and not (ctx.types(found.speaker) & _MEDIA and found.verb is not None
                                  and found.verb.lemma_.lower() in _RELAYING):
        return found
    # "X reported that, according to Y, …": the outlet relays, Y is the source
    pobj = according_to(ctx, tokens)
    for source in _conjuncts(pobj) if pobj is not None else ():  # "according to a witness and local media"
        speaker, body = resolve_np(ctx, source)
        if speaker is not None:
            return Attribution(speaker=speaker, on_behalf_of=body or _default_body(ctx, speaker), verb=None,
                               confidence=0.75)
    return found


def is_denial(verb: Token) -> bool:
    """A verb that denies what follows: "denied", "rejected", or a negated speech verb ("did not
    confirm", "never said")."""
    lemma = verb.lemma_.lower()
    if lemma in _DENIAL:
        return True
    return lemma in SPEECH_VERBS and any(c.dep_ == "neg" for c in verb.children)


def deniers(ctx: Context, tokens: Sequence[Token]) -> list[str]:
    """Who denies in these tokens: the subjects of denial verbs ("X denied it was responsible",
    "X did not confirm the strike", "disputed by X")."""
    out: list[str] = []
    for verb in tokens:
        if verb.pos_ not in ("VERB", "AUX") or not is_denial(verb) or ctx.token_in_quote(verb):
            continue
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None:
            subject = _agent_of(verb)  # "disputed by X"
        if subject is None:
            subject = subject_of(ctx, verb)
        if subject is None:
            continue
        for conj in _conjuncts(subject):
            speaker, _ = resolve_np(ctx, conj)
            if speaker is not None and speaker not in out:
                out.append(speaker)
    return out


def _conjuncts(token: Token) -> list[Token]:
    out = [token]
    for child in token.children:
        if child.dep_ == "conj":
            out.extend(_conjuncts(child))
    return out


def _left_of(ctx: Context, verb: Token) -> Token | None:
    """The name right before a verb ("…, the prosecutor's office in Baku said"), when the
    parse found no subject: the head of the nearest mention ending just before it."""
    i = verb.i - 1
    while i >= 0 and (ctx.doc[i].pos_ in ("AUX", "ADV", "PART") or ctx.doc[i].dep_ in ("aux", "neg")):
        i -= 1
    i = _before_aside(ctx, i)  # "…, Al-Masirah channel, affiliated with the movement, reported"
    stop = max(-1, i - 8)
    found: Token | None = None
    while i > stop:  # the leftmost name of the phrase: its head ("the office in Baku")
        token = ctx.doc[i]
        if token.is_punct and token.text not in ("'", "’", "-"):
            break
        mention = ctx.mention_at(token)
        if mention is not None and ctx.as_actor(mention.entity):
            found = token
        i -= 1
    return found


def _before_aside(ctx: Context, i: int) -> int:
    """Where the name before an aside ends: ``i`` is the comma closing ", affiliated with X," or ",
    which runs Y,"; else ``i`` itself."""
    if i < 0 or ctx.doc[i].text != ",":
        return i
    for j in range(i - 1, max(-1, i - 12), -1):
        if ctx.doc[j].text == ",":
            first = ctx.doc[j + 1] if j + 1 < i else None
            if first is not None and (first.tag_ in ("VBN", "VBG") or first.lower_ in ("which", "who")):
                return j - 1
            return i
    return i


def _reported_inside(token: Token, verb: Token) -> bool:
    """Whether ``token`` lies in what ``verb`` reports ("urged them to “stay calm”", "accused
    X of trying to “delay” …"), not in a clause of time or circumstance ("after a “flare-up”")."""
    current = token
    for _ in range(8):
        if current.i == current.head.i:
            return False
        infinitive = current.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in current.children)
        if (current.dep_ in ("advcl", "relcl", "acl", "npadvmod") and not infinitive) or (
                current.dep_ == "prep" and current.lower_ not in _REPORTED_PREPS):
            return False
        current = current.head
        if current.i == verb.i:
            return True
    return False


def _reports(ctx: Context, verb: Token) -> bool:
    """Whether a speech-verb token is used to report something here: "said" always; others
    ("declared", "called") only with a clause, or a quotation next to or inside them
    ("declared martial law" reports nothing; "urged residents to “stay calm”" reports)."""
    return _report_strength(ctx, verb) > 0


def _light_report(ctx: Context, verb: Token) -> bool:
    """A verb whose object is a speech noun holding a quotation ("gave assurances of “…”", "issued a
    call for “…”", "made a pledge that “…”"): it reports what its subject said."""
    if verb.pos_ != "VERB" or ctx.token_in_quote(verb):
        return False
    nouns = [c for c in verb.children if c.dep_ == "dobj" and c.pos_ == "NOUN"
             and c.lemma_.lower() in SPEECH_VERBS | _STATEMENT_NOUNS]
    for noun in nouns:
        inside = {t.i for t in noun.subtree if t.i != noun.i}
        for q in ctx.quotes:
            span = ctx.doc.char_span(q.begin - ctx.offset, q.end - ctx.offset, alignment_mode="expand")
            if span is not None and len(span) and (span[0].i in inside or span.root.i in inside):
                return True
    return False


def _across_semicolon(ctx: Context, clause: Token, verb: Token) -> bool:
    """A clause before the verb with a semicolon between them ("X quoted a source; the troops
    responded"): a clause of its own the parser hung on the verb, not what the verb reports."""
    return clause.i < verb.i and any(t.text == ";" and not ctx.token_in_quote(t)
                                     for t in ctx.doc[clause.right_edge.i + 1:verb.i])


def _report_strength(ctx: Context, verb: Token) -> int:
    """2 when a speech verb reports outright ("said", a clause, a quotation it governs or follows),
    1 when its only quotation lies in a prepositional object ("accused X of “…”", "responded to
    “…”": perhaps what it answers), 0 when it reports nothing."""
    if verb.lemma_.lower() in _ALWAYS_REPORTING:
        return 2
    if any(c.dep_ in ("ccomp", "xcomp", "parataxis") and not _across_semicolon(ctx, c, verb) for c in verb.children):
        return 2
    weak = False
    for q in ctx.quotes:
        span = ctx.doc.char_span(q.begin - ctx.offset, q.end - ctx.offset, alignment_mode="expand")
        if span is None or not len(span):
            continue
        if span[0].head.i == verb.i or span.root.head.i == verb.i:
            return 2  # called it ‘…’
        if span[0].head.head.i == verb.i or _reported_inside(span.root, verb):
            weak = True  # accused X “of …”, urged them to “…”
    if _follows_quote(ctx, verb):
        return 2
    return 1 if weak else 0


def _default_body(ctx: Context, speaker: str) -> str | None:
    if ctx.is_person(speaker):
        return ctx.affiliation(speaker)
    return None
