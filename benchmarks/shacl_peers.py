"""SHACL engines side by side: cityrdf's validator, pyrudof and shacl-engine on the same files.

Each size's graph comes from `cityrdf generate`, loaded once the way `cityrdf validate` loads it
(ontology and the build's entailments included) and dumped to one N-Triples file that every engine
reads, so all of them parse the same triples; each time includes that parse (load included). Each
engine runs in its own process, with its own timeout; its wall seconds are measured inside it, its
CPU seconds (all its threads, interpreter start included) by this process. shacl-engine looks classes
up in the shapes graph, so it gets the ontology beside the shapes; pyrudof reads them from the data.

    .venv/bin/python benchmarks/shacl_peers.py --sizes 100000 1000000 [--peers-up-to 100000] [--json out.json]

Beside the engines, the whole command the goals are set for: `cityrdf validate --no-reasoner FILE`
on the generated file (the project graph with it: load, entailments, SHACL, the QC queries and the
files of any findings), against 2 s at 100 k triples and 15 s at 1 M (wall).

pyrudof comes from PyPI (`pip install pyrudof`), shacl-engine from npm
(`npm ci --prefix benchmarks/peers`); an engine that is missing is reported as such.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = HERE / "peers"
SHAPES = ROOT / "shapes" / "cityrdf-shapes.ttl"
TRIPLES_PER_PACT = 45.0  # as benchmarks/run.py

CITYRDF = """
import sys, time
t = time.perf_counter()
import pyoxigraph as ox
from cityrdf.checks import fastshacl
store, shapes = ox.Store(), ox.Store()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
shapes.load(path=sys.argv[2], format=ox.RdfFormat.TURTLE)
results = fastshacl.validate(store, shapes)
print(time.perf_counter() - t, len(results))
"""
# The generated graph as `cityrdf validate` loads it (ontology and entailments), as N-Triples
LOADED = """
import sys
from pathlib import Path
import pyoxigraph as ox
from cityrdf.rdf import graph
from cityrdf.project import current_project
store = graph.load_store([Path(sys.argv[1]), *sorted(current_project().ontology_dir.glob("*.ttl"))])
Path(sys.argv[2]).write_bytes(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
"""
PYRUDOF = """
import sys, time
t = time.perf_counter()
import pyrudof
rudof = pyrudof.Rudof(pyrudof.RudofConfig())
rudof.read_data(sys.argv[1], format=pyrudof.RDFFormat.NTriples)
rudof.read_shacl(sys.argv[2])
report = rudof.validate_shacl()
print(time.perf_counter() - t, len(report.violations))
"""


# Wall seconds the whole `cityrdf validate --no-reasoner FILE` may take, by triples generated
VALIDATE_GOALS = {100_000: 2.0, 1_000_000: 15.0}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv: list[str], timeout: float) -> dict:
    cpu = children_cpu()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    cpu = children_cpu() - cpu
    last = done.stdout.strip().splitlines()[-1]
    if last.startswith("{"):
        answer = json.loads(last)
        return {"seconds": answer["seconds"], "results": answer["results"], "cpu": cpu}
    seconds, results = last.split()
    return {"seconds": float(seconds), "results": int(results), "cpu": cpu}


def validate_command(generated: Path, timeout: float) -> dict:
    """`cityrdf validate --no-reasoner FILE` as a user runs it, timed from outside (interpreter
    start included); a graph that fails a check still counts (exit 1), an error does not."""
    cpu, start = children_cpu(), time.perf_counter()
    cityrdf = Path(sys.executable).with_name("cityrdf")
    try:
        done = subprocess.run(
            [cityrdf, "validate", "--no-reasoner", "--format", "json", generated],
            capture_output=True, text=True, timeout=timeout, check=False, cwd=ROOT,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s"}
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    report = json.loads(done.stdout)
    return {"seconds": seconds, "cpu": children_cpu() - cpu, "results": len(report["results"])}


def graph_of(size: int, work: Path) -> tuple[Path, Path]:
    """The generated graph, and it loaded as `cityrdf validate --alone` loads it, as N-Triples."""
    generated, loaded = work / f"g{size}.nt", work / f"g{size}-loaded.nt"
    pacts = max(10, round(size / TRIPLES_PER_PACT))
    subprocess.run(
        [Path(sys.executable).with_name("cityrdf"), "generate", "--out", generated,
         "--pacts", str(pacts), "--cities", str(max(3, pacts * 2 // 3))],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run([sys.executable, "-c", LOADED, generated, loaded], check=True)
    return generated, loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000])
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument(
        "--peers-up-to", type=int, help="run pyrudof and shacl-engine only up to this size"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    node = PEERS / "node_modules" / "shacl-engine"
    table: dict[int, dict] = {}  # size -> load average and each engine's numbers
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ontology = work / "ontology.ttl"
        ontology.write_text(
            "\n".join(
                p.read_text(encoding="utf-8") for p in sorted((ROOT / "ontology").glob("*.ttl"))
            ),
            encoding="utf-8",
        )
        for size in args.sizes:
            generated, data = graph_of(size, work)
            row = table[size] = {"load average": os.getloadavg()[0]}
            row["cityrdf validate"] = validate_command(generated, args.timeout)
            row["cityrdf"] = run([sys.executable, "-c", CITYRDF, data, SHAPES], args.timeout)
            if args.peers_up_to is None or size <= args.peers_up_to:
                row["pyrudof"] = run([sys.executable, "-c", PYRUDOF, data, SHAPES], args.timeout)
                row["shacl-engine"] = (
                    run(["node", PEERS / "validate.mjs", data, SHAPES, ontology], args.timeout)
                    if node.is_dir()
                    else {"error": "not installed: npm ci --prefix benchmarks/peers"}
                )
            print(f"{size:>9,} triples (load average {row['load average']:.1f}): " + "; ".join(
                f"{name} {r['seconds']:.2f} s wall, {r['cpu']:.2f} s CPU ({r['results']} results)"
                if "seconds" in r else f"{name} {r['error']}"
                for name, r in row.items() if isinstance(r, dict)
            ), flush=True)  # fmt: skip
            whole, goal = row["cityrdf validate"], VALIDATE_GOALS.get(size)
            if goal and "seconds" in whole:
                verdict = "met" if whole["seconds"] <= goal else "missed"
                print(f"    cityrdf validate {whole['seconds']:.2f} s wall (goal ≤ {goal:g} s): "
                      f"{verdict}")  # fmt: skip
            ours = row["cityrdf"]
            for name in ("pyrudof", "shacl-engine"):
                theirs = row.get(name, {})
                for label, mine in (("cityrdf", ours), ("cityrdf validate", whole)):
                    if "seconds" in mine and "seconds" in theirs:
                        print(f"    {name} / {label}: {theirs['seconds'] / mine['seconds']:.2f}× "
                              f"wall, {theirs['cpu'] / mine['cpu']:.2f}× CPU")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"shacl": table}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
