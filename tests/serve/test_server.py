"""Kept answers written by the protocol itself (cityrdf.web.server), on raw sockets: the same bytes
as the ASGI path's, for HEAD, Connection: close, HTTP/1.0 and pipelined requests; and the requests
that must go through the app's layers."""

from __future__ import annotations

import re
import socket
import time

import pytest

from cityrdf import serve
from cityrdf.web.kept import KeptAnswers

PAGE = b"/cities"
DATE = re.compile(rb"\r\ndate: [^\r]*\r\n")


def request(path: bytes = PAGE, method: bytes = b"GET", version: bytes = b"1.1", *headers) -> bytes:
    lines = [method + b" " + path + b" HTTP/" + version, b"host: 127.0.0.1", *headers]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def connect(base_url: str) -> socket.socket:
    host, port = base_url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def read_answer(reader, head_only: bool = False) -> bytes:
    """One whole answer, as sent: status line, headers and the Content-Length bytes of body."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = reader.readline()
        assert line, f"connection closed after {head!r}"
        head += line
    found = re.search(rb"\r\ncontent-length: (\d+)\r\n", head)
    length = 0 if head_only or found is None else int(found.group(1))
    return head + reader.read(length)


def exchange(base_url: str, data: bytes, answers: int = 1, head_only: bool = False):
    """The answers to `data` sent in one write, and whether the server closed the connection."""
    with connect(base_url) as conn:
        conn.sendall(data)
        reader = conn.makefile("rb")
        said = [read_answer(reader, head_only) for _ in range(answers)]
        conn.settimeout(0.5)
        try:
            closed = reader.read(1) == b""
        except TimeoutError:
            closed = False
    return said, closed


def undated(answer: bytes) -> bytes:
    assert DATE.search(answer), answer[:200]
    return DATE.sub(b"\r\ndate: -\r\n", answer)


@pytest.fixture
def asgi_calls(monkeypatch) -> list[bytes]:
    """The paths of the requests that reach the kept answers' ASGI layer (not the protocol's)."""
    calls: list[bytes] = []
    through = KeptAnswers.__call__

    async def counted(self, scope, receive, send):
        if scope["type"] == "http":
            calls.append(scope["raw_path"])
        return await through(self, scope, receive, send)

    monkeypatch.setattr(KeptAnswers, "__call__", counted)
    return calls


@pytest.fixture
def kept_page(base_url, asgi_calls) -> bytes:
    """The app's answer to a GET of PAGE, now kept; asked through the ASGI cycle."""
    (first,), _ = exchange(base_url, request())
    assert first.startswith(b"HTTP/1.1 200 OK\r\n") and b"\r\netag: " in first
    asgi_calls.clear()
    return first


def test_a_kept_answer_from_the_protocol_is_the_bytes_of_the_asgi_path(
    base_url, kept_page, asgi_calls
):
    (fast,), closed = exchange(base_url, request())
    assert asgi_calls == [] and not closed
    # X-Forwarded-For goes through uvicorn's proxy layer, then the kept answers' ASGI path
    (through_asgi,), _ = exchange(
        base_url, request(PAGE, b"GET", b"1.1", b"x-forwarded-for: 10.0.0.1")
    )
    assert asgi_calls == [PAGE]
    assert undated(fast) == undated(through_asgi) == undated(kept_page)


def test_head_gets_the_kept_head_without_the_body(base_url, kept_page, asgi_calls):
    (fast,), _ = exchange(base_url, request(PAGE, b"HEAD"), head_only=True)
    (through_asgi,), _ = exchange(
        base_url, request(PAGE, b"HEAD", b"1.1", b"x-forwarded-for: 10.0.0.1"), head_only=True
    )
    assert asgi_calls == [PAGE]
    head = kept_page[: kept_page.index(b"\r\n\r\n") + 4]
    assert undated(fast) == undated(through_asgi) == undated(head)


def test_a_revalidated_page_gets_the_same_304(base_url, kept_page, asgi_calls):
    etag = re.search(rb"\r\netag: ([^\r]*)\r\n", kept_page).group(1)
    conditional = request(PAGE, b"GET", b"1.1", b"if-none-match: " + etag)
    (from_app,), _ = exchange(base_url, conditional)  # kept now, under its own key
    (fast,), _ = exchange(base_url, conditional)
    assert asgi_calls == [PAGE]
    assert fast.startswith(b"HTTP/1.1 304 ") and undated(fast) == undated(from_app)


