"""What each world-layer source is: its named graph and its DCAT/PROV description (title, origin,
licence, when retrieved), written into the source's own graph."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from cityrdf.rdf.namespaces import BASE, CRID

GRAPH_BASE = BASE + "graph/world/"
SOURCES = ("wikidata-2016", "wikipedia", "wikidata-live")
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
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
    return ox.NamedNode(str(CRID[f"dataset/world/{source}"]))


def describe(source: str, origin: str, retrieved: dt.datetime, statements: int) -> list[ox.Quad]:
    """The source's dcat:Dataset: what it is, where it was read, its licence and retrieval time."""
    title, licence, page = DESCRIPTIONS[source]
    g, d = graph_iri(source), dataset_iri(source)
    when = ox.Literal(
        retrieved.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"),
    )
    count = ox.Literal(
        str(statements), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    )
    return [
        ox.Quad(d, RDF_TYPE, ox.NamedNode(DCAT + "Dataset"), g),
        ox.Quad(d, RDF_TYPE, ox.NamedNode(PROV + "Entity"), g),
        ox.Quad(d, ox.NamedNode(DCTERMS + "title"), ox.Literal(title, language="en"), g),
        ox.Quad(d, ox.NamedNode(DCTERMS + "license"), ox.NamedNode(licence), g),
        ox.Quad(d, ox.NamedNode(DCTERMS + "source"), ox.NamedNode(page), g),
        # where this copy was read: a file name (no local path) or the endpoint's URL
        ox.Quad(d, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(origin), g),
        ox.Quad(d, ox.NamedNode(PROV + "generatedAtTime"), when, g),
        ox.Quad(d, ox.NamedNode("http://rdfs.org/ns/void#entities"), count, g),
    ]
