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

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from kg.ids import Iris, normalise_name, slugify
from kg.model import CuratedEntity, EntityMention, NewEntity, Span
from kg.nlp.doctext import in_headline, text_of
from kg.nlp.gazetteer import KIND_CONFIDENCE
from kg.nlp.geoparse import GEO_KIND
from kg.nlp.tables import rules, table_rows, word_sets

__all__ = ["NameIndex", "is_credit", "link_entities", "not_an_actor"]

_MODEL_TYPES = {"PERSON": "Person", "ORG": "Organization", "GPE": "Location", "LOC": "Location", "FAC": "Location"}
_MODEL_CONFIDENCE = {"PERSON": 0.7, "ORG": 0.6, "GPE": 0.6, "LOC": 0.55, "FAC": 0.5}
_LEADING = {"the", "a", "an", "this", "that", "these", "those", "its", "his", "her", "their", "our"}
_DANGLING = {"of", "and", "the", "for", "in", "on", "at", "to", "by", "with", "from"}  # a name cut short
_TRAILING = {"'s", "’s", "'", "’"}
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")
_UNITS = frozenset(r.noun for r in rules().roles.values() if r.kind == "body" and "ArmedForce" in r.fits
                   and "label" in r.fits)  # brigade, battalion, division, ... (roles.tsv)
_PLACES = rules().place_types
_CREDIT_LABELS = sorted(rules().words["credit_label"], key=lambda w: -len(w))
_WEEKDAYS_MONTHS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
    "gmt", "utc",  # time zones ("0800 GMT")
}



_W = rules().words
_UNIT_NUMBER = re.compile(r"\s*\([A-Z]{2,8}\)\s*(\d{1,4})\b")
_MONTH_ABBREVIATIONS = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}


_TITLES = frozenset(tuple(row["title"].lower().replace("-", " - ").split())  # "Lt. Gen.", "Prime Minister"
                    for row in table_rows("titles.tsv") if row.get("title"))
_TITLE_WORDS = max(len(t) for t in _TITLES)


_MASTHEADS = frozenset(row["word"].lower() for row in table_rows("mastheads.tsv") if row.get("word"))


# nouns written after a place's name, and whether each is part of it ("X village", "the X gas field")
_PLACE_HEADS_AFTER = {tuple(row["head"].lower().split()): row["in_name"] == "yes"
                      for row in table_rows("place_heads.tsv") if row.get("head")}


_NOT_NAMES = word_sets("not_names.tsv", "kind", "name")  # names of no actor and no place, by kind


def _no_actor_name(span: SpacySpan) -> bool:
    """A feast, a day of the calendar, a hospital ward ("Eid al-Fitr", "al-Fitr" after "Eid",
    "Independence Day", "ICU"): kg/nlp/lexicon/not_names.tsv."""
    words = _NOT_NAMES.get("word", frozenset())
    before = span.doc[span.start - 1] if span.start > 0 else None
    if any(t.lower_ in words for t in span) or (before is not None and before.lower_ in words
                                                 and before.whitespace_ == " "):
        return True
    if len(span) > 1 and span[-1].text[:1].isupper() and span[-1].lower_ in _NOT_NAMES.get("last", frozenset()):
        return True
    return normalise_name(span.text) in _NOT_NAMES.get("name", frozenset()) or span.text.lower() in \
        _NOT_NAMES.get("name", frozenset())
_PLACE_HEAD_WORDS = max(len(k) for k in _PLACE_HEADS_AFTER)
_PLACE_HEAD_FIRST = frozenset(k[0] for k in _PLACE_HEADS_AFTER)


def _place_head_at(doc: Doc, i: int) -> tuple[int, bool] | None:
    """The lower-case place noun starting at token ``i`` ("village", "gas field"): the token after it,
    and whether it is part of the place's name."""
    if i >= len(doc) or doc[i].text not in _PLACE_HEAD_FIRST:  # most tokens: one set lookup
        return None
    for k in range(_PLACE_HEAD_WORDS, 0, -1):
        tokens = doc[i:i + k]
        if len(tokens) == k and all(t.text.islower() for t in tokens) and \
                tuple(t.text for t in tokens) in _PLACE_HEADS_AFTER:
            return i + k, _PLACE_HEADS_AFTER[tuple(t.text for t in tokens)]
    return None


