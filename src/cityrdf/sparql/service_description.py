"""A SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/) of the
read-only endpoint: served by `cityrdf serve` at GET /sparql, and published as sparql-service.ttl."""

from __future__ import annotations

import pyoxigraph as ox

from cityrdf.rdf.canonical import canonical
from cityrdf.rdf.dataset import PROJECT_GRAPHS, load_dataset
from cityrdf.rdf.graph import rdf_bytes
from cityrdf.rdf.namespaces import DCTERMS, FORMATS, RDF, SD, VOID
from cityrdf.sparql.results import select

TURTLE_PREFIXES = {
    "sd": str(SD),
    "void": str(VOID),
    "formats": str(FORMATS),
    "dcterms": str(DCTERMS),
}
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
) -> list[ox.Triple]:
    """The description of `endpoint` over `dataset`: formats, the default graph (the project
    graphs' union) and each named graph with its size."""
    g: list[tuple] = []
    service = ox.NamedNode(endpoint)
    g.append((service, RDF.type, SD.Service))
    g.append((service, SD.endpoint, service))
    g.append((service, SD.supportedLanguage, SD.SPARQL11Query))
    for name in RESULT_FORMATS:
        g.append((service, SD.resultFormat, FORMATS[name]))
    described = ox.BlankNode()
    g.append((service, SD.defaultDataset, described))
    g.append((described, RDF.type, SD.Dataset))
    default = ox.BlankNode()
    g.append((described, SD.defaultGraph, default))
    g.append((default, RDF.type, SD.Graph))
    g.append((default, VOID.triples, ox.Literal(_count(dataset, default_graph))))
    if default_graph:
        g.append(
            (
                default,
                DCTERMS.description,
                ox.Literal("the union of the project graphs", language="en"),
            )
        )
        present = set(dataset.named_graphs())
        for source in default_graph:  # a project without links or imports has no such graph
            if source in present:
                g.append((default, DCTERMS.source, source))
    for graph_name in sorted(dataset.named_graphs(), key=str):
        if not isinstance(graph_name, ox.NamedNode):
            continue
        named, graph = ox.BlankNode(), ox.BlankNode()
        g.append((described, SD.namedGraph, named))
        g.append((named, RDF.type, SD.NamedGraph))
        g.append((named, SD.name, graph_name))
        g.append((named, SD.graph, graph))
        g.append((graph, RDF.type, SD.Graph))
        g.append((graph, VOID.triples, ox.Literal(_count(dataset, [graph_name]))))
    return [ox.Triple(*t) for t in g]


def _count(dataset: ox.Store, graphs: list[ox.NamedNode] | None) -> int:
    options = {} if graphs is None else {"default_graph": graphs}
    rows = select(dataset, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **options)
    return int(next(iter(rows))["n"].value)


def published_turtle(endpoint: str) -> bytes:
    """The description a published site carries (`sparql-service.ttl`) of the endpoint named with
    `--sparql-endpoint`, which serves the project's dataset."""
    described = canonical(service_graph(load_dataset(), endpoint), ox.NamedNode(endpoint))
    return rdf_bytes(described, ox.RdfFormat.TURTLE, TURTLE_PREFIXES)
