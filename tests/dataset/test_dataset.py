"""The project as a dataset of named graphs (cityrdf.rdf.dataset, docs/model.md): each source in its
graph, the world layer loaded as it is, and a default graph that stays the project's."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from cityrdf import query
from cityrdf.project import current_project
from cityrdf.rdf import dataset, graph, rdflib_bridge
from cityrdf.sparql import catalogue

WORLD = ox.NamedNode("https://w3id.org/cityrdf/graph/world/wikidata-2016")
TEHRAN = "https://w3id.org/cityrdf/id/city/tehran"
ELSEWHERE = "https://w3id.org/cityrdf/id/city/wd/Q1"


def as_rdflib(triples) -> rdflib.Graph:
    data = ox.serialize(
        [ox.Triple(t.subject, t.predicate, t.object) for t in triples],
        format=ox.RdfFormat.N_TRIPLES,
    )
    return rdflib.Graph().parse(data=data, format="nt")


def in_graph(store: ox.Store, name: ox.NamedNode) -> rdflib.Graph:
    return as_rdflib(store.quads_for_pattern(None, None, None, name))


def from_files(files) -> rdflib.Graph:
    return as_rdflib(t for path in files for t in graph.parse_file(path))


@pytest.fixture
def world_file(tmp_path):
    """A world layer with one more partner of Tehran, in its own graph, as `cityrdf world import`
    writes it, in the current project (a test's copy, under tmp_path)."""
    folder = current_project().world_dir
    assert folder.is_relative_to(tmp_path), "activate a throw-away project before world_file"
    folder.mkdir()
    cr, g = "https://w3id.org/cityrdf/ontology#", f"<{WORLD.value}>"
    pact = "<https://w3id.org/cityrdf/id/agreement/tehran--wd-q1>"
    listed = "<https://w3id.org/cityrdf/id/concept/agreement-status/listed>"
    quads = [
        f"{pact} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{cr}TwinningAgreement> {g} .",
        f"{pact} <{cr}party> <{TEHRAN}> {g} .",
        f"{pact} <{cr}party> <{ELSEWHERE}> {g} .",
        f"{pact} <{cr}status> {listed} {g} .",
        f'<{ELSEWHERE}> <http://www.w3.org/2000/01/rdf-schema#label> "Elsewhere"@en {g} .',
    ]
    (folder / "wikidata-2016.nq").write_text("\n".join(quads) + "\n", encoding="utf-8")
    return folder


def test_each_source_is_in_its_graph_and_the_default_graph_is_the_project(tiny_project):
    store = dataset.load_dataset()
    sources = dataset.project_sources()
    assert isomorphic(
        in_graph(store, dataset.ONTOLOGY_GRAPH), from_files(sources[dataset.ONTOLOGY_GRAPH])
    )
    paper = in_graph(store, dataset.PAPER_GRAPH)
    assert len(from_files(sources[dataset.PAPER_GRAPH]) - paper) == 0  # the data, plus entailments
    # the union of the project graphs is what validation reads (graph.load_store), entailments too
    union = as_rdflib(
        store.query("CONSTRUCT WHERE { ?s ?p ?o }", default_graph=dataset.PROJECT_GRAPHS)
    )
    assert isomorphic(union, rdflib_bridge.to_rdflib(graph.load_store()))
    assert not list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_entailments_go_to_the_paper_graph(tiny_project):
    store = dataset.load_dataset()
    twinned = ox.NamedNode("https://w3id.org/cityrdf/ontology#twinnedWith")
    entailed = list(store.quads_for_pattern(None, twinned, None, None))
    assert entailed and {q.graph_name for q in entailed} == {dataset.PAPER_GRAPH}


@pytest.mark.parametrize("elsewhere", [WORLD, ox.DefaultGraph()])
def test_entailments_read_only_the_project_graphs_when_the_store_holds_others(elsewhere):
    cr = "https://w3id.org/cityrdf/ontology#"
    twinned, party = ox.NamedNode(cr + "twinnedWith"), ox.NamedNode(cr + "party")
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    store = ox.Store()
    for pact, graph_name in (("project", dataset.PAPER_GRAPH), ("other", elsewhere)):
        agreement = ox.NamedNode(f"urn:pact:{pact}")
        store.add(ox.Quad(agreement, kind, ox.NamedNode(cr + "TwinningAgreement"), graph_name))
        for side in ("a", "b"):
            city = ox.NamedNode(f"urn:city:{pact}-{side}")
            store.add(ox.Quad(agreement, party, city, graph_name))
    dataset.add_entailments(store)
    entailed = {
        (q.subject.value, q.graph_name) for q in store.quads_for_pattern(None, twinned, None)
    }
    assert entailed == {
        ("urn:city:project-a", dataset.PAPER_GRAPH),
        ("urn:city:project-b", dataset.PAPER_GRAPH),
    }


def test_world_quads_keep_their_graph_and_stay_out_of_the_default_graph(tiny_project, world_file):
    store = dataset.load_dataset()
    assert len(list(store.quads_for_pattern(None, None, None, WORLD))) == 5
    ask = f"ASK {{ ?pact ?p <{ELSEWHERE}> }}"
    assert not dataset.query(store, ask)
    assert dataset.query(store, f"ASK {{ GRAPH <{WORLD.value}> {{ ?pact ?p <{ELSEWHERE}> }} }}")
    from_world = f"ASK FROM <{WORLD.value}> {{ ?pact ?p <{ELSEWHERE}> }}"
    assert dataset.query(store, from_world, names_dataset=True)


def test_stored_questions_keep_the_papers_answers_with_a_world_layer(
    project_with_own_world, world_file
):
    answer = query.run("sister-cities", {"city": TEHRAN})
    # the control: over every graph, the world's pact would be one more answer
    everything = query.Engine(store=dataset.load_dataset())
    everything._default_graph = dataset.PROJECT_GRAPHS + [WORLD]
    text = query.bind_params(catalogue.find("sister-cities"), {"city": TEHRAN}, everything)
    assert len(everything.select(text).rows) == len(answer.rows) + 1
    shutil.rmtree(world_file)
    without = query.run("sister-cities", {"city": TEHRAN})
    assert answer.rows == without.rows and len(answer.rows) > 0
    assert all(ELSEWHERE not in map(str, row) for row in answer.rows)


def test_cityrdf_query_refuses_service_in_a_query_file(tmp_path, run_cityrdf_here):
    rq = tmp_path / "remote.rq"
    rq.write_text(
        '#+ summary: calls out\nSELECT * WHERE { BIND("a\\"b" AS ?x) SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }\n',
        encoding="utf-8",
    )
    result = run_cityrdf_here("query", rq)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: {rq}: SERVICE is refused: queries here never call other hosts"
    )
