"""The one bridge from Oxigraph's terms to rdflib's: query rows and SHACL results read alike; and
the files a report names for each finding."""

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given
from hypothesis import strategies as st

from cityrdf.errors import BadInput
from cityrdf.query import Answer
from cityrdf.rdf.graph import files_describing, rdflib_term

XSD = "http://www.w3.org/2001/XMLSchema#"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


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


def test_query_rows_use_the_same_bridge():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("x")))
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.BlankNode("b1")))
    answer = Answer.of(store.query("SELECT ?o WHERE { <urn:s> <urn:p> ?o } ORDER BY ?o"))
    values = {row[0] for row in answer.rows}
    assert rdflib.Literal("x") in values
    assert any(isinstance(v, rdflib.BNode) for v in values)


TEHRAN, YAZD = "https://w3id.org/cityrdf/id/city/tehran", "https://w3id.org/cityrdf/id/city/yazd"


def test_files_describing_names_every_file_with_the_iri_as_subject_and_no_other(tmp_path):
    places, links, names = tmp_path / "places.ttl", tmp_path / "links.nt", tmp_path / "names.ttl"
    places.write_text(f"<{TEHRAN}> <{SAME_AS}> <{YAZD}> .\n")
    links.write_text(f"<{TEHRAN}> <{SAME_AS}> _:b0 .\n_:b0 <{SAME_AS}> <{YAZD}> .\n")
    names.write_text(f'@base <https://w3id.org/cityrdf/id/> . <city/yazd> <{LABEL}> "Yazd" .\n')
    found = files_describing([places, links, names], {TEHRAN, YAZD, "", "_:b0", "Yazd"})
    # Yazd is only an object in places.ttl and links.nt; the blank node and the literal name nothing
    assert found == {TEHRAN: [places, links], YAZD: [names]}


def test_files_describing_reads_nothing_without_an_iri_to_look_for(tmp_path):
    absent = tmp_path / "absent.ttl"
    assert files_describing([absent], {"", "_:b0"}) == {}
    with pytest.raises(BadInput, match="absent.ttl: no such file"):
        files_describing([absent], {TEHRAN})
