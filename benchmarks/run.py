"""`make bench`: load, SHACL validation, build and every stored question at ~10 k, 100 k and 1 M triples.

Each (size, backend) runs in its own subprocess (`--triples N --backend B --json FILE`), so peak memory
(ru_maxrss) is that backend's alone. Queries: one warm-up, then RUNS timed runs; medians reported.
`--triples N --json FILE` without --backend runs every backend at one size and writes them together.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
PAIRS = HERE.parent.parent / "shared" / "reference-data" / "wikidata-p190-2016" / "relations.tsv"
SIZES = (10_000, 100_000, 1_000_000)
BACKENDS = ("cityrdf", "pyoxigraph", "rdflib")
RUNS = 5
TRIPLES_PER_PACT = 23.3  # measured on generate.synthetic_lines (cities = 2/3 of pacts)
RDFLIB_MAX = (
    100_000  # rdflib parses ~40 k triples/s here: larger graphs are extrapolated, labelled so
)
# pySHACL re-parses each SPARQL constraint per focus node (decision 0004): 7 minutes at 10 k here,
# so it is measured only when asked (CITYRDF_BENCH_PYSHACL=1), at the smallest size.
PYSHACL_MAX = 10_000 if os.environ.get("CITYRDF_BENCH_PYSHACL") == "1" else 0
PARAMS = {"city": "City 0", "iri": "https://w3id.org/cityrdf/id/city/gen-0"}


def data_file(triples: int) -> Path:
    from cityrdf.generate import synthetic_lines, write_lines

    path = RESULTS / "data" / f"generated-{triples}.nt"
    if not path.exists():
        pacts = round(triples / TRIPLES_PER_PACT)
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
    from cityrdf import catalogue, query

    engine = query.Engine(store=store)
    texts = {}
    for name, stored in catalogue.discover().items():
        params = {p.name: PARAMS.get(p.type, "1") for p in stored.params}
        texts[name] = query.bind_params(stored, params, engine)
    return texts


def bench_cityrdf(files: list[Path]) -> dict:
    from cityrdf import fastshacl, graph, query, validate

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
        shapes = graph.load_graph(graph.shape_files(), entail=False)
        result["validate_pyshacl"] = (
            load + once(lambda: fastshacl.pyshacl_results(store, shapes))[0]
        )
    queries = {}
    for name in stored_questions(store):
        stored = query.catalogue.find(name)
        params = {p.name: PARAMS.get(p.type, "1") for p in stored.params}
        queries[name] = median_time(lambda q=stored, b=params: query.run(q, b, store=store))
    result["queries"] = queries
    return result


def bench_pyoxigraph(files: list[Path]) -> dict:
    import pyoxigraph as ox

    from cityrdf import graph

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

    from cityrdf import graph

    def load():
        rdf = rdflib.Graph()
        for path in files:
            rdf.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
        for rule in graph.ENTAILMENT_RULES.values():
            rdf.update(graph.sparql_prologue() + rule)
        return rdf

    seconds, rdf = once(load)
    store = graph.load_store(files)  # only to bind city labels to IRIs, as cityrdf would
    texts = stored_questions(store)
    return {
        "load": seconds,
        "queries": {
            n: median_time(lambda t=t: list(rdf.query(t)), runs=3) for n, t in texts.items()
        },
    }


def run_one(triples: int, backend: str) -> dict:
    from cityrdf import graph

    files = graph.ontology_files() + [data_file(triples)]
    result = {"cityrdf": bench_cityrdf, "pyoxigraph": bench_pyoxigraph, "rdflib": bench_rdflib}[
        backend
    ](files)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def in_subprocess(triples: int, backend: str) -> dict | None:
    out = RESULTS / f".{backend}-{triples}.json"
    command = [
        sys.executable,
        __file__,
        "--triples",
        str(triples),
        "--backend",
        backend,
        "--json",
        str(out),
    ]
    done = subprocess.run(command, check=False)
    if done.returncode != 0:
        print(f"  {backend} at {triples}: failed (exit {done.returncode})", file=sys.stderr)
        return None
    return json.loads(out.read_text())["results"][backend]


def measure(triples: int) -> dict:
    data_file(triples)
    results = {}
    for backend in BACKENDS:
        if backend == "rdflib" and triples > RDFLIB_MAX:
            continue
        print(f"  {backend} at {triples} triples …", file=sys.stderr, flush=True)
        if (found := in_subprocess(triples, backend)) is not None:
            results[backend] = found
    return {"triples": triples, "results": results}


def table(runs: list[dict]) -> str:
    lines = [
        (
            f"Machine: {platform.machine()}, {platform.processor() or platform.system()}, "
            f"Python {platform.python_version()}; medians of {RUNS} runs after a warm-up."
        ),
        (
            "Graphs: generator only ("
            + (
                "the Wikidata P190 pairs file is present but not yet a benchmark size"
                if PAIRS.exists()
                else "no pairs file"
            )
            + ")."
        ),
        "",
        (
            "| triples | load s (cityrdf / raw / rdflib) | validate s, load incl. (fastshacl / pySHACL) "
            "| build dump s | question suite s (cityrdf / raw / rdflib) | cityrdf/raw | rdflib/cityrdf | peak MB |"
        ),
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        r = run["results"]
        city, raw, rdf = r.get("cityrdf", {}), r.get("pyoxigraph", {}), r.get("rdflib", {})
        suite = {k: sum(v.get("queries", {}).values()) for k, v in r.items()}
        rdf_suite = suite.get("rdflib")
        note = ""
        if rdf_suite is None and runs[0]["results"].get("rdflib"):
            # rdflib at the largest measured size, scaled linearly: a lower bound, labelled as such
            base = max((x for x in runs if "rdflib" in x["results"]), key=lambda x: x["triples"])
            rdf_suite = (
                sum(base["results"]["rdflib"]["queries"].values())
                * run["triples"]
                / base["triples"]
            )
            note = " (extrapolated ≥)"
        ratio = lambda a, b: f"{a / b:.2f}×" if a and b else "–"
        lines.append(
            f"| {run['triples']:,} | {city.get('load', 0):.2f} / {raw.get('load', 0):.2f} / "
            f"{rdf.get('load', float('nan')):.2f} | {city.get('validate', 0):.2f} / "
            f"{city.get('validate_pyshacl', float('nan')):.2f} | {city.get('build', 0):.2f} | "
            f"{suite.get('cityrdf', 0):.3f} / {suite.get('pyoxigraph', 0):.3f} / "
            f"{(rdf_suite or float('nan')):.2f}{note} | {ratio(suite.get('cityrdf'), suite.get('pyoxigraph'))} | "
            f"{ratio(rdf_suite, suite.get('cityrdf'))} | "
            f"{max((v.get('peak_mb', 0) for v in r.values()), default=0):.0f} |"
        )
    return "\n".join(lines) + "\n"


def plot(runs: list[dict], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4.5))
    for backend in BACKENDS:
        points = [
            (r["triples"], sum(r["results"][backend]["queries"].values()))
            for r in runs
            if backend in r["results"]
        ]
        if points:
            axes.plot(*zip(*points), marker="o", label=f"{backend}: question suite")
    points = [
        (r["triples"], r["results"]["cityrdf"]["validate"])
        for r in runs
        if "cityrdf" in r["results"]
    ]
    axes.plot(*zip(*points), marker="s", linestyle="--", label="cityrdf: validate (load incl.)")
    axes.set(
        xscale="log", yscale="log", xlabel="triples", ylabel="seconds", title="cityrdf at scale"
    )
    axes.legend()
    figure.savefig(out, dpi=120, bbox_inches="tight")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--triples", type=int, help="run one size only")
    parser.add_argument(
        "--backend", choices=BACKENDS, help="(internal) one backend, in this process"
    )
    parser.add_argument("--json", type=Path, help="write the results of --triples here")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.backend:
        result = {
            "triples": args.triples,
            "results": {args.backend: run_one(args.triples, args.backend)},
        }
    elif args.triples:
        result = measure(args.triples)
    else:
        runs = [measure(n) for n in SIZES]
        markdown = table(runs)
        (RESULTS / "results.md").write_text(markdown, encoding="utf-8")
        (RESULTS / "results.json").write_text(json.dumps(runs, indent=1), encoding="utf-8")
        plot(runs, RESULTS / "scaling.png")
        print(markdown)
        return
    if args.json:
        tmp = args.json.with_suffix(".tmp")
        tmp.write_text(json.dumps(result, indent=1), encoding="utf-8")
        tmp.replace(args.json)
    else:
        print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