def _before_plural_place_head(span: SpacySpan) -> bool:
    """Whether a name is one of a list that a plural place noun ends ("X and Y outposts", "X, Y
    and Z villages"): the names after it up to the noun are capitalised, joined by "and" or commas."""
    doc, i = span.doc, span.end
    joined = False
    while i < len(doc) and i - span.end < 12:
        token = doc[i]
        if token.lower_ in ("and", ","):
            joined, i = True, i + 1
            continue
        if token.text[:1].isupper() or token.text in _DASHES[:1] or token.lower_ in _PARTICLES:
            i += 1
            continue
        break
    head = _place_head_at(doc, i) if joined and i > span.end and doc[i - 1].text[:1].isupper() else None
    return head is not None and doc[head[0] - 1].lower_.endswith("s") and doc[head[0] - 1].lower_ != "barracks"


def _untagged_places(doc: Doc) -> list[SpacySpan]:
    """Names the model left untagged, or took for a group (NORP, no state's demonym), right before a
    place noun ("Kessar village", "the Tal Amir gas field", "the Hamra barracks"): places, named
    with the noun where it is part of the name (kg/nlp/lexicon/place_heads.tsv)."""
    found: list[SpacySpan] = []
    for i in range(1, len(doc)):
        head = _place_head_at(doc, i)
        if head is None or doc[i - 1].whitespace_ != " ":
            continue
        start = i
        while start > 0 and i - start < 5:
            prev = doc[start - 1]
            if prev.ent_type_ and not (prev.ent_type_ == "NORP" and not prev.ent_kb_id_):
                break
            lower = prev.lower_
            if prev.text in _DASHES[:1] and prev.whitespace_ == "" and start - 2 >= 0 and \
                    doc[start - 2].whitespace_ == "" and start < i:
                start -= 1  # "al-Hamra": the hyphen of a particle
                continue
            if lower in _PARTICLES and start < i and doc[start].text in _DASHES[:1]:
                start -= 1
                continue
            if start < i and prev.whitespace_ != " " and not prev.text[:1].isupper():
                break
            if not (prev.text[:1].isupper() and (prev.pos_ == "PROPN" or prev.ent_type_ == "NORP") and (
                    prev.is_alpha or _INNER_APOSTROPHE.match(prev.text))) or lower in _LEADING or \
                    lower in _WEEKDAYS_MONTHS or (lower,) in _TITLES:
                break
            start -= 1
        while start < i and doc[start].text in _DASHES[:1]:
            start += 1
        particle = start + 1 < i and doc[start].lower_ in _PARTICLES and doc[start + 1].text in _DASHES[:1]
        if start >= i or not (doc[start].text[:1].isupper() or particle) or _in_headline(doc[start:i]):
            continue
        found.append(doc[start:head[0]] if head[1] else doc[start:i])
    return found


def _masthead(ent: SpacySpan) -> SpacySpan | None:
    """A place that starts an outlet's name ("the Freedonia Herald", "Capital Daily News"): the
    whole name, when the capitalised words right after the place end in a masthead word."""
    doc, end = ent.doc, ent.end
    while end < len(doc) and end - ent.end < 2 and doc[end].text[:1].isupper() and doc[end].is_alpha and \
            doc[end - 1].whitespace_ == " ":
        end += 1
    last = next((j for j in range(end - 1, ent.end - 1, -1) if doc[j].lower_ in _MASTHEADS), None)
    if last is None or _in_headline(ent):
        return None
    return doc[ent.start:last + 1]
_PARTICLES = {"al", "el", "ad", "as", "ash", "an", "ar", "at", "az", "bin", "ibn", "abu", "bint", "ould", "ag"}
_INNER_APOSTROPHE = re.compile(r"^[A-Z][a-z]*['’][a-z]+$")  # "Hay'at", "Ta'ang"
_ROLES = rules().roles
_PLACE_HEADS = _W["city_noun"] | _W["place_noun"] | _W["site_noun"]
# nouns that make a name a body's or a place's ("Defence and Security Forces", "Research and Training
# Centre"): a name with one of them is not two names joined by "and"
_NAME_NOUNS = frozenset(_ROLES) | _UNITS | _W["org_noun"] | _W["media_noun"] | _W["admin_noun"] | \
    _W["place_noun"] | _W["site_noun"] | _W["document_noun"] | {"centre", "center", "front", "party", "union",
                                                                "committee", "institute", "foundation"}
_COMPASS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
            "northeastern", "northwestern", "southeastern", "southwestern", "northeast", "northwest", "southeast",
            "southwest"}


_WHERE = _W["locative_prep"] | _W["from_prep"] | {"to", "between"}


