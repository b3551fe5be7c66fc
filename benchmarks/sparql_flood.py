"""`cityrdf serve` under a flood of heavy SPARQL queries: does a trivial query and a page still answer?

    python benchmarks/sparql_flood.py [--clients 45] [--seconds 20] [--flood heavy|near-cap]
                                      [--python PYTHON --project DIR]

It starts `cityrdf serve` on a free loopback port (`--python`/`--project` run another checkout's
server, to compare before and after a change), measures `ASK {}` and the /cities page alone, then
again while `--clients` threads each send one heavy query after another:

- `heavy`: 3,000 objects of one subject (7.8 KB) and 1,500 predicates of one subject, the queries
  that once held the server's query check for minutes;
- `near-cap`: 48 patterns on one subject, or 95 on distinct ones, near the most the check lets
  through: what a flood of allowed queries costs the others.

It prints, for each probe, the answers' statuses and the p50 / max latency in ms, and what the
flood's queries were answered (status: count). Nothing is asserted: the numbers are for reading.

`--unread` measures slow readers instead: `--clients` connections each ask for a 28 MB answer and
read none of it; the server's resident memory and how many connections it still holds open are
printed every 10 s for `--seconds`.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]
SPARQL_JSON = "application/sparql-results+json"
PROBE_TIMEOUT = 10.0  # seconds


def objects(count: int) -> str:
    return "SELECT * WHERE { ?s ?p " + ",".join(["1"] * count) + " }"


def predicates(count: int) -> str:
    return "SELECT * WHERE { ?s " + " ; ".join(f"<urn:p{i}> ?o{i}" for i in range(count)) + " }"


def flat(count: int) -> str:
    return "SELECT * WHERE { " + " ".join(f"?s{i} <urn:p> ?o{i} ." for i in range(count)) + " }"


FLOODS = {
    "heavy": [objects(3000), predicates(1500)],
    "near-cap": [predicates(48), objects(48), flat(95)],
}


def start_server(python: str, project: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tempfile.TemporaryFile()  # noqa: SIM115 -- read only if the server does not start
    server = subprocess.Popen(
        [python, "-m", "cityrdf.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=project,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/cities", timeout=5).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    log.seek(0)
    sys.exit("the server did not start:\n" + log.read().decode(errors="replace")[-2000:])


def probe_once(client: httpx.Client, kind: str) -> tuple[int | str, float]:
    started = time.perf_counter()
    try:
        if kind == "ASK {}":
            status = client.get(
                "/sparql", params={"query": "ASK {}"}, headers={"accept": SPARQL_JSON}
            ).status_code
        else:
            status = client.get("/cities", headers={"accept": "text/html"}).status_code
    except httpx.HTTPError as err:
        status = type(err).__name__
    return status, (time.perf_counter() - started) * 1000


def probe(url: str, seconds: float, pause: float) -> dict[str, tuple[Counter, list[float]]]:
    """Each probe in turn for `seconds`; one that takes over PROBE_TIMEOUT counts as ReadTimeout."""
    results = {kind: (Counter(), []) for kind in ("ASK {}", "page /cities")}
    end = time.monotonic() + seconds
    with httpx.Client(base_url=url, timeout=PROBE_TIMEOUT) as client:
        while time.monotonic() < end:
            for kind, (statuses, times) in results.items():
                status, ms = probe_once(client, kind)
                statuses[status] += 1
                times.append(ms)
            time.sleep(pause)
    return results


def flood(url: str, queries: list[str], clients: int, stop: threading.Event, seen: Counter):
    def client_loop(index: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            while not stop.is_set():
                query = queries[index % len(queries)]
                try:
                    seen[
                        client.post(
                            "/sparql",
                            content=query,
                            headers={"content-type": "application/sparql-query"},
                        ).status_code
                    ] += 1
                except httpx.HTTPError as err:
                    seen[type(err).__name__] += 1

    threads = [threading.Thread(target=client_loop, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    return threads


def resident_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def open_connections(port: int) -> int:
    """The server's established connections on `port` (`ss`, from iproute2)."""
    listing = subprocess.run(
        ["ss", "-Htn", "state", "established", "sport", "=", f":{port}"],
        capture_output=True,
        text=True,
        check=False,
    )
    return len(listing.stdout.splitlines())


def answer_started(conn: socket.socket, deadline: float) -> None:
    """Wait until the first bytes of the answer are in, without reading them (a peek)."""
    while time.monotonic() < deadline:
        try:
            if conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT):
                return
        except BlockingIOError:
            time.sleep(0.05)
        else:
            return  # closed


def unread_answers(url: str, server_pid: int, clients: int, seconds: float) -> None:
    binds = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(22))
    query = f'SELECT ?v22 WHERE {{ BIND("1234567" AS ?v0) {binds} }}'  # one 28 MB value
    request = (
        f"GET /sparql?query={quote(query)} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n"
    ).encode()
    host, port = url.removeprefix("http://").split(":")
    connections = []
    for _ in range(clients):
        conn = socket.socket()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        conn.connect((host, int(port)))
        conn.sendall(request)
        connections.append(conn)
        answer_started(conn, deadline=time.monotonic() + 20)  # one at a time: no 503 "busy"
    print(f"\n{clients} clients, one after another, asked for a 28 MB answer and read nothing")
    print(f"{'s':>4} {'server MB':>10} {'open':>5}")
    started = time.monotonic()
    while True:
        elapsed = time.monotonic() - started
        still_open = open_connections(int(port))
        print(f"{elapsed:>4.0f} {resident_mb(server_pid):>10.0f} {still_open:>5}")
        if elapsed >= seconds:
            break
        time.sleep(10)
    for conn in connections:
        conn.close()


def report(title: str, results: dict[str, tuple[Counter, list[float]]]) -> None:
    print(f"\n{title}")
    print(f"{'probe':<14} {'answers':<24} {'p50 ms':>8} {'max ms':>8}")
    for kind, (statuses, times) in results.items():
        answers = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items(), key=str))
        print(f"{kind:<14} {answers:<24} {statistics.median(times):>8.0f} {max(times):>8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=45)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--flood", choices=sorted(FLOODS), default="heavy")
    parser.add_argument("--unread", action="store_true", help="slow readers instead of a flood")
    parser.add_argument("--python", default=sys.executable, help="the server's interpreter")
    parser.add_argument("--project", type=Path, default=ROOT, help="the server's checkout")
    args = parser.parse_args()
    server, url = start_server(args.python, args.project)
    try:
        if args.unread:
            report("alone", probe(url, seconds=2, pause=0.05))
            unread_answers(url, server.pid, args.clients, args.seconds)
            return
        report("alone", probe(url, seconds=2, pause=0.05))
        stop, seen = threading.Event(), Counter()
        threads = flood(url, FLOODS[args.flood], args.clients, stop, seen)
        time.sleep(1.0)  # the flood is under way
        rounds = max(1, int(args.seconds / 0.5))
        report(f"during a flood of {args.clients} clients ({args.flood})", probe(url, rounds, 0.4))
        stop.set()
        for thread in threads:
            thread.join(0.1)
        print("\nthe flood's answers:", dict(sorted(seen.items(), key=str)))
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
