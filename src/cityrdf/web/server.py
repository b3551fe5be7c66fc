"""The HTTP server around the app: uvicorn, with slow clients dropped (slowloris) and answers
nobody reads dropped with their connection.

The protocol is uvicorn's on httptools (llhttp, in C): parsing requests in pure Python (h11) cost
more than serving a kept page. httptools sets no bound on a request's head, so one is set here.

A request whose answer is kept (`cityrdf.web.kept`) is answered by the protocol itself as soon as
its head is parsed: the same bytes uvicorn would write for it, without a task, an ASGI cycle or
uvicorn's per-header checks (which the kept head passed when it was first sent).
"""

from __future__ import annotations

import asyncio
import logging

import uvicorn
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from cityrdf.web.kept import KeptAnswers

MAX_HEAD = 64 * 1024  # bytes of request line and headers; the URL alone is capped lower by the app
HEAD_TOO_LARGE_TEXT = f"request headers larger than {MAX_HEAD // 1024} KB\n".encode()
HEAD_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"x-content-type-options: nosniff\r\nconnection: close\r\n"
    + f"content-length: {len(HEAD_TOO_LARGE_TEXT)}\r\n\r\n".encode()
    + HEAD_TOO_LARGE_TEXT
)
# request headers uvicorn's proxy layer reads to change the scope (scheme and client) from a
# trusted peer, after the protocol: a request with one of them goes through that layer
FORWARDED = frozenset((b"x-forwarded-proto", b"x-forwarded-for"))


def kept_answers(app) -> KeptAnswers | None:
    """The kept answers at the front of uvicorn's app, under its proxy-headers layer if any."""
    if isinstance(app, ProxyHeadersMiddleware):
        app = app.app
    return app if isinstance(app, KeptAnswers) else None


class SlowClientGuard(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol, with a deadline for each request to arrive in full.

    uvicorn closes a connection idle between requests after `timeout_keep_alive`, but any byte
    resets that timer and a new connection has none, so a client that drips its headers would
    hold the connection for ever. Here the request line, headers and body must all arrive within
    `request_timeout` seconds of the connection (or of the previous answer), or it is closed.

    An answer the client does not read stays in the transport's buffer (a 30 MB answer, 30 MB of
    memory), and closing the transport waits for the buffer to drain: a client that reads nothing
    of it for `write_timeout` seconds has its connection aborted, which drops the buffer.
    """

    request_timeout = 10.0
    write_timeout = 10.0

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        # kept answers are written here only when the app's answer would be the same and nothing
        # else would be done for the request: no access-log line, no proxy layer to consult
        self._kept = kept_answers(self.app)
        self._proxied = isinstance(self.app, ProxyHeadersMiddleware)
        if self.access_log and self.access_logger.isEnabledFor(logging.INFO):
            self._kept = None
        self._answering = False
        self._default_head: tuple[list, bytes] = ([], b"")
        self._deadline = self.loop.call_later(self.request_timeout, self._drop_slow_client)
        self._stalled: asyncio.TimerHandle | None = None
        self._head_bytes: int | None = (
            0  # of the request whose head is arriving; None once it is in
        )

    def data_received(self, data: bytes) -> None:
        if self._head_bytes is not None:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD:
                self.transport.write(HEAD_TOO_LARGE)
                self.transport.close()
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0

    def on_headers_complete(self) -> None:
        self._head_bytes = None
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        # answered already (a kept answer), the deadline running is the next request's
        if self.cycle is None or not self.cycle.response_complete:
            self._deadline.cancel()  # the whole request is in

    def _start_asgi_task(self, cycle, app) -> None:
        if not self._answer_kept(cycle, app):
            super()._start_asgi_task(cycle, app)

    def _answer_kept(self, cycle, app) -> bool:
        """Write the kept answer to the cycle's request, as uvicorn's cycle would, if there is one.

        Not while another kept answer is being finished: its completion starts the next pipelined
        request, and answering that here too would nest one call per request in the pipeline."""
        if (
            self._kept is None
            or app is not self.app  # a 503 past the concurrency limit
            or self._answering
            or self.flow.write_paused
            or self.transport.is_closing()
        ):
            return False
        scope = cycle.scope
        if self._proxied and any(name in FORWARDED for name, _ in scope["headers"]):
            return False
        key = self._kept.key(scope)
        found = None if key is None else self._kept.found(key)
        if found is None:
            return False
        start, body, head = found
        if head is None:  # the head alone does not frame this answer: uvicorn's cycle writes it
            return False
        default_headers, default_head = self._default_head
        if default_headers is not self.server_state.default_headers:  # a new Date each second
            default_headers = self.server_state.default_headers
            default_head = b"".join(
                name.lower() + b": " + value + b"\r\n" for name, value in default_headers
            )
            self._default_head = (default_headers, default_head)
        close = b"" if cycle.keep_alive else b"connection: close\r\n"
        answer = [STATUS_LINE[start["status"]], default_head, head, close, b"\r\n"]
        if scope["method"] != "HEAD":
            answer.append(body)
        self.transport.write(b"".join(answer))
        cycle.response_started = cycle.response_complete = True
        cycle.message_event.set()
        if not cycle.keep_alive:
            self.transport.close()
        self._answering = True
        try:
            self.on_response_complete()
        finally:
            self._answering = False
        return True

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._stalled is None:
            self._watch_reader(self.transport.get_write_buffer_size())

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._stalled is not None:
            self._stalled.cancel()
            self._stalled = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._deadline.cancel()
        pipelined_in_full = self.cycle is not None and not (
            self.cycle.response_complete or self.cycle.more_body
        )
        if not self.transport.is_closing() and not pipelined_in_full:
            self._deadline = self.loop.call_later(self.request_timeout, self._drop_slow_client)

    def connection_lost(self, exc) -> None:
        self._deadline.cancel()
        if self._stalled is not None:
            self._stalled.cancel()
        super().connection_lost(exc)

    def _drop_slow_client(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()

    def _watch_reader(self, unsent: int) -> None:
        self._stalled = self.loop.call_later(self.write_timeout, self._drop_stalled_reader, unsent)

    def _drop_stalled_reader(self, unsent_before: int) -> None:
        unsent = self.transport.get_write_buffer_size()
        if unsent and unsent < unsent_before:  # slow, but reading
            self._watch_reader(unsent)
            return
        self._stalled = None
        if unsent:
            self.transport.abort()  # not close(): that would wait for the unread answer to be sent


def config(
    app,
    host: str,
    port: int,
    request_timeout: float,
    keep_alive: float,
    write_timeout: float = SlowClientGuard.write_timeout,
) -> uvicorn.Config:
    protocol = type(
        "SlowClientGuard",
        (SlowClientGuard,),
        {"request_timeout": request_timeout, "write_timeout": write_timeout},
    )
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol,
        timeout_keep_alive=max(1, round(keep_alive)),
        log_level="warning",
    )
