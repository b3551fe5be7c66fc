"""The link files in RDF: the accepted links of one knowledge base with an SSSOM-style axiom per link,
and the GeoNames coordinates and population said of the GeoNames features themselves."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

import pyoxigraph as ox

from cityrdf.links.geonames import gazetteer_city
from cityrdf.links.model import LINK, TOOL, Decision, accepted_links
from cityrdf.rdf.graph import rdf_bytes
from cityrdf.rdf.namespaces import (
    DBO,
    DCTERMS,
    GEO,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SEMAPV,
    SSSOM,
    XSD,
)

GEONAMES_SITE = ox.NamedNode("https://www.geonames.org/")
# The prefixes each file uses (Oxigraph writes every prefix it is given)
LINK_PREFIXES = {
    **{p: PREFIXES[p] for p in ("dcterms", "owl", "rdfs", "skos", "xsd")},
    "semapv": str(SEMAPV),
    "sssom": str(SSSOM),
}
ENRICHMENT_PREFIXES = {p: PREFIXES[p] for p in ("dbo", "geo", "prov", "xsd")}


def links_triples(decisions: Iterable[Decision], kb: str, today: dt.date) -> list[ox.Triple]:
    """The accepted links of one knowledge base, each with an SSSOM-style axiom carrying its provenance."""
    triples = []
    for d, c in accepted_links(decisions, kb):
        subject, target = ox.NamedNode(d.place.iri), ox.NamedNode(c.target)
        # a blank node named by the pair, so that a rerun writes the same file (reviewable diffs)
        axiom = ox.BlankNode(
            "mapping-" + hashlib.sha256(f"{d.place.iri} {c.target}".encode()).hexdigest()[:16]
        )
        triples.append(ox.Triple(subject, LINK, target))
        triples += (
            ox.Triple(axiom, predicate, value)
            for predicate, value in (
                (RDF.type, OWL.Axiom),
                (OWL.annotatedSource, subject),
                (OWL.annotatedProperty, LINK),
                (OWL.annotatedTarget, target),
                (SSSOM.mapping_justification, SEMAPV[c.justification.split(":")[1]]),
                (SSSOM.confidence, ox.Literal(f"{c.score:.2f}", datatype=XSD.decimal)),
                (SSSOM.mapping_date, ox.Literal(today.isoformat(), datatype=XSD.date)),
                (SSSOM.mapping_tool, ox.Literal(TOOL)),
                (DCTERMS.source, ox.Literal(c.source)),
                (RDFS.comment, ox.Literal("; ".join(c.evidence), language="en")),
            )
        )
    return triples


def enrichment_triples(decisions: Iterable[Decision], today: dt.date) -> list[ox.Triple]:
    """Coordinates and population of the linked cities, said of the GeoNames features themselves."""
    triples: list[ox.Triple] = []
    generated = dt.datetime.combine(today, dt.time(), dt.UTC).isoformat()
    for d, c in accepted_links(decisions, "geonames"):
        city = gazetteer_city(c.target) if d.place.kind == "city" else None
        if not city:
            continue
        feature = ox.NamedNode(c.target)
        facts: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
            (RDF.type, PROV.Entity),
            (GEO.lat, ox.Literal(f"{city['latitude']:.5f}", datatype=XSD.decimal)),
            (GEO.long, ox.Literal(f"{city['longitude']:.5f}", datatype=XSD.decimal)),
        ]
        if city.get("population"):
            population = str(int(city["population"]))
            facts.append(
                (DBO.populationTotal, ox.Literal(population, datatype=XSD.nonNegativeInteger))
            )
        facts += [
            (PROV.wasDerivedFrom, GEONAMES_SITE),
            (PROV.generatedAtTime, ox.Literal(generated, datatype=XSD.dateTime)),
        ]
        triples += (ox.Triple(feature, p, o) for p, o in facts)
    return list(dict.fromkeys(triples))  # two places linked to one feature say its facts once


def turtle(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> str:
    return rdf_bytes(triples, ox.RdfFormat.TURTLE, prefixes).decode("utf-8")
