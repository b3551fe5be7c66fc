"""The HTTP server around the app: uvicorn, with slow clients dropped (slowloris) and answers
nobody reads dropped with their connection.

The protocol is uvicorn's on httptools (llhttp, in C): parsing requests in pure Python (h11) cost
more than serving a kept page. httptools sets no bound on a request's head, so one is set here.
"""

from __future__ import annotations

import asyncio

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD = 64 * 1024  # bytes of request line and headers; the URL alone is capped lower by the app
HEAD_TOO_LARGE_TEXT = f"request headers larger than {MAX_HEAD // 1024} KB\n".encode()
HEAD_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"x-content-type-options: nosniff\r\nconnection: close\r\n"
    + f"content-length: {len(HEAD_TOO_LARGE_TEXT)}\r\n\r\n".encode()
    + HEAD_TOO_LARGE_TEXT
)


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
        self._deadline.cancel()  # the whole request is in

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