def _conjuncts(span: SpacySpan) -> list[SpacySpan]:
    """Two places the model took for one name ("from Kessar and Ras Amir to the coast"): after a
    preposition of place, the names on either side of an "and" whose words are all names, none a
    body's or a place's noun."""
    ands = [t for t in span if t.lower_ == "and"]
    if len(ands) != 1 or ands[0].i in (span.start, span.end - 1) or span.start == 0 or \
            span.doc[span.start - 1].lower_ not in _WHERE:
        return [span]
    left, right = span.doc[span.start:ands[0].i], span.doc[ands[0].i + 1:span.end]
    for part in (left, right):
        if not part[0].text[:1].isupper() or any(t.lower_ in _NAME_NOUNS or t.lemma_.lower() in _NAME_NOUNS or
                                                 t.lower_ in ("of", "for", "&") for t in part):
            return [span]
    return [left, right]


def _headline_line(text: str, begin: int) -> tuple[int, int] | None:
    """The bounds of the line holding ``begin`` when it is a headline: in title case, short, with no
    full stop at its end (a lead sentence full of names is no headline)."""
    start = text.rfind("\n", 0, begin) + 1
    stop = text.find("\n", begin)
    stop = len(text) if stop < 0 else stop
    line = text[start:stop].strip()
    if not in_headline(text, begin) or len(line.split()) > 16 or line.endswith((".", "”", '"')):
        return None
    return start, stop


def _headline_name(span: SpacySpan, text: str) -> SpacySpan | None:
    """A name the model found in a headline, where every word is capitalised ("Drone Strike Kills
    Four", "Rebels Seize Key Army Base"): kept where the story's text outside the headline writes it
    too, else cut to its longest start the text writes ("RSF" of "RSF Seizes Key Army Base"), else
    dropped (the capitals make common words look like names)."""
    bounds = _headline_line(text, span.start_char)
    if bounds is None:
        return span
    body = text[:bounds[0]] + "\n" + text[bounds[1]:]

    def written(words: str) -> bool:
        """Written as a name outside the headline: its words capitalised (but "of", "and" ...),
        a single word not only where it starts a sentence."""
        for found in re.finditer(r"(?<!\w)" + re.escape(words) + r"(?!\w)", body, re.IGNORECASE):
            if any(w[:1].islower() and w.lower() not in _DANGLING for w in found.group(0).split()):
                continue
            if " " not in words and re.search(r"(?:^|[.!?:][\"”’)]?\s+|\n\s*|[\"“]\s*)$", body[:found.start()]):
                continue
            return True
        return False

    if written(span.text):
        return span
    for end in range(span.end - 1, span.start, -1):
        part = span.doc[span.start:end]
        if written(part.text) and part[-1].lower_ not in _DANGLING:
            return part
    return None


def _common_noun(span: SpacySpan, text: str) -> bool:
    """A single word the model took for a name that is a common noun: a body's or a place's noun
    alone ("Group" of a name it cut short), or a word capitalised only because it starts a sentence
    that the text also writes in lower case ("Junta spokesman X said ...", "... the junta")."""
    if len(span) != 1:
        return False
    token = span[0]
    if token.lower_ in _NAME_NOUNS or token.lemma_.lower() in _NAME_NOUNS:
        return True
    starts = bool(token.is_sent_start) or (token.i > 0 and bool(token.doc[token.i - 1].is_sent_start) and
                                            token.doc[token.i - 1].is_quote)
    return starts and token.text[:1].isupper() and not token.text.isupper() and \
        re.search(r"(?<![\w-])" + re.escape(token.lower_) + r"(?![\w-])", text) is not None


def _in_title(span: SpacySpan) -> bool:
    """A name that is the start of a title before a person ("Defense" of "Defense Minister X",
    "Foreign" of "Foreign Secretary Y"): kg/nlp/lexicon/titles.tsv."""
    doc = span.doc
    for k in range(1, _TITLE_WORDS):
        words = tuple(t.lower_.rstrip(".") for t in doc[span.start:span.end + k])
        if span.end + k < len(doc) and words in _TITLES and doc[span.end + k].ent_type_ == "PERSON":
            return True
    return False


def _compass_qualifier(ent: SpacySpan) -> bool:
    """A compass word the gazetteer took for a region, right before another place ("Eastern" of
    "Eastern Freedonia", "South" of "South Freedonia"): it says where in that place, it names none."""
    doc = ent.doc
    return len(ent) == 1 and ent[0].lower_ in _COMPASS and ent.end < len(doc) and \
        doc[ent.end].ent_iob_ == "B" and doc[ent.end].ent_type_ in ("GPE", "LOC") and ent[0].whitespace_ == " "


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


