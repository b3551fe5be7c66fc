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
