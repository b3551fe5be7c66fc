"""A SPARQL endpoint on loopback that misbehaves on purpose, one way per path, and a trap that counts
who connects to it (for redirects that must not be followed).

`/ok` answers a well-formed SELECT result; `/echo` answers the query it was sent (so a test can see
a redirect re-sent the POST body); every other path is one fault, listed in FAULTS. Threads with
http.server: real sockets, real HTTP, nothing mocked.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import threading
import time
import urllib.parse
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RESULTS_JSON = "application/sparql-results+json"
OK = {
    "head": {"vars": ["x"]},
    "results": {"bindings": [{"x": {"type": "uri", "value": "https://example.org/ok"}}]},
}


def _json(document) -> bytes:
    return json.dumps(document).encode()


@functools.cache
def gzip_bomb(
    inflated: int = 128 * 2**20, filler: bytes = b" ", head: bytes = b"", tail: bytes = b""
) -> bytes:
    """`head`, `inflated` bytes of `filler` (JSON whitespace by default) and `tail`, gzipped:
    about a thousandth as many bytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = filler * (2**20 // len(filler))
    parts = [packer.compress(head)]
    parts += [packer.compress(block) for _ in range(inflated // len(block))]
    return b"".join(parts) + packer.compress(tail) + packer.flush()


def _binding(cell) -> bytes:
    return _json({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": cell}]}})


# path -> (status, content type, body); bodies that need the server are functions below
MALFORMED: dict[str, tuple[int, str, bytes]] = {
    "/no-type": (200, RESULTS_JSON, _binding({"value": "https://example.org/a"})),
    "/unknown-type": (200, RESULTS_JSON, _binding({"type": "triple", "value": "x"})),
    "/value-not-string": (200, RESULTS_JSON, _binding({"type": "uri", "value": 5})),
    "/no-value": (200, RESULTS_JSON, _binding({"type": "literal"})),
    "/relative-iri": (200, RESULTS_JSON, _binding({"type": "uri", "value": "not an iri"})),
    "/control-char-iri": (
        200,
        RESULTS_JSON,
        _binding({"type": "uri", "value": "https://example.org/a\u0001b"}),
    ),
    "/bad-language": (
        200,
        RESULTS_JSON,
        _binding({"type": "literal", "value": "x", "xml:lang": "en_US!"}),
    ),
    "/bad-datatype": (
        200,
        RESULTS_JSON,
        _binding({"type": "literal", "value": "x", "datatype": "no datatype"}),
    ),
    "/cell-not-object": (200, RESULTS_JSON, _binding("https://example.org/a")),
    "/binding-not-object": (
        200,
        RESULTS_JSON,
        _json({"head": {"vars": ["x"]}, "results": {"bindings": [[1, 2]]}}),
    ),
    "/undeclared-variable": (
        200,
        RESULTS_JSON,
        _json(
            {
                "head": {"vars": ["x"]},
                "results": {"bindings": [{"y": {"type": "literal", "value": "1"}}]},
            }
        ),
    ),
    "/no-head": (200, RESULTS_JSON, _json({"results": {"bindings": []}})),
    "/vars-not-strings": (
        200,
        RESULTS_JSON,
        _json({"head": {"vars": [1]}, "results": {"bindings": []}}),
    ),
    "/no-bindings": (200, RESULTS_JSON, _json({"head": {"vars": ["x"]}, "results": {}})),
    "/top-level-array": (200, RESULTS_JSON, b"[1, 2, 3]"),
    "/deep-array": (200, RESULTS_JSON, b"[" * 100_000 + b"]" * 100_000),
    "/deep-object": (200, RESULTS_JSON, b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
    "/truncated-json": (200, RESULTS_JSON, _json(OK)[:-15]),
    "/empty-body": (200, RESULTS_JSON, b""),
    "/not-utf8": (
        200,
        RESULTS_JSON,
        _binding({"type": "literal", "value": "\u00e9"}).replace(b"\\u00e9", b"\xe9"),
    ),
    "/ask": (200, RESULTS_JSON, _json({"head": {}, "boolean": True})),
    "/html": (200, "text/html", b"<!doctype html><title>Login</title><p>Please sign in</p>"),
    "/no-content-type": (200, "", _json(OK)),
    "/xml-results": (
        200,
        "application/sparql-results+xml",
        b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>',
    ),
    "/truncated-xml": (200, "application/xml", b'<?xml version="1.0"?><sparql><results><res'),
    "/server-error": (
        500,
        "text/html",
        b"<html><body><xmp>Virtuoso 37000 Error SP030</xmp></body></html>",
    ),
    "/not-found": (404, "text/plain", b"no such endpoint\n"),
    "/error-with-escapes": (
        500,
        "text/plain",
        "down\x1b]0;owned\x07 for \u202emaintenance\x1b[2J".encode(),
    ),
    "/no-content": (204, "", b""),
}
# Faults that need more than a fixed answer; the value is what a test expects in the one line.
FAULTS = {
    "/redirect-other-host": "outside",
    "/redirect-ftp": "outside",
    "/redirect-file": "outside",
    "/redirect-https": "outside",
    "/redirect-other-port": "outside",
    "/redirect-no-location": "without a Location",
    "/redirect-loop": "more than 5 redirects",
    "/drip-body": "no complete answer within",
    "/drip-headers": "no complete answer within",
    "/silent": "no complete answer within",
    "/huge": "larger than",
    "/chunked-broken": "connection failed",
    "/reset": "connection failed",
    "/brotli": "Content-Encoding 'br'",
    "/gzip-cut-short": "gzip stream is cut short",
}
# Wikidata-shaped pages for `world import --endpoint`: a page repeated whatever the OFFSET, and
# pages that never run out.
STATEMENT_VARS = ["statement", "city", "twin", "start"]


class Trap(ThreadingHTTPServer):
    """A listener that only counts connections: a redirect followed to it shows up here."""

    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1"):
        self.connections = 0
        super().__init__((host, 0), BaseHTTPRequestHandler)

    def verify_request(self, request, client_address) -> bool:
        self.connections += 1
        return False


class MisbehavingEndpoint(ThreadingHTTPServer):
    daemon_threads = True
    drip_interval = 0.3  # seconds between the bytes of /drip-*

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.trap = Trap()  # another port on this host
        self.other_host_trap = Trap("127.0.0.2")  # another host (all of 127/8 is loopback)
        self.requests: list[tuple[str, str, str]] = []  # method, path, query received

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that gave up: expected
            super().handle_error(request, client_address)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> MisbehavingEndpoint:
        for server in (self, self.trap, self.other_host_trap):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        for server in (self, self.trap, self.other_host_trap):
            server.shutdown()
            server.server_close()


class Handler(BaseHTTPRequestHandler):
    server: MisbehavingEndpoint
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        split = urllib.parse.urlsplit(self.path)
        self._answer("GET", split.path, urllib.parse.parse_qs(split.query).get("query", [""])[0])

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode("utf-8")
        self._answer("POST", self.path, urllib.parse.parse_qs(body).get("query", [""])[0])

    def _answer(self, method: str, path: str, query: str) -> None:
        self.server.requests.append((method, path, query))
        if path == "/ok":
            return self._send(200, RESULTS_JSON, _json(OK))
        if path == "/virtuoso-bnode":  # how Virtuoso writes a blank node in results JSON
            body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"bnode","value":"nodeID://b10006"}}]}}'
            return self._send(200, RESULTS_JSON, body)
        if path == "/ten-rows":
            rows = OK["results"]["bindings"] * 10
            return self._send(200, RESULTS_JSON, _json({**OK, "results": {"bindings": rows}}))
        if path in ("/same-page", "/endless-pages"):
            return self._pages(query, fresh=path == "/endless-pages")
        if path == "/echo":  # the query it got, or 400 when it got none
            if not query:
                return self._send(400, "text/plain", b"no query")
            return self._send(200, RESULTS_JSON, _binding({"type": "literal", "value": query}))
        if path.startswith("/redirect-same/"):  # /redirect-same/307 -> /echo (a relative URL)
            code = int(path.rsplit("/", 1)[1])
            return self._redirect(code, "/ok" if code == 303 else "/echo")
        if path in MALFORMED:
            return self._send(*MALFORMED[path])
        handler: Callable[[], None] | None = getattr(
            self, "_" + path.strip("/").replace("-", "_"), None
        )
        if handler is None:
            return self._send(404, "text/plain", b"unknown fault")
        handler()

    # --- redirects ---
    def _redirect_other_host(self):
        self._redirect(302, f"http://127.0.0.2:{self.server.other_host_trap.server_address[1]}/ok")

    def _redirect_ftp(self):
        self._redirect(302, f"ftp://127.0.0.1:{self.server.trap.server_address[1]}/ok")

    def _redirect_file(self):
        self._redirect(302, "file:///etc/passwd")

    def _redirect_https(self):
        self._redirect(301, f"https://127.0.0.1:{self.server.server_address[1]}/ok")

    def _redirect_other_port(self):
        self._redirect(307, f"http://127.0.0.1:{self.server.trap.server_address[1]}/ok")

    def _redirect_no_location(self):
        self.send_response(302)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _redirect_loop(self):
        self._redirect(307, "/redirect-loop")

    def _redirect(self, code: int, location: str) -> None:
        self.send_response(code)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    # --- slow and broken answers ---
    def _drip_body(self):
        body = _json(OK)
        self.send_response(200)
        self.send_header("Content-Type", RESULTS_JSON)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self._drip(body)

    def _drip_headers(self):
        self._drip(b"HTTP/1.1 200 OK\r\nContent-Type: " + RESULTS_JSON.encode() + b"\r\n" * 40)

    def _silent(self):
        time.sleep(30)

    def _huge(self):
        self.send_response(200)
        self.send_header("Content-Type", RESULTS_JSON)
        self.end_headers()  # no length: the body runs until the connection closes
        self.close_connection = True
        try:
            for _ in range(64):
                self.wfile.write(b" " * (1 << 20))
        except OSError:
            pass

    def _chunked_broken(self):
        self.send_response(200)
        self.send_header("Content-Type", RESULTS_JSON)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.write(b'10\r\n{"head": {"vars\r\nzz\r\n')
        self.close_connection = True

    def _reset(self):
        self.send_response(200)
        self.send_header("Content-Type", RESULTS_JSON)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b'{"head":')
        self.close_connection = True

    def _slow_ok(self):  # within a 1.5 s deadline alone, not twice
        time.sleep(0.8)
        self._send(200, RESULTS_JSON, _json(OK))

    def _gzip_bomb(self):
        body = gzip_bomb()
        self._send(200, RESULTS_JSON, body, {"Content-Encoding": "gzip"})

    def _json_bomb(self):  # SPARQL results JSON of 44 million empty solutions, gzipped to 130 KB
        head = b'{"head":{"vars":["x"]},"results":{"bindings":['
        body = gzip_bomb(128 * 2**20, b"{},", head, b"{}]}}")
        self._send(200, RESULTS_JSON, body, {"Content-Encoding": "gzip"})

    def _gzip_cut_short(self):
        body = zlib.compress(_json(OK), wbits=16 + zlib.MAX_WBITS)
        self._send(200, RESULTS_JSON, body[: len(body) // 2], {"Content-Encoding": "gzip"})

    def _gzip_ok(self):
        body = zlib.compress(_json(OK), wbits=16 + zlib.MAX_WBITS)
        self._send(200, RESULTS_JSON, body, {"Content-Encoding": "gzip"})

    def _deflate_ok(self):
        self._send(200, RESULTS_JSON, zlib.compress(_json(OK)), {"Content-Encoding": "deflate"})

    def _raw_deflate_ok(self):
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        body = packer.compress(_json(OK)) + packer.flush()
        self._send(200, RESULTS_JSON, body, {"Content-Encoding": "deflate"})

    def _brotli(self):
        self._send(200, RESULTS_JSON, b"\x8b\x02\x80", {"Content-Encoding": "br"})

    def _pages(self, query: str, fresh: bool) -> None:
        """A full page (LIMIT rows) of P190 statements; new ones each time if `fresh`."""
        limit = int(re.search(r"LIMIT (\d+)", query).group(1))
        offset = int(re.search(r"OFFSET (\d+)", query).group(1)) if fresh else 0
        wd = "http://www.wikidata.org/entity/"
        rows = [
            {
                "statement": {"type": "uri", "value": f"{wd}statement/Q{n}-P190"},
                "city": {"type": "uri", "value": f"{wd}Q{2 * n + 1}"},
                "twin": {"type": "uri", "value": f"{wd}Q{2 * n + 2}"},
            }
            for n in range(offset, offset + limit)
        ]
        document = {"head": {"vars": STATEMENT_VARS}, "results": {"bindings": rows}}
        self._send(200, RESULTS_JSON, _json(document))

    def _drip(self, data: bytes) -> None:
        self.close_connection = True
        try:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(self.server.drip_interval)
        except OSError:  # the client gave up: that is the point
            pass

    def _send(self, status: int, kind: str, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 204:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # quiet tests
        pass
