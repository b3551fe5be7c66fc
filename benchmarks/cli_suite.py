"""The question suite as a user runs it: `cityrdf query NAME`, one process per question, beside a
raw pyoxigraph script that loads the same files and runs the same text.

    .venv/bin/python benchmarks/cli_suite.py [--triples 100000] [--questions NAME ...] [--json F]

A copy of the project (ontology, shapes, data, queries) gets the generated graph of `run.py`
(`--triples`, about N triples) as one more data file, `data/imported/generated.ttl`. For each
stored question, alternately: `cityrdf query NAME --format tsv` (the hub city of `run.py`'s
parameters given by its English label, as a user types it), then the raw script: a new Python
process that loads the same files with Oxigraph's loader, applies the build's entailment rules as
SPARQL updates and writes the TSV of the question's text with the parameters already bound (what
`cityrdf.query.bind_params` writes). Both are timed from outside, interpreter start included: wall
seconds and CPU seconds (user + system of the process and of any worker it forked and reaped).
The two answers must be the same bytes; a question whose answers differ is reported.

`--cityrdf PATH` times another installation's `cityrdf` (another checkout's `.venv/bin/cityrdf`)
on the same project copy, to compare before and after a change.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import run

ROOT = Path(__file__).resolve().parent.parent
CITYRDF = Path(sys.executable).parent / "cityrdf"
SOURCES = ("ontology", "shapes", "data", "queries")
RAW = """
import sys
from pathlib import Path
import pyoxigraph as ox

root, rules, text = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
store = ox.Store()
for folder in ("ontology", "data", "data/links", "data/imported"):
    for path in sorted((root / folder).glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
for rule in rules.read_text(encoding="utf-8").split("\\n#####\\n"):
    store.update(rule)
answer = store.query(text.read_text(encoding="utf-8"))
sys.stdout.buffer.write(answer.serialize(format=ox.QueryResultsFormat.TSV))
"""


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, bytes]:
    """Wall seconds, CPU seconds (the process and its reaped children) and standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)}: exit {done.returncode}: {done.stderr.decode()}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu, done.stdout


def project_copy(folder: Path, triples: int) -> Path:
    """The project's sources with the generated graph of about `triples` triples added."""
    project = folder / "project"
    for name in SOURCES:
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("imported"))
    (project / "data" / "imported").mkdir()
    shutil.copyfile(run.data_file(str(triples)), project / "data" / "imported" / "generated.ttl")
    return project


def bound_questions(project: Path, folder: Path) -> tuple[dict[str, Path], dict[str, str], Path]:
    """Each question's text with the hub bound (files for the raw script), the hub's parameters,
    and the entailment rules as one file of updates."""
    import pyoxigraph as ox

    from cityrdf.project import Project, use
    from cityrdf.rdf import graph
    from cityrdf.rdf.namespaces import sparql_prologue

    store = ox.Store()
    for name in ("ontology", "data", "data/links", "data/imported"):
        for path in sorted((project / name).glob("*.ttl")):
            store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    rules = [sparql_prologue() + rule for rule in graph.ENTAILMENT_RULES.values()]
    for rule in rules:
        store.update(rule)
    rules_file = folder / "rules.ru"
    rules_file.write_text("\n#####\n".join(rules), encoding="utf-8")
    texts = {}
    with use(Project(project)):
        for name, text in run.stored_questions(store).items():
            texts[name] = folder / f"{name}.rq"
            texts[name].write_text(text, encoding="utf-8")
    return texts, run.parameters(store), rules_file


def measure(triples: int, questions: list[str] | None, cityrdf: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="cityrdf-bench-cli-") as tmp:
        folder = Path(tmp)
        project = project_copy(folder, triples)
        texts, chosen, rules = bound_questions(project, folder)
        env = {**os.environ, "CITYRDF_HOME": str(project)}
        from cityrdf.project import Project, use
        from cityrdf.sparql import catalogue

        with use(Project(project)):
            stored = catalogue.discover()
        names = questions or sorted(texts)
        result: dict = {"triples": triples, "questions": {}, "differ": []}
        for name in names:
            params = [f"{p.name}={chosen.get(p.type, '1')}" for p in stored[name].params]
            ours = [str(cityrdf), "query", name, "--format", "tsv"]
            for param in params:
                ours += ["--param", param]
            raw = [sys.executable, "-c", RAW, str(project), str(rules), str(texts[name])]
            wall, cpu, answer = timed(ours, env)
            raw_wall, raw_cpu, raw_answer = timed(raw, env)
            if answer != raw_answer:
                result["differ"].append(name)
            result["questions"][name] = {
                "cityrdf": {"wall": wall, "cpu": cpu},
                "raw": {"wall": raw_wall, "cpu": raw_cpu},
            }
            print(
                f"  {name}: cityrdf {cpu:.2f} s CPU ({wall:.2f} wall), "
                f"raw {raw_cpu:.2f} s CPU ({raw_wall:.2f} wall)",
                file=sys.stderr,
                flush=True,
            )
        for backend in ("cityrdf", "raw"):
            for kind in ("wall", "cpu"):
                result[f"{backend}_{kind}"] = sum(
                    q[backend][kind] for q in result["questions"].values()
                )
        result["ratio_cpu"] = result["cityrdf_cpu"] / result["raw_cpu"]
        result["ratio_wall"] = result["cityrdf_wall"] / result["raw_wall"]
        result["load_average"] = os.getloadavg()[0]
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000, help="generated graph size")
    parser.add_argument("--questions", nargs="+", help="stored questions to run (default: all)")
    parser.add_argument("--cityrdf", type=Path, default=CITYRDF, help="the cityrdf to time")
    parser.add_argument("--json", type=Path, help="write the numbers here")
    args = parser.parse_args()
    result = measure(args.triples, args.questions, args.cityrdf)
    print(
        f"{len(result['questions'])} questions at {args.triples:,} triples: cityrdf "
        f"{result['cityrdf_cpu']:.2f} s CPU ({result['cityrdf_wall']:.2f} s wall), raw pyoxigraph "
        f"{result['raw_cpu']:.2f} s CPU ({result['raw_wall']:.2f} s wall): "
        f"{result['ratio_cpu']:.2f}× CPU, {result['ratio_wall']:.2f}× wall; "
        f"answers differ: {', '.join(result['differ']) or 'none'}; "
        f"load average {result['load_average']:.1f}"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
