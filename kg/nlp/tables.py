"""The rule tables as data: the files of ``kg/nlp/lexicon/`` and the ontology's class hierarchy.

Read once per process (:func:`rules`) by the statement, event, claim and attribution layers.

- ``triggers.tsv``: the trigger lexicon (event class, words, required and vetoing words);
- ``lexicon.tsv``: word sets (speech, denial and hypothetical verbs, prepositions, casualty
  nouns and verbs …), one word a row;
- ``roles.tsv``: role nouns ("the spokeswoman", "the ministry") and the bodies they fit;
- ``equipment.tsv``: weapon systems and platforms;
- ``ontology/conflict-kg.ttl``: which classes are actors, places and events
  (``rdfs:subClassOf``), and per event class ``ckg:extractionPolicy`` and the ACLED category
  (inherited by subclasses).

Nothing here names a place, a person or a conflict; :func:`check` lists every row that names
a class the ontology does not declare (the tests fail on any).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.settings import default_ontology_dir
from kg.vocab import CKG, OWL, RDF, RDFS

__all__ = ["LEXICON_DIR", "Rules", "Trigger", "check", "rules", "table_rows", "word_sets"]

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
_CKG = CKG.base
_RDFS_SUBCLASS = RDFS.subClassOf
_RDF_TYPE = RDF.type
_OWL_CLASS = OWL.Class
POLICIES = ("takesTarget", "strike", "oncePerDocument", "oncePerPlace", "placedByAgent", "hasTopic")
# the word sets the code reads (lexicon.tsv rows name one of these)
WORD_SETS = (
    "credit_label", "actor_participle", "source_noun",  # credits ("Source: X"), "X-backed", "a military source"
    "speech", "reporting", "reported_speech", "denial", "hypothetical", "modal", "pronoun_person",
    "pronoun_thing", "from_prep", "party_prep", "locative_prep", "place_noun", "attack_verb", "light_verb",
    "city_noun", "area_noun", "owned_noun", "generic_trigger", "killed_noun", "wounded_noun", "kill_verb",
    "wound_verb", "military_noun", "civilian_noun", "people_noun", "count_qualifier", "statement_noun",
    "agency_credit", "reported_prep", "topic_prep", "relaying",
    "people_only_verb", "toll_noun",
    "media_noun", "official_modifier",  # "state media": the outlet the text names
    "toll_verb",  # "X put the toll at 27": X claims it
    "org_noun",  # "the group said": the body named last
    # events: what is captured, whose side a place is named for, what an attack hits, where a place lies
    "materiel_noun", "party_noun", "party_participle", "civil_target", "surround_noun", "admin_noun",
    "iterative", "base_participle", "site_noun", "instrument_typed",
    # entities: who a description names, which names are no actor
    "force_qualifier", "ruler_noun", "peacekeeper_noun", "kin_noun", "document_noun", "operation_word",
    "ruler_qualifier", "branch_noun",
    "service_name", "deed_noun",  # "the civil defence" of the story's state; "Freedonian shelling": no mention of it
)


@dataclass(frozen=True)
class Trigger:
    """One row of ``triggers.tsv``."""

    event_type: str
    lemmas: tuple[str, ...]  # words that must appear in order, adjacent
    requires: tuple[tuple[str, ...], ...] = ()  # each: one of these words must be in the sentence
    forbids: tuple[str, ...] = ()  # words that veto this trigger in the sentence
    line: int = 0
    pos: tuple[str, ...] = ()  # per word: the part of speech it must have ("bomb/VERB"), or ""


@dataclass(frozen=True)
class Role:
    noun: str
    kind: str  # person | body
    fits: tuple[str, ...]  # "label" and/or ontology classes; empty: any body


@dataclass
class Rules:
    triggers: tuple[Trigger, ...]
    words: dict[str, frozenset[str]]
    roles: dict[str, Role]
    equipment: dict[str, frozenset[str]]
    superclasses: dict[str, frozenset[str]]  # class -> itself and every ancestor (local names)
    policies: dict[str, frozenset[str]]  # event class -> its policies, inherited
    acled: dict[str, tuple[str, str]]  # event class -> (event type, sub-event type), inherited
    problems: list[str] = field(default_factory=list)
    instruments: dict[str, str] = field(default_factory=dict)  # weapon or platform word -> the attack class it makes

    def subclasses(self, cls: str) -> frozenset[str]:
        """``cls`` and every class below it in the ontology."""
        return frozenset(c for c, ups in self.superclasses.items() if cls in ups)

    def with_policy(self, policy: str) -> frozenset[str]:
        return frozenset(c for c, ps in self.policies.items() if policy in ps)

    def person_nouns(self) -> frozenset[str]:
        return frozenset(r.noun for r in self.roles.values() if r.kind == "person")

    def body_nouns(self) -> frozenset[str]:
        return frozenset(r.noun for r in self.roles.values() if r.kind == "body")

    @functools.cached_property
    def actor_types(self) -> frozenset[str]:
        return self.subclasses("Actor")

    @functools.cached_property
    def place_types(self) -> frozenset[str]:
        return self.subclasses("Location")

    @functools.cached_property
    def event_types(self) -> frozenset[str]:
        return self.subclasses("Event")


def _rows(path: Path) -> Iterable[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [(n, line) for n, line in enumerate(fh, start=1) if line.strip() and not line.startswith("#")]
    reader = csv.DictReader((line for _, line in lines), delimiter="\t", quoting=csv.QUOTE_NONE)
    for (n, _), row in zip(lines[1:], reader, strict=True):
        yield n, {k: (v or "").strip() for k, v in row.items() if k is not None}


def _phrase(word: str) -> str:
    return word.replace("_", " ")


def table_rows(name: str) -> list[dict[str, str]]:
    """The rows of ``lexicon/<name>`` (tab-separated under a header row; ``#`` lines are
    comments), each as column -> stripped value; for the tables one layer reads alone."""
    return [row for _, row in _rows(LEXICON_DIR / name)]


def word_sets(name: str, key: str, word: str = "word") -> dict[str, frozenset[str]]:
    """A table of one word a row as ``key`` column -> its words (lower case, ``_`` a space)."""
    sets: dict[str, set[str]] = {}
    for row in table_rows(name):
        if row.get(word):
            sets.setdefault(row[key], set()).add(_phrase(row[word].lower()))
    return {k: frozenset(v) for k, v in sets.items()}


def _ontology(path: Path) -> tuple[dict[str, frozenset[str]], dict[str, list[str]], dict[str, tuple[str, str]]]:
    parents: dict[str, set[str]] = {}
    own_policies: dict[str, list[str]] = {}
    acled_type: dict[str, str] = {}
    acled_sub: dict[str, str] = {}
    with path.open("rb") as fh:
        for q in ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()):
            s, p, o = q.subject, q.predicate.value, q.object
            if not isinstance(s, ox.NamedNode) or not s.value.startswith(_CKG):
                continue
            name = s.value.removeprefix(_CKG)
            if p == _RDF_TYPE and isinstance(o, ox.NamedNode) and o.value == _OWL_CLASS:
                parents.setdefault(name, set())
            elif p == _RDFS_SUBCLASS and isinstance(o, ox.NamedNode) and o.value.startswith(_CKG):
                parents.setdefault(name, set()).add(o.value.removeprefix(_CKG))
            elif p == CKG.extractionPolicy and isinstance(o, ox.Literal):
                own_policies.setdefault(name, []).append(o.value)
            elif p == CKG.acledEventType and isinstance(o, ox.Literal):
                acled_type[name] = o.value
            elif p == CKG.acledSubEventType and isinstance(o, ox.Literal):
                acled_sub[name] = o.value
    ups: dict[str, frozenset[str]] = {}

    def ancestors(cls: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
        if cls in ups:
            return ups[cls]
        out = {cls}
        for parent in sorted(parents.get(cls, ())):
            if parent not in seen:
                out |= ancestors(parent, seen | {cls})
        ups[cls] = frozenset(out)
        return ups[cls]

    for cls in sorted(parents):
        ancestors(cls)

    def nearest(cls: str, table: dict[str, str]) -> str:
        """The value of the nearest class up the hierarchy that has one (breadth first)."""
        layer, seen = [cls], set()
        while layer:
            for c in sorted(layer):
                if c in table:
                    return table[c]
            seen.update(layer)
            layer = sorted({p for c in layer for p in parents.get(c, ()) if p not in seen})
        return ""

    acled = {c: (nearest(c, acled_type), nearest(c, acled_sub)) for c in ups if "Event" in ups[c]}
    return ups, own_policies, acled


def load(lexicon_dir: Path = LEXICON_DIR, ontology: Path | None = None) -> Rules:
    """Read the tables (and the ontology) into :class:`Rules`, listing every problem found."""
    ontology = ontology or default_ontology_dir() / "conflict-kg.ttl"
    superclasses, own_policies, acled = _ontology(ontology)
    problems: list[str] = []
    events = {c for c, ups in superclasses.items() if "Event" in ups}
    policies = {c: frozenset(p for up in superclasses[c] for p in own_policies.get(up, ())) for c in events}
    for cls, ps in sorted(own_policies.items()):
        for p in ps:
            if p not in POLICIES:
                problems.append(f"{ontology.name}: ckg:{cls} has an unknown ckg:extractionPolicy {p!r}")
    equipment: dict[str, set[str]] = {}
    for n, row in _rows(lexicon_dir / "equipment.tsv"):
        if not row.get("group") or not row.get("name"):
            problems.append(f"equipment.tsv:{n}: a row needs a group and a name")
            continue
        equipment.setdefault(row["group"], set()).add(_phrase(row["name"].lower()))
    words: dict[str, set[str]] = {name: set() for name in WORD_SETS}
    for n, row in _rows(lexicon_dir / "lexicon.tsv"):
        if row.get("set") not in words:
            problems.append(f"lexicon.tsv:{n}: unknown set {row.get('set')!r}")
            continue
        words[row["set"]].add(_phrase(row["word"].lower()))
    roles: dict[str, Role] = {}
    for n, row in _rows(lexicon_dir / "roles.tsv"):
        fits = tuple(f for f in row.get("fits", "").split("|") if f)
        if row.get("kind") not in ("person", "body"):
            problems.append(f"roles.tsv:{n}: kind must be person or body, not {row.get('kind')!r}")
        for f in fits:
            if f != "label" and f not in superclasses:
                problems.append(f"roles.tsv:{n}: {f!r} is not a class of the ontology")
        roles[row["noun"].lower()] = Role(row["noun"].lower(), row.get("kind", ""), fits)
    instruments: dict[str, str] = {}
    for n, row in _rows(lexicon_dir / "instruments.tsv"):
        cls = row.get("class", "")
        if cls not in events:
            problems.append(f"instruments.tsv:{n}: {cls!r} is not an event class of the ontology")
        for word in row.get("words", "").lower().split():
            names = equipment.get(word[1:], set()) if word.startswith("@") else {_phrase(word)}
            if word.startswith("@") and word[1:] not in equipment:
                problems.append(f"instruments.tsv:{n}: no equipment group {word[1:]!r}")
            for name in sorted(names):
                instruments.setdefault(name, cls)
    triggers: list[Trigger] = []
    for n, row in _rows(lexicon_dir / "triggers.tsv"):
        cls = row.get("class", "")
        if cls not in events:
            problems.append(f"triggers.tsv:{n}: {cls!r} is not an event class of the ontology")
        requires: list[tuple[str, ...]] = []
        for word in row.get("requires", "").split():
            if word.startswith("@"):
                if word[1:] not in equipment:
                    problems.append(f"triggers.tsv:{n}: no equipment group {word[1:]!r}")
                requires.append(tuple(sorted(w for w in equipment.get(word[1:], ()) if " " not in w)))
            else:
                requires.append(tuple(w for w in word.lower().split("|") if w))
        parts = [w.partition("/") for w in row.get("words", "").split()]
        lemmas = tuple(w.lower() for w, _, _ in parts)
        pos = tuple(p.upper() for _, _, p in parts)
        if not lemmas:
            problems.append(f"triggers.tsv:{n}: no words")
            continue
        triggers.append(Trigger(cls, lemmas, tuple(requires), tuple(row.get("forbids", "").lower().split()), n,
                                pos if any(pos) else ()))
    return Rules(
        triggers=tuple(triggers), words={k: frozenset(v) for k, v in words.items()}, roles=roles,
        equipment={k: frozenset(v) for k, v in equipment.items()}, superclasses=superclasses,
        policies=policies, acled=acled, problems=problems, instruments=instruments,
    )


@functools.cache
def rules() -> Rules:
    """The tables of this installation, read once."""
    return load()


def check(lexicon_dir: Path = LEXICON_DIR, ontology: Path | None = None) -> list[str]:
    """Every problem in the tables: rows naming classes the ontology lacks, unknown sets and policies."""
    return load(lexicon_dir, ontology).problems
