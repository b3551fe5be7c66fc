"""Answers kept and served again: whole answers in front of the framework (cityrdf.web.kept), and
query answers kept by the digest of the data they were computed on (cityrdf.web.worker)."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest

from cityrdf.web.kept import KeptAnswers, encoded_head
from cityrdf.web.worker import PART, Answer, AnswerCache, Job, Limits, StreamedAnswer, WorkerPool
from tests.loopback import cityrdf_serve

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


def test_a_kept_head_is_encoded_only_when_it_frames_its_answer():
    sized = [(b"ETag", b'W/"v1"'), (b"content-length", b"9")]
    assert encoded_head({"status": 200, "headers": sized}) == (
        b'etag: W/"v1"\r\ncontent-length: 9\r\n'
    )
    assert encoded_head({"status": 304, "headers": sized[:1]}) == b'etag: W/"v1"\r\n'
    unframed = [
        sized[:1],  # a 200 without a length: uvicorn would send it chunked
        [*sized, (b"connection", b"close")],
        [sized[0], (b"transfer-encoding", b"chunked")],
    ]
    for headers in unframed:
        assert encoded_head({"status": 200, "headers": headers}) is None


def test_the_kept_head_is_found_with_the_answer_for_its_generation_only():
    generation = ["a"]
    kept = KeptAnswers(CountingApp(), generation=lambda: generation[0])
    client = Client(kept)
    client.get("/page")
    (key,) = kept.answers
    start, body, head = kept.found(key)
    assert body == b"page body" and head is None  # CountingApp sends no content-length
    assert start["status"] == 200
    generation[0] = "b"
    assert kept.found(key) is None


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


def test_an_answer_of_other_data_is_not_served_again():
    inner = CountingApp()
    data = {"digest": "one"}
    client = Client(KeptAnswers(inner, generation=lambda: data["digest"]))
    client.get("/page")
    client.get("/page")
    assert inner.calls == 1
    data["digest"] = "two"  # the workers were forked again, from a changed store
    client.get("/page")
    client.get("/page")
    assert inner.calls == 2  # asked the app once more, and kept its new answer


def test_kept_answers_stay_within_their_byte_budget():
    inner = CountingApp(body=b"x" * 100)
    client = Client(KeptAnswers(inner, max_bytes=250))
    for path in ("/a", "/b", "/c", "/a", "/b", "/c"):
        client.get(path)
    assert inner.calls == 4  # /a and /b kept (200 bytes); /c, past the budget, asked twice


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


def test_a_query_asked_again_is_the_same_answer_with_a_validator(base_url):
    params = {"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"}
    headers = {"accept": "text/csv"}
    first = httpx.get(base_url + "/sparql", params=params, headers=headers, timeout=30)
    again = httpx.get(base_url + "/sparql", params=params, headers=headers, timeout=30)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and first.content.startswith(b"s\r\n")
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-type"] == first.headers["content-type"]
    refused = {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}
    for _ in range(2):  # refused each time: only answers that passed the check are kept
        assert httpx.get(base_url + "/sparql", params=refused, timeout=30).status_code == 403


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


def test_a_pool_given_its_stores_digest_keeps_it_and_its_answers_across_replacements():
    store = labelled("kept")
    pool = WorkerPool(store, LIMITS, size=1, max_jobs=1, fixed_hash="the owner's digest")
    try:
        job = Job(LABELS, "text/csv", None)
        first = pool.run(job)
        pool.run(Job("ASK {}", "application/sparql-results+json", None))  # on a fresh fork
        assert pool.dataset_hash == "the owner's digest"  # not the store digested again
        assert pool.cached(job) == first
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


# --- large answers stream from their worker -----------------------------------------------------

BIG = Limits(timeout=10, max_results=100, max_answer_bytes=16 * 2**20, memory=256 * 2**20)


def sized(megabytes: int) -> Job:
    """One CSV value of `megabytes` MB: a string doubled from 1 KB."""
    doublings = megabytes.bit_length() - 1 + 10
    binds = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(doublings))
    text = f'SELECT ?v{doublings} WHERE {{ BIND("{"x" * 1024}" AS ?v0) {binds} }}'
    return Job(text, "text/csv", None)


def pid_of_idle(pool: WorkerPool) -> int:
    worker = pool.idle.get()
    pool.idle.put(worker)
    return worker.process.pid


def test_answers_of_one_part_and_of_several_come_whole_and_exact():
    pool = WorkerPool(labelled("x"), BIG, size=1)
    try:
        for doublings in (0, 9):  # 1 KB, in one message with its head; 512 KB, in two parts
            value = "x" * 1024 * 2**doublings
            binds = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(doublings))
            text = f'SELECT ?v{doublings} WHERE {{ BIND("{"x" * 1024}" AS ?v0) {binds} }}'
            answer = pool.run(Job(text, "text/csv", None), stream_from=2**20)
            assert isinstance(answer, Answer) and answer.status == 200
            assert answer.body == f"v{doublings}\r\n{value}\r\n".encode()
        assert PART < len(answer.body) < 2**20
    finally:
        pool.close()


def test_a_large_answer_streams_part_by_part_and_frees_its_worker_at_the_end():
    pool = WorkerPool(labelled("x"), BIG, size=1)
    try:
        whole = pool.run(sized(4))  # read whole: nothing asked to stream
        assert isinstance(whole, Answer) and len(whole.body) > 4 * 2**20
        first = pid_of_idle(pool)
        streamed = pool.run(sized(4), stream_from=2**20)
        assert isinstance(streamed, StreamedAnswer) and streamed.length == len(whole.body)
        assert pool.idle.empty()  # its worker is busy until the answer is read
        parts = []
        while part := streamed.read():
            assert len(part) <= PART
            parts.append(part)
        streamed.close()
        assert b"".join(parts) == whole.body and len(parts) > 1
        assert pid_of_idle(pool) == first  # read to the end: the worker is reused
    finally:
        pool.close()


def test_an_answer_left_unread_drops_its_worker_and_the_pool_goes_on():
    pool = WorkerPool(labelled("x"), BIG, size=1)
    pool.start()
    try:
        first = pid_of_idle(pool)
        streamed = pool.run(sized(4), stream_from=2**20)
        streamed.read()
        streamed.close()  # the client left with parts unread
        assert streamed.read() == b""
        assert pid_of_idle(pool) != first  # replaced: the rest of its answer is gone with it
        assert b"x" in pool.run(Job(LABELS, "text/csv", None)).body
    finally:
        pool.close()


def test_the_byte_cap_holds_for_streamed_answers():
    pool = WorkerPool(labelled("x"), BIG, size=1)
    try:
        over = pool.run(sized(16), stream_from=2**20)
        assert isinstance(over, Answer) and over.status == 503 and b"16 MB" in over.body
    finally:
        pool.close()


def resident_bytes(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1)) * 1024


def test_answers_nobody_reads_stay_in_their_workers_not_in_the_server(mini_project):
    """Three unread 8 MB answers: the server holds about a part of each, not 24 MB."""
    unread: list[socket.socket] = []
    with cityrdf_serve(mini_project) as server:
        try:
            for _ in range(3):  # read in full: the server's own buffers are warm
                warm = httpx.get(
                    server.url + "/sparql", params={"query": sized(2).query}, timeout=60
                )
                assert warm.status_code == 200 and len(warm.content) > 2 * 2**20
            before = resident_bytes(server.process.pid)
            request = f"GET /sparql?query={quote(sized(8).query)} HTTP/1.1\r\nHost: x\r\n"
            for _ in range(3):
                conn = socket.socket()
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                conn.connect(("127.0.0.1", server.port))
                conn.sendall((request + "Accept: text/csv\r\n\r\n").encode())
                unread.append(conn)
            for conn in unread:  # each answer has begun to arrive, and waits for its reader
                conn.settimeout(60)
                assert conn.recv(16, socket.MSG_PEEK).startswith(b"HTTP/1.1 200")
            grown = resident_bytes(server.process.pid) - before
            assert grown < 8 * 2**20, f"the server grew by {grown / 2**20:.1f} MB"
        finally:
            for conn in unread:
                conn.close()


def test_the_query_texts_count_against_the_answer_budget():
    cache = AnswerCache(max_bytes=1000)
    texts = [f"SELECT * WHERE {{ ?s ?p {i} }} # " + "x" * 400 for i in range(3)]
    for text in texts:
        cache.put(AnswerCache.key("digest", Job(text, "text/csv", None)), Answer(200, "t", b"a"))
    kept = [cache.get(AnswerCache.key("digest", Job(t, "text/csv", None))) for t in texts]
    assert kept[0] is None and kept[1] is not None and kept[2] is not None  # oldest dropped
    assert cache.bytes <= 1000


def test_the_request_values_count_against_the_kept_budget():
    inner = CountingApp(body=b"x")
    client = Client(KeptAnswers(inner, max_bytes=1000))
    for query in ("a", "b", "a", "b"):
        client.get(f"/page?{query}={'q' * 600}")
    assert inner.calls == 3  # the first long query string kept; the second, past the budget, not


def test_a_query_string_is_read_once_yet_strictly(base_url):
    """yarl's lenient decoding is used; a U+FFFD in it is checked against the bytes."""
    literal = httpx.get(
        base_url + "/sparql",
        params={"query": 'SELECT ?v WHERE { BIND("\ufffd" AS ?v) }'},
        headers={"accept": "text/csv"},
        timeout=30,
    )
    assert literal.status_code == 200 and "\ufffd" in literal.text  # sent as UTF-8: valid
    broken = httpx.get(base_url + "/sparql?query=SELECT%20%FF", timeout=30)
    assert broken.status_code == 400 and "UTF-8" in broken.text


def test_a_streamed_answer_left_unread_is_replaced_off_the_event_loop():
    """The client of a large answer leaves: its worker is replaced by a fork in a thread, and the
    event loop, which every other client shares, does not wait for it."""
    pool = WorkerPool(labelled("x"), BIG, size=1)
    pool.start()
    forking, go_on = threading.Event(), threading.Event()
    fork = pool._fork

    def held_fork():
        forking.set()
        go_on.wait(10)
        return fork()

    pool._fork = held_fork

    async def stream_and_leave() -> None:
        streamed = await pool.run_async(sized(4), stream_from=2**20)
        assert isinstance(streamed, StreamedAnswer)
        streamed.read()
        streamed.close()  # the client left with parts unread
        assert await asyncio.to_thread(forking.wait, 10)  # the replacement is being made...
        assert pool.idle.empty()  # ...elsewhere, while the loop went on without it
        go_on.set()

    try:
        first = pid_of_idle(pool)
        asyncio.run(stream_and_leave())
        replacement = pool.idle.get(timeout=30)
        pool.idle.put(replacement)
        assert replacement.process.pid != first
        assert b"x" in pool.run(Job(LABELS, "text/csv", None)).body
    finally:
        go_on.set()
        pool.close()
