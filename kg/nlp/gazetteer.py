"""The curated-entity ruler: a spaCy component that wins over the statistical NER.

The small English model tags "Azerbaijan" and "Stepanakert" as PERSON in our seeds and
does not know that "Armenia's defence ministry" is one body. This component matches every
label, spelling variant and role phrase of the curated entities (``ontology/entities.ttl``),
case-insensitively and with spaCy's ``NORM`` (so defence/defense and ’s/'s are equal),
replaces the model's overlapping entities with its own, and sets ``Span.kb_id_`` to the
entity's IRI. A lone surname ("Pashinian said") is linked to the person named in full
earlier in the document, or to the only curated person with that surname.

Registered as the factory ``conflict_kg_gazetteer`` (see :mod:`kg.nlp.pipeline`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.model import CuratedEntity

__all__ = ["KIND_CONFIDENCE", "Gazetteer", "spacy_label"]

# How much a match of each kind of name is trusted, and which wins a tie.
KIND_CONFIDENCE = {"label": 0.95, "alt": 0.9, "role": 0.8, "family": 0.85, "demonym": 0.7}
# a state or a place named inside a longer name is still that state or place ("Ukraine" in "X of Ukraine")
_NOT_BODIES = frozenset({"State", "Country", "Region", "Settlement", "Location", "Person"})
_KIND_RANK = {"label": 0, "alt": 1, "role": 2, "family": 3, "demonym": 4}

_SPACY_LABELS = (
    ("Person", "PERSON"),
    ("Settlement", "GPE"),
    ("Country", "GPE"),
    ("State", "GPE"),
    ("Region", "LOC"),
    ("Location", "LOC"),
)


def spacy_label(types: Iterable[str]) -> str:
    """The spaCy entity label for a curated entity's ckg: types."""
    types = set(types)
    for ckg_type, label in _SPACY_LABELS:
        if ckg_type in types:
            return label
    return "ORG"


@dataclass(frozen=True)
class _Pattern:
    """A name as a sequence of NORMs, with the token-level checks a NORM match must pass."""

    kind: str
    iri: str
    exact: tuple[tuple[int, str], ...]  # (position, text) of acronyms: US, UN, AFP are case-sensitive
    capitalised: bool  # "Turkey" the state, not "turkey" the bird: the first token may not be lower case


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    iri: str
    kind: str