_EVENT_LEMMAS = frozenset(t.lemmas[0] for t in rules().triggers if len(t.lemmas) == 1) | _W["attack_verb"] | \
    _W["kill_verb"] | _W["wound_verb"] | _W["generic_trigger"]
_STRETCH = _W["area_noun"] | _W["place_noun"] | _W["surround_noun"]
_IN_PLACE = frozenset({"in", "near", "inside", "outside", "around"})  # "killed in X": X is where, not whom
_AT_PLACE = frozenset({"at", "on", "across", "along", "between"})  # "clashes at X": where, after an event word


def _event_head(token: Token) -> bool:
    """Whether a preposition hangs on an event word ("killed in", "clashes at", "struck ... in"),
    or on the object of one ("hit equipment in"): kg/nlp/lexicon/triggers.tsv, attack/kill verbs."""
    head = token.head
    for _ in range(3):
        if head.lemma_.lower() in _EVENT_LEMMAS or head.lower_ in _EVENT_LEMMAS:
            return True
        if head.dep_ not in ("dobj", "pobj", "prep", "conj", "nsubjpass") or head.head is head:
            return False
        head = head.head
    return False


def _locative_object(span: SpacySpan, label: str) -> bool:
    """A name the model took for a person or a body that is where an event happened: the object
    of a preposition of place ("killed in X", "clashes at X", "between X and Y" with Y a place,
    "in A city, X and its farms"), the preposition on an event word for a body or for any
    preposition but "in". A body's name holding a body's noun, an acronym, stays a body."""
    if any(t.lower_ in _NAME_NOUNS or t.lemma_.lower() in _NAME_NOUNS for t in span) or span.text.isupper():
        return False
    token = span.root
    for _ in range(6):
        if token.dep_ != "conj" or token.head is token:
            break
        token = token.head
    if token.dep_ != "pobj":
        return False
    prep = token.head.lower_
    owner = {token.head.head.lemma_.lower(), token.head.head.lower_}
    if (prep in ("from", "to") and owner & _STRETCH) or (prep == "of" and owner & _W["surround_noun"]):
        return True  # "an area from X to Y", "the outskirts of X"
    if prep == "between" and not any(c.ent_type_ in ("GPE", "LOC", "FAC") for c in token.conjuncts):
        return False
    if prep in _IN_PLACE and label == "PERSON":
        return True
    aimed = prep == "at" and token.head.head.lemma_.lower() in _W["attack_verb"]  # "fired at X": a target
    return (prep in _IN_PLACE or (label == "PERSON" and prep in _AT_PLACE) or prep == "between" or
            (prep == "at" and not aimed)) and _event_head(token.head)


