"""`cityrdf serve` beside its peers, in one run: `oxigraph serve` for SPARQL, nginx for pages.

    .venv/bin/python benchmarks/server_peers.py [--seconds 20] [--json out.json] [--processes 1 2]

All three servers run on loopback at once, loaded with the same data: Oxigraph's own server
(`oxigraph` from PyPI) with the build's N-Triples dump, nginx serving the site `cityrdf publish`
writes, `cityrdf serve` on the project. The commands run on the project's sources alone (ontology,
data, shapes, queries), without a world layer the checkout may hold. The load comes from wrk (Debian's `wrk`), a C client, so
the client's own cost stays small beside the servers' on a 2-core machine; one server is loaded at
a time. Three loads, each the same for cityrdf and its peer:

- sparql (repeated texts): 8 clients cycling through the stored questions, GET, JSON results;
- sparql (distinct texts): 8 clients, `sister-cities` for every city of the paper, each request's
  text made unique by its LIMIT, as traffic whose parameters vary defeats any cache of texts;
- pages: 50 clients cycling through city, pact and index pages (HTML), as nginx serves them;
- mixed (cityrdf only): the pages' 50 clients and 4 clients of the repeated stored questions at
  the same time, each load from its own wrk, for the absolute goals: pages p99 ≤ 50 ms, stored
  questions p50 ≤ 20 ms.

With `--processes 1 2`, `cityrdf serve --processes N` is started and measured for each N in turn
(the peers once), and the table has a row per N.

Before pages and repeated texts are measured, each server is asked every path once (one client,
not measured): the load measures the steady state, not the first rendering of each page.

It writes {"server": {"cityrdf": {"pages": {...}, "sparql": {...}, "sparql_distinct": {...},
"mixed": {"pages": {...}, "sparql": {...}}},
"nginx": {"pages": {...}}, "oxigraph": {"sparql": {...}, "sparql_distinct": {...}}}} to --json,
each {"rps", "p50_ms", "p99_ms", "non_2xx"} and, but for the mixed loads, "cpu_ms": the CPU
the server's processes (cityrdf's query workers, nginx's workers included) spent per answer,
which moves much less than the wall times when the machine is shared. It prints the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CITYRDF = Path(sys.executable).with_name("cityrdf")
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
SPARQL_JSON = "application/sparql-results+json"
MIXED_PAGES_P99, MIXED_SPARQL_P50 = 50, 20  # ms: the absolute goals under the mixed load
PROJECT_SOURCES = ("ontology", "data", "shapes", "queries")
CITIES = """PREFIX cr: <https://w3id.org/cityrdf/ontology#>
SELECT DISTINCT ?city WHERE { ?pact a cr:TwinningAgreement ; cr:party ?city } ORDER BY ?city"""

# wrk cycles through REQUESTS; with DISTINCT set, each request's text gets its own LIMIT.
LUA = """
local requests = {%s}
local distinct = %s
local accept = "%s"
local counter = 0
local threads = 0
-- each thread's texts start at its own offset (a global of the thread's Lua state), so no two
-- requests of the run share a text
function setup(thread)
  threads = threads + 1
  thread:set("offset", threads * 10000000)
end
request = function()
  counter = counter + 1
  local path = requests[(counter %% #requests) + 1]
  if distinct then
    path = path .. "%%20LIMIT%%20" .. tostring((offset or 0) + counter + 1000000)
  end
  return wrk.format("GET", path, {["Accept"] = accept})
end
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"error: {what} did not start")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.3)


@contextmanager
def started(argv: list, url: str, what: str):
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
    )
    try:
        wait_for(url, process, what)
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def nginx_config(site: Path, port: int, work: Path) -> Path:
    config = work / "nginx.conf"
    config.write_text(
        f"""daemon off; worker_processes auto; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{ include /etc/nginx/mime.types; access_log off; sendfile on; keepalive_requests 100000;
  server {{ listen 127.0.0.1:{port}; root {site}; }} }}
""",
        encoding="utf-8",
    )
    return config


def wrk(base: str, paths: list[str], accept: str, clients: int, seconds: float,
        distinct: bool = False, server: int | None = None) -> dict:  # fmt: skip
    """One load's wrk report; with the `server`'s pid, also the CPU its processes spent per
    answer (`cpu_ms`): on a shared machine the wall times move with the neighbours, the CPU an
    answer costs much less."""
    before = tree_cpu(server) if server else 0.0
    report = wrk_together(base, [(paths, accept, clients, distinct)], seconds)[0]
    if server:
        answers = report["rps"] * seconds
        report["cpu_ms"] = round((tree_cpu(server) - before) / max(answers, 1) * 1000, 3)
    return report


