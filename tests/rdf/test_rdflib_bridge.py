"""The one bridge from Oxigraph's terms to rdflib's: query rows and SHACL results read alike."""

import pyoxigraph as ox
import rdflib
from hypothesis import given
from hypothesis import strategies as st

from cityrdf.query import Answer
from cityrdf.rdf.rdflib_bridge import rdflib_term

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_xsd_string_becomes_the_simple_literal_rdflib_parses():
    parsed = next(iter(rdflib.Graph().parse(data='<urn:s> <urn:p> "x" .', format="nt")))[2]
    assert rdflib_term(ox.Literal("x", datatype=ox.NamedNode(XSD + "string"))) == parsed
    assert rdflib_term(ox.Literal("x")) == parsed


@given(st.text(max_size=20), st.sampled_from(["integer", "date", "string", "boolean"]))
def test_typed_and_tagged_literals_keep_value_and_datatype(value, kind):
    term = rdflib_term(ox.Literal(value, datatype=ox.NamedNode(XSD + kind)))
    assert isinstance(term, rdflib.Literal) and str(term) == value
    assert term.datatype == (None if kind == "string" else rdflib.URIRef(XSD + kind))
    tagged = rdflib_term(ox.Literal(value, language="fa"))
    assert tagged.language == "fa" and str(tagged) == value


def test_query_rows_are_oxigraph_terms():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("x")))
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.BlankNode("b1")))
    answer = Answer.of(store.query("SELECT ?o WHERE { <urn:s> <urn:p> ?o } ORDER BY ?o"))
    values = {row[0] for row in answer.rows}
    assert ox.Literal("x") in values
    assert any(isinstance(v, ox.BlankNode) for v in values)
