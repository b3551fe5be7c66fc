"""The world layer at full size: `cityrdf world import` of the 2016 Wikidata crawl and Wikipedia's
lists (../shared/reference-data/), `cityrdf world validate`, then each world stored question on
the project graph with the world graphs beside it. Each step runs in its own subprocess, so its
peak memory (ru_maxrss) is its own. Targets: import ≤ 30 s, validation
≤ 15 s, each question ≤ 1 s, peak ≤ 1.5 GB.

    .venv/bin/python benchmarks/world.py [--out benchmarks/results/world.json]

Without ../shared it says so and exits 0 (nothing to measure).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "reference-data"
PAIRS = SHARED / "wikidata-p190-2016" / "relations.tsv"
LABELS = SHARED / "wikidata-p190-2016" / "names.tsv"
WIKIPEDIA = SHARED / "wikipedia-twin-cities" / "twin_cities_raw.csv"
QUESTIONS = [
    "iran-pacts-by-source",
    "paper-not-in-open-data",
    "open-data-not-in-paper",
    "source-agreement",
    "iran-pact-counts",
    "paper-tables-vs-open-data",
]
TARGETS = {"import": 30.0, "validate": 15.0, "question": 1.0, "peak_mb": 1536}

IMPORT = """
import json, resource, sys, time
from pathlib import Path
from cityrdf.world import run
t = time.perf_counter()
report = run.run(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), out_dir=Path(sys.argv[4]))
seconds = time.perf_counter() - t
cpu = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu.ru_utime + cpu.ru_stime,
  "sources": [s.__dict__ for s in report.sources], "review": report.review,
  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

VALIDATE = """
import json, resource, sys, time
from pathlib import Path
from cityrdf.world.validate import validate_world
t = time.perf_counter()
found = validate_world(sorted(Path(sys.argv[1]).glob("*.nq")))
seconds = time.perf_counter() - t
cpu = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu.ru_utime + cpu.ru_stime,
  "violations": sum(f.severity == "Violation" for v in found.values() for f in v),
  "warnings": sum(f.severity != "Violation" for v in found.values() for f in v),
  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

QUESTION = """
import json, resource, statistics, sys, time
from pathlib import Path
import pyoxigraph as ox
from cityrdf.rdf.graph import load_store
from cityrdf.query import run, to_csv
t = time.perf_counter()
store = load_store()
for path in sorted(Path(sys.argv[1]).glob("*.nq")):
    store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
load = time.perf_counter() - t
out = {"load_seconds": load, "triples": len(store), "questions": {}}
for name in sys.argv[2:]:
    run(name, store=store)  # warm-up
    times, cpus = [], []
    for _ in range(5):
        t, c = time.perf_counter(), time.process_time()
        answer = run(name, store=store)
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    out["questions"][name] = {"median_seconds": statistics.median(times), "rows": len(answer.rows),
                              "median_cpu_seconds": statistics.median(cpus), "csv": to_csv(answer)}
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def step(code: str, *args) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"benchmark step failed: {done.stderr.strip().splitlines()[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/world.json")
    args = parser.parse_args()
    if not all(p.is_file() for p in (PAIRS, LABELS, WIKIPEDIA)):
        print(f"no reference data in {SHARED}: nothing to measure")
        return
    with tempfile.TemporaryDirectory(prefix="cityrdf-world-") as folder:
        results = {
            "load": os.getloadavg()[0],
            "cores": os.cpu_count(),
            "import": step(IMPORT, PAIRS, LABELS, WIKIPEDIA, folder),
            "validate": step(VALIDATE, folder),
            "questions": step(QUESTION, folder, *QUESTIONS),
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print(report(results))


def report(results: dict) -> str:
    imp, val, qs = results["import"], results["validate"], results["questions"]
    # CPU time beside wall time: on a shared machine the wall time measures the neighbours too.
    lines = [
        f"load average at the start: {results['load']:.1f} on {results['cores']} cores",
        "",
        "| step | wall | CPU (process) | target | verdict (wall) |",
        "|---|---|---|---|---|",
    ]

    def row(name, value, cpu, target, unit):
        verdict = "met" if value <= target else "missed"
        cpu_text = f"{cpu:.2f} {unit}" if cpu is not None else ""
        lines.append(
            f"| {name} | {value:.2f} {unit} | {cpu_text} | ≤ {target:g} {unit} | {verdict} |"
        )

    row("world import (both files)", imp["seconds"], imp["cpu_seconds"], TARGETS["import"], "s")
    row("world validate", val["seconds"], val["cpu_seconds"], TARGETS["validate"], "s")
    for name, q in qs["questions"].items():
        row(
            f"question {name} ({q['rows']} rows)",
            q["median_seconds"],
            q["median_cpu_seconds"],
            TARGETS["question"],
            "s",
        )
    peak = max(imp["peak_mb"], val["peak_mb"], qs["peak_mb"])
    row("peak memory (largest step)", peak, None, TARGETS["peak_mb"], "MB")
    for s in imp["sources"]:
        lines.append(
            f"\n{s['source']}: {s['statements']:,} statements, {s['pairs']:,} pacts, "
            f"{s['cities']:,} cities ({s['cities_with_qid']:,} with a QID or the paper's), "
            f"{s['triples']:,} triples"
        )
    lines.append(
        f"\nnames to review: {imp['review']:,}; validation: {val['violations']} "
        f"violations, {val['warnings']} warnings; store for questions: "
        f"{qs['triples']:,} quads, loaded in {qs['load_seconds']:.1f} s"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
