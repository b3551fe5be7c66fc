"""Answers kept whole and served again without the framework: the outermost layer of the app.

Pages, documents, static files and dumps are rendered once (`Site.rendered`: the store does not
change while the server runs), but each request for them still went through routing, the
middleware stack and a new `Response`, which cost more than the rendering saved. This layer keeps
the whole answer (status, headers, body) of every GET whose answer carries an ETag: the ones
rendered once, and SPARQL answers read whole from their worker. The key is everything in the
request the app reads to make the answer: path, query string, scheme, Host, Accept,
Accept-Encoding and the conditional headers. The same request is then answered from memory; HEAD
gets the GET's headers without the body. The server's protocol answers a kept request itself,
before any ASGI cycle (`cityrdf.web.server`), with `found` and the head encoded here. A SPARQL
answer kept is the answer to a request that passed the query check, and the same request text
passes it again. A request that carries a body,
an Origin (CORS) or a Cookie always goes through the app, and so does any method but GET and HEAD.
Why: docs/decisions/0017-server-fast-paths.md.
"""

from __future__ import annotations

# the request headers whose values the app's answer depends on, in the order of the key
KEYED = (
    b"host",
    b"accept",
    b"accept-encoding",
    b"if-none-match",
    b"if-modified-since",
)
# a request with any of these goes through the app: CORS answers vary with them, and a body
# must pass the size limits
PASSED_ON = frozenset((b"origin", b"cookie", b"content-length", b"transfer-encoding"))
KEPT_STATUSES = (200, 304)
# headers after which an HTTP/1.1 server writes more than the head as given (a chunked body, or a
# closed connection): a head with one of them is not encoded for the protocol
FRAMING = frozenset((b"transfer-encoding", b"connection"))


def size(key: tuple, body: bytes) -> int:
    """Bytes an answer kept holds: its body, and the request's path, query string and header
    values in its key (they may be several KB)."""
    path, query, _scheme, _server, *headers = key
    return len(body) + len(path) + len(query) + sum(len(v) for values in headers for v in values)


class KeptAnswers:
    """Keeps at most `max_answers` answers of at most `max_body` bytes each, `max_bytes` in all.

    `generation()` names the data the answers are made of (the digest of the query dataset): an
    answer kept under another generation is not served, and is replaced by the app's new one."""

    def __init__(
        self,
        app,
        generation=lambda: "",
        max_answers: int = 4096,
        max_body: int = 2**20,
        max_bytes: int = 128 * 2**20,
    ):
        self.app, self.generation = app, generation
        self.max_answers, self.max_body, self.max_bytes = max_answers, max_body, max_bytes
        # key -> (generation, http.response.start message, body, encoded head or None)
        self.answers: dict[tuple, tuple[str, dict, bytes, bytes | None]] = {}
        self.bytes = 0

    async def __call__(self, scope, receive, send):
        key = self.key(scope) if scope["type"] == "http" else None
        if key is None:
            return await self.app(scope, receive, send)
        found = self.found(key)
        if found is not None:
            start, body, _ = found
            await send(start)
            head = scope["method"] == "HEAD"
            await send({"type": "http.response.body", "body": b"" if head else body})
            return None
        if scope["method"] == "HEAD":  # its body is dropped: nothing to keep
            return await self.app(scope, receive, send)
        return await self.app(scope, receive, self.keeping(key, send))

    def key(self, scope) -> tuple | None:
        if scope["method"] not in ("GET", "HEAD"):
            return None
        values: dict[bytes, list[bytes]] = {}
        for name, value in scope["headers"]:
            if name in PASSED_ON:
                return None
            values.setdefault(name, []).append(value)
        return (
            scope.get("raw_path") or scope["path"].encode(),
            scope["query_string"],
            scope["scheme"],
            tuple(scope.get("server") or ()),
            *(tuple(values.get(name, ())) for name in KEYED),
        )

    def found(self, key: tuple) -> tuple[dict, bytes, bytes | None] | None:
        """The answer kept for `key` under the current generation: its start message, its body
        and its encoded head (`encoded_head`)."""
        found = self.answers.get(key)
        if found is None or found[0] != self.generation():
            return None
        return found[1:]

    def keeping(self, key: tuple, send):
        """`send`, remembering the answer if it is one to keep: sent whole in one message."""
        start: dict | None = None
        parts = 0

        async def sending(message):
            nonlocal start, parts
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                parts += 1
                if parts == 1 and self.keepable(start, message):
                    self.keep(key, start, message.get("body", b""))
            await send(message)

        return sending

    def keep(self, key: tuple, start: dict, body: bytes) -> None:
        replaced = self.answers.pop(key, None)  # kept under an earlier generation
        if replaced is not None:
            self.bytes -= size(key, replaced[2])
        if len(self.answers) < self.max_answers and self.bytes + size(key, body) <= self.max_bytes:
            self.answers[key] = (self.generation(), start, body, encoded_head(start))
            self.bytes += size(key, body)

    def keepable(self, start: dict | None, body: dict) -> bool:
        return (
            start is not None
            and not body.get("more_body", False)
            and start["status"] in KEPT_STATUSES
            and any(name == b"etag" for name, _ in start.get("headers", ()))
            and len(body.get("body", b"")) <= self.max_body
        )


def encoded_head(start: dict) -> bytes | None:
    """The answer's headers as HTTP/1.1 writes them after the status line (lower-case names, one
    `name: value` line each), or None when the head alone does not frame the answer: no
    Content-Length on a status with a body, or a header in FRAMING."""
    headers = start.get("headers", ())
    names = {name.lower() for name, _ in headers}
    if names & FRAMING or (b"content-length" not in names and start["status"] not in (204, 304)):
        return None
    return b"".join(name.lower() + b": " + value + b"\r\n" for name, value in headers)
