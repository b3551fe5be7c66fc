"""What follow-your-nose clients get from a resource's RDF document: the triples that point at it
(bounded per predicate, the rest in its incoming-links document), the sources' datatypes, Turtle
that needs no escapes (read by a second parser, Raptor's rapper), compact JSON-LD with a context,
and an ontology the OWL API reads whole (reused terms declared, no triple left unparsed)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib  # graphs compared with rdflib.compare.isomorphic, and counted as rdflib reads them
from rdflib.compare import isomorphic

from cityrdf import publish, serve
from cityrdf.rdf import documents as rdf_documents
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import BASE, CR, CRID, OA, ORG, OWL, RDF, RDFS, XSD
from cityrdf.views.resource import SiteModel, serialize

TEHRAN = CRID["city/tehran"]
IRAN = CRID["country/iran"]
RAPPER_SYNTAX = {"ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml"}
HUB_CITIES = rdf_documents.INCOMING_LIMIT + 5


def read(path: Path) -> set[ox.Triple]:
    """The triples of an RDF file, as written (a store would make integer subtypes xsd:integer)."""
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=path)}


def matching(triples: set[ox.Triple], subject=None, predicate=None, obj=None) -> list[ox.Triple]:
    return [
        t
        for t in triples
        if subject in (None, t.subject)
        and predicate in (None, t.predicate)
        and obj in (None, t.object)
    ]


@pytest.fixture(scope="module")
def site(mini_project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("documents") / "site"
    publish.publish(out)
    return out


@pytest.fixture(scope="module")
def hub_store(mini_project) -> ox.Store:
    """The mini project with more cities in Iran than a document carries backlinks (and more
    instances of cr:City, a term's backlinks)."""
    store = graph.load_store()
    for n in range(HUB_CITIES):
        city = ox.NamedNode(f"{CRID}city/town-{n:03d}")
        store.add(ox.Quad(city, RDF.type, CR.City))
        store.add(ox.Quad(city, CR.country, IRAN))
        store.add(ox.Quad(city, RDFS.label, ox.Literal(f"Town {n}", language="en")))
    return store


@pytest.fixture(scope="module")
def hub_site(hub_store, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hub") / "site"
    publish.publish(out, store=hub_store)
    return out


def test_a_city_document_carries_the_pacts_and_memberships_that_name_it(site, mini_project):
    document = read(site / "id/city/tehran.ttl")
    store = graph.load_store()
    pointing = {
        (q.subject, q.predicate)
        for q in store.quads_for_pattern(None, None, TEHRAN)
        if isinstance(q.subject, ox.NamedNode)
    }
    assert {p for _, p in pointing} >= {CR.party, ORG.member}
    assert {(t.subject, t.predicate) for t in matching(document, obj=TEHRAN)} == pointing
    for subject, _ in pointing:  # and what each of them is called
        labels = {q.object.value for q in store.quads_for_pattern(subject, RDFS.label, None)}
        shown = {t.object.value for t in matching(document, subject, RDFS.label)}
        assert shown == labels, subject
    assert any(matching(document, subject, RDFS.label) for subject, _ in pointing)


def test_a_hub_document_carries_a_bounded_number_of_backlinks_and_names_the_rest(
    hub_site, hub_store
):
    document = read(hub_site / "id/country/iran.ttl")
    backlinks = {t.subject for t in matching(document, None, CR.country, IRAN)}
    assert len(backlinks) == rdf_documents.INCOMING_LIMIT
    rest = [t.object for t in matching(document, IRAN, RDFS.seeAlso)]
    assert rest == [ox.NamedNode(BASE + "incoming/id/country/iran.ttl")]
    incoming = read(hub_site / "incoming/id/country/iran.ttl")
    everyone = {q.subject for q in hub_store.quads_for_pattern(None, CR.country, IRAN)}
    assert len(everyone) > HUB_CITIES
    assert {t.subject for t in matching(incoming, None, CR.country, IRAN)} == everyone >= backlinks
    assert all(matching(incoming, city, RDFS.label) for city in everyone)
    # a document that holds all of its backlinks names no other
    tehran = read(hub_site / "id/city/tehran.ttl")
    assert not matching(tehran, TEHRAN, RDFS.seeAlso)
    assert not (hub_site / "incoming/id/city/tehran.ttl").exists()


def test_a_hub_term_names_the_incoming_links_document_the_site_holds(hub_site, hub_store):
    """A term's IRI is a hash IRI (`…/ontology#City`) and its documents live under
    ontology/term/: the rest of its backlinks are at incoming/ontology/term/City.ttl."""
    document = read(hub_site / "ontology/term/City.ttl")
    rest = [t.object for t in matching(document, CR.City, RDFS.seeAlso)]
    assert rest == [ox.NamedNode(BASE + "incoming/ontology/term/City.ttl")]
    incoming = read(hub_site / "incoming/ontology/term/City.ttl")
    everyone = {q.subject for q in hub_store.quads_for_pattern(None, RDF.type, CR.City)}
    assert {t.subject for t in matching(incoming, None, RDF.type, CR.City)} == everyone


def test_serve_gives_the_same_incoming_links_document(hub_site, hub_store, start_loopback_server):
    import httpx

    server, url = start_loopback_server(serve.Settings(), hub_store)
    try:
        got = httpx.get(url + "/incoming/id/country/iran.ttl", timeout=30)
        assert got.status_code == 200 and got.headers["content-type"].startswith("text/turtle")
        published = rdflib.Graph().parse(hub_site / "incoming/id/country/iran.ttl")
        assert isomorphic(rdflib.Graph().parse(data=got.text, format="turtle"), published)
        term = httpx.get(url + "/incoming/ontology/term/City.ttl", timeout=30)
        published = rdflib.Graph().parse(hub_site / "incoming/ontology/term/City.ttl")
        assert isomorphic(rdflib.Graph().parse(data=term.text, format="turtle"), published)
        assert httpx.get(url + "/incoming/id/city/tehran.ttl", timeout=30).status_code == 404
        assert httpx.get(url + "/incoming/id/city/atlantis.ttl", timeout=30).status_code == 404
    finally:
        server.should_exit = True


def test_integer_subtypes_keep_the_datatype_the_sources_give(tmp_path):
    """The same predicate and value as xsd:integer on one subject, xsd:positiveInteger on another,
    and a cardinality on a blank node: each comes back as written after the store's round trip."""
    source = tmp_path / "positions.ttl"
    source.write_text(
        """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix cr: <https://w3id.org/cityrdf/ontology#> .
        <https://w3id.org/cityrdf/id/list/a> cr:position "1"^^xsd:integer .
        <https://w3id.org/cityrdf/id/list/b> cr:position "1"^^xsd:positiveInteger .
        cr:X owl:equivalentClass [ owl:onProperty cr:party ; owl:qualifiedCardinality "2"^^xsd:nonNegativeInteger ] .
        """
    )
    store = graph.load_store([source], entail=False)
    flattened = {q.object.datatype.value for q in store if isinstance(q.object, ox.Literal)}
    assert flattened == {XSD.integer.value}  # what the restoring is for
    restored = rdf_documents.SourceDatatypes([source]).restore(q.triple for q in store)
    got = {
        (t.subject.value if isinstance(t.subject, ox.NamedNode) else "_", t.object.datatype.value)
        for t in restored
        if isinstance(t.object, ox.Literal)
    }
    assert got == {
        (f"{CRID}list/a", XSD.integer.value),
        (f"{CRID}list/b", XSD.positiveInteger.value),
        ("_", XSD.nonNegativeInteger.value),
    }


def test_published_documents_keep_the_cardinality_datatype(site):
    two = ox.Literal("2", datatype=XSD.nonNegativeInteger)
    for path in ("ontology.ttl", "ontology/term/TwinningAgreement.ttl", "dumps/cityrdf.ttl"):
        assert matching(read(site / path), None, OWL.qualifiedCardinality, two), path


def test_turtle_needs_no_escapes_and_rapper_reads_every_document(site):
    assert shutil.which("rapper"), "rapper is missing: run .ci/install-system-deps (raptor2-utils)"
    documents = [
        p for p in site.rglob("*") if p.suffix[1:] in RAPPER_SYNTAX and p.parent.name != "dumps"
    ]
    assert len(documents) > 60
    for path in documents:
        if path.suffix == ".ttl":
            assert "\\/" not in path.read_text(encoding="utf-8"), path
        result = subprocess.run(
            ["rapper", "-c", "-i", RAPPER_SYNTAX[path.suffix[1:]], str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0 and "rapper: warning" not in result.stderr.lower(), (
            path,
            result.stderr[-500:],
        )
        counted = re.search(r"returned (\d+) triples", result.stderr + result.stdout)
        parser = {"ttl": "turtle", "nt": "nt", "rdf": "xml"}[path.suffix[1:]]
        assert counted and int(counted.group(1)) == len(rdflib.Graph().parse(path, format=parser))
    tehran = (site / "id/city/tehran.ttl").read_text(encoding="utf-8")
    assert re.search(
        r"^@prefix city: <https://w3id\.org/cityrdf/id/city/> \.$", tehran, re.MULTILINE
    )
    assert "city:tehran" in tehran


def test_json_ld_is_compact_with_a_context_and_the_same_graph(site):
    data = json.loads((site / "id/city/tehran.jsonld").read_text(encoding="utf-8"))
    context = data["@context"]
    assert context["cr"] == str(CR) and context["city"] == f"{CRID}city/"
    text = json.dumps(data, ensure_ascii=False)
    assert '"cr:party"' in text and '"city:tehran"' in text
    assert "https://w3id.org/cityrdf/id/city/tehran" not in text.replace(context["city"], "")
    assert "تهران" in text  # Persian as itself, not \\u escapes
    turtle = rdflib.Graph().parse(site / "id/city/tehran.ttl")
    assert isomorphic(
        rdflib.Graph().parse(site / "id/city/tehran.jsonld", format="json-ld"), turtle
    )


def owl_api(*files: Path) -> list[tuple[str, str, str]]:
    """(file, "declared" or "unparsed", IRI) as the OWL API reads each file."""
    java = shutil.which("java")
    assert java, "java is missing: run .ci/install-system-deps"
    checker = Path(__file__).with_name("OwlDocumentCheck.java")
    result = subprocess.run(
        [java, "-cp", "/usr/share/java/*", str(checker), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return [tuple(line.split("\t")[:3]) for line in result.stdout.splitlines() if "\t" in line]


def test_the_owl_api_reads_the_published_project_whole(project_root, tmp_path, use_project):
    """The real project: the published ontology declares every Web Annotation term the ontology
    files declare, and no triple of the whole graph is left unparsed (dcterms:source was an
    object property with literal values in 232 mapping axioms)."""
    use_project(project_root)
    store = graph.load_store()
    ontology = tmp_path / "ontology.ttl"
    whole = tmp_path / "cityrdf.ttl"
    ontology.write_bytes(serialize(SiteModel(store).ontology_document, "ttl"))
    whole.write_bytes(publish.dump_blobs(store)["cityrdf.ttl"])
    found = owl_api(ontology, whole)
    declared_oa = {iri for f, kind, iri in found if f == str(ontology) and kind == "declared"}
    sources = {t for path in graph.ontology_files() for t in read(path)}
    oa_terms = {
        t.subject.value
        for t in matching(sources, None, RDF.type)
        if isinstance(t.subject, ox.NamedNode)
        and t.subject.value.startswith(str(OA))
        and t.object in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    }
    assert len(oa_terms) >= 7
    assert oa_terms <= declared_oa
    unparsed = [iri for f, kind, iri in found if kind == "unparsed"]
    assert not unparsed, sorted(set(unparsed))[:5]
