"""Pacts reconciled across sources: one `cr:TwinningAgreement` per pair of cities, `cr:attestedBy`
one `cr:SourceRecord` per statement of a source, in that source's own graph.

A pair the paper has keeps the paper's agreement IRI, so "which sources say so" is one query; the
paper's graph itself is never written to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from cityrdf.rdf import iris
from cityrdf.rdf.namespaces import (
    CR,
    CRID,
    DBO,
    DCTERMS,
    GEO,
    GN,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    WD,
    XSD,
    sparql_prologue,
)
from cityrdf.sparql.results import select
from cityrdf.text import without_bidi_controls
from cityrdf.world import crawl_items, metadata
from cityrdf.world.names import region_of, short_name
from cityrdf.world.records import City
from cityrdf.world.resolve import Resolver
from cityrdf.world.sources import Statement

RDFS_LABEL, OWL_SAME_AS, EXACT_MATCH = RDFS.label, OWL.sameAs, SKOS.exactMatch
GEONAMES = str(GN)  # the paper's cities link GeoNames so (P1566's formatter)
PROV_DERIVED, DCTERMS_DATE = PROV.wasDerivedFrom, DCTERMS.date
RDF_TYPE = RDF.type
AGREEMENT, CITY, COUNTRY = CR.TwinningAgreement, CR.City, CR.Country
SOURCE_RECORD = CR.SourceRecord
# A party that is no town: cr:party's range makes it a cr:City, this subclass says what it is.
ADMINISTRATIVE_UNIT = CR.TwinnedAdministrativeUnit
EDITORIAL_NOTE = SKOS.editorialNote
PARTY, ATTESTED_BY = CR.party, CR.attestedBy
COUNTRY_OF, ISO2, WORLD_REGION = CR.country, CR.iso3166Alpha2, CR.worldRegion
LAT, LONG, POPULATION = GEO.lat, GEO.long, DBO.populationTotal
DECIMAL, INTEGER = XSD.decimal, XSD.integer
PAPER_AGREEMENTS = """SELECT ?agreement ?a ?b WHERE {
  ?agreement a cr:TwinningAgreement ; cr:party ?a, ?b . FILTER(STR(?a) < STR(?b)) }"""
PAPER_COUNTRY_LINKS = """SELECT ?country ?q WHERE {
  ?country a cr:Country ; skos:exactMatch ?q FILTER(STRSTARTS(STR(?q), STR(wd:))) }"""


def n(term: str) -> ox.NamedNode:
    return ox.NamedNode(str(term))


@dataclass
class Pair:
    statement: Statement
    a: City
    b: City


class Writer:
    def __init__(self, resolver: Resolver, store: ox.Store) -> None:
        self.resolver = resolver
        self.paper_agreements = {
            frozenset((r["a"].value, r["b"].value)): r["agreement"].value
            for r in select(store, sparql_prologue() + PAPER_AGREEMENTS)
        }
        self.country_qids = {
            r["country"].value: r["q"].value
            for r in select(store, sparql_prologue() + PAPER_COUNTRY_LINKS)
        }

    def agreement_iri(self, a: City, b: City) -> str:
        known = self.paper_agreements.get(frozenset((a.iri, b.iri)))
        if known:
            return known
        return iris.agreement(a.iri, b.iri)

    def country_iri(self, iso2: str) -> str:
        return self.resolver.country_iri.get(iso2) or iris.country(short_name(iso2))

    def quads(self, source: str, pairs: list[Pair], origin: str, retrieved, extra_qids=None):
        """Every quad of one source's graph; returns (quads, agreements, cities)."""
        g = metadata.graph_iri(source)
        dataset = metadata.dataset_iri(source)
        out = metadata.describe(source, origin, retrieved, len(pairs))
        cities: dict[str, City] = {}
        agreements: set[str] = set()
        records = f"{CRID}record/world/{source}/"
        for pair in pairs:
            agreement = n(self.agreement_iri(pair.a, pair.b))
            if agreement.value not in agreements:
                agreements.add(agreement.value)
                out += [
                    ox.Quad(agreement, RDF_TYPE, AGREEMENT, g),
                    ox.Quad(agreement, PARTY, n(pair.a.iri), g),
                    ox.Quad(agreement, PARTY, n(pair.b.iri), g),
                ]
            record = n(f"{records}{pair.statement.line}")
            out += [
                ox.Quad(agreement, ATTESTED_BY, record, g),
                ox.Quad(record, RDF_TYPE, SOURCE_RECORD, g),
                ox.Quad(record, PROV_DERIVED, dataset, g),
                ox.Quad(record, RDFS_LABEL, ox.Literal(_record_label(pair)), g),
            ]
            start = _date_literal(pair.statement.start)
            if start is not None:
                out.append(ox.Quad(record, DCTERMS_DATE, start, g))
            cities[pair.a.iri], cities[pair.b.iri] = pair.a, pair.b
        countries: dict[str, str] = {}
        for city in cities.values():
            out += self._city(city, g, countries)
        for iso2, iri in countries.items():
            out += self._country(iso2, iri, g, (extra_qids or {}).get(iso2))
        return out, agreements, cities

    def _city(self, city: City, g, countries) -> list[ox.Quad]:
        s = n(city.iri)
        out = [ox.Quad(s, RDF_TYPE, CITY, g)]
        why = crawl_items.not_a_town(self.resolver, city)
        if why:
            note = ox.Literal(
                f"An administrative unit or a country, not a town: {why}.", language="en"
            )
            out += [
                ox.Quad(s, RDF_TYPE, ADMINISTRATIVE_UNIT, g),
                ox.Quad(s, EDITORIAL_NOTE, note, g),
            ]
        for lang, text in sorted(city.labels.items()):
            label = ox.Literal(without_bidi_controls(text), language=lang)
            out.append(ox.Quad(s, RDFS_LABEL, label, g))
        if city.iso2:
            countries[city.iso2] = self.country_iri(city.iso2)
            out.append(ox.Quad(s, COUNTRY_OF, n(countries[city.iso2]), g))
        if city.qid:
            out.append(ox.Quad(s, OWL_SAME_AS, n(WD + city.qid), g))
        if city.geonames and not city.paper:  # the paper's graph links its own cities
            out.append(ox.Quad(s, EXACT_MATCH, n(f"{GEONAMES}{city.geonames}/"), g))
        if city.lat is not None and city.long is not None:
            out.append(ox.Quad(s, LAT, _decimal(city.lat), g))
            out.append(ox.Quad(s, LONG, _decimal(city.long), g))
        if city.population:
            population = ox.Literal(str(city.population), datatype=INTEGER)
            out.append(ox.Quad(s, POPULATION, population, g))
        return out

    def _country(self, iso2: str, iri: str, g, live_qid: str | None) -> list[ox.Quad]:
        s = n(iri)
        out = [
            ox.Quad(s, RDF_TYPE, COUNTRY, g),
            ox.Quad(s, RDFS_LABEL, ox.Literal(short_name(iso2), language="en"), g),
            ox.Quad(s, ISO2, ox.Literal(iso2), g),
        ]
        qid = self.country_qids.get(iri) or (WD + live_qid if live_qid else None)
        if qid:
            out.append(ox.Quad(s, OWL_SAME_AS, n(qid), g))
        region = region_of(iso2)
        if region:
            out.append(ox.Quad(s, WORLD_REGION, CRID[f"region/{region}"], g))
        return out


def _record_label(pair: Pair) -> str:
    s = pair.statement
    names = [ref.name or ref.qid or "" for ref in (s.a, s.b)]
    countries = [f" ({ref.country})" if ref.country else "" for ref in (s.a, s.b)]
    return f"{s.source} line {s.line}: {names[0]}{countries[0]} – {names[1]}{countries[1]}"


def _decimal(value: float) -> ox.Literal:
    return ox.Literal(f"{value:.5f}", datatype=DECIMAL)


def _date_literal(text: str) -> ox.Literal | None:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or ""):
        return ox.Literal(text, datatype=XSD.date)
    if re.fullmatch(r"\d{4}", text or ""):
        return ox.Literal(text, datatype=XSD.gYear)
    return None
