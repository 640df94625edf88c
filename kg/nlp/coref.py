"""One actor, one node: names in a document that refer to an entity already named in it.

Called by :mod:`kg.nlp.extract` after linking, once per parsed chunk, with the mentions of
the chunk and of the document's earlier chunks. Three kinds of reference, none of them
depending on particular names:

- an acronym given in brackets after a name ("Rapid Support Forces (RSF)"): later
  occurrences of the acronym, and a new entity the model made of it, are that name's entity;
- a surname after the full name ("Maria Lopez … Lopez said"): the person, whether the model
  tagged the surname or not (possessives too: "Lopez's");
- a body noun after a demonym or a country ("the Freedonian army", "Freedonia's defence
  ministry"): the body of that country of the matching kind (``lexicon/roles.tsv``) that the
  document names, or the curated one affiliated with that country.

Across documents, the same name gives the same IRI already (name slugs and curated IRIs); a
surname or an acronym alone is resolved only within the document that expands it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from spacy.tokens import Doc, Token

from kg.ids import Iris, slugify
from kg.model import CuratedEntity, EntityMention, NewEntity, Span
from kg.nlp.doctext import in_headline, text_of
from kg.nlp.linker import is_credit
from kg.nlp.tables import rules

__all__ = ["bodies_by_state", "corefer"]

_R = rules()
_PERSON = _R.subclasses("Person")
_STATE = _R.subclasses("State")
_PLACE = _R.subclasses("Location")
_ARMED = _R.subclasses("ArmedForce")
_BODY_NOUNS = frozenset(r.noun for r in _R.roles.values() if r.kind == "body")
_SMALL_WORDS = {"of", "the", "and", "for", "de", "du", "des", "al", "el", "on", "in", "&"}
_ACRONYM = re.compile(r"\s*\(\s*([A-Z][A-Za-z]{0,2}[A-Z][A-Z0-9]{0,6}|[A-Z]{2,8})\s*\)")


def _noun_of(token: Token) -> str:
    """The role-table key of a noun: its own form where the table has it ("forces", "troops"),
    else its lemma ("ministries" -> "ministry")."""
    lower = token.lower_
    return lower if lower in _R.roles else token.lemma_.lower()


def _stem(label: str) -> str:
    """A name without an article or a plural "s" ("Al Houthis" -> "houthi")."""
    words = label.lower().replace("al-", "al ").split()
    if len(words) > 1 and words[0] in ("al", "el", "the"):
        words = words[1:]
    return " ".join(words).removesuffix("s") if words else ""


def _types(iri: str, curated: Mapping[str, CuratedEntity], new: Mapping[str, NewEntity]) -> frozenset[str]:
    if iri in curated:
        return frozenset(curated[iri].types)
    if iri in new:
        return frozenset({new[iri].type})
    return frozenset()


def _label(iri: str, curated: Mapping[str, CuratedEntity], new: Mapping[str, NewEntity]) -> str:
    if iri in curated:
        return curated[iri].label
    return new[iri].label if iri in new else ""


def _initials(label: str) -> set[str]:
    """The acronyms a name can have: initials of its words, with or without the small ones."""
    words = [w for w in re.split(r"[\s\-–]+", label) if w]
    full = "".join(w[0] for w in words if w[0].isalnum()).upper()
    content = "".join(w[0] for w in words if w.lower() not in _SMALL_WORDS and w[0].isalnum()).upper()
    return {full, content}


def _spells(acronym: str, name: str) -> bool:
    """Whether a bracketed acronym stands for the name before it: its initials, or the same
    letters in another order (an acronym of the name in another language: "Azawad Liberation
    Front (FLA)"; a misprint: "National News Agency (NAA)")."""
    found = _initials(name)
    upper = acronym.upper()
    return upper in found or any(len(upper) == len(i) > 2 and set(upper) == set(i) for i in found)


def _surnames(iri: str, curated: Mapping[str, CuratedEntity], new: Mapping[str, NewEntity]) -> list[str]:
    if iri in curated and curated[iri].family_names:
        names = [n.lower() for n in curated[iri].family_names]
    else:
        words = _label(iri, curated, new).split()
        names = [words[-1].lower()] if len(words) > 1 else []
    return names


def _without_article(surname: str) -> str | None:
    """ "al-Burhan" -> "burhan": the Arabic article is often dropped."""
    found = re.match(r"^(?:al|el|ad|as|ash|an|ar|at|az)-(\w.*)$", surname)
    return found.group(1) if found else None


def _state_of(iri: str, curated: Mapping[str, CuratedEntity]) -> str | None:
    entity = curated.get(iri)
    if entity is None:
        return None
    if set(entity.types) & _STATE:
        return iri
    for parent in (*entity.part_of, *entity.affiliated_with):
        if parent in curated and set(curated[parent].types) & _STATE:
            return parent
    return None


def bodies_by_state(curated: Mapping[str, CuratedEntity]) -> dict[str, list[str]]:
    """The curated entities that belong to each state (its ministries, forces …): built once per
    extractor and passed to :func:`corefer`."""
    index: dict[str, list[str]] = {}
    for iri in curated:
        owner = _state_of(iri, curated)
        if owner is not None and owner != iri:
            index.setdefault(owner, []).append(iri)
    # a mission in a state ("United Nations Interim Force in Lebanon", organizations.tsv): whom
    # "UN peacekeepers" in a story about that state are
    missions = {iri: e.label for iri, e in curated.items() if "InternationalOrganization" in e.types
                and re.search(r"\b(?:Force|Mission)\b", e.label)}
    if missions:
        for iri, entity in curated.items():
            if "State" not in entity.types:
                continue
            place = re.compile(r"\b(?:in|for)(?: the)? " + re.escape(entity.label) + "$")
            for mission, label in sorted(missions.items()):
                if place.search(label):
                    index.setdefault("peacekeepers:" + iri, []).append(mission)
    return index


def _fits(noun: str, iri: str, curated: Mapping[str, CuratedEntity], new: Mapping[str, NewEntity]) -> bool:
    role = _R.roles.get(noun)
    if role is None or role.kind != "body":
        return False
    types, label = _types(iri, curated, new), _label(iri, curated, new).lower()
    if types & _ARMED and not any(f == "label" and noun in label or f != "label" and _R.subclasses(f) <= _ARMED
                                  for f in role.fits):
        return False  # "the government", "the authorities" are not the armed forces
    return any((fit == "label" and noun in label) or (fit != "label" and types & _R.subclasses(fit))
               for fit in role.fits)


def corefer(doc: Doc, *, offset: int, mentions: Sequence[EntityMention], earlier: Sequence[EntityMention],
            curated: Mapping[str, CuratedEntity], new: dict[str, NewEntity], iris: Iris,
            bodies: Mapping[str, list[str]]) -> list[EntityMention]:
    """The chunk's mentions with references resolved: re-pointed, widened, and added (a body
    of a country that no entity stands for becomes a new entity named as the text names it)."""
    text = text_of(doc)
    mentions = _names_before_acronyms(doc, offset, list(mentions), curated, new, iris)
    everything = sorted([*earlier, *mentions], key=lambda m: (m.span.begin, m.span.end))
    acronyms: dict[str, str] = {}
    surnames: dict[str, set[str]] = {}
    for m in everything:
        label = _label(m.entity, curated, new)
        if m.span.begin >= offset:  # "Name (ACR)" in this chunk
            after = _ACRONYM.match(text, m.span.end - offset)
            if after and (_spells(after.group(1), label) or _spells(after.group(1), m.span.text)):
                acronyms.setdefault(after.group(1), m.entity)
                for initials in _initials(m.span.text):  # "the NNA" later, after "National News Agency (NAA)"
                    if len(initials) > 1:
                        acronyms.setdefault(initials, m.entity)
        if _types(m.entity, curated, new) & _PERSON:
            for surname in _surnames(m.entity, curated, new):
                surnames.setdefault(surname, set()).add(m.entity)
    by_surname = {s: next(iter(e)) for s, e in surnames.items() if len(e) == 1}
    bare: dict[str, set[str]] = {}
    for s_name, e in surnames.items():
        short = _without_article(s_name)
        if short and short not in surnames:
            bare.setdefault(short, set()).update(e)
    by_bare = {s_name: next(iter(e)) for s_name, e in bare.items() if len(e) == 1}
    # other short forms of a body or place named before: its last word ("the Strip" after "Gaza
    # Strip"); one word with or without a plural "s" or an article ("Houthi", "Houthis", "Al Houthis")
    short_forms: dict[str, set[str]] = {}
    first_seen: dict[str, int] = {}
    for m in everything:  # where the story first names each: a headline comes first, but shortens
        if m.span.begin < offset or not in_headline(text, m.span.begin - offset):
            first_seen.setdefault(m.entity, m.span.begin)
    for m in everything:
        first_seen.setdefault(m.entity, m.span.begin)
        if _types(m.entity, curated, new) & _PERSON and m.entity not in new:
            continue
        label = _label(m.entity, curated, new)
        words = label.split()
        if len(words) > 1 and words[-1][:1].isupper() and not _types(m.entity, curated, new) & _PERSON:
            short_forms.setdefault(words[-1].lower(), set()).add(m.entity)
            if _types(m.entity, curated, new) & _PLACE:  # "Burkina" for Burkina Faso
                short_forms.setdefault(words[0].lower(), set()).add(m.entity)
        if m.entity in new and len(_stem(label).split()) == 1:
            short_forms.setdefault("=" + _stem(label), set()).add(m.entity)
    by_short = {s: min(e, key=lambda x: (first_seen[x], x)) for s, e in short_forms.items()
                if len(e) == 1 or s.startswith("=")}
    # a bare acronym of a body the document names in full ("PDF fighters … People's Defense Forces")
    by_initials: dict[str, set[str]] = {}
    for m in everything:
        if _types(m.entity, curated, new) & (_PERSON | _PLACE | _STATE):
            continue
        words = [w for w in _label(m.entity, curated, new).split() if w.lower() not in _SMALL_WORDS]
        if len(words) > 1 and all(w[:1].isupper() for w in words):
            for initials in _initials(_label(m.entity, curated, new)):
                by_initials.setdefault(initials, set()).add(m.entity)
    out: list[EntityMention] = []
    for m in mentions:
        label = _label(m.entity, curated, new)
        if m.entity in new and not m.curated:
            target = acronyms.get(m.span.text) or acronyms.get(label)
            if target is None and (not _types(m.entity, curated, new) & _PERSON or label.endswith("s")):
                # "Houthis" after "Houthi", "the Strip" after "Gaza Strip"
                for short in (by_short.get("=" + _stem(label)), by_short.get(label.lower())):
                    if short is not None and short != m.entity and (
                            first_seen.get(short, m.span.begin) <= first_seen.get(m.entity, m.span.begin)
                            or in_headline(text, m.span.begin - offset)):  # a headline shortens a later name
                        target = short
                        break
            if target is None and label.isupper() and len(label) > 1 and len(by_initials.get(label, ())) == 1:
                target = next(iter(by_initials[label]))  # before or after the full name
            if target is None and _types(m.entity, curated, new) & _PERSON and len(label.split()) == 1:
                target = by_surname.get(label.lower().removesuffix("'s").removesuffix("’s"))
            if target is None and len(label.split()) == 1:
                target = by_surname.get(label.lower())
            if target is None and len(label.split()) == 1 and label.lower() in by_bare and _named_alone(doc, m, offset):
                target = by_bare[label.lower()]  # "Burhan said" after "Abdel Fattah al-Burhan"; not "Houthi group"
            if target is None and _types(m.entity, curated, new) & _PERSON:
                target = _longer_name(label, m.entity, everything, curated, new)
            if target is None and len(label.split()) > 1 and _noun_of_word(label.split()[-1]) in _FORCE_NOUNS:
                # "GNA forces" after "Government of National Accord (GNA)": that body
                head = label.rsplit(" ", 1)[0]
                target = acronyms.get(head) or next(
                    (e.entity for e in everything if e.entity != m.entity and not _types(e.entity, curated, new)
                     & (_PERSON | _STATE | _PLACE) and _label(e.entity, curated, new).lower() == head.lower()), None)
            if target is not None and target != m.entity:
                m = EntityMention(span=m.span, entity=target, confidence=min(m.confidence, 0.7), curated=m.curated)
        out.append(m)
    out = _aliases(doc, offset, out, curated, new)
    out = _owners_before_ministries(out, acronyms, by_initials, curated, new, iris)
    out = _shortened_bodies(out, everything, curated, new)
    out = _owners_in_names(out, everything, curated, new, iris)
    out = _untagged_speakers(doc, offset, out, everything, curated, new, iris)
    out = _bodies_of_countries(doc, offset, out, everything, curated, new, iris, bodies)
    capitalised: list[Token] = []
    body_tokens: list[Token] = []
    for token in doc:  # one pass over the tokens for the rules below
        if token.text[:1].isupper():
            capitalised.append(token)
        if _noun_of(token) in _BODY_NOUNS:
            body_tokens.append(token)
    if body_tokens:
        out = _bodies_of_demonyms(doc, offset, out, new, iris)
        out = _bodies_in_context(doc, offset, out, everything, curated, new, iris, body_tokens, bodies)
    out = _untagged_ministries(doc, offset, out, new, iris)
    out = _bare_ministries(doc, offset, out, everything, curated, new, iris, bodies)
    out = _state_services(doc, offset, out, everything, curated, new, iris)
    out = _demonyms_of_deeds(doc, offset, out)
    taken = sorted((m.span.begin, m.span.end) for m in out)
    for token in capitalised if (acronyms or by_surname) else ():
        target = acronyms.get(token.text) or (by_surname.get(token.lower_) if token.text[:1].isupper() else None)
        if target is None:
            continue
        begin, end = offset + token.idx, offset + token.idx + len(token.text)
        if any(b < end and begin < e for b, e in taken):
            continue
        if target in by_surname.values() and token.i + 1 < len(doc) and doc[token.i + 1].text[:1].isupper() \
                and doc[token.i + 1].pos_ == "PROPN":
            continue  # "Lopez Garcia": another name that starts like this one
        if token.i + 1 < len(doc) and doc[token.i + 1].lower_ in _R.words["kin_noun"]:
            continue  # "the Lopez family": a household, not the person
        out.append(EntityMention(span=Span(begin, end, token.text), entity=target, confidence=0.6,
                                 curated=target in curated))
        taken.append((begin, end))
    out = _language_services(doc, offset, out, curated, new, iris)
    out = _names_after_demonyms(doc, offset, out, curated, new, iris)
    out = _described_bodies(doc, offset, out, everything, curated, new, iris, bodies)
    out = _capitals_as_states(doc, offset, out, curated)
    out = _generic_forces(out, everything, curated, new, iris, bodies)
    out.sort(key=lambda m: (m.span.begin, m.span.end, m.entity))
    return out


_PERSON_ROLES = frozenset(r.noun for r in _R.roles.values() if r.kind == "person")
_FORCE_NOUNS = frozenset(r.noun for r in _R.roles.values() if r.kind == "body" and r.fits == ("ArmedForce",))
_FORCE_NOUNS |= {"fighters", "militiamen", "units"}


def _noun_of_word(word: str) -> str:
    return word.lower()


def _longer_name(label: str, iri: str, everything: Sequence[EntityMention], curated: Mapping[str, CuratedEntity],
                 new: Mapping[str, NewEntity]) -> str | None:
    """A person's name the model cut short in one sentence ("Ko Min" beside "Ko Min Oo"): the one
    person of the document whose name starts with it."""
    if iri not in new or not label:
        return None
    longer = {e.entity for e in everything if e.entity != iri and _types(e.entity, curated, new) & _PERSON
              and _label(e.entity, curated, new).startswith(label + " ")}
    return next(iter(longer)) if len(longer) == 1 else None


def _capitals_as_states(doc: Doc, offset: int, mentions: list[EntityMention],
                        curated: Mapping[str, CuratedEntity]) -> list[EntityMention]:
    """A capital that acts is its state ("Moscow said", "Washington's envoy", "talks with Kyiv",
    "Tehran-backed forces"); a capital where something happens stays the city."""
    participles = _R.words["actor_participle"]
    parties = _R.words["party_prep"] - {"for", "about"}
    out = []
    for m in mentions:
        entity = curated.get(m.entity)
        if entity is None or not entity.capital_of or m.kind == "demonym":
            out.append(m)
            continue
        span = doc.char_span(m.span.begin - offset, m.span.end - offset, alignment_mode="expand")
        token = span[-1] if span is not None and len(span) else None
        line_start = text_of(doc).rfind("\n", 0, m.span.begin - offset) + 1
        after = text_of(doc)[m.span.end - offset:m.span.end - offset + 2].lstrip(" ")[:1]
        glued = text_of(doc)[m.span.end - offset:m.span.end - offset + 2]
        if token is not None and (token.is_upper or (not text_of(doc)[line_start:m.span.begin - offset].strip()
                                                     and after in (",", "(", "-", "—", "–", ":")
                                                     and not (glued[:1] in _DASHES and glued[1:].isalpha()))):
            token = None  # a dateline ("KYIV, May 2 -", "Sanaa, July 13:")
        acts = token is not None and (
            (token.dep_ == "nsubj" and token.head.pos_ in ("VERB", "AUX") and token.head.lemma_ != "be")
            or (token.dep_ == "poss" and _noun_of(token.head) in _PERSON_ROLES)
            or (token.i + 2 < len(doc) and doc[token.i + 1].text in ("-", "–")
                and doc[token.i + 2].lower_ in participles)
            or (token.dep_ == "pobj" and token.head.lower_ in parties and token.head.head.pos_ == "NOUN"))
        out.append(replace(m, entity=entity.capital_of[0], curated=True) if acts else m)
    return out


def _kind_after(doc: Doc, j: int) -> int | None:
    """Where "Ministry of Health", "Ministry of Foreign Affairs" ends (the token after it), when the
    ministry noun at ``j`` is followed by "of" and its kind in one to three capitalised words: a
    kind every state's government has, not a name of its own."""
    if doc[j].lower_ not in ("ministry", "ministries") or not doc[j].text[:1].isupper() or j + 2 >= len(doc) or \
            doc[j + 1].lower_ != "of":
        return None
    k = j + 2
    while k < len(doc) and k - j - 2 < 4 and (doc[k].text[:1].isupper() and doc[k].is_alpha and doc[k].lower_ != "the"
                                              or doc[k].lower_ == "and" and k + 1 < len(doc)
                                              and doc[k + 1].text[:1].isupper()):
        if doc[k].ent_type_ in ("GPE", "NORP", "PERSON") or doc[k].ent_kb_id_:
            return None  # "Ministry of Freedonia": a state's name, not a kind
        k += 1
    return k if k > j + 2 and doc[k - 1].lower_ != "and" else None


def _proper_name_goes_on(doc: Doc, j: int) -> bool:
    """Whether the body noun at ``j`` starts a longer name ("Government of National Unity")."""
    return doc[j].text[:1].isupper() and j + 2 < len(doc) and doc[j + 1].lower_ == "of" and \
        doc[j + 2].text[:1].isupper() and doc[j + 2].lower_ != "the"


def _abbreviates(acronym: str, label: str) -> bool:
    """Whether an acronym is made of the first letters of the words of a name, or of their first
    syllables ("CENTCOM": Central Command; "FAMa", "NATO")."""
    words = [w.lower() for w in re.split(r"[\s\-–]+", label) if w and w.lower() not in _SMALL_WORDS]
    target = acronym.lower()

    def fits(i: int, k: int) -> bool:  # target[i:] from words[k:], each word giving a non-empty prefix
        if k == len(words):
            return i == len(target)
        return any(target.startswith(words[k][:n], i) and fits(i + n, k + 1)
                   for n in range(min(len(words[k]), len(target) - i), 0, -1))

    return len(words) > 1 and fits(0, 0)


def _untagged_speakers(doc: Doc, offset: int, mentions: list[EntityMention], everything: Sequence[EntityMention],
                       curated: Mapping[str, CuratedEntity], new: dict[str, NewEntity],
                       iris: Iris) -> list[EntityMention]:
    """A body the model did not tag, named as the subject of a speech verb: an acronym ("CENTCOM
    said": the body named before that it abbreviates, else a new organisation) or a capitalised
    name ending in a body noun ("the Emergency Medicine and Support Center said", "the General
    Staff added")."""
    speech = _R.words["speech"]
    taken = [(m.span.begin, m.span.end) for m in mentions]
    added: list[EntityMention] = []
    for token in doc:
        if token.dep_ not in ("nsubj", "nsubjpass") or token.head.lemma_.lower() not in speech or \
                token.pos_ != "PROPN" or not token.text[:1].isupper():
            continue
        words = [t for t in doc[token.left_edge.i:token.i + 1] if t.dep_ not in ("det", "poss", "punct")]
        words = words[next((k for k, t in enumerate(words) if t.text[:1].isupper()), len(words)):]
        if not words or any(not (t.text[:1].isupper() or t.lower_ in _SMALL_WORDS) or t.like_num for t in words):
            continue
        begin, end = offset + words[0].idx, offset + token.idx + len(token.text)
        left = offset + token.left_edge.idx
        if any(b < end and left < e for b, e in taken):
            continue  # a name in the phrase ("Freedonia's Foreign Ministry"): the rules for bodies decide
        phrase = text_of(doc)[words[0].idx:token.idx + len(token.text)]
        acronym = len(words) == 1 and token.text.isupper() and len(token.text) >= 3
        noun = _noun_of(token)
        if not acronym and (len(words) < 2 or noun not in _BODY_NOUNS):
            continue
        target: str | None = None
        if acronym:
            target = next((m.entity for m in reversed([*everything, *mentions]) if m.span.begin < begin
                           and not _types(m.entity, curated, new) & (_PERSON | _STATE | _PLACE)
                           and _abbreviates(token.text, _label(m.entity, curated, new))), None)
        if target is None:
            role = _R.roles.get(noun)
            kind = next((f for f in role.fits if f != "label"), "Organization") if role else "Organization"
            target = iris.entity(slugify(phrase))
            new.setdefault(target, NewEntity(iri=target, label=phrase, type=kind, confidence=0.5))
        added.append(EntityMention(span=Span(begin, end, phrase), entity=target, confidence=0.5,
                                   curated=target in curated))
        taken.append((begin, end))
    return sorted([*mentions, *added], key=lambda m: (m.span.begin, m.span.end, m.entity)) if added else mentions


def _bodies_of_countries(doc: Doc, offset: int, mentions: list[EntityMention], everything: Sequence[EntityMention],
                         curated: Mapping[str, CuratedEntity], new: dict[str, NewEntity],
                         iris: Iris, bodies: Mapping[str, list[str]]) -> list[EntityMention]:
    """ "the Freedonian army" -> the army of Freedonia the document (or the curated set) names;
    with none, a new entity "Freedonian army" (the same words give the same IRI everywhere)."""
    body_nouns = {r.noun for r in _R.roles.values() if r.kind == "body"}
    out: list[EntityMention] = []
    for m in mentions:
        state = _state_of(m.entity, curated) if m.entity in curated else None
        if state is None and m.entity in new and new[m.entity].type in _PLACE:
            state = m.entity  # a country the model found: "Freedonia's health ministry"
        if state is None or state != m.entity:
            out.append(m)
            continue
        span = doc.char_span(m.span.begin - offset, m.span.end - offset, alignment_mode="expand")
        if span is None or span.end >= len(doc):
            out.append(m)
            continue
        i = span.end
        if doc[i].lower_ in ("'s", "’s"):
            i += 1
        j = i
        while j < len(doc) and j - i < 3 and doc[j].pos_ in ("ADJ", "NOUN", "PROPN") and \
                _noun_of(doc[j]) not in body_nouns:
            j += 1
        if j + 1 < len(doc) and _noun_of(doc[j]) in body_nouns and doc[j].dep_ == "compound" and doc[j].is_lower and \
                _noun_of(doc[j + 1]) in body_nouns:
            j += 1  # "occupation forces"
        if j >= len(doc) or _noun_of(doc[j]) not in body_nouns or doc[j].dep_ == "compound":
            out.append(m)
            continue
        if any(tuple(t.text for t in doc[i:i + len(n)]) == n for n in _SERVICE_NAMES):
            out.append(m)  # "Freedonia's civil defence agency": one node per state and kind, _state_services'
            continue
        end = offset + doc[j].idx + len(doc[j].text)
        kind_of = _kind_after(doc, j)  # "the Freedonian Ministry of Health": the ministry of a kind
        if kind_of is not None:
            end = offset + doc[kind_of - 1].idx + len(doc[kind_of - 1].text)
        elif _proper_name_goes_on(doc, j) or is_credit(text_of(doc), m.span.begin - offset, end - offset):
            out.append(m)  # "the Freedonian Government of National Unity", "Source: Freedonia News Agency"
            continue
        if any(o is not m and m.span.end <= o.span.begin < end for o in mentions):
            out.append(m)
            continue
        noun = _noun_of(doc[j])
        qualifiers = {t.lower_ for t in doc[i:j]} | ({t.lower_ for t in doc[j + 2:kind_of]} - _SMALL_WORDS
                                                     if kind_of is not None else set())
        names = {n.lower() for n in (_label(state, curated, new), *getattr(curated.get(state), "demonyms", ()))}
        candidates = [e.entity for e in [*everything, *out] if e.entity != state and _fits(noun, e.entity, curated, new)
                      and (_state_of(e.entity, curated) == state or (
                          _label(state, curated, new).lower() in _label(e.entity, curated, new).lower()
                          and "InternationalOrganization" not in _types(e.entity, curated, new))
                          or e.entity in new and _label(e.entity, curated, new).lower().split(" ")[0] in names)]
        # (a body the text named after the state before: "the Freedonian Ministry of Defence ... the
        # Freedonian defence ministry")
        # (a mission in a state, "... Mission in Freedonia", is no body of that state's)
        if not candidates:
            candidates = sorted(iri for iri in bodies.get(state, []) if _fits(noun, iri, curated, new))
        # "the defence ministry": of the country's ministries, the one whose label has "defence"
        every = list(dict.fromkeys(candidates))
        candidates = [c for c in every
                      if not qualifiers or qualifiers & set(re.findall(r"\w+", _label(c, curated, new).lower()))]
        if not candidates and len(every) == 1 and _types(every[0], curated, new) & _ARMED and \
                not any(t.text[:1].isupper() and t.lower_ not in _R.words["force_qualifier"] and t.i != j
                        for t in doc[i:j + 1]):
            candidates = every  # "Freedonian occupation forces", "Freedonian ground troops": its armed forces
        if not candidates and (m.entity in curated or doc[span.end].lower_ in ("'s", "’s")):
            phrase = text_of(doc)[m.span.begin - offset:end - offset]
            kind = next((f for f in _R.roles[noun].fits if f != "label"), "GovernmentBody")
            iri = iris.entity(slugify(phrase))
            new.setdefault(iri, NewEntity(iri=iri, label=phrase, type=kind, confidence=0.6))
            candidates = [iri]
        if len(set(candidates)) != 1:
            out.append(m)
            continue
        # the country keeps its mention; the words after it ("'s defence ministry") name the body. A
        # demonym is part of the body's name ("the Freedonian military"), not a mention of the state
        body_begin = offset + doc[i].idx
        if m.kind == "demonym" and candidates[0] != state:
            body_begin = m.span.begin
        else:
            out.append(m)
        out.append(EntityMention(span=Span(body_begin, end, text_of(doc)[body_begin - offset:end - offset]),
                                 entity=candidates[0], confidence=0.7, curated=candidates[0] in curated))
    return out


def _bodies_of_demonyms(doc: Doc, offset: int, mentions: list[EntityMention], new: dict[str, NewEntity],
                        iris: Iris) -> list[EntityMention]:
    """ "the Freedonian army said" with no entity for Freedonia: the body, as a new entity named
    as the text names it (the demonym the model tagged, then the body noun)."""
    body_nouns = _BODY_NOUNS
    taken = [(m.span.begin, m.span.end) for m in mentions]
    added: list[EntityMention] = []
    for ent in doc.ents:
        if ent.label_ != "NORP" or ent.end >= len(doc):
            continue
        token, j = ent[0], ent.end
        if j < len(doc) and _noun_of(doc[j]) not in body_nouns and doc[j].pos_ in ("NOUN", "ADJ") and \
                j + 1 < len(doc) and _noun_of(doc[j + 1]) in body_nouns:
            j += 1  # "Freedonian defence ministry"
        if j >= len(doc) or _noun_of(doc[j]) not in body_nouns or doc[j].pos_ != "NOUN" or \
                (j + 1 < len(doc) and doc[j + 1].pos_ in ("NOUN", "PROPN")):
            continue  # "Freedonian army officers": the officers, not the army
        begin, end = offset + token.idx, offset + doc[j].idx + len(doc[j].text)
        if any(b < end and begin < e for b, e in taken) or _proper_name_goes_on(doc, j):
            continue
        phrase = text_of(doc)[token.idx:doc[j].idx + len(doc[j].text)]
        noun = _noun_of(doc[j])
        kind = next((f for f in _R.roles[noun].fits if f != "label"), "GovernmentBody")
        iri = iris.entity(slugify(phrase))
        new.setdefault(iri, NewEntity(iri=iri, label=phrase, type=kind, confidence=0.55))
        added.append(EntityMention(span=Span(begin, end, phrase), entity=iri, confidence=0.55, curated=False))
        taken.append((begin, end))
    return sorted([*mentions, *added], key=lambda m: (m.span.begin, m.span.end, m.entity))


_COUNTRY_NOUNS = {"country", "nation", "state", "kingdom", "republic"}


def _main_country(mentions: Sequence[EntityMention], curated: Mapping[str, CuratedEntity],
                  new: Mapping[str, NewEntity], *, by_places: bool = False) -> str | None:
    """The state the document names most (ties: the first named).

    ``by_places``: the state the story is about, where a place counts for the country it lies in
    and a demonym half ("regime forces shelled X" in a story of places in Freedonia that names
    only its neighbour Ruritania by name; "Ruritanian border guards" says less)."""
    kinds = _STATE if by_places else _STATE | _R.subclasses("Country")
    counts: dict[str, float] = {}
    first: dict[str, int] = {}
    for m in mentions:
        state = m.entity if _types(m.entity, curated, new) & kinds else None
        if state is None and by_places and m.entity in curated:
            country = curated[m.entity].in_country
            if country is not None and country in curated and set(curated[country].types) & _STATE:
                state = country
        if state is not None:
            counts[state] = counts.get(state, 0) + (0.5 if by_places and m.kind == "demonym" else 1.0)
            first.setdefault(state, m.span.begin)
    return min(counts, key=lambda k: (-counts[k], first[k])) if counts else None


def _bodies_in_context(doc: Doc, offset: int, mentions: list[EntityMention], everything: Sequence[EntityMention],
                       curated: Mapping[str, CuratedEntity], new: dict[str, NewEntity], iris: Iris,
                       body_tokens: Sequence[Token], bodies: Mapping[str, list[str]]) -> list[EntityMention]:
    """ "the defence ministry said", "the West African nation's military said", with no name for
    the body anywhere: the body of the country the document is about (its curated body of that
    kind, else a new entity named as the text first names it, one IRI per country and kind)."""
    reporting = _R.words["reporting"]
    taken = [(m.span.begin, m.span.end) for m in mentions]
    country = _main_country([*everything, *mentions], curated, new)
    added: list[EntityMention] = []
    if country is None:
        return mentions
    for token in body_tokens:
        noun = _noun_of(token)
        role = _R.roles.get(noun)
        if role is None or role.kind != "body" or token.pos_ not in ("NOUN", "PROPN") or \
                token.dep_ not in ("nsubj", "nsubjpass") or token.head.lemma_.lower() not in reporting:
            continue
        left = token.left_edge
        words = [t for t in doc[left.i:token.i + 1] if t.dep_ != "det"]
        owner = next((c for c in token.children if c.dep_ == "poss"), None)
        possessed = owner is not None and owner.lemma_.lower() in _COUNTRY_NOUNS  # "the nation's military"
        inside = {t.i for t in owner.subtree} if possessed and owner is not None else set()
        if not words or any(t.ent_type_ in ("GPE", "NORP", "PERSON") for t in words if t.i not in inside):
            continue  # a name in the phrase: the other rules (or the model) decide
        begin, end = offset + words[0].idx, offset + token.idx + len(token.text)
        if inside:  # "the West African nation's": a description of the country, not a mention of another
            lo = offset + doc[min(inside)].idx
            hi = offset + doc[max(inside)].idx + len(doc[max(inside)].text)
            described = [m for m in mentions if lo <= m.span.begin and m.span.end <= hi]
            if described and len(described) == len([m for m in mentions if begin <= m.span.begin < end]):
                mentions = [m for m in mentions if m not in described]
                taken = [(m.span.begin, m.span.end) for m in mentions] + [(m.span.begin, m.span.end) for m in added]
        if any(b < end and begin < e for b, e in taken):
            continue
        kind_words = [t.lower_ for t in words[:-1] if t.pos_ in ("NOUN", "ADJ", "PROPN") and t.i not in inside]
        earlier = [m.entity for m in [*everything, *mentions, *added] if m.span.begin < begin and m.entity != country
                   and _fits(noun, m.entity, curated, new)]
        if earlier and not possessed:
            continue  # "the ministry" after a ministry was named: attribution resolves it
        kind_of = re.compile(r"\s+(?:[a-z]+\s+){0,2}" + re.escape(token.lower_) + r"\b")
        named = [m for m in [*mentions, *added] if offset <= m.span.begin and m.span.end <= begin
                 and not _types(m.entity, curated, new) & (_PERSON | _STATE | _PLACE)
                 and kind_of.match(text_of(doc), m.span.end - offset)]
        if named and not possessed and not kind_words:  # "the Acme news agency ... the agency said": Acme
            added.append(EntityMention(span=Span(begin, end, text_of(doc)[begin - offset:end - offset]),
                                       entity=named[-1].entity, confidence=0.5, curated=named[-1].curated))
            taken.append((begin, end))
            continue
        candidates = sorted(iri for iri in bodies.get(country, []) if _fits(noun, iri, curated, new)
                            and all(q in curated[iri].label.lower() for q in kind_words))
        if len(candidates) == 1:
            target = candidates[0]
        elif not candidates:
            key = " ".join([_label(country, curated, new), *kind_words, noun])
            target = iris.entity(slugify(key))
            phrase = text_of(doc)[words[0].idx:token.idx + len(token.text)]
            kind = next((f for f in role.fits if f != "label"), "GovernmentBody")
            new.setdefault(target, NewEntity(iri=target, label=phrase, type=kind, confidence=0.5))
        else:
            continue
        added.append(EntityMention(span=Span(begin, end, text_of(doc)[begin - offset:end - offset]), entity=target,
                                   confidence=0.5, curated=target in curated))
        taken.append((begin, end))
    return sorted([*mentions, *added], key=lambda m: (m.span.begin, m.span.end, m.entity))


_DASHES = ("-", "–", "—")
_BARE_MINISTRY = re.compile(r"^(?:the )?(?:([a-z]+(?: [a-z]+)?) ministry|ministry of (?:the )?([a-z]+(?: [a-z]+)?))$")


def _bare_ministries(doc: Doc, offset: int, mentions: list[EntityMention], everything: Sequence[EntityMention],
                     curated: Mapping[str, CuratedEntity], new: dict[str, NewEntity], iris: Iris,
                     bodies: Mapping[str, list[str]]) -> list[EntityMention]:
    """A ministry the model found named by its kind alone ("the Defence Ministry said", "the
    country's Foreign Ministry", "Ministry of Health"): its name would be one entity for every
    state's; it is the ministry of that kind of the state it belongs to (the state named last
    before "the country's", else the state the document is about): the curated one, else one
    new entity per state and kind, keyed as :func:`_bodies_in_context` keys it."""
    out: list[EntityMention] = []
    country: str | None = None
    for m in mentions:
        found = _BARE_MINISTRY.match(m.span.text.lower()) if m.entity in new and not m.curated else None
        span = doc.char_span(m.span.begin - offset, m.span.end - offset, alignment_mode="expand") if found else None
        if found is None or span is None or _types(m.entity, curated, new) & (_PERSON | _PLACE | _STATE) or any(
                t.ent_kb_id_ or (t.text.isupper() and len(t.text) > 1) for t in span):
            out.append(m)
            continue
        kind_words = (found.group(1) or found.group(2)).split()
        owner: str | None = None
        if span.start > 1 and doc[span.start - 1].lower_ in ("'s", "’s") and \
                doc[span.start - 2].lower_ in _COUNTRY_NOUNS:
            states = [e for e in [*everything, *mentions] if e.span.end <= offset + doc[span.start - 2].idx
                      and _types(e.entity, curated, new) & _STATE]
            owner = max(states, key=lambda e: e.span.begin).entity if states else None
        elif span.start == 0 or doc[span.start - 1].lower_ not in ("'s", "’s"):
            if country is None:
                country = _main_country([*everything, *mentions], curated, new)
            owner = country
        if owner is None:
            out.append(m)
            continue
        candidates = sorted(iri for iri in bodies.get(owner, []) if _fits("ministry", iri, curated, new)
                            and all(q in curated[iri].label.lower() for q in kind_words))
        if len(candidates) == 1:
            target = candidates[0]
        else:
            target = iris.entity(slugify(" ".join([_label(owner, curated, new), *kind_words, "ministry"])))
            old = new[m.entity]
            new.setdefault(target, NewEntity(iri=target, label=old.label, type="GovernmentBody",
                                             confidence=old.confidence))
        out.append(replace(m, entity=target, curated=target in curated))
    return out


_GENERIC_FORCE_WORDS = frozenset({"defense", "defence", "security", "and", "armed", "national", "forces", "army",
                                  "military", "the"})


def _national_force(country: str, label: str, bodies: Mapping[str, list[str]],
                    curated: Mapping[str, CuratedEntity], new: dict[str, NewEntity], iris: Iris) -> str:
    """The armed forces of a state: its one curated force, else one new node per state, labelled as
    the text first names it."""
    forces = sorted(iri for iri in bodies.get(country, []) if _types(iri, curated, new) & _ARMED
                    and iri in curated and _state_of(iri, curated) == country)
    if len(forces) == 1:
        return forces[0]
    target = iris.entity(slugify(f"{_label(country, curated, new)} armed forces"))
    new.setdefault(target, NewEntity(iri=target, label=label, type="ArmedForce", confidence=0.5))
    return target


def _generic_forces(mentions: list[EntityMention], everything: Sequence[EntityMention],
                    curated: Mapping[str, CuratedEntity], new: dict[str, NewEntity], iris: Iris,
                    bodies: Mapping[str, list[str]]) -> list[EntityMention]:
    """A name the model found made of generic words only ("the Defence and Security Forces",
    "the Armed Forces", "the National Army"): the armed forces of the state the story is about
    (its one curated force, else the node "the army" of that state gets), not a body of its own."""
    generic = [k for k, m in enumerate(mentions) if m.entity in new and not m.curated
               and set(w := _label(m.entity, curated, new).lower().split()) <= _GENERIC_FORCE_WORDS
               and ("forces" in w or "army" in w) and len(w) > 1]
    if not generic:
        return mentions
    country = _main_country([*everything, *mentions], curated, new, by_places=True)
    if country is None:
        return mentions
    target = _national_force(country, _label(mentions[generic[0]].entity, curated, new), bodies, curated, new, iris)
    return [replace(m, entity=target, curated=target in curated) if k in generic else m
            for k, m in enumerate(mentions)]


_POSSESSIVE = re.compile(r"['’]s\s+")


def _owners_in_names(mentions: list[EntityMention], everything: Sequence[EntityMention],
                     curated: Mapping[str, CuratedEntity], new: dict[str, NewEntity],
                     iris: Iris) -> list[EntityMention]:
    """A name the model found whole with a body's possessive in it ("the Freedonian Defence
    Council's Press Office"): the office keeps the whole name, and the body before "'s" is
    mentioned too (the entity of that name in the document, else a new one)."""
    added: list[EntityMention] = []
    for m in mentions:
        found = _POSSESSIVE.search(m.span.text) if m.entity in new and not m.curated else None
        if found is None or not m.span.text[found.end():][:1].isupper():
            continue
        owner = m.span.text[:found.start()].removeprefix("the ").removeprefix("The ")
        words = owner.split()
        if len(words) < 2 or not all(w[:1].isupper() or w.lower() in _SMALL_WORDS for w in words) or \
                _noun_of_word(words[-1]) not in _BODY_NOUNS:
            continue
        begin = m.span.begin + m.span.text.index(owner)
        target = next((e.entity for e in [*everything, *mentions] if e.entity != m.entity
                       and _label(e.entity, curated, new).lower() == owner.lower()), None)
        if target is None:
            target = iris.entity(slugify(owner))
            role = _R.roles.get(_noun_of_word(words[-1]))
            kind = next((f for f in role.fits if f != "label"), "Organization") if role else "Organization"
            new.setdefault(target, NewEntity(iri=target, label=owner, type=kind, confidence=0.5))
        added.append(EntityMention(span=Span(begin, begin + len(owner), owner), entity=target, confidence=0.5,
                                   curated=target in curated))
    return sorted([*mentions, *added], key=lambda m: (m.span.begin, m.span.end, m.entity)) if added else mentions


def _shortened_bodies(mentions: list[EntityMention], everything: Sequence[EntityMention],
                      curated: Mapping[str, CuratedEntity], new: Mapping[str, NewEntity]) -> list[EntityMention]:
    """A body's name with a word of it left out ("the Freedonia Military Administration" beside
    "the Freedonia Regional Military Administration"): the same body, of the longer name. Both
    names of three words or more, the same first and last word (a body noun), the shorter one's
    words in the longer one in order."""
    def words(iri: str) -> list[str]:
        return _label(iri, curated, new).lower().removeprefix("the ").split()

    bodies = sorted({m.entity for m in [*everything, *mentions] if m.entity in new
                     and not _types(m.entity, curated, new) & (_PERSON | _PLACE | _STATE)
                     and len(words(m.entity)) >= 3 and _noun_of_word(words(m.entity)[-1]) in _BODY_NOUNS})
    if len(bodies) < 2:
        return mentions
    longer: dict[str, str] = {}
    for short in bodies:
        w = words(short)
        for other in bodies:
            o = words(other)
            if other == short or len(o) <= len(w) or o[0] != w[0] or o[-1] != w[-1]:
                continue
            rest = iter(o)
            if all(x in rest for x in w):
                longer.setdefault(short, other)
    if not longer:
        return mentions
    return [replace(m, entity=longer[m.entity]) if m.entity in longer else m for m in mentions]


def _untagged_ministries(doc: Doc, offset: int, mentions: list[EntityMention], new: dict[str, NewEntity],
                         iris: Iris) -> list[EntityMention]:
    """A ministry named by its kind that the model did not tag ("under the Health Ministry of the
    ...", "the Ministry of Health"): a mention, resolved as :func:`_bare_ministries` resolves the
    model's."""
    text = text_of(doc)
    taken = [(m.span.begin, m.span.end) for m in mentions]
    added: list[EntityMention] = []
    for token in doc:
        if token.text not in ("Ministry", "Ministries") or _headline(doc, token.idx):
            continue
        first, last = token.i, token.i
        after = _kind_after(doc, token.i)
        if after is not None:
            last = after - 1
        else:
            while first > 0 and token.i - first < 2 and doc[first - 1].text[:1].isupper() and \
                    doc[first - 1].is_alpha and doc[first - 1].pos_ in ("PROPN", "NOUN", "ADJ") and \
                    doc[first - 1].ent_type_ not in ("GPE", "NORP", "PERSON"):
                first -= 1
            if first == token.i:
                continue
        if first > 0 and doc[first - 1].text[:1].isupper() and doc[first - 1].lower_ != "the" and \
                doc[first - 1].is_sent_start is not True:
            continue  # "Freedonia Health Ministry": a name before it, the rules for bodies decide
        begin, end = offset + doc[first].idx, offset + doc[last].idx + len(doc[last].text)
        phrase = text[begin - offset:end - offset]
        if any(b < end and begin < e for b, e in taken) or not _BARE_MINISTRY.match(phrase.lower()):
            continue
        iri = iris.entity(slugify(phrase))
        new.setdefault(iri, NewEntity(iri=iri, label=phrase, type="GovernmentBody", confidence=0.5))
        added.append(EntityMention(span=Span(begin, end, phrase), entity=iri, confidence=0.5, curated=False))
        taken.append((begin, end))
    return sorted([*mentions, *added], key=lambda m: (m.span.begin, m.span.end, m.entity)) if added else mentions


def _owners_before_ministries(mentions: list[EntityMention], acronyms: Mapping[str, str],
                              by_initials: Mapping[str, set[str]], curated: Mapping[str, CuratedEntity],
                              new: dict[str, NewEntity], iris: Iris) -> list[EntityMention]:
    """An acronym before a ministry ("the FNU Ministry of Health", "FNU Defence Ministry"): the
    ministry keeps the whole name, and the acronym is a mention of the government it abbreviates
    (the name the text expands it to, else a new entity named by the acronym)."""
    added: list[EntityMention] = []
    for m in mentions:
        words = m.span.text.split()
        if m.entity not in new or len(words) < 2 or not (2 <= len(words[0]) <= 6 and words[0].isupper()
                                                         and words[0].isalpha()):
            continue
        if not any(w.lower() == "ministry" for w in words[1:3]) or not words[1][:1].isupper():
            continue
        acronym = words[0]
        target = acronyms.get(acronym) or (next(iter(by_initials[acronym])) if len(by_initials.get(acronym, ())) == 1
                                           else None)
        if target is None:
            target = next((iri for iri, e in curated.items() if acronym in e.alt_labels
                           and set(e.types) & (_STATE | _R.subclasses("Organization"))), None)
        if target is None:
            target = iris.entity(slugify(acronym))
            new.setdefault(target, NewEntity(iri=target, label=acronym, type="GovernmentBody", confidence=0.5))
        begin = m.span.begin
        added.append(EntityMention(span=Span(begin, begin + len(acronym), acronym), entity=target, confidence=0.5,
                                   curated=target in curated))
    return sorted([*mentions, *added], key=lambda m: (m.span.begin, m.span.end, m.entity)) if added else mentions


_SERVICE_NAMES = sorted((tuple(w.split()) for w in _R.words["service_name"]), key=lambda n: -len(n))
_SERVICE_FIRST = frozenset(n[0] for n in _SERVICE_NAMES)
_SERVICE_TAILS = frozenset({"agency", "service", "directorate", "department", "authority", "administration"})


def _state_of_mention(m: EntityMention, curated: Mapping[str, CuratedEntity],
                      new: Mapping[str, NewEntity]) -> str | None:
    """The state a mention names, or the state the place it names lies in ("Freedonia City's")."""
    if _types(m.entity, curated, new) & _STATE:
        return m.entity
    entity = curated.get(m.entity)
    country = entity.in_country if entity is not None else None
    return country if country is not None and country in curated and set(curated[country].types) & _STATE else None


def _state_services(doc: Doc, offset: int, mentions: list[EntityMention], everything: Sequence[EntityMention],
                    curated: Mapping[str, CuratedEntity], new: dict[str, NewEntity],
                    iris: Iris) -> list[EntityMention]:
    """A body every state has, named in lower case by its kind (``service_name``: "Freedonia's
    civil defence agency", "the Freedonian emergency service", "civil defence crews"): the body
    of that kind of the state named right before it, else of the state the story is about; one
    node per state and kind, named as the text first names it."""
    if not _SERVICE_NAMES:
        return mentions
    text = text_of(doc)
    taken = [(m.span.begin, m.span.end) for m in mentions]
    added: list[EntityMention] = []
    drop: set[int] = set()
    main: str | None = None
    found = False
    for token in doc:
        if token.text not in _SERVICE_FIRST:  # lower case only: a capitalised one is a name, the model's
            continue
        name = next((n for n in _SERVICE_NAMES if tuple(t.text for t in doc[token.i:token.i + len(n)]) == n), None)
        if name is None:
            continue
        last = token.i + len(name) - 1
        if last + 1 < len(doc) and doc[last + 1].text in _SERVICE_TAILS:
            last += 1  # "civil defence agency"
        begin, end = offset + token.idx, offset + doc[last].idx + len(doc[last].text)
        if any(b < end and begin < e for b, e in taken):
            continue
        before = [k for k, m in enumerate(mentions) if m.span.end <= begin
                  and text[m.span.end - offset:begin - offset] in ("'s ", "’s ", " ", "' ", "’ ")]
        owner = mentions[before[-1]] if before else None
        state: str | None
        if owner is not None:
            state = _state_of_mention(owner, curated, new)
            if state is None or (owner.kind != "demonym" and text[owner.span.end - offset] == " "):
                continue  # "the Acme civil defence": a name of its own; "Freedonia civil defence": unclear
        elif token.i > 0 and doc[token.i - 1].text[:1].isupper() and doc[token.i - 1].lower_ not in ("the", "a", "an"):
            continue  # "Arab civil defence teams", "the Acme emergency service": not the state's
        else:
            sentence = offset + token.sent.start_char
            # "strikes on Freedonia City, civil defence said": of the place's country
            places = [o for o in mentions if sentence <= o.span.begin < begin
                      and _types(o.entity, curated, new) & _PLACE and not _types(o.entity, curated, new) & _STATE]
            state = _state_of_mention(places[-1], curated, new) if places else None
            if state is None:
                if not found:
                    main, found = _main_country([*everything, *mentions], curated, new, by_places=True), True
                state = main
        if state is None:
            continue
        kind = " ".join(name).replace("defense", "defence")
        target = iris.entity(slugify(f"{_label(state, curated, new)} {kind}"))
        label = text[token.idx:doc[last].idx + len(doc[last].text)]
        new.setdefault(target, NewEntity(iri=target, label=label, type="GovernmentBody", confidence=0.5))
        if owner is not None and owner.kind == "demonym":  # "the Freedonian civil defence": one name
            begin = owner.span.begin
            drop.add(before[-1])
        added.append(EntityMention(span=Span(begin, end, text[begin - offset:end - offset]), entity=target,
                                   confidence=0.5, curated=False))
        taken.append((begin, end))
    if not added:
        return mentions
    return sorted([*(m for k, m in enumerate(mentions) if k not in drop), *added],
                  key=lambda m: (m.span.begin, m.span.end, m.entity))


def _demonyms_of_deeds(doc: Doc, offset: int, mentions: list[EntityMention]) -> list[EntityMention]:
    """A demonym that qualifies an act (``deed_noun``: "Freedonian shelling", "a Freedonian drone
    attack", "Freedonian claims") says who did it, for the events and claims that read it: it is
    no mention of the state in the story (a demonym of people or of a body stays one)."""
    deeds = _R.words["deed_noun"]
    out = []
    for m in mentions:
        if m.kind == "demonym":
            span = doc.char_span(m.span.begin - offset, m.span.end - offset, alignment_mode="expand")
            head = span[-1] if span is not None and len(span) else None
            while head is not None and head.dep_ in ("amod", "compound") and head.head.i > head.i and \
                    head.head.pos_ in ("NOUN", "VERB") and \
                    all(t.dep_ in ("amod", "compound") for t in doc[head.i:head.head.i]):
                head = head.head
            if head is not None and span is not None and head.i >= span.end and (
                    head.lemma_.lower() in deeds or head.lower_ in deeds):
                continue
            nxt = doc[span.end] if span is not None and span.end < len(doc) else None
            if nxt is not None and nxt.pos_ in ("NOUN", "VERB") and nxt.text.islower() and \
                    (nxt.lower_ in deeds or nxt.lemma_.lower() in deeds):
                continue  # the same, where the parser took the act for a verb ("wounded in Freedonian shelling")
        out.append(m)
    return out


def _named_alone(doc: Doc, m: EntityMention, offset: int) -> bool:
    """Whether a one-word name acts on its own ("Burhan said", "Burhan's aides", "met Burhan"), not
    as the modifier of a noun ("the Houthi group", "Houthi rebels")."""
    span = doc.char_span(m.span.begin - offset, m.span.end - offset, alignment_mode="expand")
    if span is None or not len(span):
        return False
    token = span[-1]
    return token.dep_ in ("nsubj", "nsubjpass", "poss", "dobj", "pobj", "appos") and not (
        token.i + 1 < len(doc) and doc[token.i + 1].pos_ in ("NOUN", "PROPN"))


def _aliases(doc: Doc, offset: int, mentions: list[EntityMention], curated: Mapping[str, CuratedEntity],
             new: Mapping[str, NewEntity]) -> list[EntityMention]:
    """ "X, known as Y," / "X, also known as Y": the name Y the model made a new entity of is X."""
    alias: dict[str, str] = {}
    by_end = {m.span.end: m for m in mentions}
    by_begin = {m.span.begin: m for m in mentions}
    for match in re.finditer(r",\s+(?:(?:also|better|widely|locally|commonly)\s+)?known\s+as\s+", text_of(doc)):
        named, other = by_end.get(offset + match.start()), by_begin.get(offset + match.end())
        if named is None or other is None or other.entity not in new or named.entity == other.entity:
            continue
        if _types(named.entity, curated, new) & (_STATE | _PLACE) and not _types(other.entity, curated, new) & _PLACE:
            continue
        alias[other.entity] = named.entity
    if not alias:
        return mentions
    return [replace(m, entity=alias[m.entity], curated=alias[m.entity] in curated) if m.entity in alias else m
            for m in mentions]


def _loyal_to(token: Token) -> list[Token]:
    """The names in "forces loyal to X", "fighters allied to X"."""
    return [c for a in token.children if a.dep_ == "amod" and a.lower_ in ("loyal", "allied")
            for p in a.children if p.dep_ == "prep" for c in p.subtree if c.pos_ == "PROPN"]


def _names_before_acronyms(doc: Doc, offset: int, mentions: list[EntityMention],
                           curated: Mapping[str, CuratedEntity], new: dict[str, NewEntity],
                           iris: Iris) -> list[EntityMention]:
    """A name the model cut into pieces, given whole by the acronym after it ("the Islamic State
    in the Greater Sahara (ISGS)": not "Islamic State" and a place "Greater Sahara"): the
    capitalised words before the bracket whose initials the acronym is are one new entity."""
    added: list[EntityMention] = []
    drop: set[int] = set()
    for match in _ACRONYM.finditer(text_of(doc)):
        acronym = match.group(1)
        before = doc.char_span(0, match.start(), alignment_mode="contract")
        if before is None or not len(before) or len(acronym) < 3:
            continue
        last = before.end - 1
        if not doc[last].text[:1].isupper():
            continue
        start, best = last, None
        while start >= 0 and last - start < 10 and (doc[start].text[:1].isupper() or doc[start].text in _DASHES
                                                      or doc[start].lower_ in _SMALL_WORDS):
            if doc[start].text[:1].isupper() and doc[start].lower_ not in ("the", "a", "an") and \
                    acronym.upper() in _initials(doc[start:last + 1].text):
                best = start
            start -= 1
        if best is None:
            continue
        begin, end = offset + doc[best].idx, offset + doc[last].idx + len(doc[last].text)
        inside = [k for k, m in enumerate(mentions) if begin <= m.span.begin and m.span.end <= end]
        if any(m.span.begin < end and begin < m.span.end and k not in inside for k, m in enumerate(mentions)):
            continue
        if any(mentions[k].span.begin == begin and mentions[k].span.end == end for k in inside):
            continue  # named whole already
        phrase = text_of(doc)[begin - offset:end - offset]
        iri = iris.entity(slugify(phrase))
        kind = "ArmedForce" if _noun_of(doc[last]) in _FORCE_NOUNS or doc[last].lower_ == "army" else "Organization"
        new.setdefault(iri, NewEntity(iri=iri, label=phrase, type=kind, confidence=0.5))
        drop.update(inside)
        added.append(EntityMention(span=Span(begin, end, phrase), entity=iri, confidence=0.5, curated=False))
    if not added:
        return mentions
    return sorted([*(m for k, m in enumerate(mentions) if k not in drop), *added],
                  key=lambda m: (m.span.begin, m.span.end, m.entity))


def _language_services(doc: Doc, offset: int, mentions: list[EntityMention], curated: Mapping[str, CuratedEntity],
                       new: dict[str, NewEntity], iris: Iris) -> list[EntityMention]:
    """An outlet followed by a language or a demonym is its service in that language ("BBC
    Burmese", "Al Jazeera Arabic", "VOA Persian service"): one new entity, not the outlet and a state."""
    added: list[EntityMention] = []
    drop: set[int] = set()
    for k, m in enumerate(mentions):
        if "MediaOutlet" not in _types(m.entity, curated, new):
            continue
        span = doc.char_span(m.span.begin - offset, m.span.end - offset, alignment_mode="expand")
        if span is None or span.end >= len(doc):
            continue
        nxt = doc[span.end]
        demonym = [j for j, o in enumerate(mentions) if o.kind == "demonym" and o.span.begin == offset + nxt.idx]
        if not nxt.text[:1].isupper() or not (demonym or nxt.ent_type_ in ("LANGUAGE", "NORP")):
            continue
        last = span.end + 1 if span.end + 1 < len(doc) and doc[span.end + 1].lower_ == "service" else span.end
        end = offset + doc[last].idx + len(doc[last].text)
        phrase = text_of(doc)[m.span.begin - offset:end - offset]
        iri = iris.entity(slugify(phrase))
        new.setdefault(iri, NewEntity(iri=iri, label=phrase, type="MediaOutlet", confidence=0.5))
        drop.update([k, *demonym, *(j for j, o in enumerate(mentions)
                                    if m.span.begin <= o.span.begin and o.span.end <= end)])
        added.append(EntityMention(span=Span(m.span.begin, end, phrase), entity=iri, confidence=0.5, curated=False))
    if not added:
        return mentions
    return sorted([*(o for j, o in enumerate(mentions) if j not in drop), *added],
                  key=lambda o: (o.span.begin, o.span.end, o.entity))


def _headline(doc: Doc, char: int) -> bool:
    """Whether the line holding ``char`` is in title case (a headline: every name looks proper)."""
    return in_headline(text_of(doc), char)


def _names_after_demonyms(doc: Doc, offset: int, mentions: list[EntityMention], curated: Mapping[str, CuratedEntity],
                          new: dict[str, NewEntity], iris: Iris) -> list[EntityMention]:
    """A demonym that starts a proper name the model did not tag ("the Syrian Observatory for Human
    Rights", "the Lebanese Red Cross") names that body, not the state: one new entity for the
    whole name. Names with a role noun ("the Freedonian Defence Ministry", "Freedonian President
    X") are left to the rules for bodies and persons."""
    out: list[EntityMention] = []
    drop: set[int] = set()
    added: list[EntityMention] = []
    named_alone = {m.span.text.lower() for m in mentions if m.kind != "demonym"}
    for m in mentions:
        if m.kind != "demonym":
            continue
        span = doc.char_span(m.span.begin - offset, m.span.end - offset, alignment_mode="expand")
        if span is None or _headline(doc, span.start_char):
            continue
        i = j = span.end
        last = None
        while j < len(doc) and j - i < 6:
            t = doc[j]
            if t.text[:1].isupper() and t.is_alpha and t.pos_ in ("PROPN", "NOUN") and t.whitespace_ is not None:
                last = j
            elif not (t.lower_ in ("for", "of", "and") and j + 1 < len(doc) and doc[j + 1].text[:1].isupper()
                      and doc[j + 1].is_alpha):
                break
            j += 1
        if last is None:
            continue
        words = doc[i:last + 1]
        if any(_noun_of(t) in _R.roles or t.lower_ in _R.roles or t.ent_type_ in ("DATE", "TIME") for t in words):
            continue
        if words.text.lower() in named_alone:
            continue  # "Freedonian Acme mercenaries … Acme fighters": the state and a name the text gives alone
        begin, end = m.span.begin, offset + doc[last].idx + len(doc[last].text)
        inside = [k for k, o in enumerate(mentions) if o is not m and o.span.begin < end and begin < o.span.end]
        if any(mentions[k].span.end > end or mentions[k].entity not in curated or
               _types(mentions[k].entity, curated, new) & (_PERSON | _STATE | _PLACE) for k in inside):
            continue  # another name in it ("Freedonian Hamas"): the names stay
        drop.update(inside)
        drop.add(id(m))
        phrase = text_of(doc)[begin - offset:end - offset]
        iri = iris.entity(slugify(phrase))
        new.setdefault(iri, NewEntity(iri=iri, label=phrase, type="Organization", confidence=0.5))
        added.append(EntityMention(span=Span(begin, end, phrase), entity=iri, confidence=0.5, curated=False))
    if not added:
        return mentions
    out = [o for k, o in enumerate(mentions) if k not in drop and id(o) not in drop]
    return sorted([*out, *added], key=lambda m: (m.span.begin, m.span.end, m.entity))


_GOVERNING = frozenset({"regime", "junta", "government", "pro-government", "state", "national"})
_OTHER_HEADS = frozenset({"ministry", "coalition", "alliance"})
_HEADS = frozenset({"helmets", "force", "mission", "government", "defences", "defenses", "defence", "defense",
                    "navy"})


def _described_bodies(doc: Doc, offset: int, mentions: list[EntityMention], everything: Sequence[EntityMention],
                      curated: Mapping[str, CuratedEntity], new: dict[str, NewEntity], iris: Iris,
                      bodies: Mapping[str, list[str]]) -> list[EntityMention]:
    """Bodies given by a description, anywhere in a sentence:

    - "the army", "the armed forces", "an army unit": the national armed forces named last (a
      curated force of a state), else those of the state the story is about;
    - "regime forces", "government troops", "junta soldiers" (``force_qualifier``): the armed
      forces of the state the story is about;
    - "the junta", "the military regime" (``ruler_noun``): that state's rulers, one new entity per
      state, named as the text names them;
    - "UN peacekeepers", "the blue helmets" (``peacekeeper_noun``): the United Nations mission in
      that state (``ontology/world/missions.tsv``), the "UN" before them included.
    """
    words = _R.words
    qualifiers, rulers, keepers = words["force_qualifier"], words["ruler_noun"], words["peacekeeper_noun"]
    taken = [(m.span.begin, m.span.end) for m in mentions]
    main: str | None = None
    found = False
    added: list[EntityMention] = []
    replaced: set[int] = set()
    for token in doc:
        low = token.lower_
        if token.pos_ not in ("NOUN", "PROPN") or not (low in rulers or low in keepers or low in _FORCE_NOUNS
                                                       or low in _HEADS or low in _OTHER_HEADS):
            continue
        if token.text[:1].isupper() and token.i > 0 and doc[token.i - 1].text[:1].islower() and \
                not _headline(doc, token.idx):
            continue  # "the Arakan Army": a name
        mods = [t for t in token.children if t.dep_ in ("amod", "compound", "nmod", "poss") and t.i < token.i]
        owners = [*mods, *(c for p in token.children if p.dep_ == "prep" and p.lower_ in ("in", "of")
                           for c in p.children if c.dep_ == "pobj")] \
            if low in rulers or low in ("government", "force", "defences", "defenses", "defence", "defense", "navy") \
            else []
        owner = next((m for m in mentions for t in owners if m.span.begin <= offset + t.idx < m.span.end
                      and _types(m.entity, curated, new) & _STATE), None)
        if owner is not None:  # "Freedonia's junta", "the junta in Freedonia": that state's
            mods = [t for t in mods if not owner.span.begin <= offset + t.idx < owner.span.end]
        # the words before the noun, hyphenated ones whole ("pro-government troops")
        mod_words = set(doc[min(t.i for t in mods):token.i].text.lower().split()) if mods else set()
        kind = ""
        fold: list[int] = []
        if low in keepers or (low in ("helmets", "force", "mission", "forces")
                              and mod_words & {"blue", "peacekeeping"}):
            if low == "helmets" and "blue" not in mod_words:
                continue
            kind = "keepers"
        elif (low in rulers and token.dep_ != "compound" and mod_words <= words["ruler_qualifier"]) or (
                low == "government" and mod_words and mod_words <= words["ruler_qualifier"]):
            kind = "rulers"  # "the junta", "the internationally recognised government"
        elif token.i > 0 and f"{doc[token.i - 1].lower_} {low}" in words["branch_noun"] and \
                token.dep_ != "compound" or low in words["branch_noun"] and not mods:
            if token.i > 1 and doc[token.i - 2].text[:1].isupper() and doc[token.i - 2].pos_ == "PROPN" and \
                    token.text[:1].isupper():
                continue  # "the Freedonian Air Force": a name, the model's
            if token.dep_ not in ("nsubj", "nsubjpass") and not (token.dep_ == "pobj" and token.head.lower_ == "by"):
                continue  # "bolsters its air defence": a capability, not an actor
            kind = "branch"  # "the air defences responded", "shot down by the air force"
            mods = [t for t in mods if t.i != token.i - 1]
            if owner is not None and owner.kind == "demonym":  # "the Freedonian air force": one name
                fold = [k for k, m in enumerate(mentions) if m is owner]
        elif low in ("coalition", "alliance") and token.text.islower():
            led = re.search(r"(\S+)[-–]led\s+$", text_of(doc)[max(0, token.idx - 40):token.idx])
            if led is None and not (not mods and any(c.dep_ == "det" and c.lower_ == "the" for c in token.children)):
                continue
            kind = "coalition"  # "the Saudi-led coalition", then "the coalition"
        elif low == "ministry" and token.text.islower() and token.dep_ != "compound" and mods and \
                all(t.dep_ in ("amod", "compound") and t.text.islower() and t.pos_ in ("NOUN", "ADJ", "PROPN")
                    for t in mods):
            kind = "ministry"  # "according to the health ministry": the story state's, as "the ministry said"
        elif low in _FORCE_NOUNS and any(m.span.begin <= offset + t.idx < m.span.end and
                                         _types(m.entity, curated, new) & _PERSON for t in (*mods, *_loyal_to(token))
                                         for m in mentions):
            kind = "loyal"  # "Haftar's forces", "Haftar militiamen": the forces a person leads
        elif low in _FORCE_NOUNS and low not in ("fighters", "militiamen", "units") and mod_words == {"occupation"}:
            kind = "occupier"  # "the occupation army", "occupation forces": the occupier's, named before
        elif low in _FORCE_NOUNS and low not in ("fighters", "militiamen", "units"):
            if mod_words and not mod_words <= qualifiers:
                continue
            if not mod_words and (low not in ("army", "military") or not token.text.islower() and token.i > 0
                                  and doc[token.i - 1].text[:1].isupper()):
                continue  # bare "troops", "forces": whose is not said
            if token.dep_ == "compound" and (low != "army" or token.head.pos_ != "NOUN"):
                continue
            if not mod_words and token.dep_ != "compound" and not any(c.dep_ == "det" and c.lower_ == "the"
                                                                     for c in token.children):
                continue  # "an army of volunteers": not a state's
            kind = "governing" if mod_words & _GOVERNING else "force"
        else:
            continue
        phrase_tokens = [t for t in doc[token.left_edge.i:token.i + 1] if t.dep_ not in ("det", "punct", "nummod")
                         and t.pos_ != "NUM" and t.dep_ != "case"
                         and not (owner and owner.span.begin <= offset + t.idx < owner.span.end)]
        if token.dep_ == "compound":
            phrase_tokens = [token]
        leader = None
        if kind == "loyal":
            leader = next(m for m in mentions for t in (*mods, *_loyal_to(token))
                          if m.span.begin <= offset + t.idx < m.span.end and _types(m.entity, curated, new) & _PERSON)
            between = text_of(doc)[leader.span.end - offset:token.idx] if leader.span.end - offset <= token.idx else ""
            if leader.span.begin < offset + token.idx and between not in (" ", "'s ", "’s ", "' ", "’ "):
                continue  # "Haftar's forces", "Haftar militiamen"; not a headline's "X Visits Front Line Troops"
            phrase_tokens = [t for t in phrase_tokens if offset + t.idx >= leader.span.end and t.dep_ != "case"] or \
                [token]
        elif kind == "branch":
            phrase_tokens = [doc[token.i - 1], token] if doc[token.i - 1].lower_ == "air" else [token]
            if owner is not None and owner.kind == "demonym":
                phrase_tokens = [t for t in doc[token.left_edge.i:token.i + 1]
                                 if offset + t.idx >= owner.span.begin and t.i <= token.i][-(len(phrase_tokens) + 1):]
        elif kind == "coalition":
            phrase_tokens = [token]  # the leader ("Saudi-led") keeps its own mention
        if not phrase_tokens:
            continue
        begin, end = offset + phrase_tokens[0].idx, offset + token.idx + len(token.text)
        un = [k for k, m in enumerate(mentions) if kind == "keepers" and m.span.begin >= begin - 16
              and m.span.end <= end and "InternationalOrganization" in _types(m.entity, curated, new)
              and (m.span.begin >= begin or not text_of(doc)[m.span.end - offset:begin - offset].strip())]
        if un:  # "UN peacekeepers": the UN's name is part of the mission's
            begin = min(begin, mentions[un[0]].span.begin)
        if any(b < end and begin < e for k, (b, e) in enumerate(taken) if k not in un and k not in fold):
            continue
        if not found:
            main, found = _main_country([*everything, *mentions], curated, new, by_places=True), True
        country = owner.entity if owner is not None else main
        if owner is None and kind not in ("loyal", "branch", "ministry") and any(
                t.ent_type_ in ("GPE", "NORP", "PERSON", "ORG") and t.lower_ not in ("un", "u.n.")
                and t.i != token.i for t in phrase_tokens):
            continue
        if text_of(doc)[begin - offset:begin - offset + 4].lower() == "the ":
            begin += 4
        target: str | None = None
        if kind == "keepers":
            states = [country] if country else []
            states += [m.entity for m in [*everything, *mentions] if _types(m.entity, curated, new) & _STATE]
            target = next((bodies["peacekeepers:" + s][0] for s in states if bodies.get("peacekeepers:" + s)), None)
        elif kind == "force":  # "the Freedonian army ... the army": the army named in the last sentences
            sentence = token.sent.start
            recent = offset + (doc[sentence - 1].sent.start_char if sentence else 0)
            named = [m for m in [*everything, *mentions, *added] if recent <= m.span.begin < begin
                     and m.entity in curated and _types(m.entity, curated, new) & _ARMED
                     and _state_of(m.entity, curated) not in (None, m.entity)]
            earlier = [m.entity for m in named if low in m.span.text.lower()]
            if not earlier and not mod_words and len({m.entity for m in named}) == 1:
                earlier = [named[-1].entity]  # "According to the IDF, ... The military says": that one force
            target = earlier[-1] if earlier else None
        if kind == "occupier":
            earlier = [m.entity for m in [*everything, *mentions, *added] if m.span.begin < begin
                       and m.entity in curated and _types(m.entity, curated, new) & _ARMED
                       and _state_of(m.entity, curated) not in (None, m.entity)]
            if not earlier:
                continue
            target = earlier[-1]
        if target is None and kind in ("force", "governing") and country is not None:
            target = _national_force(country, text_of(doc)[phrase_tokens[0].idx:token.idx + len(token.text)],
                                     bodies, curated, new, iris)
        if kind == "coalition":
            led = re.search(r"(\S+)[-–]led\s+$", text_of(doc)[max(0, token.idx - 40):token.idx])
            if led is not None:
                lead_begin = token.idx - len(led.group(0))
                leaders = [m for m in mentions if m.span.begin == offset + lead_begin]
                if not leaders:
                    continue
                phrase = text_of(doc)[lead_begin:token.idx + len(token.text)]
                target = iris.entity(slugify(phrase))
                new.setdefault(target, NewEntity(iri=target, label=phrase, type="Organization", confidence=0.5))
            else:
                named_before = [m.entity for m in [*everything, *mentions, *added] if m.span.begin < begin
                                and _label(m.entity, curated, new).lower().endswith(low)]
                target = named_before[-1] if named_before else None
        if kind == "ministry" and country is not None:
            kind_words = [t.lower_ for t in phrase_tokens[:-1]]
            earlier = [m.entity for m in [*everything, *mentions, *added] if m.span.begin < begin
                       and _fits(low, m.entity, curated, new)
                       and all(q in _label(m.entity, curated, new).lower() for q in kind_words)]
            if earlier:
                target = earlier[-1]
            else:
                found_bodies = sorted(iri for iri in bodies.get(country, []) if _fits(low, iri, curated, new)
                                      and all(q in curated[iri].label.lower() for q in kind_words))
                if len(found_bodies) == 1:
                    target = found_bodies[0]
                elif not found_bodies:  # the key of _bodies_in_context: "the health ministry said" is this one
                    target = iris.entity(slugify(" ".join([_label(country, curated, new), *kind_words, low])))
                    label = text_of(doc)[phrase_tokens[0].idx:token.idx + len(token.text)]
                    new.setdefault(target, NewEntity(iri=target, label=label, type="GovernmentBody", confidence=0.5))
        if kind == "loyal" and leader is not None:
            person = _label(leader.entity, curated, new)
            target = iris.entity(slugify(f"{person} forces"))
            label = text_of(doc)[leader.span.begin - offset:token.idx + len(token.text)] if leader.span.begin < begin \
                else text_of(doc)[token.idx:leader.span.end - offset]
            new.setdefault(target, NewEntity(iri=target, label=label, type="ArmedForce", confidence=0.5))
        if kind == "branch":
            branch = "navy" if doc[token.i - 1].lower_ != "air" else \
                f"air {low}".replace("defenses", "defences").removesuffix("s").replace("defense", "defence")
            key = {"air force": "air force", "air defence": "air defen"}.get(branch, "nav")
            named_before = [m.entity for m in [*everything, *mentions, *added] if m.span.begin < begin
                            and key in _label(m.entity, curated, new).lower()
                            and not _types(m.entity, curated, new) & (_PERSON | _STATE | _PLACE)]
            if named_before and owner is None:
                target = named_before[-1]
            elif country is not None:
                target = iris.entity(slugify(f"{_label(country, curated, new)} {branch}"))
                label = text_of(doc)[phrase_tokens[0].idx:token.idx + len(token.text)]
                new.setdefault(target, NewEntity(iri=target, label=label, type="ArmedForce", confidence=0.5))
        if target is None and kind == "rulers" and country is not None:
            target = iris.entity(slugify(f"{_label(country, curated, new)} government"))  # the rulers: one node
            label = text_of(doc)[phrase_tokens[0].idx:token.idx + len(token.text)]
            new.setdefault(target, NewEntity(iri=target, label=label, type="GovernmentBody", confidence=0.5))
        if target is None:
            continue
        replaced.update(un)
        replaced.update(fold)
        added.append(EntityMention(span=Span(begin, end, text_of(doc)[begin - offset:end - offset]), entity=target,
                                   confidence=0.5, curated=target in curated))
        taken.append((begin, end))
    if not added:
        return mentions
    kept = [m for k, m in enumerate(mentions) if k not in replaced]
    return sorted([*kept, *added], key=lambda m: (m.span.begin, m.span.end, m.entity))
