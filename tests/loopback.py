"""Servers the tests start on loopback, on ports that no other test, nor another xdist worker of the
same run, can be given meanwhile.

Probing for a free port (bind port 0, close, hand the number to a server) races: between the close
and the server's bind, another worker's probe or any outgoing connection may get the same port. So
a server that takes a socket gets one already bound (`bound_socket`); `cityrdf serve` binds port 0
itself and says which port it got (`cityrdf_serve`); and a server that needs a number in its
configuration (Apache, nginx, Virtuoso, Oxigraph) gets one from this worker's own block of ports,
below the kernel's ephemeral range, which neither port 0 nor an outgoing connection ever picks
(`worker_port`).
"""

from __future__ import annotations

import itertools
import os
import random
import re
import select
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Ports the kernel hands to port 0 and to outgoing connections start here.
EPHEMERAL_LOW = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
FIRST_BLOCK = 20_000
BLOCK_SIZE = 400


def bound_socket() -> socket.socket:
    """A TCP socket bound to a free 127.0.0.1 port, for a server that takes a socket (uvicorn's
    `sockets=`): the port is the test's from the moment it is chosen."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def _worker_block() -> range:
    # no xdist: block 0; xdist worker gwN: block N + 1
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    index = int(worker.removeprefix("gw")) + 1 if worker.startswith("gw") else 0
    start = FIRST_BLOCK + index * BLOCK_SIZE
    if start + BLOCK_SIZE > EPHEMERAL_LOW:
        raise RuntimeError(
            f"xdist worker {worker}: its ports {start}-{start + BLOCK_SIZE - 1} reach the kernel's "
            f"ephemeral range (from {EPHEMERAL_LOW}); run with fewer workers"
        )
    return range(start, start + BLOCK_SIZE)


def _is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# Each port of the block in turn, from a random one: a second run of the suite on the machine
# (another checkout) is unlikely to want the same port at the same moment.
_BLOCK = _worker_block()
_FIRST = random.SystemRandom().randrange(len(_BLOCK))
_CANDIDATES = itertools.cycle([*_BLOCK[_FIRST:], *_BLOCK[:_FIRST]])


def worker_port() -> int:
    """A free 127.0.0.1 port for a server configured with a port number: from this worker's block,
    each in turn, so a stopped server's port (perhaps in TIME_WAIT) is the last to come again."""
    for _ in range(len(_BLOCK)):
        port = next(_CANDIDATES)
        if _is_free(port):
            return port
    raise RuntimeError(f"no free port left in {_BLOCK.start}-{_BLOCK.stop - 1}")


# What `cityrdf serve` prints once its socket is bound (cityrdf.serve.AnnouncingServer).
ANNOUNCEMENT = re.compile(r"serving (http://127\.0\.0\.1:(\d+))/ \(Ctrl\+C stops\)\n")


@dataclass(frozen=True)
class ServeProcess:
    process: subprocess.Popen
    announcement: str  # the first line it printed
    url: str  # its base URL, without the final slash

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


@contextmanager
def cityrdf_serve(project: Path, *options: str) -> Iterator[ServeProcess]:
    """`cityrdf serve --port 0` on `project` in a subprocess, once it has said where it listens;
    stopped when the block ends."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "cityrdf", "serve", "--port", "0", *options],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "CITYRDF_HOME": str(project)},
        )
        try:
            ready, _, _ = select.select([process.stdout], [], [], 120)
            line = process.stdout.readline() if ready else "(nothing within 120 s)"
            announced = ANNOUNCEMENT.fullmatch(line)
            if announced is None:
                stderr.seek(0)
                raise AssertionError(
                    f"cityrdf serve printed {line!r}, not its address: {stderr.read()[-2000:]}"
                )
            yield ServeProcess(process, line, announced.group(1))
        finally:
            process.terminate()
            process.wait(timeout=30)
