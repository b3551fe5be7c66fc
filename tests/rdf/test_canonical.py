"""Canonical form: the same graph, whatever names its blank nodes were given, is the same list of
statements, and so the same bytes in every format; a document's resource leads."""

from __future__ import annotations

import pyoxigraph as ox

from cityrdf.rdf import documents as rdf_documents
from cityrdf.rdf.canonical import canonical, canonical_quads

# Two anchors quote the same words, one for the claim and one for a tie to it: they differ only
# in who points at them, as the paper's anchors of one sentence do.
TWO_ANCHORS = """
@prefix cr: <https://w3id.org/cityrdf/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
<https://w3id.org/cityrdf/id/claim/a> cr:textAnchor [ a oa:SpecificResource ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "ایفای نقش" ] ] .
<https://w3id.org/cityrdf/id/argument/b> cr:textAnchor [ a oa:SpecificResource ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "ایفای نقش" ] ] ;
  cr:linkTo <https://w3id.org/cityrdf/id/claim/a> .
"""
CLAIM = ox.NamedNode("https://w3id.org/cityrdf/id/claim/a")


def parsed() -> list[ox.Triple]:
    """TWO_ANCHORS as a parser reads it: fresh blank-node names on every call."""
    return [q.triple for q in ox.parse(TWO_ANCHORS, format=ox.RdfFormat.TURTLE)]


def blank_names(triples: list[ox.Triple]) -> set[str]:
    return {t.subject.value for t in triples if isinstance(t.subject, ox.BlankNode)}


def test_two_readings_of_a_graph_are_the_same_statements_and_bytes():
    first, second = parsed(), parsed()
    assert blank_names(first) != blank_names(second)  # the parser's names differ
    assert canonical(first) == canonical(second)
    for fmt in rdf_documents.RDF_FORMATS:
        assert rdf_documents.serialize(canonical(first), fmt) == rdf_documents.serialize(
            canonical(second), fmt
        )


def test_the_canonical_form_is_the_same_graph():
    triples = parsed()
    before = ox.Dataset(ox.Quad(*t) for t in triples)
    after = ox.Dataset(ox.Quad(*t) for t in canonical(triples))
    for dataset in (before, after):
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert set(before) == set(after)


def test_the_resource_leads_then_the_blank_nodes_then_the_rest():
    ordered = canonical(parsed(), first=CLAIM)
    parts = [
        0 if t.subject == CLAIM else 1 if isinstance(t.subject, ox.BlankNode) else 2
        for t in ordered
    ]
    assert parts == sorted(parts)
    assert set(parts) == {0, 1, 2}


def test_a_repeated_statement_is_kept_once():
    triples = parsed()
    assert len(canonical(triples + triples[:3])) == len(set(triples))


def test_blank_nodes_shared_by_two_graphs_keep_one_name():
    """As a nanopublication's: the claim's triples in one graph, its anchors' in another."""
    assertion, provenance = ox.NamedNode("urn:x:assertion"), ox.NamedNode("urn:x:provenance")

    def in_graphs(triples: list[ox.Triple]) -> list[ox.Quad]:
        return [ox.Quad(*t, provenance if t.subject == CLAIM else assertion) for t in triples]

    first = canonical_quads(in_graphs(parsed()))
    assert first == canonical_quads(in_graphs(parsed()))
    names = [q.graph_name.value for q in first]
    assert names == sorted(names)  # by graph first
    anchor = next(q.object for q in first if q.subject == CLAIM)
    assert any(q.subject == anchor and q.graph_name == assertion for q in first)
