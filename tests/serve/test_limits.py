"""Every query bounded in memory and output, slow clients dropped, and the headers and methods
every answer has."""

from __future__ import annotations

import logging
import socket
import time
from urllib.parse import quote, urlsplit

import httpx
import pyoxigraph as ox
import pytest

from cityrdf import serve
from cityrdf.sparql.guard import check_query


def doubling_query(start: str, doublings: int, result: str) -> str:
    """~1 KB of nested BIND(CONCAT(?v, ?v)): the value doubles at each step."""
    binds = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(doublings))
    return f'SELECT ({result} AS ?r) WHERE {{ BIND("{start}" AS ?v0) {binds} }}'


def test_a_query_past_its_memory_cap_is_stopped_and_the_server_lives(base_url):
    # 64 bytes doubled 40 times is 64 TiB; the cap (96 MB in tests/serve/conftest.py) stops it
    query = doubling_query("x" * 64, 40, "STRLEN(?v40)")
    answer = httpx.post(
        base_url + "/sparql",
        content=query,
        headers={"content-type": "application/sparql-query"},
        timeout=30,
    )
    assert answer.status_code == 503, answer.text
    assert answer.text == "query stopped: it needed more than the 96 MB a query may use\n"
    for _ in range(3):  # the server and its next workers are fine
        again = httpx.get(
            base_url + "/sparql",
            params={"query": "ASK { ?s ?p ?o }"},
            headers={"accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert again.json()["boolean"] is True


def test_an_answer_past_its_byte_cap_is_refused(base_url):
    # 8 bytes doubled 16 times: one 512 KB value, over the 256 KB cap of the test server
    query = doubling_query("12345678", 16, "?v16")
    answer = httpx.get(
        base_url + "/sparql", params={"query": query}, headers={"accept": "text/csv"}, timeout=30
    )
    assert answer.status_code == 503
    assert answer.text == "query stopped: its answer is larger than the 256 KB limit\n"
    small = doubling_query("12345678", 10, "?v10")  # 8 KB: well under the cap
    answer = httpx.get(
        base_url + "/sparql", params={"query": small}, headers={"accept": "text/csv"}, timeout=30
    )
    assert answer.status_code == 200 and len(answer.text.splitlines()[1]) == 8 * 2**10


# --- queries whose reading or planning would take minutes --------------------------------------


def objects(count: int) -> str:
    return "SELECT * WHERE { ?s ?p " + ", ".join(["1"] * count) + " }"


def predicates(count: int) -> str:
    return "SELECT * WHERE { ?s " + " ; ".join(f"<urn:p{i}> ?o{i}" for i in range(count)) + " }"


def flat(count: int) -> str:
    return "SELECT * WHERE { " + " ".join(f"?s{i} <urn:p> ?o{i} ." for i in range(count)) + " }"


def test_heavy_queries_are_refused_by_the_check_while_a_trivial_one_answers(base_url):
    """200 objects or 150 predicates of one subject (the test server takes 4 KB bodies): Oxigraph
    would plan each for seconds to minutes; the check refuses them at once, all at the same time,
    and `ASK {}` sent among them answers."""
    from concurrent.futures import ThreadPoolExecutor

    heavy = [objects(200), predicates(150)] * 10

    def post(query: str) -> httpx.Response:
        return httpx.post(
            base_url + "/sparql",
            content=query,
            headers={"content-type": "application/sparql-query"},
            timeout=60,
        )

    with ThreadPoolExecutor(len(heavy) + 1) as pool:
        in_flight = [pool.submit(post, query) for query in heavy]
        trivial = pool.submit(
            httpx.get,
            base_url + "/sparql",
            params={"query": "ASK {}"},
            headers={"accept": "application/sparql-results+json"},
            timeout=60,
        ).result()
        refused = [future.result() for future in in_flight]
    assert trivial.status_code == 200 and trivial.json()["boolean"] is True
    for answer in refused:
        assert answer.status_code == 400
        assert (
            answer.text
            == "query has more than 48 triple patterns on ?s: split it into smaller queries\n"
        )


def test_a_large_flat_query_is_not_refused_as_nested(base_url):
    answer = httpx.post(
        base_url + "/sparql",
        content=flat(95),
        headers={"content-type": "application/sparql-query", "accept": "text/csv"},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text


# --- light and costly queries ------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_slot_url(start_loopback_server):
    """A server with two query slots, one of them kept for light queries, over 30 triples."""
    store = ox.Store()
    for i in range(30):
        store.add(ox.Quad(ox.NamedNode(f"urn:x{i}"), ox.NamedNode("urn:y"), ox.Literal(str(i))))
    server, url = start_loopback_server(serve.Settings(max_queries=2, timeout=4.0), store)
    yield url
    server.should_exit = True


def many_patterns(joined: bool, tag: str) -> str:
    """A query with more triple patterns than a light one: each of 30 triples joined with every
    other 17 times (it runs until its deadline), or 17 patterns that match nothing (at once)."""
    patterns = " ".join(
        f"?a{i} ?b{i} ?c{i} ." if joined else f"<urn:none{i}> <urn:y> ?c{i} ." for i in range(17)
    )
    return f"SELECT (COUNT(*) AS ?{tag}) WHERE {{ {patterns} }}"


def test_new_texts_run_in_the_lane_their_check_gives_them(two_slot_url):
    """Texts the server has not seen are checked in their worker. A light one answers while a
    costly one holds the only costly slot; another costly one waits for that slot, so it answers
    only after the first (though it would take no time at all)."""
    from concurrent.futures import ThreadPoolExecutor

    assert not check_query(many_patterns(True, "n")).light
    assert not check_query(many_patterns(False, "n")).light

    def ask(query: str) -> tuple[httpx.Response, float]:
        answer = httpx.get(two_slot_url + "/sparql", params={"query": query}, timeout=30)
        return answer, time.monotonic()

    with ThreadPoolExecutor(3) as pool:
        slow = pool.submit(ask, many_patterns(True, "slow"))
        time.sleep(1.0)  # the slow one holds the costly slot by now
        quick = pool.submit(ask, many_patterns(False, "quick"))
        light, light_at = ask("ASK { ?s ?p ?o } # new")
        assert light.status_code == 200 and not slow.done(), light.text
        (slow_answer, slow_at), (quick_answer, quick_at) = slow.result(), quick.result()
    assert slow_answer.status_code == 408, slow_answer.text
    assert quick_answer.status_code in (200, 503), (
        quick_answer.text
    )  # 503: waited past the deadline
    assert quick_at > slow_at and light_at < slow_at


# --- slow clients -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def impatient_url(mini_project, start_loopback_server):
    server, url = start_loopback_server(serve.Settings(header_timeout=1.5, keep_alive=1.0))
    yield url
    server.should_exit = True


def connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    conn = socket.create_connection((parts.hostname, parts.port), timeout=10)
    conn.settimeout(0.5)
    return conn


def closed_by_server(conn: socket.socket) -> bool:
    try:
        return conn.recv(65536) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_a_client_that_drips_its_headers_is_dropped(impatient_url):
    conn = connect(impatient_url)
    conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    started, dropped = time.monotonic(), False
    while time.monotonic() - started < 10:
        try:
            conn.sendall(b"X-Drip: 1\r\n")  # a header line every half second, never the end
        except (BrokenPipeError, ConnectionResetError):
            dropped = True
            break
        if closed_by_server(conn):
            dropped = True
            break
    conn.close()
    assert dropped and time.monotonic() - started < 6


def test_a_client_that_drips_its_body_is_dropped(impatient_url):
    conn = connect(impatient_url)
    conn.sendall(
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 100\r\n\r\nASK"
    )
    started, dropped = time.monotonic(), False
    while time.monotonic() - started < 10:
        try:
            conn.sendall(b" ")  # a byte every half second: 100 bytes would take 50 s
        except (BrokenPipeError, ConnectionResetError):
            dropped = True
            break
        if closed_by_server(conn):
            dropped = True
            break
    conn.close()
    assert dropped and time.monotonic() - started < 6


def test_a_client_gone_before_its_query_arrived_leaves_no_traceback(impatient_url):
    """A POST whose client leaves before sending the body it announced: there is no one to
    answer, and nothing went wrong in the server, so its log has no "Exception in ASGI
    application" and the next query is answered."""
    errors: list[logging.LogRecord] = []
    collect = logging.Handler(logging.ERROR)
    collect.emit = errors.append  # type: ignore[method-assign]
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(collect)
    try:
        conn = connect(impatient_url)
        conn.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nASK"
        )
        conn.close()
        answer = httpx.get(impatient_url + "/sparql", params={"query": "ASK {} # after"})
        assert answer.status_code == 200, answer.text
        waited = time.monotonic()
        while not errors and time.monotonic() - waited < 2:  # an error would be logged by now
            time.sleep(0.1)
    finally:
        logger.removeHandler(collect)
    assert [record.getMessage() for record in errors] == []


def test_a_silent_connection_is_dropped(impatient_url):
    conn = connect(impatient_url)
    started = time.monotonic()
    while not closed_by_server(conn) and time.monotonic() - started < 10:
        pass
    conn.close()
    assert time.monotonic() - started < 6


@pytest.fixture(scope="module")
def unread_url(mini_project, start_loopback_server):
    server, url = start_loopback_server(serve.Settings(write_timeout=1.0))
    yield url
    server.should_exit = True


def test_an_answer_nobody_reads_is_dropped_with_its_connection(unread_url):
    """An 8 MB answer to a client that reads nothing: past the write timeout the server drops the
    connection and the unsent rest of the answer, rather than holding both for ever."""
    query = doubling_query("12345678", 20, "?v20")  # one 8 MB value
    request = (
        f"GET /sparql?query={quote(query)} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n"
    ).encode()
    parts = urlsplit(unread_url)
    conn = socket.socket()
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window: the rest waits
    conn.connect((parts.hostname, parts.port))
    conn.sendall(request)
    time.sleep(4)  # read nothing: past the 1 s write timeout, with the query's time to run
    conn.settimeout(10)
    received = b""
    try:
        while chunk := conn.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    conn.close()
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert len(body) < 8 * 2**20  # the connection ended before the answer did


def test_a_prompt_client_is_served_and_kept_alive_between_requests(impatient_url):
    with httpx.Client(base_url=impatient_url, timeout=10) as client:
        for _ in range(3):  # the same connection, each request well within the deadline
            assert client.get("/cities").status_code == 200
            time.sleep(0.3)


# --- what every answer carries ------------------------------------------------------------------

ROUTES = [  # (method, path, body, headers, status): one of every kind of route and error
    ("GET", "/", None, {}, 200),
    ("GET", "/cities", None, {}, 200),
    ("GET", "/questions", None, {}, 200),
    ("GET", "/shapes", None, {}, 200),
    ("GET", "/id/city/tehran", None, {"accept": "text/html"}, 200),
    ("GET", "/id/city/tehran", None, {"accept": "text/turtle"}, 200),
    ("GET", "/id/city/tehran.nt", None, {}, 200),
    ("GET", "/ontology", None, {"accept": "text/turtle"}, 200),
    ("GET", "/ontology/", None, {}, 200),
    ("GET", "/static/sparql.js", None, {}, 200),
    ("GET", "/dumps/SHA256SUMS", None, {}, 200),
    ("GET", "/void.ttl", None, {}, 200),
    ("GET", "/.well-known/void", None, {}, 200),
    ("GET", "/catalog.ttl", None, {}, 200),
    ("GET", "/CITATION.cff", None, {}, 200),
    ("GET", "/sparql", None, {"accept": "text/html"}, 200),
    ("GET", "/sparql", None, {"accept": "text/turtle"}, 200),
    ("GET", "/sparql?query=ASK%7B%7D", None, {"accept": "application/sparql-results+xml"}, 200),
    (
        "POST",
        "/sparql",
        b"query=ASK%7B%7D",
        {"content-type": "application/x-www-form-urlencoded"},
        200,
    ),
    ("GET", "/id/city/nowhere", None, {}, 404),
    ("GET", "/id/city/tehran", None, {"accept": "image/png"}, 406),
    ("GET", "/sparql?query=SERVICE", None, {}, 400),
    ("GET", "/sparql?update=CLEAR%20ALL", None, {}, 403),
    ("POST", "/sparql", b"x", {"content-type": "image/png"}, 415),
    ("POST", "/sparql", b"#" * 5000, {"content-type": "application/sparql-query"}, 413),
    ("GET", "/sparql?query=" + "x" * 3000, None, {}, 414),
    ("PUT", "/sparql", b"", {}, 405),
    ("DELETE", "/id/city/tehran", None, {}, 405),
]


@pytest.mark.parametrize("method, path, body, headers, status", ROUTES)
def test_every_answer_says_nosniff(base_url, method, path, body, headers, status):
    answer = httpx.request(method, base_url + path, content=body, headers=headers, timeout=30)
    assert answer.status_code == status, answer.text[:200]
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_cors_preflight_says_nosniff_too(base_url):
    preflight = httpx.options(
        base_url + "/sparql",
        headers={"origin": "https://example.org", "access-control-request-method": "GET"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path, headers, status",
    [(path, headers, status) for method, path, _, headers, status in ROUTES if method == "GET"],
)
def test_head_answers_wherever_get_does_with_the_same_headers(base_url, path, headers, status):
    get = httpx.get(base_url + path, headers=headers, timeout=30)
    head = httpx.head(base_url + path, headers=headers, timeout=30)
    assert head.status_code == get.status_code == status
    assert head.content == b""
    for name in ("content-type", "content-length", "vary", "allow"):
        assert head.headers.get(name) == get.headers.get(name), name


def test_405_names_head_among_the_allowed_methods(base_url):
    answer = httpx.put(base_url + "/sparql", timeout=30)
    assert answer.status_code == 405
    assert set(answer.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
    answer = httpx.delete(base_url + "/id/city/tehran", timeout=30)
    assert set(answer.headers["allow"].split(", ")) == {"GET", "HEAD"}


# --- revalidation and compression -------------------------------------------------------------


@pytest.mark.parametrize(
    "path, accept",
    [
        ("/id/city/tehran", "text/html"),
        ("/id/city/tehran", "text/turtle"),
        ("/ontology", "application/ld+json"),
        ("/cities", None),
        ("/static/sparql.js", None),
        ("/dumps/SHA256SUMS", None),
        ("/void.ttl", None),
    ],
)
def test_pages_and_documents_revalidate_with_etag_and_last_modified(base_url, path, accept):
    headers = {"accept": accept} if accept else {}
    first = httpx.get(base_url + path, headers=headers, timeout=30)
    assert first.status_code == 200
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = httpx.get(base_url + path, headers={**headers, "if-none-match": etag}, timeout=30)
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    since = httpx.get(
        base_url + path, headers={**headers, "if-modified-since": modified}, timeout=30
    )
    assert since.status_code == 304
    other = httpx.get(
        base_url + path, headers={**headers, "if-none-match": 'W/"other"'}, timeout=30
    )
    assert other.status_code == 200 and other.content == first.content
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert (
        httpx.get(base_url + path, headers={**headers, "if-modified-since": old}).status_code == 200
    )


def test_each_representation_has_its_own_etag(base_url):
    tags = {
        httpx.get(base_url + "/id/city/tehran", headers={"accept": media}).headers["etag"]
        for media in ("text/html", "text/turtle", "application/n-triples")
    }
    assert len(tags) == 3


def test_large_answers_are_gzipped_for_clients_that_accept_it(base_url):
    plain = httpx.get(base_url + "/ontology.ttl", headers={"accept-encoding": "identity"})
    zipped = httpx.get(base_url + "/ontology.ttl", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(plain.content) / 2
    assert zipped.content == plain.content  # httpx decodes it: the same document
    assert "accept-encoding" in zipped.headers["vary"].lower()
