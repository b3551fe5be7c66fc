"""Answers kept and served again: whole answers in front of the framework (cityrdf.web.kept), and
query answers kept by the digest of the data they were computed on (cityrdf.web.worker)."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass

import httpx
import pyoxigraph as ox
import pytest

from cityrdf.web.kept import KeptAnswers
from cityrdf.web.worker import Job, Limits, WorkerPool

# --- whole answers, in front of the app -------------------------------------------------------


class CountingApp:
    """An ASGI app that answers `body` (with an ETag if `tagged`, in `parts` messages) and counts
    the requests that reach it."""

    def __init__(self, tagged: bool = True, parts: int = 1, body: bytes = b"page body"):
        self.tagged, self.parts, self.body = tagged, parts, body
        self.calls = 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        headers = [(b"content-type", b"text/plain"), (b"x-accept", scope_header(scope, b"accept"))]
        if self.tagged:
            headers.append((b"etag", b'W/"v1"'))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        size = len(self.body) // self.parts + 1
        chunks = [self.body[i : i + size] for i in range(0, len(self.body), size)]
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": not last})


def scope_header(scope, name: bytes) -> bytes:
    return next((v for k, v in scope["headers"] if k == name), b"")


@dataclass
class Answered:
    status_code: int
    headers: dict[str, str]
    content: bytes


class Client:
    """Sends one request at a time to an ASGI app, as uvicorn would, and collects the answer."""

    def __init__(self, app):
        self.app = app

    def request(self, method: str, path: str, headers=None, content: bytes = b"") -> Answered:
        target, _, query = path.partition("?")
        sent = {"host": "testserver", "user-agent": "test", **(headers or {})}
        if content:
            sent["content-length"] = str(len(content))
        scope = {
            "type": "http",
            "method": method,
            "path": target,
            "raw_path": target.encode(),
            "query_string": query.encode(),
            "scheme": "http",
            "server": ("127.0.0.1", 8000),
            "headers": [(k.encode(), v.encode()) for k, v in sent.items()],
        }
        messages = []

        async def receive():
            return {"type": "http.request", "body": content, "more_body": False}

        async def send(message):
            messages.append(message)

        asyncio.run(self.app(scope, receive, send))
        start, *bodies = messages
        return Answered(
            start["status"],
            {k.decode(): v.decode() for k, v in start["headers"]},
            b"".join(m.get("body", b"") for m in bodies),
        )

    def get(self, path: str, headers=None) -> Answered:
        return self.request("GET", path, headers)

    def head(self, path: str, headers=None) -> Answered:
        return self.request("HEAD", path, headers)

    def post(self, path: str, content: bytes) -> Answered:
        return self.request("POST", path, content=content)


def test_a_tagged_answer_is_served_again_without_the_app():
    inner = CountingApp()
    client = Client(KeptAnswers(inner))
    first = client.get("/page", headers={"accept": "text/plain"})
    again = client.get("/page", headers={"accept": "text/plain"})
    assert inner.calls == 1
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again.headers == first.headers


def test_what_the_request_asks_keys_the_answer():
    inner = CountingApp()
    client = Client(KeptAnswers(inner))
    html = client.get("/page", headers={"accept": "text/html"})
    turtle = client.get("/page", headers={"accept": "text/turtle"})
    client.get("/page?format=ttl", headers={"accept": "text/html"})
    client.get("/page", headers={"accept": "text/html", "if-none-match": 'W/"v1"'})
    client.get("/page", headers={"accept": "text/html", "accept-encoding": "gzip"})
    client.get("/other", headers={"accept": "text/html"})
    assert inner.calls == 6
    assert (html.headers["x-accept"], turtle.headers["x-accept"]) == ("text/html", "text/turtle")


def test_head_gets_the_kept_headers_without_the_body():
    inner = CountingApp()
    client = Client(KeptAnswers(inner))
    got = client.get("/page")
    head = client.head("/page")
    assert inner.calls == 1
    assert head.content == b"" and head.headers["etag"] == got.headers["etag"]


@pytest.mark.parametrize(
    "inner, headers",
    [
        (CountingApp(tagged=False), {}),  # not one of the answers rendered once
        (CountingApp(parts=3), {}),  # streamed: not kept
        (CountingApp(), {"origin": "https://example.org"}),  # CORS answers vary with it
        (CountingApp(), {"cookie": "a=b"}),
    ],
)
def test_untagged_streamed_and_cross_origin_answers_always_reach_the_app(inner, headers):
    client = Client(KeptAnswers(inner))
    answers = [client.get("/page", headers=headers) for _ in range(2)]
    assert inner.calls == 2
    assert answers[1].content == inner.body


def test_posts_always_reach_the_app():
    inner = CountingApp()
    client = Client(KeptAnswers(inner))
    client.post("/page", content=b"x")
    client.post("/page", content=b"x")
    assert inner.calls == 2


def test_answers_past_the_caps_are_not_kept():
    inner = CountingApp(body=b"x" * 100)
    client = Client(KeptAnswers(inner, max_answers=1, max_body=50))
    client.get("/page")
    client.get("/page")
    assert inner.calls == 2  # over max_body
    small = CountingApp()
    client = Client(KeptAnswers(small, max_answers=1))
    for path in ("/a", "/b", "/a", "/b"):
        client.get(path)
    assert small.calls == 3  # /a kept; /b, past max_answers, reaches the app each time


# --- the real server: the kept answer is the app's answer --------------------------------------


@pytest.mark.parametrize(
    "path, headers",
    [
        ("/id/city/tehran", {"accept": "text/html"}),
        ("/id/city/tehran", {"accept": "text/turtle"}),
        ("/ontology.ttl", {"accept-encoding": "gzip"}),
        ("/cities", {}),
    ],
)
def test_a_page_asked_again_is_the_same_answer(base_url, path, headers):
    first = httpx.get(base_url + path, headers=headers, timeout=30)
    again = httpx.get(base_url + path, headers=headers, timeout=30)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    same = {k: v for k, v in first.headers.items() if k != "date"}
    assert {k: v for k, v in again.headers.items() if k != "date"} == same


def test_a_cross_origin_request_after_a_kept_answer_still_gets_cors(base_url):
    httpx.get(base_url + "/cities", timeout=30)
    cross = httpx.get(base_url + "/cities", headers={"origin": "https://example.org"}, timeout=30)
    assert cross.headers["access-control-allow-origin"] == "*"


def test_a_request_head_past_its_cap_is_refused_with_431(base_url):
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n")
        said = b""
        while chunk := conn.recv(4096):
            said += chunk
    assert said.startswith(b"HTTP/1.1 431 ")
    assert said.endswith(b"request headers larger than 64 KB\n")


# --- query answers, by the data they were computed on ------------------------------------------

LIMITS = Limits(timeout=5, max_results=100, max_answer_bytes=2**20, memory=96 * 2**20)
LABELS = "SELECT ?o WHERE { <urn:a> <urn:label> ?o }"


def labelled(label: str) -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:label"), ox.Literal(label)))
    return store


def jobs_run(pool: WorkerPool) -> int:
    workers = [pool.idle.get() for _ in range(pool.size)]
    for worker in workers:
        pool.idle.put(worker)
    return sum(worker.jobs for worker in workers)


def test_a_repeated_query_is_answered_without_a_worker():
    pool = WorkerPool(labelled("first"), LIMITS, size=1)
    try:
        job = Job(LABELS, "text/csv", None)
        first = pool.run(job)
        assert first.status == 200 and b"first" in first.body
        assert pool.run(job) == first
        assert pool.cached(job) == first
        assert jobs_run(pool) == 1
        pool.run(Job(LABELS, "application/sparql-results+json", None))  # another format
        pool.run(Job(LABELS, "text/csv", "tsv"))
        assert jobs_run(pool) == 3
    finally:
        pool.close()


def test_a_failed_query_is_evaluated_each_time():
    pool = WorkerPool(labelled("first"), LIMITS, size=1)
    try:
        unparsable = Job("SELECT ?o WHERE { <urn:a> ?p", "text/csv", None)
        assert pool.run(unparsable).status == 400
        assert pool.run(unparsable).status == 400
        assert jobs_run(pool) == 2
    finally:
        pool.close()


def test_a_changed_dataset_is_never_answered_from_the_data_before_it():
    store = labelled("before")
    pool = WorkerPool(store, LIMITS, size=1, max_jobs=1)  # a fresh fork after every job
    try:
        job = Job(LABELS, "text/csv", None)
        assert b"before" in pool.run(job).body
        before = pool.dataset_hash
        store.remove(next(iter(store)))
        store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:label"), ox.Literal("after")))
        pool.run(Job("ASK {}", "application/sparql-results+json", None))  # the fork that sees it
        assert pool.dataset_hash != before
        assert pool.cached(job) is None
        answer = pool.run(job)
        assert b"after" in answer.body and b"before" not in answer.body
    finally:
        pool.close()
