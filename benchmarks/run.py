"""`make bench`: load, SHACL validation, build and every stored question at ~10 k, 100 k and 1 M triples.

Each (size, backend) runs in its own subprocess (`--triples N --backend B --json FILE`), so peak memory
(ru_maxrss) is that backend's alone. Queries: one warm-up, then RUNS timed runs; medians reported.
`--triples N --json FILE` without --backend runs every backend at one size and writes them together.
`--parts server --json FILE` runs `cityrdf serve --processes N` (`--server-processes`, default 2)
beside `oxigraph serve` and nginx (server_peers.py) and writes its numbers, {"server": {...}}, to FILE.
`--parts cli` times the question suite as a user runs it, `cityrdf query NAME` per question beside
a raw pyoxigraph script (cli_suite.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
PAIRS = HERE.parent.parent / "shared" / "reference-data" / "wikidata-p190-2016" / "relations.tsv"
SIZES = ("10000", "100000", "1000000")
P190 = "wikidata-p190"
BACKENDS = ("cityrdf", "pyoxigraph", "rdflib", "virtuoso")
VIRTUOSO_GRAPH = "https://w3id.org/cityrdf/graph/bench"
SERVER_PROCESSES = 2  # `cityrdf serve --processes`, as deployed on the 2-core machine (README)
RUNS = 5
TRIPLES_PER_PACT = (
    45.0  # measured on generate.synthetic_lines (cities = 2/3 of pacts), anchors included
)
# rdflib parses ~40 k triples/s here and some questions take minutes at 100 k: each question gets
# one run of at most RDFLIB_QUERY_CAP seconds (a capped time is a lower bound, marked "≥"), and
# graphs above RDFLIB_MAX are extrapolated linearly from the largest measured size, labelled so.
RDFLIB_MAX = 100_000
RDFLIB_QUERY_CAP = 10.0
# pySHACL re-parses each SPARQL constraint per focus node (decision 0004): 7 minutes at 10 k here,
# so it is measured only when asked (CITYRDF_BENCH_PYSHACL=1), at the smallest size.
PYSHACL_MAX = 10_000 if os.environ.get("CITYRDF_BENCH_PYSHACL") == "1" else 0
# Parameters: the city with the most pacts in the graph (a hub, the hardest case), by label and IRI.
HUB = """
PREFIX cr: <https://w3id.org/cityrdf/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?city (SAMPLE(?label) AS ?name) WHERE {
  ?agreement cr:party ?city . ?city rdfs:label ?label FILTER(lang(?label) = "en")
} GROUP BY ?city ORDER BY DESC(COUNT(?agreement)) ?city LIMIT 1
"""


def parameters(store) -> dict[str, str]:
    [hub] = list(store.query(HUB))
    return {"city": hub["name"].value, "iri": hub["city"].value}


def data_file(size: str) -> Path:
    """The N-Triples file of a benchmark size: a generated graph of about `size` triples, or the
    real Wikidata P190 network's shape (`wikidata-p190`, from ../shared/reference-data)."""
    from cityrdf.generate import pairs_lines, read_pairs, synthetic_lines, write_lines

    path = RESULTS / "data" / f"{'generated-' if size.isdigit() else ''}{size}.nt"
    if not path.exists():
        if size == P190:
            write_lines(pairs_lines(read_pairs(PAIRS)), path)
        else:
            pacts = round(int(size) / TRIPLES_PER_PACT)
            write_lines(synthetic_lines(max(2, pacts * 2 // 3), pacts, seed=1), path)
    return path


def median_time(action, runs: int = RUNS) -> float:
    action()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def once(action) -> tuple[float, object]:
    start = time.perf_counter()
    value = action()
    return time.perf_counter() - start, value


def stored_questions(store) -> dict[str, str]:
    """Every stored question's text with parameters bound to terms that exist in the generated graph."""
    from cityrdf import query
    from cityrdf.sparql import catalogue

    engine = query.Engine(store=store)
    chosen = parameters(store)
    texts = {}
    for name, stored in catalogue.discover().items():
        params = {p.name: chosen.get(p.type, "1") for p in stored.params}
        texts[name] = query.bind_params(stored, params, engine)
    return texts


def bench_cityrdf(files: list[Path]) -> dict:
    from cityrdf import query, validate
    from cityrdf.checks import fastshacl
    from cityrdf.rdf import graph

    load, store = once(lambda: graph.load_store(files))
    checked, report = once(lambda: validate.validate_store(store, files, reason=False))
    dump, _ = once(
        lambda: store.dump(format=graph.ox.RdfFormat.N_TRIPLES, from_graph=graph.ox.DefaultGraph())
    )
    result = {
        "load": load,
        "validate": load + checked,
        "build": dump,
        "violations": len(report.violations),
    }
    if len(store) <= PYSHACL_MAX * 1.5:
        shapes = graph.load_store(graph.shape_files(), entail=False)
        result["validate_pyshacl"] = (
            load + once(lambda: fastshacl.pyshacl_results(store, shapes))[0]
        )
    queries, cpu = {}, {"cityrdf": 0.0, "raw": 0.0}
    chosen = parameters(store)
    for name, text in stored_questions(store).items():
        stored = query.catalogue.find(name)
        params = {p.name: chosen.get(p.type, "1") for p in stored.params}
        ours = lambda q=stored, b=params: query.run(q, b, store=store)
        queries[name] = median_time(ours)
        for backend, seconds in interleaved_cpu(ours, lambda t=text: list(store.query(t))).items():
            cpu[backend] += seconds
    result["queries"] = queries
    result["suite_cpu"] = cpu
    return result


def interleaved_cpu(ours, raw, runs: int = RUNS) -> dict[str, float]:
    """Median CPU seconds of cityrdf's run and raw Oxigraph's on the same store, alternated run by
    run: on a machine shared with other work, wall times of two separate processes drift apart."""
    ours(), raw()
    times = {"cityrdf": [], "raw": []}
    for _ in range(runs):
        for backend, action in (("cityrdf", ours), ("raw", raw)):
            start = cpu_seconds()
            action()
            times[backend].append(cpu_seconds() - start)
    return {backend: statistics.median(t) for backend, t in times.items()}


def cpu_seconds() -> float:
    """User + system CPU of this process and of its ended children: a query evaluated in a forked
    worker (cityrdf.web.worker) spends its CPU there, which `time.process_time` does not see."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bench_pyoxigraph(files: list[Path]) -> dict:
    import pyoxigraph as ox

    from cityrdf.rdf import graph

    def load():
        store = ox.Store()
        for path in files:
            store.bulk_load(path=str(path), format=graph.rdf_format(path))
        graph.apply_entailments(store)
        return store

    seconds, store = once(load)
    texts = stored_questions(store)
    return {
        "load": seconds,
        "queries": {n: median_time(lambda t=t: list(store.query(t))) for n, t in texts.items()},
    }


def bench_rdflib(files: list[Path]) -> dict:
    import rdflib

    from cityrdf.rdf import graph

    def load():
        rdf = rdflib.Dataset()  # a dataset: the world questions name graphs (`GRAPH ?g {…}`)
        for path in files:
            rdf.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
        for rule in graph.ENTAILMENT_RULES.values():
            rdf.update(graph.sparql_prologue() + rule)
        return rdf

    seconds, rdf = once(load)
    store = graph.load_store(files)  # only to bind city labels to IRIs, as cityrdf would
    texts = stored_questions(store)
    queries, capped = {}, []
    for name, text in texts.items():
        taken = capped_time(lambda t=text: list(rdf.query(t)), RDFLIB_QUERY_CAP)
        queries[name] = taken if taken is not None else RDFLIB_QUERY_CAP
        if taken is None:
            capped.append(name)
    return {"load": seconds, "queries": queries, "capped": capped}


def capped_time(action, cap: float) -> float | None:
    """Seconds one run of `action` takes, or None when it is still running after `cap` seconds
    (rdflib is pure Python, so SIGALRM interrupts it)."""

    def stop(signum, frame):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, cap)
    try:
        return once(action)[0]
    except TimeoutError:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def bench_virtuoso(files: list[Path]) -> dict:
    """Debian's Virtuoso 7 on loopback (the test suite's helper): `cityrdf push` of the build, then
    every question over HTTP through cityrdf's SPARQL client."""
    import tempfile
    from urllib.parse import quote

    import pyoxigraph as ox

    sys.path.insert(0, str(HERE.parent))
    from cityrdf import push, query
    from cityrdf.rdf import graph
    from tests.virtuoso_server import VirtuosoServer

    store = graph.load_store(files)
    with tempfile.TemporaryDirectory(prefix="cityrdf-bench-") as tmp:
        build = Path(tmp) / "build.nt"
        store.dump(str(build), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        server = VirtuosoServer(Path(tmp) / "virtuoso").start()
        try:
            seconds, _ = once(
                lambda: push.push(
                    server.sparql_url, VIRTUOSO_GRAPH, server.user, server.password, build
                )
            )
            endpoint = f"{server.sparql_url}?default-graph-uri={quote(VIRTUOSO_GRAPH, safe='')}"
            engine = query.Engine(endpoint=endpoint)
            queries = {
                name: median_time(lambda t=text: engine.select(t), runs=3)
                for name, text in stored_questions(store).items()
            }
        finally:
            server.remove()
    return {"load": seconds, "queries": queries}


def virtuoso_installed() -> bool:
    sys.path.insert(0, str(HERE.parent))
    from tests.virtuoso_server import VIRTUOSO_BINARY

    return Path(VIRTUOSO_BINARY).is_file()


def run_one(size: str, backend: str) -> dict:
    from cityrdf.rdf import graph

    files = graph.ontology_files() + [data_file(size)]
    bench = {
        "cityrdf": bench_cityrdf,
        "pyoxigraph": bench_pyoxigraph,
        "rdflib": bench_rdflib,
        "virtuoso": bench_virtuoso,
    }[backend]
    result = bench(files)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def in_subprocess(size: str, backend: str) -> dict | None:
    out = RESULTS / f".{backend}-{size}.json"
    command = [sys.executable, __file__, "--size", size, "--backend", backend, "--json", str(out)]
    done = subprocess.run(command, check=False)
    if done.returncode != 0:
        print(f"  {backend} at {size}: failed (exit {done.returncode})", file=sys.stderr)
        return None
    return json.loads(out.read_text())["results"][backend]


def measure(size: str) -> dict:
    path = data_file(size)
    with open(path, "rb") as handle:
        triples = sum(1 for _ in handle)
    results = {}
    for backend in BACKENDS:
        if backend == "rdflib" and triples > RDFLIB_MAX * 1.2:
            continue
        if backend == "virtuoso" and not virtuoso_installed():
            print("  virtuoso: /usr/bin/virtuoso-t is not installed; skipped", file=sys.stderr)
            continue
        print(f"  {backend} at {size} ({triples} triples) …", file=sys.stderr, flush=True)
        if (found := in_subprocess(size, backend)) is not None:
            results[backend] = found
    return {"size": size, "triples": triples, "results": results}


def paper_targets() -> dict:
    """The paper's own graph: `cityrdf build` end to end (cold: HermiT's cached verdict removed;
    warm: as a rebuild runs), and each stored question on the embedded store."""
    import shutil
    import tempfile

    from cityrdf import query
    from cityrdf.project import current_project
    from cityrdf.rdf import graph
    from cityrdf.sparql import catalogue

    status = []

    def build() -> tuple[float, float]:
        """Wall seconds and CPU seconds (user + sys, HermiT's JVM included) of one build."""
        with tempfile.TemporaryDirectory(prefix="cityrdf-bench-build-") as out:
            command = [str(Path(sys.executable).with_name("cityrdf")), "build", "--out", out]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            seconds, done = once(lambda: subprocess.run(command, check=False, capture_output=True))
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            status.append(done.returncode)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            return seconds, cpu

    shutil.rmtree(current_project().cache_dir / "reasoner", ignore_errors=True)
    cold, cold_cpu = build()
    warm = statistics.median(build()[0] for _ in range(3))
    store = graph.load_store()
    chosen = parameters(store)  # Tehran
    questions = {}
    for name, stored in catalogue.discover().items():
        bound = {p.name: chosen.get(p.type, "1") for p in stored.params}
        questions[name] = median_time(lambda q=stored, b=bound: query.run(q, b, store=store))
    return {
        "build_cold": cold,
        "build_cold_cpu": cold_cpu,
        "build_warm": warm,
        "build_status": max(status),
        "questions": questions,
    }


def suite(result: dict) -> float | None:
    return sum(result["queries"].values()) if result.get("queries") else None


def rdflib_suite(runs: list[dict], run: dict) -> tuple[float | None, str]:
    """rdflib's question-suite time at `run`'s size: measured (≥ when a question hit the cap), or
    extrapolated linearly from the largest measured size (a lower bound: joins grow faster)."""
    if "rdflib" in run["results"]:
        measured = run["results"]["rdflib"]
        return suite(measured), "≥ " if measured.get("capped") else ""
    measured = [r for r in runs if "rdflib" in r["results"]]
    if not measured:
        return None, ""
    base = max(measured, key=lambda r: r["triples"])
    return suite(base["results"]["rdflib"]) * run["triples"] / base["triples"], "≥ (extrapolated) "


def table(runs: list[dict]) -> str:
    import os

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    machine = (
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}. "
        f"Medians of {RUNS} runs after a warm-up (rdflib: one run per question, capped at "
        f"{RDFLIB_QUERY_CAP:.0f} s; Virtuoso: 3 runs)."
    )
    header = (
        "| graph | triples | load s: cityrdf / raw / rdflib / virtuoso | validate s (load incl.) "
        "| build dump s | question suite s: cityrdf / raw / rdflib / virtuoso | cityrdf/raw "
        "| rdflib/cityrdf | peak MB (cityrdf) |"
    )
    lines = [machine, "", header, "|---|---|---|---|---|---|---|---|---|"]
    fmt = lambda x: "–" if x is None else f"{x:.2f}"
    for run in runs:
        r = run["results"]
        city, raw = r.get("cityrdf", {}), r.get("pyoxigraph", {})
        rdf_suite, note = rdflib_suite(runs, run)
        loads = " / ".join(fmt(r.get(b, {}).get("load")) for b in BACKENDS)
        suites = " / ".join(
            fmt(suite(r[b])) if b in r else ("–" if b != "rdflib" else f"{note}{fmt(rdf_suite)}")
            for b in BACKENDS
        )
        ratio = lambda a, b: f"{a / b:.2f}×" if a and b else "–"
        lines.append(
            f"| {run['size']} | {run['triples']:,} | {loads} | {fmt(city.get('validate'))} "
            f"| {fmt(city.get('build'))} | {suites} | {ratio(suite(city), suite(raw))} "
            f"| {note}{ratio(rdf_suite, suite(city))} | {city.get('peak_mb', 0):.0f} |"
        )
    return "\n".join(lines) + "\n"


def targets(runs: list[dict], paper: dict | None, goals: list[str]) -> str:
    """Each performance goal, met or the measured distance to it."""
    from goals import build, verdict

    million = next((r for r in runs if r["size"] == "1000000"), None)
    largest = max(runs, key=lambda r: r["triples"], default=None)
    rows = []
    for run in [r for r in (million or largest,) if r]:
        r, at = run["results"], f"{run['triples']:,} triples"
        city, raw = suite(r.get("cityrdf", {})), suite(r.get("pyoxigraph", {}))
        cpu = r.get("cityrdf", {}).get("suite_cpu", {})
        rdf, note = rdflib_suite(runs, run)
        rows += [
            verdict(
                f"{at}: question suite in one process, cityrdf / raw pyoxigraph ≤ 1.10× (CPU, alternated)",
                cpu["cityrdf"] / cpu["raw"] if cpu.get("raw") else None,
                1.10,
                "×",
            ),
            verdict(
                f"{at}: the same, wall time of separate processes (drifts on a shared machine)",
                city / raw if city and raw else None,
                1.10,
                "×",
            ),
            verdict(
                f"{at}: question suite, rdflib / cityrdf ≥ 30× {note.strip()}",
                rdf / city if rdf and city else None,
                30,
                "×",
                at_most=False,
            ),
            verdict(
                f"{at}: SHACL validation, load included ≤ 15 s",
                r.get("cityrdf", {}).get("validate"),
                15,
                " s",
            ),
            verdict(
                f"{at}: peak memory ≤ 1536 MB", r.get("cityrdf", {}).get("peak_mb"), 1536, " MB"
            ),
        ]
    if paper:
        rows += build(paper)
        slowest = max(paper["questions"], key=paper["questions"].get)
        rows.append(
            verdict(
                f"paper: slowest stored question ({slowest}) ≤ 50 ms",
                paper["questions"][slowest] * 1000,
                50,
                " ms",
            )
        )
    return "\n".join(["| goal | measured | verdict |", "|---|---|---|", *goals, *rows])


def plot(runs: list[dict], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    generated = [r for r in runs if r["size"].isdigit()]
    for backend in BACKENDS:
        points = [
            (r["triples"], suite(r["results"][backend]))
            for r in generated
            if backend in r["results"]
        ]
        if points:
            axes.plot(*zip(*points), marker="o", label=f"{backend}: question suite")
    points = [
        (r["triples"], r["results"]["cityrdf"]["validate"])
        for r in generated
        if "cityrdf" in r["results"]
    ]
    axes.plot(*zip(*points), marker="s", linestyle="--", label="cityrdf: validate (load incl.)")
    axes.set(
        xscale="log", yscale="log", xlabel="triples", ylabel="seconds", title="cityrdf at scale"
    )
    axes.legend()
    figure.savefig(out, dpi=120, bbox_inches="tight")


PARTS = ("load", "server", "suite", "cli", "build", "import", "world", "opportunities")
CLI_TRIPLES = 100_000  # the graph the question suite is timed on as a user runs it


def server_peers(seconds: float, processes: list[int]) -> tuple[dict | None, list[str], str]:
    """`cityrdf serve --processes N` for each N beside `oxigraph serve` and nginx
    (server_peers.py): its JSON, the goal rows (ratios to the peers, per N) and a note."""
    import goals

    out = RESULTS / "server.json"
    result, note = goals.run_script("server_peers.py", "--seconds", str(seconds), "--json",
                                    str(out), "--processes", *map(str, processes),
                                    out=out)  # fmt: skip
    if result is None:
        return None, [goals.row("server beside its peers", None, note)], note
    nginx, oxigraph = result["server"]["nginx"], result["server"]["oxigraph"]
    rows = []
    for n in processes:  # server_peers.py keeps the first N under "cityrdf"
        ours = result["server"]["cityrdf" if n == processes[0] else f"cityrdf --processes {n}"]
        at = f"server (--processes {n})"
        rows += [
            goals.verdict(f"{at}: pages rps / nginx's (50 clients) ≥ 0.5",
                          ours["pages"]["rps"] / nginx["pages"]["rps"], 0.5, "×", False),
            goals.verdict(f"{at}: pages p99 / nginx's ≤ 2",
                          ours["pages"]["p99_ms"] / nginx["pages"]["p99_ms"], 2, "×"),
        ]  # fmt: skip
        for load, texts in (("sparql", "repeated"), ("sparql_distinct", "distinct")):
            if load in ours and load in oxigraph:
                rows += [
                    goals.verdict(f"{at}: stored questions ({texts} texts) rps / oxigraph's ≥ 0.5",
                                  ours[load]["rps"] / oxigraph[load]["rps"], 0.5, "×", False),
                    goals.verdict(f"{at}: stored questions ({texts} texts) p50 / oxigraph's ≤ 2",
                                  ours[load]["p50_ms"] / oxigraph[load]["p50_ms"], 2, "×"),
                ]  # fmt: skip
        if "mixed" in ours:  # 50 page clients and 4 question clients at once
            mixed = ours["mixed"]
            rows += [
                goals.verdict(f"{at}: pages p99 ≤ 50 ms beside 4 question clients",
                              mixed["pages"]["p99_ms"], 50, " ms"),
                goals.verdict(f"{at}: stored questions p50 ≤ 20 ms beside 50 page clients",
                              mixed["sparql"]["p50_ms"], 20, " ms"),
            ]  # fmt: skip
    return result, rows, note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--triples", type=int, help="run one generated size only (about N triples)")
    parser.add_argument("--size", help="(internal) a size name: N triples or wikidata-p190")
    parser.add_argument(
        "--backend", choices=BACKENDS, help="(internal) one backend, in this process"
    )
    parser.add_argument(
        "--json", type=Path, help="write the results of --triples (or of --parts server) here"
    )
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=PARTS, help="what to measure")
    parser.add_argument(
        "--sizes",
        nargs="+",
        help="sizes for the suite (default: 10 k, 100 k, 1 M and wikidata-p190)",
    )
    parser.add_argument("--load-seconds", type=float, default=60, help="server load test length")
    parser.add_argument(
        "--server-seconds", type=float, default=20, help="length of each load beside the peers"
    )
    parser.add_argument(
        "--server-processes",
        type=int,
        nargs="+",
        default=[SERVER_PROCESSES],
        help="cityrdf serve --processes N beside the peers, each N "
        f"(default {SERVER_PROCESSES}: one per core of the 2-core machine, as the README says)",
    )
    parser.add_argument("--import-rows", type=int, default=200_000, help="rows of the import")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    size = args.size or (str(args.triples) if args.triples else None)
    if args.backend:
        result = {"triples": size, "results": {args.backend: run_one(size, args.backend)}}
    elif size:
        measured = measure(size)
        result = {"triples": measured["triples"], "results": measured["results"]}
    else:
        report_all(args)
        return
    if args.json:
        tmp = args.json.with_suffix(".tmp")
        tmp.write_text(json.dumps(result, indent=1), encoding="utf-8")
        tmp.replace(args.json)
    else:
        print(json.dumps(result, indent=1))


def report_all(args) -> None:
    """Every part asked for, then one table of goals (results.md) and the raw numbers."""
    import goals

    rows, notes, runs, paper = [], [], [], None
    if "load" in args.parts:
        found, note = goals.server(args.load_seconds)
        rows += found
        notes.append(note)
    if "server" in args.parts:
        measured, found, note = server_peers(args.server_seconds, args.server_processes)
        rows += found
        notes.append(note)
        if measured is not None and args.json:
            args.json.write_text(json.dumps(measured, indent=2) + "\n", encoding="utf-8")
    if "suite" in args.parts:
        sizes = list(args.sizes or SIZES)
        if args.sizes is None and PAIRS.exists():
            sizes.append(P190)
        elif args.sizes is None:
            print(f"  {PAIRS} is absent: only generated graphs are measured", file=sys.stderr)
        runs = [measure(n) for n in sizes]
    if "cli" in args.parts:
        rows += goals.cli_suite(CLI_TRIPLES)
    if "build" in args.parts:
        print("  the paper's graph: build and stored questions …", file=sys.stderr, flush=True)
        paper = paper_targets()
    if "import" in args.parts:
        rows += goals.import_rows(args.import_rows)
    if "world" in args.parts:
        rows += goals.world()
    if "opportunities" in args.parts:
        found, note = goals.opportunities()
        rows += found
        notes.append(note)
    markdown = (table(runs) if runs else "") + "\n" + targets(runs, paper, rows) + "\n"
    markdown += "".join(f"\n```\n{n}\n```\n" for n in notes if n)
    (RESULTS / "results.md").write_text(markdown, encoding="utf-8")
    (RESULTS / "results.json").write_text(
        json.dumps({"runs": runs, "paper": paper, "goals": rows}, indent=1), encoding="utf-8"
    )
    if runs:
        plot(runs, RESULTS / "scaling.png")
    print(markdown)


if __name__ == "__main__":
    main()
