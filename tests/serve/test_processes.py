"""`cityrdf serve --processes 2`: two forked servers on one port, each answering pages and SPARQL
on its own, stopped together, and a server that dies is not left unreported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.loopback import cityrdf_serve

TEHRAN_PAGE = "/id/city/tehran"
ASK = "ASK { ?s ?p ?o }"


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text(encoding="utf-8")
        except OSError:  # ended meanwhile
            continue
        # the command name, in parentheses, may hold spaces: the fields after it are split
        if int(text.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def descendants(pid: int) -> list[int]:
    below = children(pid)
    return below + [p for child in below for p in descendants(child)]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def page_and_answer(url: str, times: int) -> None:
    """Each on a new connection, so that any server process free to accept may take it."""
    for _ in range(times):
        page = httpx.get(url + TEHRAN_PAGE, headers={"accept": "text/html"}, timeout=30)
        assert page.status_code == 200 and "<html" in page.text
        answer = httpx.get(
            url + "/sparql",
            params={"query": ASK},
            headers={"accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert answer.status_code == 200 and answer.json()["boolean"] is True


def test_each_of_two_server_processes_answers_and_sigterm_leaves_none(mini_project):
    with cityrdf_serve(mini_project, "--processes", "2") as server:
        servers = children(server.process.pid)
        assert len(servers) == 2
        below = descendants(server.process.pid)
        assert len(below) > 2  # each server with its own query workers
        page_and_answer(server.url, 10)
        # one server stopped, every request is the other's to answer: each answers on its own
        for paused in servers:
            os.kill(paused, signal.SIGSTOP)
            try:
                page_and_answer(server.url, 5)
            finally:
                os.kill(paused, signal.SIGCONT)
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=30) == 0
        left = [pid for pid in below if alive(pid)]
        assert left == [], f"left running after SIGTERM: {left}"


def test_a_server_process_that_dies_is_reported_and_the_others_stop(mini_project):
    with cityrdf_serve(mini_project, "--processes", "2") as server:
        below = descendants(server.process.pid)
        victim = children(server.process.pid)[0]
        os.kill(victim, signal.SIGKILL)
        assert server.process.wait(timeout=30) == 1
        assert [pid for pid in below if alive(pid)] == []


@pytest.mark.parametrize("count", ["0", "-1"])
def test_processes_must_be_positive(mini_project, count):
    done = subprocess.run(
        [sys.executable, "-m", "cityrdf", "serve", "--port", "0", "--processes", count],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
        env={**os.environ, "CITYRDF_HOME": str(mini_project)},
    )
    assert done.returncode == 2
    assert "--processes" in done.stderr and "Traceback" not in done.stderr