@pytest.mark.parametrize(
    "version, header",
    [(b"1.1", b"connection: close"), (b"1.0", b"x-nothing: 0")],
    ids=["connection-close", "http-1.0"],
)
def test_a_request_that_ends_its_connection_gets_close_and_the_connection_ends(
    base_url, kept_page, asgi_calls, version, header
):
    (fast,), closed = exchange(base_url, request(PAGE, b"GET", version, header))
    (through_asgi,), closed_too = exchange(
        base_url, request(PAGE, b"GET", version, header, b"x-forwarded-for: 10.0.0.1")
    )
    assert asgi_calls == [PAGE]
    assert closed and closed_too
    assert b"\r\nconnection: close\r\n" in fast
    assert undated(fast) == undated(through_asgi)


def test_pipelined_requests_are_answered_in_order(base_url, kept_page, asgi_calls):
    other = b"/id/city/tehran"
    exchange(base_url, request(other))  # kept too
    asgi_calls.clear()
    # kept, kept, through the app (a cookie), kept, HEAD of a kept one: all in one write
    cookie = request(PAGE, b"GET", b"1.1", b"cookie: a=b")
    data = request() + request(other) + cookie + request() + request(other, b"HEAD")
    with connect(base_url) as conn:
        conn.sendall(data)
        reader = conn.makefile("rb")
        said = [read_answer(reader, head_only=i == 4) for i in range(5)]
    assert asgi_calls[:1] == [PAGE] and len(asgi_calls) <= 3  # the cookie's, and maybe those after
    (alone,), _ = exchange(base_url, request(other))
    assert [undated(a) for a in said[:2]] == [undated(kept_page), undated(alone)]
    assert said[2].startswith(b"HTTP/1.1 200 ") and said[2].endswith(kept_page[-200:])
    assert undated(said[3]) == undated(kept_page)
    assert undated(said[4]) == undated(alone[: alone.index(b"\r\n\r\n") + 4])


@pytest.mark.parametrize(
    "header",
    [b"origin: https://example.org", b"cookie: a=b", b"x-forwarded-proto: https"],
)
def test_requests_the_app_answers_otherwise_go_through_the_asgi_path(
    base_url, kept_page, asgi_calls, header
):
    (answer,), _ = exchange(base_url, request(PAGE, b"GET", b"1.1", header))
    assert asgi_calls == [PAGE]
    assert answer.startswith(b"HTTP/1.1 200 ")
    if header.startswith(b"origin"):
        assert b"\r\naccess-control-allow-origin: *\r\n" in answer


@pytest.fixture(scope="module")
def impatient_url(mini_project, start_loopback_server):
    server, url = start_loopback_server(serve.Settings(header_timeout=1.5, keep_alive=1.0))
    yield url
    server.should_exit = True


def test_a_client_that_drips_its_next_request_after_a_kept_answer_is_dropped(
    impatient_url, asgi_calls
):
    exchange(impatient_url, request())  # kept
    with connect(impatient_url) as conn:
        conn.sendall(request())
        reader = conn.makefile("rb")
        read_answer(reader)
        assert asgi_calls == [PAGE]  # the second was the protocol's
        conn.settimeout(0.5)
        started = time.monotonic()
        dropped = False
        for byte in request()[:-2]:  # a byte every 0.5 s: each resets the keep-alive timer
            try:
                conn.sendall(bytes([byte]))
                dropped = conn.recv(1) == b""
            except TimeoutError:
                pass
            except (ConnectionResetError, BrokenPipeError):
                dropped = True
            if dropped or time.monotonic() - started > 8:
                break
    assert dropped


def test_an_upgrade_request_then_a_kept_page_on_its_connection_are_answered(base_url, kept_page):
    """A request asking to switch protocols gets an HTTP answer (the server speaks no WebSocket
    here, or refuses this one), and the connection still serves a kept page after it."""
    upgrade = request(
        PAGE, b"GET", b"1.1", b"connection: upgrade", b"upgrade: websocket",
        b"sec-websocket-version: 13", b"sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==",
    )  # fmt: skip
    with connect(base_url) as conn:
        conn.sendall(upgrade)
        reader = conn.makefile("rb")
        first = read_answer(reader)
        assert first.startswith(b"HTTP/1.1 "), first[:100]
        if not first.startswith(b"HTTP/1.1 101"):  # not switched: the same connection goes on
            conn.sendall(request())
            assert undated(read_answer(reader)) == undated(kept_page)
