"""A query text the server has not seen is checked in the worker that evaluates it
(`Job.unchecked`): the same verdict as the check in the caller, the dataset it names or the
caller's, and a costly text sent as light comes back unrun."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cityrdf.sparql.guard import QueryRefused, check_query
from cityrdf.web.evaluate import NOT_RUN, Job, Limits, evaluate

LIMITS = Limits(timeout=10, max_results=100, max_answer_bytes=2**20, memory=2**28)
ONE, TWO = ox.NamedNode("urn:graph:one"), ox.NamedNode("urn:graph:two")
COUNT = "SELECT (COUNT(*) AS ?n) {from_} WHERE {{ ?s ?p ?o }}"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    """One triple in graph one, two in graph two."""
    store = ox.Store()
    for graph, count in ((ONE, 1), (TWO, 2)):
        for i in range(count):
            store.add(
                ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(i), graph)
            )
    return store


def unchecked(query: str, **fields) -> Job:
    fields.setdefault("unnamed_options", {"default_graph": [ONE]})
    return Job(query, "text/csv", None, unchecked=True, **fields)


def counted(store: ox.Store, job: Job) -> int:
    answer = evaluate(store, job, LIMITS)
    assert answer.status == 200, answer.body
    return int(answer.body.decode().split()[1])


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "SELECT * WHERE { ?s ?p ?o } \\u0020",
        "SELECT * WHERE " + "{" * 120 + "}" * 120,
        "ASK { ?s " + " ; ".join(f"<urn:p{i}> ?o{i}" for i in range(60)) + " }",
        "SELECT ?x WHERE { ?x ?y ?z } # SERVICE <http://example.org/> in a comment is fine",
        "x" * (64 * 1024 + 1),
    ],
)
def test_the_worker_gives_the_checks_verdict(store, query):
    answer = evaluate(store, unchecked(query), LIMITS)
    try:
        check_query(query)
    except QueryRefused as refused:
        assert (answer.status, answer.body) == (refused.status, f"{refused}\n".encode())
        assert answer.light is None  # nothing to learn about a refused text
    else:
        assert answer.status == 200, answer.body
        assert answer.light is True


def test_the_callers_dataset_holds_unless_the_query_names_its_own(store):
    assert counted(store, unchecked(COUNT.format(from_=""))) == 1
    assert counted(store, unchecked(COUNT.format(from_=f"FROM <{TWO.value}>"))) == 2
    # the protocol's dataset parameters win over the query's FROM
    protocol = {"default_graph": [TWO], "named_graphs": []}
    assert (
        counted(store, unchecked(COUNT.format(from_=f"FROM <{ONE.value}>"), options=protocol)) == 2
    )


def test_a_costly_text_sent_as_light_comes_back_unrun(store):
    costly = (
        "SELECT * WHERE { " + " ".join(f"<urn:s0> <urn:p{i}> ?o{i} ." for i in range(20)) + " }"
    )
    assert not check_query(costly).light
    unrun = evaluate(store, unchecked(costly, light_only=True), LIMITS)
    assert (unrun.status, unrun.body, unrun.light) == (NOT_RUN, b"", False)
    run = evaluate(store, unchecked(costly), LIMITS)
    assert (run.status, run.light) == (200, False)
    light = evaluate(store, unchecked(COUNT.format(from_=""), light_only=True), LIMITS)
    assert (light.status, light.light) == (200, True)
