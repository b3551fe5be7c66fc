"""One resource per real city across the world layer's sources.

A city of the paper keeps its paper IRI (found by its linked QID, or by name within its country);
another city is `crid:city/wd/Q…` when its QID is known (given by the source, or by Natural Earth
for a name resolved in its country), else `crid:city/world/{iso2}/{name}`. Every name resolution is
kept as an SSSOM-style mapping with its evidence; ambiguous names go to the review queue.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from cityrdf.link import NEAR_KM, distance_km, read_places
from cityrdf.namespaces import CRID, sparql_prologue
from cityrdf.text import ascii_key, name_key, slug
from cityrdf.wikidata import qid as qid_of
from cityrdf.world.names import Index, Place, iso2_of
from cityrdf.world.sources import PlaceRef

# A namesake this many times more populous is the city a list of twin towns means (link.py too).
DOMINANCE = 10


@dataclass
class City:
    iri: str
    qid: str | None = None
    iso2: str | None = None
    labels: dict[str, str] = field(default_factory=dict)  # lang -> label
    lat: float | None = None
    long: float | None = None
    population: int = 0
    paper: bool = False


@dataclass
class Mapping:
    """How a source's name became a city (one row of world/resolution.sssom.tsv)."""

    source: str
    name: str
    country: str
    target: str  # the city IRI
    qid: str
    justification: str  # semapv:LexicalMatching, semapv:UnspecifiedMatching
    confidence: float
    evidence: str


@dataclass
class Review:
    source: str
    name: str
    country: str
    reason: str
    candidates: str


PAPER_LINKS = """SELECT ?city ?q WHERE {
  ?city a cr:City ; skos:exactMatch ?q FILTER(STRSTARTS(STR(?q), STR(wd:))) }"""


