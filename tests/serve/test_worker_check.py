"""A query text the server has not seen is checked in the worker that evaluates it
(`Job.unchecked`): the same verdict as the check in the caller, the dataset it names or the
caller's, and a costly text sent as light comes back unrun."""

from __future__ import annotations

import socket
from urllib.parse import quote, urlsplit

import httpx
import pyoxigraph as ox
import pytest

from cityrdf import serve
from cityrdf.sparql.guard import SERVICE_REFUSED, QueryRefused, check_query
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


@pytest.fixture(scope="module")
def one_slot_url(mini_project, start_loopback_server):
    """A server with one query slot, a 1 s deadline, and 6 s for a client to read on."""
    settings = serve.Settings(max_queries=1, timeout=1.0, write_timeout=6.0)
    server, url = start_loopback_server(settings)
    yield url
    server.should_exit = True


def test_a_refusal_stays_a_refusal_when_no_slot_frees(one_slot_url):
    """A new text waits for a slot before its worker checks it. If none frees before the
    deadline, the server checks it itself: a text the check refuses gets its refusal, as it did
    when every text was checked before it waited, not a 503 that invites the client to retry."""
    # the only slot is held by an 8 MB answer whose client reads one part and then stops
    value = "12345678"
    doubled = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(20))
    held = f'SELECT ?v20 WHERE {{ BIND("{value}" AS ?v0) {doubled} }}'
    parts = urlsplit(one_slot_url)
    reader = socket.socket()
    reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    reader.connect((parts.hostname, parts.port))
    try:
        reader.sendall(
            f"GET /sparql?query={quote(held)} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n".encode()
        )
        reader.settimeout(10)
        assert reader.recv(12) == b"HTTP/1.1 200"  # its answer is on its way: the slot is taken
        sparql = one_slot_url + "/sparql"
        service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
        refused = httpx.get(sparql, params={"query": service}, timeout=30)
        assert (refused.status_code, refused.text) == (403, SERVICE_REFUSED + "\n")
        allowed = httpx.get(sparql, params={"query": "ASK { ?s ?p ?o } # waits"}, timeout=30)
        assert allowed.status_code == 503, allowed.text  # a text that may run waits its turn
    finally:
        reader.close()