def tree_cpu(pid: int) -> float:
    """CPU seconds of `pid` and its descendants (user and system, with their children reaped):
    the server and its query workers, nginx's master and workers."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    spent: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        child = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(child)
        spent[child] = sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += spent.get(current, 0.0)
        todo += children.get(current, [])
    return total


def wrk_together(base: str, loads: list[tuple[list[str], str, int, bool]], seconds: float) -> list:
    """Each load (paths, Accept, clients, distinct texts) from its own wrk, all at the same time."""
    runs = []
    for paths, accept, clients, distinct in loads:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            quoted = ", ".join(json.dumps(p) for p in paths)
            script.write(LUA % (quoted, "true" if distinct else "false", accept))
        process = subprocess.Popen(
            ["wrk", "--latency", "-t", str(min(2, clients)), "-c", str(clients),
             "-d", f"{round(seconds)}s", "-s", script.name, base],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        runs.append((process, Path(script.name)))
    reports = []
    for process, script in runs:
        stdout, stderr = process.communicate()
        script.unlink()
        if process.returncode != 0:
            raise SystemExit(f"error: wrk failed: {(stderr or stdout).strip()[:300]}")
        reports.append(parse_wrk(stdout))
    return reports


def warm(base: str, paths: list[str], accept: str, processes: int = 1) -> None:
    """Each path asked once, as a visitor before the load would; with several server processes
    (each keeping its own answers), over a new connection each time, four times per process, so
    that each process is likely to have rendered each page before the load."""
    for _ in range(1 if processes == 1 else 4 * processes):
        for path in paths:
            headers = {"accept": accept}
            if processes > 1:
                headers["connection"] = "close"
            httpx.get(base + path, headers=headers, timeout=60)


def parse_wrk(report: str) -> dict:
    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", report, re.MULTILINE))
    if len(latency) < 2:
        raise SystemExit(f"error: wrk reported no latencies:\n{report}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1)),
        "p50_ms": ms(latency["50"]),
        "p99_ms": ms(latency["99"]),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def question_texts() -> tuple[list[str], list[str]]:
    """(every stored question of the paper, `sister-cities` for every city of the paper)."""
    from cityrdf import query
    from cityrdf.rdf import graph
    from cityrdf.sparql import catalogue

    store = graph.load_store(graph.source_files())
    engine = query.Engine(store=store)
    texts = []
    for name, stored in sorted(catalogue.discover().items()):
        if "world" in stored.text or any(p.type not in ("city", "iri") for p in stored.params):
            continue  # the world questions need a world layer that these servers do not have
        try:
            texts.append(
                query.bind_params(stored, {p.name: "Tehran" for p in stored.params}, engine)
            )
        except Exception:  # noqa: BLE001, S112 -- a question whose parameter is not a city is left out
            continue
    sister = catalogue.find("sister-cities")
    distinct = [
        query.bind_params(sister, {"city": row["city"].value}, engine)
        for row in store.query(CITIES)
    ]
    return texts, distinct


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--processes", type=int, nargs="+", default=[1], help="cityrdf serve --processes N, each N"
    )
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"error: {tool} is not installed (apt-get install {tool})")
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as servers:
        work = Path(tmp)
        work.chmod(0o755)  # nginx's workers run as another user and must read the site
        # The project's sources alone, as a fresh clone has them: a world layer imported into the
        # checkout would be in cityrdf's store and not in the build's dump that oxigraph loads.
        for name in PROJECT_SOURCES:
            (work / "project" / name).parent.mkdir(exist_ok=True)
            (work / "project" / name).symlink_to(ROOT / name)
        os.environ["CITYRDF_HOME"] = str(work / "project")  # for this script and its commands
        repeated, distinct = question_texts()
        subprocess.run([CITYRDF, "build", "--out", work / "dist"], check=True)
        subprocess.run([CITYRDF, "publish", "--out", work / "site"], check=True)
        subprocess.run(
            [OXIGRAPH, "load", "--location", work / "oxigraph", "--file",
             work / "dist" / "cityrdf.nt"],
            check=True, capture_output=True,
        )  # fmt: skip
        theirs, nginx = free_port(), free_port()
        base = {k: f"http://127.0.0.1:{p}" for k, p in
                (("oxigraph", theirs), ("nginx", nginx))}  # fmt: skip
        pid = {"oxigraph": servers.enter_context(started(
            [OXIGRAPH, "serve-read-only", "--location", work / "oxigraph", "--bind",
             f"127.0.0.1:{theirs}"], base["oxigraph"] + "/", "oxigraph serve"))}  # fmt: skip
        pid["nginx"] = servers.enter_context(started(
            ["/usr/sbin/nginx", "-c", nginx_config(work / "site", nginx, work)],
            base["nginx"] + "/", "nginx"))  # fmt: skip
        pages = ["/id/city/tehran.html", "/id/city/isfahan.html", "/id/city/yazd.html",
                 "/id/country/iran.html", "/index.html"]  # fmt: skip
        pages += [
            "/" + path.relative_to(work / "site").as_posix()
            for path in sorted((work / "site" / "id" / "agreement").glob("*.html"))[:20]
        ]

        def query_paths(endpoint: str, texts: list[str]) -> list[str]:
            return [f"{endpoint}?query={urllib.parse.quote(t)}" for t in texts]

        result = {"oxigraph": {}, "nginx": {}}
        warm(base["nginx"], pages, "text/html")
        result["nginx"]["pages"] = wrk(
            base["nginx"], pages, "text/html", 50, args.seconds, server=pid["nginx"]
        )
        for endpoint, server in [("/query", "oxigraph")] + [("/sparql", n) for n in args.processes]:
            with ExitStack() as ours:
                if server != "oxigraph":  # cityrdf serve --processes server
                    port = free_port()
                    base[server] = f"http://127.0.0.1:{port}"
                    pid[server] = ours.enter_context(started(
                        [CITYRDF, "serve", "--host", "127.0.0.1", "--port", str(port),
                         "--processes", str(server)], base[server] + "/", "cityrdf serve"))  # fmt: skip
                    warm(base[server], pages, "text/html", server)
                    pages_load = wrk(
                        base[server], pages, "text/html", 50, args.seconds, server=pid[server]
                    )
                    result[server] = {"pages": pages_load}
                processes = 1 if server == "oxigraph" else server
                warm(base[server], query_paths(endpoint, repeated), SPARQL_JSON, processes)
                result[server]["sparql"] = wrk(
                    base[server], query_paths(endpoint, repeated), SPARQL_JSON, 8, args.seconds,
                    server=pid[server],
                )  # fmt: skip
                result[server]["sparql_distinct"] = wrk(
                    base[server], query_paths(endpoint, distinct), SPARQL_JSON, 8, args.seconds,
                    distinct=True, server=pid[server],
                )  # fmt: skip
                if server != "oxigraph":  # the absolute goals, under pages and questions at once
                    mixed = wrk_together(base[server], [
                        (pages, "text/html", 50, False),
                        (query_paths(endpoint, repeated), SPARQL_JSON, 4, False),
                    ], args.seconds)  # fmt: skip
                    result[server]["mixed"] = dict(zip(("pages", "sparql"), mixed, strict=True))
    print(f"{'what':<28} {'processes':>9} {'cityrdf rps':>12} {'peer rps':>10} {'ratio':>6} "
          f"{'cityrdf p50/p99 ms':>19} {'peer p50/p99 ms':>16} {'CPU ms/answer':>14}")  # fmt: skip
    for load, peer in (("pages", "nginx"), ("sparql", "oxigraph"), ("sparql_distinct", "oxigraph")):
        for n in args.processes:
            a, b = result[n][load], result[peer][load]
            print(
                f"{load + ' vs ' + peer:<28} {n:>9} {a['rps']:>12.0f} {b['rps']:>10.0f} "
                f"{a['rps'] / b['rps']:>5.2f}× {a['p50_ms']:>9.1f}/{a['p99_ms']:<9.1f} "
                f"{b['p50_ms']:>7.1f}/{b['p99_ms']:<8.1f} "
                f"{a.get('cpu_ms', 0):>6.3f}/{b.get('cpu_ms', 0):<6.3f}"
            )
            for name, r in (("cityrdf", a), (peer, b)):
                if r["non_2xx"]:
                    print(f"    {name}: {r['non_2xx']} answers were not 2xx/3xx")
    for n in args.processes:
        pages_p99, sparql_p50 = (result[n]["mixed"][k][m] for k, m in
                                 (("pages", "p99_ms"), ("sparql", "p50_ms")))  # fmt: skip
        print(f"mixed, 50 page + 4 question clients, --processes {n}: pages p99 {pages_p99:.1f} ms "
              f"(goal ≤ {MIXED_PAGES_P99:g}), stored questions p50 {sparql_p50:.1f} ms "
              f"(goal ≤ {MIXED_SPARQL_P50:g})")  # fmt: skip
    # "cityrdf": the first --processes measured; any other under "cityrdf --processes N"
    result["cityrdf"] = result.pop(args.processes[0])
    for n in args.processes[1:]:
        result[f"cityrdf --processes {n}"] = result.pop(n)
    if args.json:
        args.json.write_text(json.dumps({"server": result}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
