"""Turn the entity spans of a parsed ``Doc`` into linked mentions.

Spans the gazetteer matched carry the curated IRI in ``kb_id_``. Spans only the model found
are cleaned ("the", a trailing "'s"), checked against every curated name, and otherwise
become new entities whose IRI is the slug of their normalised name, so the same name in two
documents is one entity. A lone surname of a person named in full in the same document is
that person.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from kg.ids import Iris, normalise_name, slugify
from kg.model import CuratedEntity, EntityMention, NewEntity, Span
from kg.nlp.gazetteer import KIND_CONFIDENCE
from kg.nlp.geoparse import GEO_KIND
from kg.nlp.tables import rules

__all__ = ["NameIndex", "link_entities"]

_MODEL_TYPES = {"PERSON": "Person", "ORG": "Organization", "GPE": "Location", "LOC": "Location", "FAC": "Location"}
_MODEL_CONFIDENCE = {"PERSON": 0.7, "ORG": 0.6, "GPE": 0.6, "LOC": 0.55, "FAC": 0.5}
_LEADING = {"the", "a", "an", "this", "that", "these", "those", "its", "his", "her", "their", "our"}
_TRAILING = {"'s", "’s", "'", "’"}
_WEEKDAYS_MONTHS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
}



_W = rules().words
_PLACE_HEADS = _W["city_noun"] | _W["place_noun"] | _W["site_noun"]


def _named_as_place(span: SpacySpan) -> bool:
    """Whether a name is given as the name of a place: "the town of X", "the villages of Y and Z", "X town"."""
    token = span.root
    if token.dep_ == "compound" and token.head.lemma_.lower() in _PLACE_HEADS and token.head.i == span.end:
        return True  # "Jarjanaz town", "Moe Tarr Lay village"
    for _ in range(6):
        if token.dep_ != "conj" or token.head is token:
            break
        token = token.head
    return token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lemma_.lower() in _PLACE_HEADS


class NameIndex:
    """Curated entities by normalised name and by slug, for linking what the model found."""

    def __init__(self, entities: Mapping[str, CuratedEntity]) -> None:
        self.entities = dict(entities)
        self.by_name: dict[str, str] = {}
        self.by_slug: dict[str, str] = {}
        for iri in sorted(self.entities):
            entity = self.entities[iri]
            self.by_slug.setdefault(entity.slug, iri)
            for name in (entity.label, *entity.alt_labels):
                self.by_name.setdefault(normalise_name(name), iri)

    def lookup(self, name: str) -> str | None:
        key = normalise_name(name)
        return self.by_name.get(key) or self.by_slug.get(slugify(name))


def _clean(span: SpacySpan) -> SpacySpan | None:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in _LEADING or doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].text in _TRAILING or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if end <= start:
        return None
    cleaned = doc[start:end]
    text = cleaned.text
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2 or not any(c.isupper() for c in letters) or "\n" in text:
        return None
    if text[0].isdigit() or len(cleaned) > 6:
        return None
    if text.isupper() and len(letters) > 5:  # shouted headers and datelines ("READ MORE")
        return None
    # weapon systems and platforms (kg/nlp/lexicon/equipment.tsv, group "system") are equipment, not
    # actors or places, though the model tags them as names ("Smerch", "Bayraktar")
    if normalise_name(text) in _WEEKDAYS_MONTHS or normalise_name(text) in rules().equipment.get("system", ()):
        return None
    if cleaned[-1].tag_ in ("JJ", "JJR", "JJS") or cleaned[-1].pos_ == "ADJ":
        return None  # an adjective ("Middle Eastern"), not a name
    return cleaned


def _char_span(span: SpacySpan, offset: int) -> Span:
    return Span(offset + span.start_char, offset + span.end_char, span.text)


def link_entities(doc: Doc, *, index: NameIndex, iris: Iris, offset: int = 0,
                  known_new: dict[str, NewEntity] | None = None) -> tuple[list[EntityMention], list[NewEntity]]:
    """Mentions and new entities for the entity spans of ``doc``.

    ``offset`` is added to every character offset (for documents parsed in chunks);
    ``known_new`` collects new entities across chunks of one document.
    """
    new: dict[str, NewEntity] = {} if known_new is None else known_new
    mentions: list[EntityMention] = []
    persons: dict[str, str] = {}  # surname (lower) -> IRI of a person named in full by the model
    pending: list[tuple[SpacySpan, str]] = []
    for ent in doc.ents:
        if ent.kb_id_:
            span = Span(offset + ent.start_char, offset + ent.end_char, ent.text)
            kind, _, value = ent.id_.partition(":")
            conf = float(value) if kind == GEO_KIND and value else KIND_CONFIDENCE.get(ent.id_, 0.9)
            mentions.append(EntityMention(span=span, entity=ent.kb_id_, confidence=conf, curated=True, kind=kind))
            continue
        if ent.label_ not in _MODEL_TYPES:
            continue
        cleaned = _clean(ent)
        if cleaned is None:
            continue
        pending.append((cleaned, ent.label_))
        if ent.label_ == "PERSON" and len(cleaned) > 1:
            persons.setdefault(cleaned[-1].lower_, "")
    for cleaned, label in pending:
        if label in ("PERSON", "ORG") and _named_as_place(cleaned):
            label = "GPE"  # "the town of Shakshuk", "the border towns of Houla, Shiheen and …"
        text = cleaned.text
        span = _char_span(cleaned, offset)
        curated = index.lookup(text)
        if curated is not None:
            mentions.append(EntityMention(span=span, entity=curated, confidence=0.8, curated=True))
            continue
        if label == "PERSON" and len(cleaned) == 1 and persons.get(cleaned[0].lower_):
            iri = persons[cleaned[0].lower_]
        else:
            iri = iris.entity(slugify(text))
        if iri not in new:
            new[iri] = NewEntity(iri=iri, label=text, type=_MODEL_TYPES[label], confidence=_MODEL_CONFIDENCE[label])
        if label == "PERSON" and len(cleaned) > 1:
            persons[cleaned[-1].lower_] = iri
        mentions.append(EntityMention(span=span, entity=iri, confidence=_MODEL_CONFIDENCE[label], curated=False))
    mentions.sort(key=lambda m: (m.span.begin, m.span.end, m.entity))
    return mentions, sorted(new.values(), key=lambda e: e.iri)



_BARE_BODY = re.compile(r"\b(?:(defen[cs]e|foreign|interior)\s+ministry|ministry\s+of\s+(defen[cs]e|foreign\s+affairs))"
                        r"(?!\s+of\s+[A-Z])", re.IGNORECASE)
_BODY_KEYS = {"defence": "defence", "defense": "defence", "foreign": "foreign affairs",
              "foreign affairs": "foreign affairs", "interior": "interior"}


def link_bare_bodies(text: str, mentions: list[EntityMention], entities: Mapping[str, CuratedEntity],
                     *, offset: int = 0) -> list[EntityMention]:
    """New mentions for ministries named without their country ("the defence ministry said").

    Such a phrase refers to the ministry of that kind named last before it in the document
    (news names the country at first mention, then drops it). Without an earlier one it is
    left alone.
    """
    taken = [(m.span.begin, m.span.end) for m in mentions]
    added: list[EntityMention] = []
    for match in _BARE_BODY.finditer(text):
        begin, end = offset + match.start(), offset + match.end()
        if any(b < end and begin < e for b, e in taken):
            continue
        key = _BODY_KEYS[re.sub(r"\s+", " ", (match.group(1) or match.group(2)).lower())]
        earlier = [m for m in (*mentions, *added) if m.span.end <= begin and m.entity in entities
                   and key in entities[m.entity].label.lower() and "ministry" in entities[m.entity].label.lower()]
        if not earlier:
            continue
        latest = max(earlier, key=lambda m: m.span.begin)
        added.append(EntityMention(span=Span(begin, end, match.group(0)), entity=latest.entity, confidence=0.7,
                                   curated=True))
    return added
