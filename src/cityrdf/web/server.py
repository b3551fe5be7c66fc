"""The HTTP server around the app: uvicorn, with slow clients dropped (slowloris)."""

from __future__ import annotations

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol


class SlowClientGuard(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with a deadline for each request to arrive in full.

    uvicorn closes a connection idle between requests after `timeout_keep_alive`, but any byte
    resets that timer and a new connection has none, so a client that drips its headers would
    hold the connection for ever. Here the request line, headers and body must all arrive within
    `request_timeout` seconds of the connection (or of the previous answer), or it is closed.
    """

    request_timeout = 10.0

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._deadline = self.loop.call_later(self.request_timeout, self._drop_slow_client)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE and self.conn.their_state is not h11.SEND_BODY:
            self._deadline.cancel()  # the whole request is in

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._deadline.cancel()
        if not self.transport.is_closing():
            self._deadline = self.loop.call_later(self.request_timeout, self._drop_slow_client)

    def connection_lost(self, exc) -> None:
        self._deadline.cancel()
        super().connection_lost(exc)

    def _drop_slow_client(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()


def config(app, host: str, port: int, request_timeout: float, keep_alive: float) -> uvicorn.Config:
    protocol = type("SlowClientGuard", (SlowClientGuard,), {"request_timeout": request_timeout})
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=protocol,
        timeout_keep_alive=max(1, round(keep_alive)),
        log_level="warning",
    )