def _person_cue(span: SpacySpan) -> bool:
    """Whether a name is written as a person's or a body's: after a title, before "'s", the subject
    or an apposition of a clause ("X said", "X, the spokesman")."""
    doc = span.doc
    before = doc[span.start - 1].lower_.rstrip(".") if span.start else ""
    after = doc[span.end].lower_ if span.end < len(doc) else ""
    return (before,) in _TITLES or after in _TRAILING or span.root.dep_ in ("nsubj", "nsubjpass", "appos", "poss")


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
    while end > start and (doc[end - 1].text in _TRAILING or doc[end - 1].is_punct or doc[end - 1].is_space
                           or doc[end - 1].lower_ in _DANGLING):
        end -= 1
    if end <= start:
        return None
    # a unit named by its number: "the 92nd brigade", "Border Guard Battalion 5", "the 7th Armoured Brigade"
    if start > 0 and start == span.start and _ORDINAL.match(doc[start - 1].text) and \
            doc[end - 1].lower_ in _UNITS and doc[start - 1].whitespace_ == " ":
        start -= 1
    if end < len(doc) and _ORDINAL.match(doc[end - 1].text) and doc[end].lower_ in _UNITS:
        end += 1
    elif end < len(doc) and doc[end - 1].lower_ in _UNITS and doc[end].like_num and doc[end].text.isdigit():
        end += 1
    if end - start > 1 and _PLACE_HEADS_AFTER.get((doc[end - 1].text,)) is False:
        end -= 1  # "Kessar village", "Duma city": the place is the name alone
    cleaned = doc[start:end]
    text = cleaned.text
    letters = [c for c in text if c.isalpha()]
    numbered = bool(_ORDINAL.match(cleaned[0].text)) and cleaned[-1].lower_ in _UNITS  # "the 92nd brigade"
    if len(letters) < 2 or not (numbered or any(c.isupper() for c in letters)) or "\n" in text or "[" in text \
            or "]" in text:
        return None
    if (text[0].isdigit() and not (_ORDINAL.match(cleaned[0].text) and len(cleaned) > 1)) or len(cleaned) > 6:
        return None
    if text.isupper() and len(letters) > 5:  # shouted headers and datelines ("READ MORE")
        return None
    # weapon systems and platforms (kg/nlp/lexicon/equipment.tsv, group "system") are equipment, not
    # actors or places, though the model tags them as names ("Smerch", "Bayraktar")
    if normalise_name(text) in _WEEKDAYS_MONTHS or _equipment(cleaned):
        return None
    if cleaned[0].lower_.rstrip(".") in _MONTH_ABBREVIATIONS and all(t.like_num or t.is_punct for t in cleaned[1:]):
        return None  # a dateline's date ("Mar 2", "Sept. 14"), not a name
    if cleaned[-1].tag_ in ("JJ", "JJR", "JJS") or cleaned[-1].pos_ == "ADJ":
        return None  # an adjective ("Middle Eastern"), not a name
    if not_an_actor(cleaned):
        return None
    if len(cleaned) == 1 and cleaned[0].tag_ == "NNS" and cleaned[0].is_sent_start:
        return None  # "Jets struck …": a plural noun opening a sentence, not a name
    return cleaned


def not_an_actor(span: SpacySpan) -> bool:
    """A name that is no actor or place: a family ("the Hassan family", ``kin_noun``), a document
    ("the Geneva Convention", ``document_noun``), a military operation ("Operation Desert Storm",
    ``operation_word``)."""
    doc = span.doc
    if span.end < len(doc) and doc[span.end].lower_ in _W["kin_noun"]:
        return True
    if len(span) > 1 and span[-1].lower_ in _W["document_noun"] and not any(
            t.lower_ in _ROLES or t.lemma_.lower() in _ROLES for t in span[:-1]):
        return True  # "the Geneva Conventions"; not "the Government of National Accord"
    return len(span) > 1 and span[0].lower_ in _W["operation_word"] and span[1].text[:1].isupper()


def _strip_titles(span: SpacySpan) -> SpacySpan:
    """A person's name without the titles and ranks before it ("Field Marshal X Y", "Lt. Gen. X
    Y", "Prime Minister X": kg/nlp/lexicon/titles.tsv); a name that is all title stays as it is."""
    doc, start = span.doc, span.start
    while start < span.end:
        words = [t.lower_.rstrip(".") for t in doc[start:min(span.end, start + _TITLE_WORDS)]]
        k = next((k for k in range(len(words), 0, -1) if tuple(words[:k]) in _TITLES), 0)
        if not k:
            break
        start += k
    if start == span.start or start >= span.end or not doc[start].text[:1].isupper():
        return span
    return doc[start:span.end]


def _in_headline(span: SpacySpan) -> bool:
    """Whether the line holding ``span`` is in title case (every word looks like a name)."""
    doc = span.doc
    start = doc.text.rfind("\n", 0, span.start_char) + 1
    stop = doc.text.find("\n", span.end_char)
    words = [w for w in doc.text[start:stop if stop >= 0 else len(doc.text)].split() if w[:1].isalpha()]
    return len(words) > 2 and sum(w[:1].isupper() for w in words) / len(words) > 0.6


def _extend_left(span: SpacySpan, label: str) -> SpacySpan:
    """A name the model cut short at its start ("State" of "Islamic State", "Tahrir al-Sham" of
    "Hay'at Tahrir al-Sham"): the capitalised proper nouns right before it, in no entity of their
    own (or in a group name, NORP, no state's demonym), and name particles ("al-", "bin") are part
    of it. A person's name takes only words joined by an apostrophe or a group name (a capitalised
    word before a person is most often a title)."""
    doc, start = span.doc, span.start
    odd = False
    while start > 0 and span.end - start < 6:
        prev = doc[start - 1]
        if prev.whitespace_ != " " or prev.is_space or "\n" in prev.text_with_ws:
            break
        lower = prev.lower_.rstrip(".")
        if prev.ent_type_ and not (prev.ent_type_ == "NORP" and not prev.ent_kb_id_):
            break
        if lower in _PARTICLES and start < span.end and doc[start].text[:1].isupper():
            start -= 1
            continue
        if not (prev.text[:1].isupper() and prev.pos_ == "PROPN" and (prev.is_alpha or _INNER_APOSTROPHE.match(
                prev.text))) or lower in _LEADING or lower in _WEEKDAYS_MONTHS or (lower,) in _TITLES:
            break
        odd = odd or prev.ent_type_ == "NORP" or bool(_INNER_APOSTROPHE.match(prev.text)) or \
            _particle_name(span)  # "Hayat Tahrir al-Sham": no title is a transliterated word before "X al-Y"
        start -= 1
    if start == span.start or (label == "PERSON" and not odd) or _in_headline(span):
        return span
    while start < span.start and doc[start].lower_ in _PARTICLES:
        start += 1
    return doc[start:span.end]


