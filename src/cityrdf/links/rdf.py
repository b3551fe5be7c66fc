"""The link files in RDF: the accepted links of one knowledge base with an SSSOM-style axiom per link,
and the GeoNames coordinates and population said of the GeoNames features themselves."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

import rdflib
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, XSD

from cityrdf.links.geonames import gazetteer_city
from cityrdf.links.model import GN, LINK, SEMAPV, SSSOM, TOOL, Decision, accepted_links
from cityrdf.rdf.namespaces import DBO, GEO, PREFIXES


def links_graph(decisions: Iterable[Decision], kb: str, today: dt.date) -> rdflib.Graph:
    """The accepted links of one knowledge base, each with an SSSOM-style axiom carrying its provenance."""
    g = _graph()
    for d, c in accepted_links(decisions, kb):
        subject, target = rdflib.URIRef(d.place.iri), rdflib.URIRef(c.target)
        g.add((subject, LINK, target))
        # a blank node named by the pair, so that a rerun writes the same file (reviewable diffs)
        axiom = rdflib.BNode(
            "mapping-" + hashlib.sha256(f"{subject} {target}".encode()).hexdigest()[:16]
        )
        g.add((axiom, RDF.type, OWL.Axiom))
        g.add((axiom, OWL.annotatedSource, subject))
        g.add((axiom, OWL.annotatedProperty, LINK))
        g.add((axiom, OWL.annotatedTarget, target))
        g.add((axiom, SSSOM.mapping_justification, SEMAPV[c.justification.split(":")[1]]))
        g.add((axiom, SSSOM.confidence, rdflib.Literal(f"{c.score:.2f}", datatype=XSD.decimal)))
        g.add((axiom, SSSOM.mapping_date, rdflib.Literal(today.isoformat(), datatype=XSD.date)))
        g.add((axiom, SSSOM.mapping_tool, rdflib.Literal(TOOL)))
        g.add((axiom, DCTERMS.source, rdflib.Literal(c.source)))
        g.add((axiom, RDFS.comment, rdflib.Literal("; ".join(c.evidence), lang="en")))
    return g


def enrichment_graph(decisions: Iterable[Decision], today: dt.date) -> rdflib.Graph:
    """Coordinates and population of the linked cities, said of the GeoNames features themselves."""
    g = _graph()
    for d, c in accepted_links(decisions, "geonames"):
        city = gazetteer_city(c.target) if d.place.kind == "city" else None
        if not city:
            continue
        feature = rdflib.URIRef(c.target)
        g.add((feature, GEO.lat, rdflib.Literal(f"{city['latitude']:.5f}", datatype=XSD.decimal)))
        g.add((feature, GEO.long, rdflib.Literal(f"{city['longitude']:.5f}", datatype=XSD.decimal)))
        if city.get("population"):
            g.add(
                (
                    feature,
                    DBO.populationTotal,
                    rdflib.Literal(int(city["population"]), datatype=XSD.nonNegativeInteger),
                )
            )
        g.add((feature, RDF.type, PROV.Entity))
        g.add((feature, PROV.wasDerivedFrom, rdflib.URIRef("https://www.geonames.org/")))
        g.add(
            (
                feature,
                PROV.generatedAtTime,
                rdflib.Literal(f"{today.isoformat()}T00:00:00Z", datatype=XSD.dateTime),
            )
        )
    return g


def _graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)  # rdflib would otherwise keep its own geo: (GeoSPARQL)
    g.bind("gn", GN)
    g.bind("sssom", SSSOM)
    g.bind("semapv", SEMAPV)
    return g