class Resolver:
    def __init__(self, index: Index, store: ox.Store) -> None:
        self.index = index
        self.cities: dict[str, City] = {}
        self.mappings: list[Mapping] = []
        self.review: list[Review] = []
        self.paper_by_qid: dict[str, str] = {}
        self.country_iri: dict[str, str] = {}  # ISO2 -> the paper's country IRI
        self._names: dict[tuple[str, str], tuple[City, Mapping | None, Review | None]] = {}
        self._read_paper(store)

    # -- the paper's places ---------------------------------------------------------------

    def _read_paper(self, store: ox.Store) -> None:
        links = {
            r["city"].value: qid_of(r["q"].value)
            for r in store.query(sparql_prologue() + PAPER_LINKS)
        }
        for place in read_places(store):
            if place.kind == "country" and place.country_code:
                self.country_iri.setdefault(place.country_code, place.iri)
            if place.kind != "city":
                continue
            q = links.get(place.iri)
            city = City(place.iri, q, place.country_code, paper=True)
            city.labels = {k: v for k, v in (("en", place.label_en), ("fa", place.label_fa)) if v}
            self.cities[place.iri] = city
            if q:
                self.paper_by_qid[q] = place.iri
            known = self.index.by_qid.get(q) if q else None
            if known:
                city.lat, city.long, city.population = known.lat, known.long, known.population
            if place.country_code:
                entry = Place("paper", place.label_en, place.country_code, q, iri=place.iri)
                self.index.add(entry, [t for t, _ in place.names()])

    # -- by QID ---------------------------------------------------------------------------

    def by_qid(self, ref: PlaceRef, labels: dict[str, str], point=None) -> City:
        iri = self.paper_by_qid.get(ref.qid) or str(CRID[f"city/wd/{ref.qid}"])
        city = self.cities.get(iri)
        if city is None:
            city = self.cities[iri] = City(iri, ref.qid)
        for lang, text in labels.items():
            city.labels.setdefault(lang, text)
        known = self.index.by_qid.get(ref.qid)
        if known is not None:
            city.labels.setdefault("en", known.name)
            city.iso2 = city.iso2 or known.iso2
            if city.lat is None:
                city.lat, city.long, city.population = known.lat, known.long, known.population
        if ref.iso2 and not city.iso2:
            city.iso2 = ref.iso2
        if point and city.lat is None:
            city.lat, city.long = point
        return city

    def country_from_labels(self) -> int:
        """Cities known by QID only (the 2016 crawl): the country of a GeoNames or Natural Earth
        namesake of a label, when the namesakes agree or one dominates. Returns how many."""
        found = 0
        for city in self.cities.values():
            if city.iso2 or not city.qid:
                continue
            for text in city.labels.values():
                biggest: dict[str, int] = {}
                for place in self.index.find(text, None):
                    biggest[place.iso2] = max(biggest.get(place.iso2, 0), place.population)
                ranked = sorted(biggest.items(), key=lambda kv: -kv[1])
                if ranked and (
                    len(ranked) == 1 or ranked[0][1] >= DOMINANCE * max(ranked[1][1], 1)
                ):
                    city.iso2 = ranked[0][0]
                    found += 1
                    break
        return found

    # -- by name and country --------------------------------------------------------------

    def by_name(self, source: str, ref: PlaceRef) -> City:
        key = (source, name_key(ref.name), ref.country)
        if key not in self._names:
            _, mapping, review = self._names[key] = self._resolve_name(source, ref)
            self.mappings += [mapping] if mapping else []
            self.review += [review] if review else []
        return self._names[key][0]

    def _resolve_name(self, source: str, ref: PlaceRef):
        iso2 = iso2_of(ref.country) if ref.country else None
        if iso2 is None:
            review = Review(source, ref.name, ref.country, "country not recognised", "")
            return self._unresolved(ref, None), None, review
        matched, candidates = next(
            (
                (name, found)
                for name in name_variants(ref.name)
                if (found := self.index.find(name, iso2))
            ),
            (ref.name, []),
        )
        paper = {p.iri for p in candidates if p.origin == "paper"}
        if len(paper) == 1:
            city = self.cities[paper.pop()]
            evidence = f"name and country ({iso2}) of a city of the paper"
            return city, self._mapping(source, ref, city, evidence, 1.0), None
        identities = self._identities(matched, candidates)
        if not identities:
            review = Review(source, ref.name, ref.country, f"no place of that name in {iso2}", "")
            return self._unresolved(ref, iso2), None, review
        best = _dominant(list(identities.values()))
        if best is None:
            listed = " ".join(sorted(identities))
            review = Review(source, ref.name, ref.country, "ambiguous: namesakes alike", listed)
            return self._unresolved(ref, iso2), None, review
        evidence = f"{best.origin} place {best.name!r} in {iso2}"
        if len(identities) > 1:
            evidence += f"; the most populous of {len(identities)} namesakes ({best.population:,})"
        if best.qid:
            city = self.by_qid(PlaceRef(best.qid, iso2=iso2), {"en": ref.name})
            confidence = 0.9 if len(identities) == 1 else 0.8
        else:
            city = self._unresolved(ref, iso2)
            city.lat, city.long, city.population = best.lat, best.long, best.population
            evidence += f" (GeoNames {best.geonames}, no QID known)"
            confidence = 0.7
        return city, self._mapping(source, ref, city, evidence, confidence), None

    def _identities(self, name: str, candidates: list[Place]) -> dict[str, Place]:
        """One place per real place: GeoNames entries join their Natural Earth twin (its QID);
        places whose main name is the name asked for are preferred to alternate-name matches."""
        wanted = {name_key(name), ascii_key(name)}
        main = [p for p in candidates if {name_key(p.name), ascii_key(p.name)} & wanted]
        out: dict[str, Place] = {}
        for place in main or candidates:
            twin = self.index.by_geonames.get(place.geonames) if place.geonames else None
            if place.qid is None and twin is not None and twin.qid:
                place = Place(
                    place.origin,
                    place.name,
                    place.iso2,
                    twin.qid,
                    place.geonames,
                    lat=place.lat,
                    long=place.long,
                    population=max(place.population, twin.population),
                )
            key = place.qid or f"gn:{place.geonames}"
            if key not in out or place.population > out[key].population:
                out[key] = place
        merged = _same_places_merged(out)
        # One item of the crawl (a QID, no coordinates) and one GeoNames namesake: the same town.
        with_qid = [k for k, p in merged.items() if p.qid]
        if len(merged) == 2 and len(with_qid) == 1 and merged[with_qid[0]].lat is None:
            other = next(p for k, p in merged.items() if k != with_qid[0])
            merged = {with_qid[0]: dataclasses.replace(other, qid=with_qid[0])}
        return merged

    def _unresolved(self, ref: PlaceRef, iso2: str | None) -> City:
        iri = str(CRID[f"city/world/{(iso2 or 'xx').lower()}/{slug(ref.name) or 'unnamed'}"])
        city = self.cities.get(iri)
        if city is None:
            city = self.cities[iri] = City(iri, None, iso2, {"en": ref.name})
        return city

    def _mapping(self, source, ref, city, evidence, confidence) -> Mapping:
        return Mapping(
            source,
            ref.name,
            ref.country,
            city.iri,
            city.qid or "",
            "semapv:LexicalMatching",
            confidence,
            evidence,
        )

    def index_labelled_cities(self) -> int:
        """Cities known by QID with a country (the crawl's) become gazetteer entries under their
        labels, so that a name source can reach them (the crawl's German labels are mostly the
        local names that Wikipedia's lists print for small towns)."""
        added = 0
        for city in self.cities.values():
            if city.qid and city.iso2 and not city.paper and city.qid not in self.index.by_qid:
                place = Place("wikidata-2016", city.labels.get("de", ""), city.iso2, city.qid)
                self.index.add(place, city.labels.values())
                added += 1
        return added


def name_variants(name: str) -> list[str]:
    """The name as printed, then without a parenthesis ("Forchheim (district)"), then before a
    comma ("Coventry, Rhode Island"): the lists' ways of telling namesakes apart."""
    variants = [name, re.sub(r"\s*\(.*?\)\s*", " ", name).strip(), name.split(",")[0].strip()]
    return [v for i, v in enumerate(variants) if v and v not in variants[:i]]


def _same_places_merged(places: dict[str, Place]) -> dict[str, Place]:
    """Entries of two gazetteers within NEAR_KM of each other are one place (Natural Earth and
    GeoNames sometimes give one town two GeoNames IDs): keep the one with a QID, else the bigger."""
    kept: dict[str, Place] = {}
    ranked = sorted(places.items(), key=lambda kv: (kv[1].qid is None, -kv[1].population, kv[0]))
    for key, place in ranked:
        near = next(
            (
                k
                for k, p in kept.items()
                if None not in (p.lat, place.lat)
                and distance_km((p.lat, p.long), (place.lat, place.long)) <= NEAR_KM
            ),
            None,
        )
        if near is None:
            kept[key] = place
        elif place.population > kept[near].population:
            kept[near] = dataclasses.replace(kept[near], population=place.population)
    return kept


def _dominant(places: list[Place]) -> Place | None:
    """The only place, or one DOMINANCE times more populous than any other; else None."""
    if not places:
        return None
    ranked = sorted(places, key=lambda p: -p.population)
    if len({(p.qid or p.geonames or p.iri) for p in ranked}) == 1:
        return ranked[0]
    if ranked[0].population >= DOMINANCE * max(ranked[1].population, 1):
        return ranked[0]
    return None