def _particle_name(span: SpacySpan) -> bool:
    """Whether a name has a hyphenated particle inside it after its first word ("X al-Y", "X ash-Y")."""
    return any(t.lower_ in _PARTICLES and t.i + 1 < span.end and span.doc[t.i + 1].text == "-"
               for t in span[1:])


def _extend_person(span: SpacySpan) -> SpacySpan:
    """A person's name the model cut short ("Aung San" of "Aung San Suu Kyi"): the capitalised
    proper nouns right after it, in no entity of their own, are the rest of it."""
    doc, end = span.doc, span.end
    if in_headline(text_of(doc), span.start_char, span.end_char):
        return span  # a headline in title case: every word looks like a name
    while end < len(doc) and end - span.start < 5 and _name_word(doc, end) and doc[end].is_alpha and \
            doc[end].text[:1].isupper() and not doc[end].ent_type_ and doc[end].lower_ not in _WEEKDAYS_MONTHS and \
            doc[end - 1].whitespace_ == " ":
        end += 1
    return doc[span.start:end] if end > span.end else span


def _name_word(doc: Doc, i: int) -> bool:
    """A proper noun, or a capitalised singular noun ending a name in mid-sentence (the model
    tags unfamiliar names as nouns: "X Y Oo of the …")."""
    token = doc[i]
    if token.pos_ == "PROPN":
        return True
    after = doc[i + 1] if i + 1 < len(doc) else None
    return token.pos_ == "NOUN" and token.tag_ == "NN" and token.is_title and not token.is_sent_start and (
        after is None or not after.text[:1].isupper())


_DASHES = ("-", "--", "—", "–", "―")


def is_credit(text: str, begin: int, end: int) -> bool:
    """Whether the name at ``text[begin:end]`` credits who reported the story rather than naming an
    actor: a line opened by a credit label ("Source: Xinhua", "Reporting by …", ``credit_label``
    in lexicon.tsv), a bracket after a dateline ("CAIRO (Sputnik) -", "BEIRUT, May 2 (KUNA) --"),
    a bracket or a dash that ends its paragraph ("… — AFP", "… (AFP)")."""
    para_begin = text.rfind("\n", 0, begin) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    before, after = text[para_begin:begin], text[end:para_end]
    lead = re.sub(r"[^\w\s]", " ", before).lower().split()
    for label in _CREDIT_LABELS:
        words = label.split()
        if lead[:len(words)] == words and before.lstrip(" (").lower().startswith(label):
            return True
    stripped_after = after.strip()
    bracket = before.rfind("(")
    if bracket >= 0 and ")" not in before[bracket:] and stripped_after.startswith(")"):
        inner = re.sub(r"[^\w\s]", " ", before[bracket + 1:]).lower().split()
        if any(inner[:len(label.split())] == label.split() for label in _CREDIT_LABELS):
            return True  # "(Photo: AFP)", "(Photo by X/Agency)"
    if not lead[:1] == ["by"] or len(text[para_begin:para_end]) > 100 or text[para_begin:para_end].rstrip()[-1:] \
            in ".!?\"”":
        pass
    elif all(w[:1].isupper() or w in ("and", "by", "in", "&") for w in text[para_begin:para_end].split()):
        return True  # a byline: "By Jane Doe and John Roe"
    if before.rstrip().endswith("(") and stripped_after.startswith(")"):
        rest = stripped_after[1:].strip()
        if not rest.strip(".") or (len(before) < 80 and rest.startswith((*_DASHES, ":"))):
            return True
    return before.rstrip().endswith(_DASHES) and not stripped_after.strip(".)")


