"""`cityrdf serve`: the graph over HTTP — pages and RDF at the IRIs' own paths, and a read-only
SPARQL 1.1 Protocol endpoint, over the embedded Oxigraph store (cityrdf.web). Binds to 127.0.0.1
by default; with `--processes N`, N forked servers share the port (decision 0017).
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import socket
import sys

import uvicorn

from cityrdf.errors import BadInput
from cityrdf.query import LOCAL_MAX_ROWS as MAX_RESULTS  # as many as `cityrdf query` carries
from cityrdf.web import Settings, create_app
from cityrdf.web.kept import KeptAnswers
from cityrdf.web.server import config

__all__ = ["Settings", "create_app", "run", "server_config"]

MAX_TIMEOUT = 3600.0  # a query that needs longer than an hour is for `cityrdf query`, not a server
# Each server process holds the whole store; more than this many forks is a typo, not a plan.
MAX_PROCESSES = 64


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
    host: str = "127.0.0.1",
    port: int = 8000,
    timeout: float = 10.0,
    max_results: int = 10_000,
    processes: int = 1,
) -> None:
    """The CLI verb: serve the project graph until interrupted, from `processes` server processes."""
    if not (0 < timeout <= MAX_TIMEOUT) or max_results <= 0 or processes <= 0:
        raise BadInput(
            f"--timeout (up to {MAX_TIMEOUT:g} s), --max-results and --processes must be positive"
        )
    if max_results > MAX_RESULTS:
        raise BadInput(f"--max-results {max_results}: at most {MAX_RESULTS:,}")
    if processes > MAX_PROCESSES:
        raise BadInput(f"--processes {processes}: at most {MAX_PROCESSES}")
    if not 0 <= port <= 65535:
        raise BadInput(f"--port {port}: a TCP port is 0 to 65535")
    refuse_taken_address(host, port)
    # The query workers' cap is the machine's (cores, and each worker's memory), not a process's:
    # N servers share it rather than each forking the whole of it.
    max_queries = max(1, Settings.max_queries // processes)
    settings = Settings(
        host=host, port=port, timeout=timeout, max_results=max_results, max_queries=max_queries
    )
    server = AnnouncingServer(server_config(settings))
    if processes == 1:
        server.run()
    else:
        serve_forked(server, processes)


def serve_forked(server: AnnouncingServer, processes: int) -> None:
    """`processes` copies of the server, forked once the site and the store are loaded (shared
    copy-on-write), accepting on one inherited listening socket, each with its own event loop and
    query workers. The parent announces the address once every copy has started, passes SIGINT and
    SIGTERM on, and waits. A copy that dies is reported and the others are stopped, exit 1: a
    restart here would hide a server that dies again and again; a supervisor restarts the whole."""
    listening = server.config.bind_socket()
    server.config.port = listening.getsockname()[1]  # for the announcement: --port 0 picks one
    started_r, started_w = os.pipe()
    parent = os.getpid()
    children = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:
            os.close(started_r)
            _serve_child(server, listening, started_w, parent)
        children.append(pid)
    os.close(started_w)
    listening.close()
    stopping = False

    def stop(signum=signal.SIGTERM, frame=None) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    with os.fdopen(started_r, "rb") as started:
        ready = len(started.read(processes))  # a copy that fails to start closes its end unwritten
    if ready == processes and not stopping:
        server.announce()
    failed = ready < processes and not stopping
    if failed:
        print(f"error: {processes - ready} of {processes} server processes did not start",
              file=sys.stderr, flush=True)  # fmt: skip
        stop()
    while children:
        pid, status = os.wait()
        if pid not in children:
            continue
        children.remove(pid)
        if not stopping:
            print(
                f"error: server process {pid} exited ({_described(status)}); stopping the others",
                file=sys.stderr,
                flush=True,
            )
            failed = True
            stop()
    if failed:
        raise SystemExit(1)


def _serve_child(server: AnnouncingServer, listening: socket.socket, started_w: int, parent: int):
    """In a forked copy: serve until told to stop, never returning into the parent's code."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        # killed with the parent, even by SIGKILL: no copy outlives it (PR_SET_PDEATHSIG)
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
        server.started_pipe = started_w  # the parent announces, once every copy has started
        server.run(sockets=[listening])
        status = 0 if server.started else 1
    except BaseException:  # noqa: BLE001 -- whatever happens, this copy must not return
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def _described(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"status {os.waitstatus_to_exitcode(status)}"


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

    started_pipe: int | None = None  # in a forked copy: where to say it has started

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        # What startup built lives as long as the server: frozen, a full collection no longer walks
        # it (~80 ms with every client waiting, the pages' p99 under load).
        gc.freeze()
        if self.should_exit:
            return
        if self.started_pipe is None:
            self.announce()
        else:
            os.write(self.started_pipe, b"+")

    def announce(self) -> None:
        host = f"[{self.config.host}]" if ":" in self.config.host else self.config.host
        port = self.config.port
        if getattr(self, "servers", None):  # the port bound, which --port 0 leaves to the system
            port = self.servers[0].sockets[0].getsockname()[1]
        print(f"serving http://{host}:{port}/ (Ctrl+C stops)", flush=True)
