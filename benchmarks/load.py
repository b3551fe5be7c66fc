"""Load test for `cityrdf serve`: concurrent clients fetch pages and ask the stored questions.

    python benchmarks/load.py --clients 50 --seconds 60 [--url URL] [--out FILE.json]

Without --url it starts `cityrdf serve` itself on a free 127.0.0.1 port (a separate process, so the
clients do not share the server's interpreter). Every answer is checked against the status and
media type it must have; the table and benchmarks/results/load-<time>.json give requests, rate,
p50/p99 latency, errors and 5xx. Exit status 1 if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from cityrdf.rdf.namespaces import CR, CRID
from cityrdf.sparql import catalogue

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "benchmarks" / "results"
BASE_IRI = str(CRID).removesuffix("id/")
SPARQL_JSON = "application/sparql-results+json"
REQUEST_TIMEOUT = 30.0  # seconds; a request slower than this counts as an error


@dataclass(frozen=True)
class Probe:
    """One request the clients send, with the status and media type its answer must have."""

    kind: str  # the row of the report it counts in
    method: str
    path: str
    accept: str
    media: str
    status: int = 200
    params: dict = field(default_factory=dict, hash=False)
    form: dict | None = field(default=None, hash=False)
    sparql_body: str | None = None

    def request(self, client: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        headers = {"accept": self.accept}
        if self.sparql_body is not None:
            headers["content-type"] = "application/sparql-query"
            return client.build_request(
                self.method, self.path, headers=headers, content=self.sparql_body.encode()
            )
        return client.build_request(
            self.method, self.path, headers=headers, params=self.params, data=self.form
        )

    def problem(self, response: httpx.Response) -> str | None:
        """Why the answer is wrong, or None."""
        media = response.headers.get("content-type", "").split(";")[0].strip()
        if response.status_code != self.status or media != self.media:
            return f"{self.method} {self.path} ({self.kind}): {response.status_code} {media}, expected {self.status} {self.media}"
        if self.status == 200 and not response.content:
            return f"{self.method} {self.path} ({self.kind}): empty body"
        return None


def page_probes(agreement_paths: list[str]) -> list[Probe]:
    html, turtle = ("text/html", "text/html"), ("text/turtle", "text/turtle")
    probes = [
        Probe("resource html", "GET", "/id/city/tehran", *html),
        Probe("resource turtle", "GET", "/id/city/tehran", *turtle),
        Probe("ontology", "GET", "/ontology", *html),
        Probe("ontology", "GET", "/ontology", *turtle),
        Probe(
            "missing resource", "GET", "/id/city/atlantis", "text/html", "text/plain", status=404
        ),
    ]
    for path in agreement_paths:
        probes += [
            Probe("resource html", "GET", path, *html),
            Probe("resource turtle", "GET", path, *turtle),
        ]
    for index in ("/", "/cities", "/pacts", "/networks", "/concepts", "/resources", "/questions"):
        probes.append(Probe("index page", "GET", index, *html))
    return probes


def question_probes(questions: dict[str, str]) -> list[Probe]:
    """Each stored question four ways: GET and POST (form and direct body), JSON and CSV."""
    probes = []
    for text in questions.values():
        probes += [
            Probe(
                "sparql GET json",
                "GET",
                "/sparql",
                SPARQL_JSON,
                SPARQL_JSON,
                params={"query": text},
            ),
            Probe(
                "sparql GET csv", "GET", "/sparql", "text/csv", "text/csv", params={"query": text}
            ),
            Probe(
                "sparql POST json",
                "POST",
                "/sparql",
                SPARQL_JSON,
                SPARQL_JSON,
                form={"query": text},
            ),
            Probe("sparql POST csv", "POST", "/sparql", "text/csv", "text/csv", sparql_body=text),
        ]
    return probes


def agreement_paths(client: httpx.Client, limit: int = 4) -> list[str]:
    query = f"SELECT ?a WHERE {{ ?a a <{CR}TwinningAgreement> }} ORDER BY ?a LIMIT {limit}"
    response = client.get("/sparql", params={"query": query}, headers={"accept": SPARQL_JSON})
    response.raise_for_status()
    return [
        "/" + row["a"]["value"].removeprefix(BASE_IRI)
        for row in response.json()["results"]["bindings"]
    ]


@dataclass
class Tally:
    """What the clients saw: one (kind, seconds, status) per answered request, and the failures."""

    samples: list[tuple[str, float, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unanswered: int = 0  # requests that got no response at all (refused, reset, timed out)
    media: Counter = field(default_factory=Counter)


async def client_loop(
    number: int,
    url: str,
    pages: list[Probe],
    questions: list[Probe],
    deadline: float,
    budget: list[int],
    tally: Tally,
) -> None:
    rng = random.Random(number)  # reproducible mix per client
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT) as client:
        turn = number
        while time.monotonic() < deadline and budget[0] > 0:
            budget[0] -= 1
            turn += 1
            # half pages, half stored questions
            probe = rng.choice(pages if turn % 2 else questions)
            start = time.perf_counter()
            try:
                response = await client.send(probe.request(client))
            except httpx.HTTPError as err:
                tally.unanswered += 1
                tally.errors.append(
                    f"{probe.method} {probe.path} ({probe.kind}): {type(err).__name__}: {err}"
                )
                continue
            tally.samples.append((probe.kind, time.perf_counter() - start, response.status_code))
            tally.media[response.headers.get("content-type", "").split(";")[0]] += 1
            if problem := probe.problem(response):
                tally.errors.append(problem)


def server_children(pid: int) -> int | None:
    """How many processes `pid` has right now (its forked query workers); None off Linux."""
    tasks = Path(f"/proc/{pid}/task")
    if not tasks.is_dir():
        return None
    try:
        return sum(len((task / "children").read_text().split()) for task in tasks.iterdir())
    except OSError:  # a thread ended while we read
        return 0


async def watch_children(pid: int | None, stop: asyncio.Event, peak: list[int]) -> None:
    while pid is not None and not stop.is_set():
        peak[0] = max(peak[0], server_children(pid) or 0)
        await asyncio.sleep(0.05)


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def summary(
    tally: Tally, clients: int, seconds: float, url: str, peak_children: int | None
) -> dict:
    latencies = sorted(s for _, s, _ in tally.samples)
    by_kind = {}
    for kind in sorted({k for k, _, _ in tally.samples}):
        mine = sorted(s for k, s, _ in tally.samples if k == kind)
        by_kind[kind] = {
            "requests": len(mine),
            "p50_ms": round(percentile(mine, 0.5) * 1000, 1),
            "p99_ms": round(percentile(mine, 0.99) * 1000, 1),
        }
    return {
        "url": url,
        "clients": clients,
        "seconds": round(seconds, 2),
        "requests": len(tally.samples) + tally.unanswered,
        "rps": round(len(tally.samples) / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "errors": len(tally.errors),
        "server_errors": sum(status >= 500 for _, _, status in tally.samples),
        "statuses": dict(Counter(str(status) for _, _, status in tally.samples)),
        "media_types": dict(tally.media),
        "peak_query_workers": peak_children,
        "by_kind": by_kind,
        "error_samples": tally.errors[:20],
    }


async def run_load(
    url: str,
    clients: int,
    seconds: float,
    max_requests: int = 1_000_000,
    server_pid: int | None = None,
) -> dict:
    """Check every probe once, then run `clients` concurrent clients for `seconds`; the summary."""
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as client:
        pages = page_probes(agreement_paths(client))
        questions = question_probes({q.name: q.text for q in catalogue.discover().values()})
        tally = Tally()
        for probe in pages + questions:  # warm-up: also renders the cached pages before timing
            response = client.send(probe.request(client))
            if problem := probe.problem(response):
                tally.errors.append("warm-up: " + problem)
    stop, peak = asyncio.Event(), [0]
    watcher = asyncio.create_task(watch_children(server_pid, stop, peak))
    start = time.monotonic()
    budget = [max_requests]
    await asyncio.gather(
        *(
            client_loop(n, url, pages, questions, start + seconds, budget, tally)
            for n in range(clients)
        )
    )
    elapsed = time.monotonic() - start
    stop.set()
    await watcher
    return summary(tally, clients, elapsed, url, peak[0] if server_pid else None)


@contextmanager
def local_server(*extra_args: str):
    """`cityrdf serve` on a free loopback port in its own process; yields (base URL, pid)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cityrdf.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                *extra_args,
            ],
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(
                        f"cityrdf serve did not start: {log.read().decode(errors='replace')[-500:]}"
                    )
                try:
                    httpx.get(url + "/", timeout=2)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            yield url, server.pid
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def table(result: dict) -> str:
    lines = [f"{'kind':<20} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8}"]
    lines += [
        f"{kind:<20} {row['requests']:>8} {row['p50_ms']:>8} {row['p99_ms']:>8}"
        for kind, row in result["by_kind"].items()
    ]
    lines.append(f"{'all':<20} {result['requests']:>8} {result['p50_ms']:>8} {result['p99_ms']:>8}")
    lines.append(
        f"{result['clients']} clients, {result['seconds']} s, {result['rps']} requests/s, "
        f"{result['errors']} errors, {result['server_errors']} 5xx, "
        f"peak query workers {result['peak_query_workers'] or 'unknown (server not ours)'}"
    )
    return "\n".join(lines)


def write_json(result: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    partial.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(partial, out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--max-requests", type=int, default=1_000_000, help="stop after this many requests"
    )
    parser.add_argument("--url", help="an already running server (default: start one on loopback)")
    parser.add_argument(
        "--out", type=Path, help="JSON report (default: benchmarks/results/load-<time>.json)"
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or args.max_requests < 1:
        parser.error("--clients, --seconds and --max-requests must be positive")
    if args.url:
        result = asyncio.run(
            run_load(args.url.rstrip("/"), args.clients, args.seconds, args.max_requests)
        )
    else:
        with local_server() as (url, pid):
            result = asyncio.run(run_load(url, args.clients, args.seconds, args.max_requests, pid))
    out = args.out or RESULTS_DIR / time.strftime("load-%Y%m%dT%H%M%S.json")
    write_json(result, out)
    print(table(result))
    for error in result["error_samples"]:
        print("error:", error, file=sys.stderr)
    print(f"wrote {out}")
    return 1 if result["errors"] or result["server_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