def _in_credited_name(text: str, ent: SpacySpan) -> bool:
    """Whether a place begins or ends a longer capitalised name that is a credit ("Source: Chad
    News Agency", "CAIRO (Libya Observer) -")."""
    doc, start, end = ent.doc, ent.start, ent.end
    while end < len(doc) and end - ent.end < 4 and doc[end].text[:1].isupper() and doc[end].is_alpha:
        end += 1
    while start > 0 and ent.start - start < 4 and doc[start - 1].text[:1].isupper() and doc[start - 1].is_alpha:
        start -= 1
    if (start, end) == (ent.start, ent.end):
        return False
    return is_credit(text, doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text))


def _one_type_per_name(pending: list[tuple[SpacySpan, str]]) -> list[tuple[SpacySpan, str]]:
    """The model may type one name differently in two sentences ("Hagari" a person here, an
    organisation there): the name keeps the type it gets most, a person on a tie."""
    votes: dict[str, dict[str, int]] = {}
    for cleaned, label in pending:
        tally = votes.setdefault(slugify(cleaned.text), {})
        tally[label] = tally.get(label, 0) + 1
    out = []
    for cleaned, _label in pending:
        tally = votes[slugify(cleaned.text)]
        out.append((cleaned, max(tally, key=lambda k: (tally[k], k == "PERSON", k))))
    return out


def _equipment(span: SpacySpan) -> bool:
    """A weapon system or a service, not an actor or a place, though the model tags it as a name
    (kg/nlp/lexicon/equipment.tsv): a listed system ("Smerch") or platform ("Telegram"), a name
    ending in a weapon noun ("X ballistic missiles"), a coded name before one ("X-9 missiles")."""
    equipment = rules().equipment
    name = normalise_name(span.text)
    if name in equipment.get("system", ()) or name in equipment.get("platform", ()):
        return True
    nouns = equipment.get("noun", frozenset())
    if span[-1].lower_ in nouns:
        return True
    doc, i = span.doc, span.end
    while i < len(doc) and doc[i].pos_ == "ADJ":
        i += 1
    coded = any(c.isdigit() for c in span.text) or "-" in span.text
    return coded and i < len(doc) and doc[i].lower_ in nouns


