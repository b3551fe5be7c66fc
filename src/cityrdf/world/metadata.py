"""What each world-layer source is: its named graph and its DCAT/PROV description (title, origin,
licence, when retrieved), written into the source's own graph."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from cityrdf.rdf.namespaces import BASE, CRID, DCAT, DCTERMS, PROV, RDF, VOID, XSD

GRAPH_BASE = BASE + "graph/world/"
SOURCES = ("wikidata-2016", "wikipedia", "wikidata-live")
CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"

DESCRIPTIONS = {
    "wikidata-2016": (
        "Wikidata P190 (twinned administrative body) statements, crawl of September 2016",
        CC0,
        "https://www.wikidata.org/wiki/Property:P190",
    ),
    "wikipedia": (
        "English Wikipedia's lists of twin towns and sister cities, as a table city1,country1,city2,country2",
        CC_BY_SA,
        "https://en.wikipedia.org/wiki/Lists_of_twin_towns_and_sister_cities",
    ),
    "wikidata-live": (
        "Wikidata P190 statements with their P580 start time, from a SPARQL endpoint",
        CC0,
        "https://www.wikidata.org/wiki/Property:P190",
    ),
}


def graph_iri(source: str) -> ox.NamedNode:
    return ox.NamedNode(GRAPH_BASE + source)


def dataset_iri(source: str) -> ox.NamedNode:
    return CRID[f"dataset/world/{source}"]


def describe(source: str, origin: str, retrieved: dt.datetime, statements: int) -> list[ox.Quad]:
    """The source's dcat:Dataset: what it is, where it was read, its licence and retrieval time."""
    title, licence, page = DESCRIPTIONS[source]
    g, d = graph_iri(source), dataset_iri(source)
    when = ox.Literal(
        retrieved.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime
    )
    count = ox.Literal(str(statements), datatype=XSD.integer)
    return [
        ox.Quad(d, RDF.type, DCAT.Dataset, g),
        ox.Quad(d, RDF.type, PROV.Entity, g),
        ox.Quad(d, DCTERMS["title"], ox.Literal(title, language="en"), g),
        ox.Quad(d, DCTERMS.license, ox.NamedNode(licence), g),
        ox.Quad(d, DCTERMS.source, ox.NamedNode(page), g),
        # where this copy was read: a file name (no local path) or the endpoint's URL
        ox.Quad(d, DCTERMS.identifier, ox.Literal(origin), g),
        ox.Quad(d, PROV.generatedAtTime, when, g),
        ox.Quad(d, VOID.entities, count, g),
    ]
