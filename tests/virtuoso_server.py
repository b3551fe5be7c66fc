"""A throw-away Virtuoso 7 (Debian's virtuoso-opensource) on loopback, with its database in a temp dir.

The tests that push to an external store use it through the `virtuoso` fixture in conftest.py.
Digest auth as `dba` is all the Graph Store Protocol needs: Virtuoso's `/sparql-graph-crud-auth`
and `/sparql-auth` endpoints run as the authenticated SQL user, and `dba` may write every graph,
so no isql set-up (SPARQL_UPDATE grants) is required.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx

from tests.loopback import worker_port

VIRTUOSO_BINARY = os.environ.get("CITYRDF_VIRTUOSO", "/usr/bin/virtuoso-t")
START_TIMEOUT = 120.0  # seconds; a first start creates the database, a restart replays its log

# Small limits: the test machine is shared. MaxQueryMem below ~1 GB made Virtuoso 7.2.5 stall
# loading a 200k-triple Graph Store request, so the query limits stay at Debian's defaults.
INI_TEMPLATE = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
DirsAllowed = ., {dir}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
MaxQueryMem = 2G
ThreadsPerQuery = 4
AsyncQueueMaxThreads = 10

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 400
"""


class VirtuosoServer:
    """One `virtuoso-t` process; `kill()` + `restart()` simulate a crash on the same database."""

    user = "dba"
    password = "dba"  # the password a fresh Virtuoso database is created with

    def __init__(self, directory: Path, binary: str = VIRTUOSO_BINARY):
        self.directory = Path(directory)
        self.binary = binary
        self.http_port = worker_port()
        self.sql_port = worker_port()
        self.process: subprocess.Popen | None = None
        self.startup_seconds: float | None = None
        base = f"http://127.0.0.1:{self.http_port}"
        self.sparql_url = f"{base}/sparql"  # anonymous, read-only
        self.update_url = f"{base}/sparql-auth"  # digest auth; SPARQL Update allowed
        self.crud_url = f"{base}/sparql-graph-crud-auth"  # Graph Store Protocol, digest auth

    @property
    def ini(self) -> Path:
        return self.directory / "virtuoso.ini"

    @property
    def log(self) -> Path:
        return self.directory / "virtuoso.log"

    def start(self) -> VirtuosoServer:
        if not Path(self.binary).is_file():
            raise FileNotFoundError(f"{self.binary} not found: install virtuoso-opensource")
        (self.directory / "vsp").mkdir(parents=True, exist_ok=True)
        self.ini.write_text(
            INI_TEMPLATE.format(
                dir=self.directory, sql_port=self.sql_port, http_port=self.http_port
            )
        )
        began = time.monotonic()
        self.process = subprocess.Popen(
            [self.binary, "-f", "-c", str(self.ini)],
            cwd=self.directory,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_until_answering(began)
        self.startup_seconds = time.monotonic() - began
        return self

    def _wait_until_answering(self, began: float) -> None:
        while time.monotonic() - began < START_TIMEOUT:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"virtuoso-t exited with {self.process.returncode}: {self._log_tail()}"
                )
            try:
                answer = httpx.get(self.sparql_url, params={"query": "ASK {}"}, timeout=2)
                if answer.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(
            f"Virtuoso did not answer within {START_TIMEOUT:.0f} s: {self._log_tail()}"
        )

    def _log_tail(self) -> str:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return " | ".join(lines[-5:]) or "no log"

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM killer would: no checkpoint, no clean shutdown."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def restart(self) -> VirtuosoServer:
        """Start again on the same database (Virtuoso rolls its transaction log forward)."""
        self.kill()
        return self.start()

    def stop(self) -> None:
        """SIGTERM makes Virtuoso shut down cleanly; fall back to SIGKILL if it hangs."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)
