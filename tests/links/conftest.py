"""Local SPARQL endpoints for the link tests: a real Oxigraph engine behind the SPARQL 1.1 protocol,
and a faulty one that answers 429, 500, broken JSON or nothing at all."""

from __future__ import annotations

import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

HERE = Path(__file__).parent
FIXTURES = HERE.parent / "fixtures" / "wikidata"
PROJECT = HERE / "project"


class Endpoint(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, store: ox.Store | None, fault: str | None = None):
        super().__init__(("127.0.0.1", 0), SparqlHandler)
        self.store, self.fault, self.requests = store, fault, 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sparql"


class SparqlHandler(BaseHTTPRequestHandler):
    server: Endpoint

    def do_GET(self) -> None:
        self._answer(
            urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("query", [""])[0]
        )

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
        if self.headers.get("Content-Type", "").startswith("application/sparql-query"):
            self._answer(body)
        else:
            self._answer(urllib.parse.parse_qs(body).get("query", [""])[0])

    def _answer(self, query: str) -> None:
        self.server.requests += 1
        fault = self.server.fault
        if fault == "hang":
            time.sleep(3)
            return
        if fault in ("429", "500"):
            self.send_response(int(fault))
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        if fault == "malformed":
            return self._send(200, b'{"head": {"vars": ["item"]}, "results": {"bindings": [')
        if fault in ("html", "html500"):  # a proxy's or the service's error page
            page = b"<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>"
            return self._send(200 if fault == "html" else 500, page, "text/html; charset=utf-8")
        if fault == "oversized":  # a valid answer, longer than the client reads
            row = b'{"item": {"type": "uri", "value": "http://www.wikidata.org/entity/Q1"}},'
            body = b'{"head": {"vars": ["item"]}, "results": {"bindings": [' + row * 40_000
            return self._send(200, body[:-1] + b"]}}")
        try:
            results = self.server.store.query(query)
        except SyntaxError as err:
            return self._send(400, str(err).encode(), "text/plain")
        self._send(200, results.serialize(format=ox.QueryResultsFormat.JSON))

    def _send(
        self, status: int, body: bytes, kind: str = "application/sparql-results+json"
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep the test output quiet
        pass


def _serve(store: ox.Store | None, fault: str | None = None) -> Iterator[Endpoint]:
    server = Endpoint(store, fault)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def wikidata_endpoint() -> Iterator[Endpoint]:
    """Oxigraph loaded with tests/fixtures/wikidata/*.ttl, served on loopback."""
    store = ox.Store()
    for path in sorted(FIXTURES.glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    yield from _serve(store)


@pytest.fixture(params=["429", "500", "malformed", "hang"])
def faulty_endpoint(request) -> Iterator[Endpoint]:
    yield from _serve(None, request.param)


# What an edit or an endpoint could give: a label that is a spreadsheet formula, one with a
# right-to-left override that shows "Tehran" reversed around a link, an item that is no Wikidata
# entity. The item is INVENTED (Q9990100) and named like the small project's Tehran, so that it is
# one of Tehran's candidates.
HOSTILE_ITEM = "http://www.wikidata.org/entity/Q9990100"
HOSTILE_ANSWERS = {
    "formula": (HOSTILE_ITEM, '=HYPERLINK("http://evil.example/","Tehran")'),
    "bidi-override": (HOSTILE_ITEM, "Tehran\u202egro.elpmaxe"),
    "not-a-wikidata-item": ("http://evil.example/entity/Q9990100", "Tehran"),
}


@pytest.fixture(params=sorted(HOSTILE_ANSWERS))
def hostile_label_endpoint(request) -> Iterator[Endpoint]:
    """The fixture slice of Wikidata plus one settlement of Iran whose alias is "Tehran" and whose
    English label, or its IRI, is hostile."""
    store = ox.Store()
    for path in sorted(FIXTURES.glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    wd = "http://www.wikidata.org/entity/"
    iri, label = HOSTILE_ANSWERS[request.param]
    item = ox.NamedNode(iri)
    store.extend(
        ox.Quad(item, p, o)
        for p, o in (
            (
                ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                ox.Literal(label, language="en"),
            ),
            (
                ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
                ox.Literal("Tehran", language="en"),
            ),
            (ox.NamedNode("http://www.wikidata.org/prop/direct/P31"), ox.NamedNode(wd + "Q515")),
            (ox.NamedNode("http://www.wikidata.org/prop/direct/P17"), ox.NamedNode(wd + "Q794")),
        )
    )
    yield from _serve(store)


@pytest.fixture(params=["html", "html500", "oversized"])
def broken_answer_endpoint(request) -> Iterator[Endpoint]:
    """An endpoint answering an HTML error page (200 or 500) or an answer too long to read."""
    yield from _serve(None, request.param)


@pytest.fixture
def link_project(tmp_path) -> dict[str, Path]:
    """The small project's sources and an empty links folder in tmp_path."""
    links = tmp_path / "links"
    links.mkdir()
    return {
        "sources": sorted((PROJECT / "data").glob("*.ttl")),
        "links": links,
        "cache": tmp_path / "cache",
    }
