"""`cityrdf serve`: the graph over HTTP — pages and RDF at the IRIs' own paths, and a read-only
SPARQL 1.1 Protocol endpoint, over the embedded Oxigraph store (cityrdf.web). Binds to 127.0.0.1
by default.
"""

from __future__ import annotations

import gc
import socket

import uvicorn

from cityrdf.errors import BadInput
from cityrdf.web import Settings, create_app
from cityrdf.web.kept import KeptAnswers
from cityrdf.web.server import config

__all__ = ["Settings", "create_app", "run", "server_config"]


def server_config(settings: Settings, store=None) -> uvicorn.Config:
    """uvicorn's configuration for the app, with the answers rendered once served in front of it
    (cityrdf.web.kept): its host, port and slow-client timeouts."""
    app = create_app(store, settings)
    return config(
        KeptAnswers(app, generation=lambda: app.state.query_pool.dataset_hash),
        settings.host,
        settings.port,
        settings.header_timeout,
        settings.keep_alive,
        settings.write_timeout,
    )


def run(
    host: str = "127.0.0.1", port: int = 8000, timeout: float = 10.0, max_results: int = 10_000
) -> None:
    """The CLI verb: serve the project graph until interrupted."""
    if timeout <= 0 or max_results <= 0:
        raise BadInput("--timeout and --max-results must be positive")
    refuse_taken_address(host, port)
    settings = Settings(host=host, port=port, timeout=timeout, max_results=max_results)
    AnnouncingServer(server_config(settings)).run()


def refuse_taken_address(host: str, port: int) -> None:
    """One clear line, exit 2, when the address cannot be bound (in use, not this machine's),
    before the store loads; uvicorn itself would log a traceback-like line and exit 3."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise BadInput(f"--host {host}: {err.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as err:
            raise BadInput(f"{host}:{port}: {err.strerror}; choose another --port") from None


class AnnouncingServer(uvicorn.Server):
    """Prints the address once the socket is bound: uvicorn's own line is among the library logs
    that only --verbose shows."""

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        # What startup built lives as long as the server: frozen, a full collection no longer walks
        # it (~80 ms with every client waiting, the pages' p99 under load).
        gc.freeze()
        if not self.should_exit:
            host = f"[{self.config.host}]" if ":" in self.config.host else self.config.host
            # the port bound, which --port 0 leaves to the system
            port = self.servers[0].sockets[0].getsockname()[1]
            print(f"serving http://{host}:{port}/ (Ctrl+C stops)", flush=True)
