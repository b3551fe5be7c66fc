"""The one bridge from Oxigraph's terms to rdflib's, for the places rdflib is the tool: pySHACL as
the reference engine, the nanopub library, and the tests' graph comparison. Everything else in the
package works on pyoxigraph terms (docs/decisions/0018)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import rdflib

from cityrdf.rdf.graph import load_store

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> rdflib.term.Node | None:
    """The one bridge from an Oxigraph term to rdflib's, for the places rdflib is the tool (pySHACL,
    its writers, result rows read as rdflib terms). An xsd:string literal becomes rdflib's simple
    literal, as rdflib itself parses `"x"`: RDF 1.1 makes them one term, rdflib does not."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return rdflib.Literal(term.value)
    # as written: rdflib's process-wide normalisation (turned on and off by libraries) would
    # rewrite an ill-typed or non-canonical form ("" as xsd:boolean becomes "false")
    datatype = rdflib.URIRef(term.datatype.value)
    return rdflib.Literal(term.value, datatype=datatype, normalize=False)


def to_rdflib(store: ox.Store) -> rdflib.Graph:
    """The store's default graph as an rdflib Graph (for pySHACL)."""
    graph = rdflib.Graph()
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    graph.parse(data=data, format="nt")
    return graph


def load_graph(files: Iterable[Path] | None = None, entail: bool = True) -> rdflib.Graph:
    return to_rdflib(load_store(files, entail=entail))
