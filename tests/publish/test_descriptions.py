"""What a resource's RDF document holds: its concise bounded description (every blank-node
structure it owns, recursively), and at the ontology IRI the whole ontology as built."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib  # documents are compared as graphs with rdflib.compare
from rdflib import BNode, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDFS

from cityrdf import publish
from cityrdf.rdf import namespaces as ns
from cityrdf.rdf.namespaces import CR, ONTOLOGY_IRI
from cityrdf.views import resource as site_model
from tests.publish.expected import ontology_as_written

RDF_PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}


def dangling(g: rdflib.Graph) -> set[BNode]:
    """Blank nodes used as objects that the document says nothing about."""
    return {o for o in g.objects() if isinstance(o, BNode)} - {
        s for s in g.subjects() if isinstance(s, BNode)
    }


def parsed(data: bytes, fmt: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data, format=RDF_PARSERS[fmt])


@pytest.fixture(scope="module")
def site(mini_project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("published") / "site"
    publish.publish(out)
    return out


@pytest.mark.parametrize("fmt", RDF_PARSERS)
def test_published_ontology_document_is_the_ontology_source(site, mini_project, fmt):
    source = ontology_as_written(mini_project / "ontology" / "cityrdf.ttl")
    published = rdflib.Graph().parse(site / f"ontology.{fmt}", format=RDF_PARSERS[fmt])
    assert isomorphic(published, source)
    assert not dangling(published)
    assert (None, OWL.members, None) in published  # an axiom no IRI owns


@pytest.mark.parametrize("fmt", RDF_PARSERS)
def test_project_ontology_document_is_the_whole_ontology_in_every_format(project_root, fmt):
    """The project's ontology (blank-node axioms and reused-term declarations included)."""
    document = site_model.ontology_document(sorted((project_root / "ontology").glob("*.ttl")))
    source = ontology_as_written(project_root / "ontology" / "cityrdf.ttl")
    assert len(document) == len(source) > 600
    back = parsed(site_model.serialize(document, fmt), fmt)
    assert isomorphic(back, source)
    assert not dangling(back)
    assert (URIRef("http://purl.org/dc/terms/title"), None, OWL.AnnotationProperty) in back
    assert (None, None, OWL.AllDisjointClasses) in back


def test_only_the_file_that_declares_the_ontology_makes_its_document(tmp_path):
    (tmp_path / "a.ttl").write_text(
        f"<{ONTOLOGY_IRI}> a <http://www.w3.org/2002/07/owl#Ontology> .\n"
        f"<{CR}X> <{RDFS.subClassOf}> [ <{OWL.unionOf}> ( <{CR}Y> <{CR}Z> ) ] .\n"
    )
    (tmp_path / "b.ttl").write_text(f"<{CR}Q> a <http://www.w3.org/2004/02/skos/core#Concept> .\n")
    document = site_model.ontology_document([tmp_path / "a.ttl", tmp_path / "b.ttl"])
    assert len(document) == 7  # the declaration, subClassOf, unionOf and the list's four triples
    assert all(t.subject != ox.NamedNode(f"{CR}Q") for t in document)


def test_a_term_document_carries_its_union_domain(site):
    term = ox.Store()
    term.load(path=site / "ontology/term/year.ttl", format=ox.RdfFormat.TURTLE)
    (domain,) = [q.object for q in term.quads_for_pattern(CR.year, ns.RDFS.domain, None)]
    assert isinstance(domain, ox.BlankNode)
    path = f"{ns.RDFS.domain}/{ns.OWL.unionOf}/{ns.RDF.rest}*/{ns.RDF.first}"
    members = {row["m"] for row in term.query(f"SELECT ?m WHERE {{ {CR.year} {path} ?m }}")}
    assert members == {CR.HistoricalEvent, CR.Claim}
    restriction = rdflib.Graph().parse(site / "ontology/term/TwinningAgreement.nt", format="nt")
    assert not dangling(restriction)
    assert (None, OWL.onProperty, URIRef(CR.party.value)) in restriction


def test_no_published_document_has_a_dangling_blank_node(site):
    documents = [p for p in site.rglob("*.ttl") if p.parent.name != "dumps"]
    assert len(documents) > 20
    for path in documents:
        assert not dangling(rdflib.Graph().parse(path)), path


def test_the_description_follows_blank_nodes_all_the_way(tmp_path):
    """A text anchor: a blank node (the specific resource) owning another (its selector)."""
    store = ox.Store()
    store.load(
        b"""@prefix oa: <http://www.w3.org/ns/oa#> .
        <https://w3id.org/cityrdf/id/city/a> <https://w3id.org/cityrdf/ontology#textAnchor> [
          a oa:SpecificResource ; oa:hasSource <https://w3id.org/cityrdf/id/work/p> ;
          oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "\xd8\xaa\xd9\x87\xd8\xb1\xd8\xa7\xd9\x86" ] ] .
        <https://w3id.org/cityrdf/id/city/b> <https://w3id.org/cityrdf/ontology#near> [ <http://x/p> [ <http://x/q> 1 ] ] .
        """,
        format=ox.RdfFormat.TURTLE,
    )
    model = site_model.SiteModel(store, ontology_files=[])
    document = model.document("https://w3id.org/cityrdf/id/city/a")
    assert len(document) == 6
    back = parsed(site_model.serialize(document, "ttl"), "ttl")
    assert not dangling(back)
    assert all(
        "city/b" not in t.subject.value for t in document if isinstance(t.subject, ox.NamedNode)
    )


def test_a_mapping_axiom_about_a_resource_is_in_its_document():
    """The SSSOM evidence of a link (an owl:Axiom blank node annotating the city's skos:exactMatch)
    travels with the city's description; another city's axiom does not."""
    store = ox.Store()
    store.load(
        b"""@prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix sssom: <https://w3id.org/sssom/> .
        @prefix crid: <https://w3id.org/cityrdf/id/> .
        crid:city\\/a skos:exactMatch <http://www.wikidata.org/entity/Q1> .
        [] a owl:Axiom ; owl:annotatedSource crid:city\\/a ; owl:annotatedProperty skos:exactMatch ;
           owl:annotatedTarget <http://www.wikidata.org/entity/Q1> ; sssom:confidence 0.9 .
        [] a owl:Axiom ; owl:annotatedSource crid:city\\/b ; sssom:confidence 0.5 .
        """,
        format=ox.RdfFormat.TURTLE,
    )
    document = site_model.SiteModel(store, ontology_files=[]).document(
        "https://w3id.org/cityrdf/id/city/a"
    )
    assert len(document) == 6
    confidences = {t.object.value for t in document if t.predicate.value.endswith("confidence")}
    assert confidences == {"0.9"}