class Gazetteer:
    """Match curated entity names in a ``Doc`` and make them its entities."""

    def __init__(self, nlp: Language, name: str = "conflict_kg_gazetteer", *, overwrite_ents: bool = True) -> None:
        self.nlp = nlp
        self.name = name
        self.overwrite_ents = overwrite_ents
        # A phrase matcher on NORM (hash lookups) instead of a token Matcher: the same matches at a
        # fraction of the cost (the Matcher was a third of the parse time); the acronym and
        # capitalisation checks are applied to each match.
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.entities: dict[str, CuratedEntity] = {}
        self._keys: dict[int, list[_Pattern]] = defaultdict(list)
        self._family: dict[str, set[str]] = defaultdict(set)

    def add_entities(self, entities: Iterable[CuratedEntity]) -> None:
        """Add the names of curated entities as patterns."""
        for entity in entities:
            self.entities[entity.iri] = entity
            names = [(entity.label, "label")]
            names += [(n, "alt") for n in entity.alt_labels]
            names += [(n, "role") for n in entity.role_labels]
            names += [(n, "family") for n in entity.family_names]
            if "State" in entity.types:  # "Iranian drones", "the Turkish army": the state
                names += [(n, "demonym") for n in entity.demonyms]
            for text, kind in names:
                tokens = [t for t in self.nlp.make_doc(text.strip()) if not t.is_space]
                if not tokens:
                    continue
                phrase = Doc(self.nlp.vocab, words=[t.text for t in tokens], spaces=[False] * len(tokens))
                for token, source in zip(phrase, tokens, strict=True):
                    token.norm_ = source.norm_
                exact = tuple((i, t.text) for i, t in enumerate(tokens)
                              if t.is_upper and len(t.text) <= 5 and t.is_alpha)
                capitalised = not (exact and exact[0][0] == 0) and tokens[0].text[:1].isupper()
                key = "\x1f".join(t.norm_ for t in tokens)  # one matcher key per NORM sequence
                match_id = self.nlp.vocab.strings.add(key)
                if match_id not in self._keys:
                    self.matcher.add(key, [phrase])
                self._keys[match_id].append(_Pattern(kind, entity.iri, exact, capitalised))
                if kind == "family":
                    self._family[text.lower()].add(entity.iri)

    def __call__(self, doc: Doc) -> Doc:
        matches = []
        for match_id, start, end in self.matcher(doc):
            for pattern in self._keys[match_id]:
                if pattern.capitalised and doc[start].is_lower:
                    continue
                if any(doc[start + i].text != text for i, text in pattern.exact):
                    continue
                matches.append(_Match(start, end, pattern.iri, pattern.kind))
        matches = list(dict.fromkeys(matches))  # two names of one entity and kind may read the same
        named: dict[str, tuple[int, int]] = {}  # iri -> (times named in full, first token)
        for m in matches:
            if m.kind != "family":
                count, first = named.get(m.iri, (0, m.start))
                named[m.iri] = (count + 1, min(first, m.start))
        chosen: list[Span] = []
        # Longest first; among equals, labels before variants before roles before surnames.
        for m in sorted(matches, key=lambda m: (-(m.end - m.start), _KIND_RANK[m.kind], m.start, m.iri)):
            iri = m.iri
            if m.kind == "family":
                iri_opt = self._resolve_surname(doc[m.start:m.end].text, named)
                if iri_opt is None:
                    continue
                iri = iri_opt
            entity = self.entities[iri]
            # the kind of name matched travels with the span (as its id), so it survives the
            # Doc's serialization when spaCy parses in several processes
            span = Span(doc, m.start, m.end, label=spacy_label(entity.types), kb_id=iri, span_id=m.kind)
            chosen.append(span)
        chosen = filter_spans(chosen)
        if self.overwrite_ents:
            chosen = [c for c in chosen if not self._inside_a_longer_name(doc, c)]
            taken = {i for span in chosen for i in range(span.start, span.end)}
            kept = [e for e in doc.ents if not any(i in taken for i in range(e.start, e.end))]
            doc.ents = sorted(filter_spans(chosen + kept), key=lambda s: s.start)
        return doc

    def _inside_a_longer_name(self, doc: Doc, span: Span) -> bool:
        """A body's name inside a longer name the model found ("the IDF Intelligence Directorate",
        "the General Staff of the Armed Forces of X", "the UN Interim Force"): the longer name is
        another body, which keeps its span."""
        if span.id_ == "demonym":  # "the Syrian Observatory for Human Rights", "the Lebanese Red Cross"
            from kg.nlp.tables import rules  # a role noun ("the Freedonian Defence Ministry") is the state's body

            roles = rules().roles
            return any(ent.label_ == "ORG" and not ent.kb_id_ and ent.end > span.end
                       and (ent.start == span.start or ent.start == span.start - 1 and doc[ent.start].lower_ == "the")
                       and doc[span.end].text[:1].isupper()
                       and not any(t.lower_ in roles or t.lemma_.lower() in roles for t in doc[span.end:ent.end])
                       for ent in doc.ents)
        if span.id_ not in ("label", "alt") or set(self.entities[span.kb_id_].types) & _NOT_BODIES:
            return False
        for ent in doc.ents:
            if ent.label_ != "ORG" or ent.kb_id_ or ent.start > span.start or ent.end < span.end \
                    or ent.end - ent.start <= span.end - span.start:
                continue
            extra = [t for t in ent if not span.start <= t.i < span.end]
            if any(t.text[:1].isupper() and t.lower_ != "the" for t in extra):
                return True
        return False

    def _resolve_surname(self, surname: str, named: dict[str, tuple[int, int]]) -> str | None:
        """The person a lone surname means, or None when it is ambiguous.

        A person named in full in the document wins; among several, the one named most often,
        then the one named first (news introduces the main person first and names a second
        person of the same surname in full). Otherwise the only curated person of that name.
        """
        candidates = sorted(self._family.get(surname.lower(), set()))
        in_doc = [iri for iri in candidates if iri in named]
        if in_doc:
            return min(in_doc, key=lambda iri: (-named[iri][0], named[iri][1]))
        return candidates[0] if len(candidates) == 1 else None


@Language.factory(
    "conflict_kg_gazetteer",
    default_config={"overwrite_ents": True},
)
def make_gazetteer(nlp: Language, name: str, overwrite_ents: bool) -> Gazetteer:
    """Factory for :class:`Gazetteer`; entities are added after creation with ``add_entities``."""
    return Gazetteer(nlp, name, overwrite_ents=overwrite_ents)
