"""One resource per real city across the world layer's sources.

A city of the paper keeps its paper IRI (found by its linked QID, or by name within its country);
another city is `crid:city/wd/Q…` when its QID is known (given by the source, or by Natural Earth
for a name resolved in its country), else `crid:city/world/{iso2}/{name}`. Every name resolution is
kept as an SSSOM-style mapping with its evidence; ambiguous names go to the review queue.
"""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox

from cityrdf.links.places import read_places
from cityrdf.rdf import iris
from cityrdf.rdf.namespaces import sparql_prologue
from cityrdf.sparql.results import select
from cityrdf.sparql.wikidata import qid as qid_of
from cityrdf.text import name_key
from cityrdf.world.names import Index, Place, iso2_of, keys
from cityrdf.world.namesakes import (
    dominant,
    label_fits,
    name_variants,
    names_a_unit,
    same_country,
    same_places_merged,
    state_of,
)
from cityrdf.world.qualified import QualifiedName, number_key, parse
from cityrdf.world.records import City, Mapping, Review, carry
from cityrdf.world.sources import PlaceRef

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
        self._names: dict[tuple[str, str, str], tuple[City, Mapping | None, Review | None]] = {}
        self._read_paper(store)

    # -- the paper's places ---------------------------------------------------------------

    def _read_paper(self, store: ox.Store) -> None:
        links = {
            r["city"].value: qid_of(r["q"].value)
            for r in select(store, sparql_prologue() + PAPER_LINKS)
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
                city.geonames = known.geonames
            if place.country_code:
                entry = Place("paper", place.label_en, place.country_code, q, iri=place.iri)
                self.index.add(entry, [t for t, _ in place.names()])

    # -- by QID ---------------------------------------------------------------------------

    def by_qid(self, ref: PlaceRef, labels: dict[str, str], point=None, place=None) -> City:
        """The city of a QID; `point` (lat, long) or `place` (a gazetteer entry found for it
        by name) add what the city does not have yet: position, population, GeoNames ID."""
        qid = ref.qid
        assert qid is not None  # only a reference with a QID is resolved by it
        iri = self.paper_by_qid.get(qid) or iris.wikidata_city(qid)
        city = self.cities.get(iri)
        if city is None:
            city = self.cities[iri] = City(iri, qid)
        for lang, text in labels.items():
            city.labels.setdefault(lang, text)
        known = self.index.by_qid.get(qid)
        if known is not None:
            city.labels.setdefault("en", known.name)
            if not city.iso2 or city.country_from:
                city.iso2, city.country_from = known.iso2, ""
            carry(known, city)
        if ref.iso2 and (not city.iso2 or city.country_from):
            city.iso2, city.country_from = ref.iso2, ""
        if place is not None:
            carry(place, city)
        if point and city.lat is None:
            city.lat, city.long = point
        return city

    # -- by name and country --------------------------------------------------------------

    def by_name(self, source: str, ref: PlaceRef) -> City:
        key = (source, name_key(ref.name), ref.country)
        if key not in self._names:
            _, mapping, review = self._names[key] = self._resolve_name(source, ref)
            self.mappings += [mapping] if mapping else []
            self.review += [review] if review else []
        return self._names[key][0]

    def qualified(self, name: str, iso2: str | None) -> QualifiedName:
        """The name's head and qualifier; a qualifier in parentheses that is the main name of a
        place of the country makes the name a part of that place ("Achim (Börßum)")."""

        def is_place(text: str) -> bool:
            wanted = keys(text)
            return any(
                keys(p.name) & wanted
                for p in self.index.find(text, iso2)
                if p.origin in ("natural-earth", "geonames", "paper")
            )

        return parse(name, is_place if iso2 else None)

    def _resolve_name(self, source: str, ref: PlaceRef):
        iso2 = iso2_of(ref.country) if ref.country else None
        if iso2 is None:
            review = Review(source, ref.name, ref.country, "country not recognised", "")
            return self._unresolved(ref, None), None, review
        qualified = self.qualified(ref.name, iso2)
        if qualified.names_its_unit:
            # A gazetteer of towns would give the town that lends the unit its name: left to
            # the crawl's rows of the same pair (by_partner) or unresolved.
            what = qualified.unit or f"part of {qualified.parent}"
            review = Review(source, ref.name, ref.country, f"names a unit: {what}", "")
            return self._unresolved(ref, iso2, qualified), None, review
        matched, candidates = next(
            (
                (name, found)
                for name in name_variants(ref.name)
                if (found := self.index.find(name, iso2))
            ),
            (ref.name, []),
        )
        state = state_of(ref.name, iso2)
        if state:  # "Coventry, Rhode Island": only the places of that state
            candidates = [p for p in candidates if p.admin1 in state or p.origin == "paper"]
        paper = {p.iri for p in candidates if p.origin == "paper" and p.iri}  # all have one
        if len(paper) == 1:
            city = self.cities[paper.pop()]
            evidence = f"name and country ({iso2}) of a city of the paper"
            return city, self._mapping(source, ref, city, evidence, 1.0), None
        identities = self._identities(matched, candidates)
        if not identities:
            review = Review(source, ref.name, ref.country, f"no place of that name in {iso2}", "")
            return self._unresolved(ref, iso2), None, review
        best = dominant(list(identities.values()))
        if best is None:
            listed = " ".join(sorted(identities))
            review = Review(source, ref.name, ref.country, "ambiguous: namesakes alike", listed)
            return self._unresolved(ref, iso2), None, review
        evidence = f"{best.origin} place {best.name!r} in {iso2}"
        if len(identities) > 1:
            evidence += f"; the most populous of {len(identities)} namesakes ({best.population:,})"
        if best.qid:
            city = self.by_qid(PlaceRef(best.qid, iso2=iso2), {"en": ref.name}, place=best)
            confidence = 0.9 if len(identities) == 1 else 0.8
        else:
            city = self._unresolved(ref, iso2)
            carry(best, city)
            evidence += f" (GeoNames {best.geonames}, no QID known)"
            confidence = 0.7
        return city, self._mapping(source, ref, city, evidence, confidence), None

    # -- by the crawl's row of the same pair -------------------------------------------------

    def by_partner(self, source: str, ref: PlaceRef, found: City, partner: City, twins) -> City:
        """The city a list's name means, told by its partner: when the 2016 crawl twins the
        partner with exactly one item whose label is the name (at the name's level: a district
        for "Herford (district)"), that item is the place; the row's own country then replaces
        a country guessed from a label. `twins` maps a city's IRI to its partners in the crawl.
        Returns `found` (the name's resolution alone) when the crawl says nothing else."""
        partners = twins.get(partner.iri, ())
        if not partners or found.iri in partners:
            return found
        iso2 = iso2_of(ref.country) if ref.country else None
        qualified = self.qualified(ref.name, iso2)
        fitting = [
            fit
            for iri in sorted(partners)
            if same_country(self.cities[iri], iso2)
            and (fit := label_fits(qualified, self.cities[iri]))
        ]
        exact = [c for c, how in fitting if how == "exact"]
        chosen = exact or ([c for c, _ in fitting] if found.qid is None else [])
        if len(chosen) != 1:
            return found
        city = chosen[0]
        if iso2 and (not city.iso2 or city.country_from):
            city.iso2, city.country_from = iso2, ""
        if found.qid is None and not qualified.names_its_unit and not names_a_unit(city):
            carry(found, city)
        label = next(iter(city.labels.values()), city.qid)
        evidence = (
            f"the 2016 crawl twins {partner.qid or partner.iri} with {city.qid} ({label!r}),"
            f" the only partner of that name"
        )
        self.mappings.append(
            Mapping(
                source,
                ref.name,
                ref.country,
                city.iri,
                city.qid or "",
                "semapv:CompositeMatching",
                0.9 if exact else 0.8,
                evidence,
            )
        )
        return city

    def _identities(self, name: str, candidates: list[Place]) -> dict[str, Place]:
        """One place per real place: GeoNames entries join their Natural Earth twin (its QID);
        places whose main name is the name asked for are preferred to alternate-name matches."""
        wanted = keys(name)
        main = [p for p in candidates if keys(p.name) & wanted]
        out: dict[str, Place] = {}
        for place in main or candidates:
            twin = self.index.by_geonames.get(place.geonames) if place.geonames else None
            # Natural Earth gives a few places the GeoNames ID of a namesake abroad (Colombo in
            # Sri Lanka has Colombo in Brazil's): a twin is one only in the same country
            if place.qid is None and twin is not None and twin.qid and twin.iso2 == place.iso2:
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
        merged = same_places_merged(out)
        # One item of the crawl (a QID, no coordinates) and one GeoNames namesake: the same town.
        with_qid = [k for k, p in merged.items() if p.qid]
        if len(merged) == 2 and len(with_qid) == 1 and merged[with_qid[0]].lat is None:
            other = next(p for k, p in merged.items() if k != with_qid[0])
            merged = {with_qid[0]: dataclasses.replace(other, qid=with_qid[0])}
        return merged

    def _unresolved(self, ref: PlaceRef, iso2: str | None, qualified=None) -> City:
        qualified = qualified or parse(ref.name)
        # "Berlin – Reinickendorf" and "Reinickendorf (Berlin)": one part of one city, one IRI
        name = ref.name
        if qualified.parent:
            inside = number_key(qualified.head).startswith(number_key(qualified.parent))
            name = qualified.head if inside else f"{qualified.parent} {qualified.head}"
        iri = iris.world_city(iso2, name)
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