def _hyphened_modifier(ent: SpacySpan) -> bool:
    """A people's name the model took for a place, joined by a hyphen to a participle that makes it
    a modifier ("a X-dominated alliance", "X-led rebellion"): it names no place."""
    doc, end = ent.doc, ent.end
    return end + 1 < len(doc) and doc[end].text in _DASHES[:1] and ent[-1].whitespace_ == "" and \
        doc[end].whitespace_ == "" and doc[end + 1].text.islower() and doc[end + 1].lower_.endswith("ed")


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
    text = text_of(doc)
    for ent in doc.ents:
        if ent.label_ not in ("GPE", "LOC", "FAC") and is_credit(text, ent.start_char, ent.end_char) and not (
                ent.kb_id_ in index.entities and set(index.entities[ent.kb_id_].types) & _PLACES):
            continue  # "Source: Xinhua", "CAIRO (Sputnik) -": who reported it, not who is in it
        if ent.kb_id_ and ent.label_ in ("GPE", "LOC", "FAC") and (_in_credited_name(text, ent) or (
                ent.end + 1 < len(doc) and doc[ent.end].text[:1].isupper()
                and doc[ent.end].lower_ in _W["document_noun"])):
            continue  # "Source: Freedonia News Agency", "the Paris Agreement": part of another name
        outlet = _masthead(ent) if ent.kb_id_ and ent.label_ in ("GPE", "LOC", "FAC") else None
        if outlet is not None:  # "the Freedonia Herald reported": an outlet, not the place
            iri = iris.entity(slugify(outlet.text))
            new.setdefault(iri, NewEntity(iri=iri, label=outlet.text, type="MediaOutlet",
                                          confidence=_MODEL_CONFIDENCE["ORG"]))
            mentions.append(EntityMention(span=_char_span(outlet, offset), entity=iri,
                                          confidence=_MODEL_CONFIDENCE["ORG"], curated=False))
            continue
        if ent.kb_id_ and _compass_qualifier(ent):
            continue
        if ent.kb_id_:
            span = Span(offset + ent.start_char, offset + ent.end_char, ent.text)
            kind, _, value = ent.id_.partition(":")
            conf = float(value) if kind == GEO_KIND and value else KIND_CONFIDENCE.get(ent.id_, 0.9)
            mentions.append(EntityMention(span=span, entity=ent.kb_id_, confidence=conf, curated=True, kind=kind))
            continue
        if ent.label_ not in _MODEL_TYPES or (ent.label_ in ("GPE", "LOC", "FAC") and _hyphened_modifier(ent)):
            continue
        cleaned = _clean(ent)
        if cleaned is None:
            continue
        cleaned = _headline_name(cleaned, text)
        if cleaned is None or _common_noun(cleaned, text) or _no_actor_name(cleaned) or _in_title(cleaned):
            continue
        label = ent.label_
        if label in ("PERSON", "ORG"):
            cleaned = _extend_left(cleaned, label)
        if label == "PERSON":
            cleaned = _strip_titles(_extend_person(cleaned))
        elif label == "ORG":  # "Field Marshal X Y" tagged as a body: a titled person
            person = _strip_titles(cleaned)
            if person is not cleaned and len(person) > 1 and all(
                    t.pos_ == "PROPN" and t.text[:1].isupper() and t.lower_ not in _ROLES and
                    t.lemma_.lower() not in _ROLES for t in person):
                cleaned, label = person, "PERSON"
        head = _place_head_at(doc, cleaned.end) if doc[cleaned.end - 1].whitespace_ == " " else None
        if head is not None and label in ("GPE", "LOC", "FAC", "PERSON", "ORG"):
            if head[1]:  # "the Tal Amir gas field", "the Hamdi farms": the place is named with the noun
                cleaned = doc[cleaned.start:head[0]]
            label = "GPE" if label in ("PERSON", "ORG") else label
        if head is None and label in ("PERSON", "ORG") and _before_plural_place_head(cleaned):
            label = "GPE"  # "X and Y outposts", "X, Y and Z villages": the plural noun is of each
        if label in ("ORG", "GPE", "LOC") and index.lookup(cleaned.text) is None:
            parts = _conjuncts(cleaned)
            if len(parts) > 1:
                pending += [(part, label) for part in parts]
                continue
        pending.append((cleaned, label))
        if label == "PERSON" and len(cleaned) > 1:
            persons.setdefault(cleaned[-1].lower_, "")
    pending += [(place, "GPE") for place in _untagged_places(doc)]
    # a name the model took for a person or a body, written where an event happened and nowhere as a
    # person's or a body's ("killed in X", "clashes at X"): a place, in every sentence of the text
    where = {slugify(c.text) for c, label in pending if label in ("PERSON", "ORG") and _locative_object(c, label)}
    where -= {slugify(c.text) for c, label in pending if label in ("PERSON", "ORG") and _person_cue(c)}
    pending = [(c, "GPE" if slugify(c.text) in where and index.lookup(c.text) is None else label)
               for c, label in pending]
    pending = _one_type_per_name(pending)
    # what the gazetteer linked in this text, by name: the same name the model found elsewhere in it
    # ("Taiz" of "Taiz city") is that entity, not a second one
    linked: dict[str, str] = {}
    for m in mentions:
        if m.curated and m.kind in ("geo", "label", "alt"):
            linked.setdefault(normalise_name(m.span.text), m.entity)
    for cleaned, label in pending:
        if label in ("PERSON", "ORG") and _named_as_place(cleaned):
            label = "GPE"  # "the town of Shakshuk", "the border towns of Houla, Shiheen and …"
        text = cleaned.text
        span = _char_span(cleaned, offset)
        numbered = _UNIT_NUMBER.match(text_of(doc), cleaned.end_char) if cleaned[-1].lower_ in _UNITS else None
        if numbered:  # "Military Operations Command (MOC) 15": the unit is number 15, its acronym between
            text = f"{text} {numbered.group(1)}"
        curated = index.lookup(text) or linked.get(normalise_name(text))
        if curated is not None:
            mentions.append(EntityMention(span=span, entity=curated, confidence=0.8, curated=True))
            continue
        if label == "PERSON" and len(cleaned) == 1 and persons.get(cleaned[0].lower_):
            iri = persons[cleaned[0].lower_]
        else:
            iri = iris.entity(slugify(text))
        if iri not in new:
            kind = _MODEL_TYPES[label]
            if label == "ORG" and cleaned[-1].lower_.removesuffix("s") in _UNITS:
                kind = "ArmedForce"  # "the 3rd Assault Brigade", "Border Guard Battalion 5"
            new[iri] = NewEntity(iri=iri, label=text, type=kind, confidence=_MODEL_CONFIDENCE[label])
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
