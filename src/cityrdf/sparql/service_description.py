"""A SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/) of the
read-only endpoint: served by `cityrdf serve` at GET /sparql, and published as sparql-service.ttl."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID

from cityrdf.rdf.dataset import PROJECT_GRAPHS, load_dataset
from cityrdf.sparql.results import select

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
RESULT_FORMATS = [
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
]


def service_graph(
    dataset: ox.Store, endpoint: str, default_graph: list[ox.NamedNode] | None = PROJECT_GRAPHS
) -> rdflib.Graph:
    """The description of `endpoint` over `dataset`: formats, the default graph (the project
    graphs' union) and each named graph with its size."""
    g = rdflib.Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("formats", FORMATS)
    service = URIRef(endpoint)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[name]))
    described = BNode()
    g.add((service, SD.defaultDataset, described))
    g.add((described, RDF.type, SD.Dataset))
    default = BNode()
    g.add((described, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(_count(dataset, default_graph))))
    if default_graph:
        g.add((default, DCTERMS.description, Literal("the union of the project graphs", lang="en")))
        for source in default_graph:
            g.add((default, DCTERMS.source, URIRef(source.value)))
    for graph_name in sorted(dataset.named_graphs(), key=str):
        if not isinstance(graph_name, ox.NamedNode):
            continue
        named, graph = BNode(), BNode()
        g.add((described, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(graph_name.value)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(_count(dataset, [graph_name]))))
    return g


def _count(dataset: ox.Store, graphs: list[ox.NamedNode] | None) -> int:
    options = {} if graphs is None else {"default_graph": graphs}
    rows = select(dataset, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **options)
    return int(next(iter(rows))["n"].value)


def published_turtle(endpoint: str) -> str:
    """The description a published site carries (`sparql-service.ttl`) of the endpoint named with
    `--sparql-endpoint`, which serves the project's dataset."""
    return service_graph(load_dataset(), endpoint).serialize(format="turtle")
