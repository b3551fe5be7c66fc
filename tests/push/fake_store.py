"""A SPARQL 1.1 store on loopback that lies: it keeps what it is sent, answers COUNT truthfully, but
can send back other data, redirect, or answer with the wrong media type (one fault per instance).

Just enough of the Graph Store Protocol (GET/PUT/POST/DELETE ?graph=) and of SPARQL (COUNT of a
graph, MOVE) for `cityrdf push`; real HTTP with http.server, the data parsed by Oxigraph.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

from tests.misbehaving_endpoint import gzip_bomb

FAULTS = (
    "honest",
    "other-data",  # the right number of triples, one literal changed, when read back
    "other-data-after-move",  # the staging graph reads back right, the target does not
    "renamed-blank-nodes",  # honest, but blank nodes come back with other labels (must pass)
    "redirect-upload",  # PUT/POST of data answers 302 to another host
    "redirect-count",  # the COUNT query answers 307 to the same origin
    "redirect-update",  # the MOVE answers 301
    "html-readback",  # GET of a graph answers an HTML page
    "broken-readback",  # GET of a graph answers N-Triples cut in the middle
    "deep-count",  # the COUNT query answers a 100,000-deep JSON array
    "count-without-type",  # the COUNT query answers a binding without its `type`
    "drip-readback",  # GET of a graph answers one byte every 0.3 s
    "gzip-bomb-readback",  # GET of a graph answers 130 KB of gzip that inflate to 128 MiB
)


class FakeStore(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fault: str = "honest"):
        assert fault in FAULTS, fault
        super().__init__(("127.0.0.1", 0), Handler)
        self.fault = fault
        self.graphs: dict[str, set[ox.Triple]] = {}
        self.lock = threading.Lock()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sparql"

    @property
    def store_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/crud"

    def start(self) -> FakeStore:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    server: FakeStore
    protocol_version = "HTTP/1.1"

    def _graph(self) -> str:
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["graph"][0]

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def do_DELETE(self) -> None:
        with self.server.lock:
            self.server.graphs.pop(self._graph(), None)
        self._send(200, b"")

    def do_PUT(self) -> None:
        self._load(replace=True)

    def do_GET(self) -> None:
        graph, fault = self._graph(), self.server.fault
        triples = sorted(self.server.graphs.get(graph, ()), key=str)
        if fault == "html-readback":
            return self._send(200, b"<html><body>Graph</body></html>", "text/html")
        if fault == "gzip-bomb-readback":
            self.close_connection = True
            return self._send(
                200, gzip_bomb(filler=b"\n"), "application/n-triples", {"Content-Encoding": "gzip"}
            )
        if fault == "other-data" or (fault == "other-data-after-move" and "staging" not in graph):
            first = next(i for i, t in enumerate(triples) if isinstance(t.object, ox.Literal))
            t = triples[first]
            triples[first] = ox.Triple(t.subject, t.predicate, ox.Literal("forged"))
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if fault == "renamed-blank-nodes":
            body = re.sub(rb"_:(\w+)", rb"_:renamed\1", body)
        if fault == "broken-readback":
            body = body[: len(body) // 2]
        if fault == "drip-readback":
            return self._drip(body)
        self._send(200, body, "application/n-triples")

    def do_POST(self) -> None:
        if self.path.startswith("/crud"):
            return self._load(replace=False)
        form = urllib.parse.parse_qs(self._body().decode("utf-8"))
        fault = self.server.fault
        if "query" in form:
            if fault == "redirect-count":
                return self._redirect(307, "/elsewhere/sparql")
            if fault == "deep-count":
                deep = b"[" * 100_000 + b"]" * 100_000
                return self._send(200, deep, "application/sparql-results+json")
            graph = re.search(r"GRAPH <([^>]+)>", form["query"][0]).group(1)
            n = len(self.server.graphs.get(graph, ()))
            answer = f'{{"head":{{"vars":["n"]}},"results":{{"bindings":[{{"n":{{"type":"literal","value":"{n}"}}}}]}}}}'
            if fault == "count-without-type":
                answer = answer.replace('"type":"literal",', "")
            return self._send(200, answer.encode(), "application/sparql-results+json")
        if fault == "redirect-update":
            return self._redirect(301, "/sparql/")
        source, target = re.search(r"MOVE <([^>]+)> TO <([^>]+)>", form["update"][0]).groups()
        with self.server.lock:
            self.server.graphs[target] = self.server.graphs.pop(source, set())
        self._send(200, b"")

    def _load(self, replace: bool) -> None:
        if self.server.fault == "redirect-upload":
            return self._redirect(302, "http://127.0.0.2:9/crud")
        triples = set(ox.parse(self._body(), format=ox.RdfFormat.N_TRIPLES))
        with self.server.lock:
            graph = self._graph()
            self.server.graphs[graph] = triples | (
                set() if replace else self.server.graphs.get(graph, set())
            )
        self._send(201, b"")

    def _drip(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/n-triples")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.close_connection = True
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.3)
        except OSError:  # the client gave up: that is the point
            pass

    def _redirect(self, code: int, location: str) -> None:
        self.send_response(code)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(
        self, status: int, body: bytes, kind: str = "text/plain", headers: dict | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass
