"""The performance goals, each with its measured value and a met/missed verdict, for `make bench`.

The parts that have their own script run it as a subprocess and read its JSON: the server load test
(`load.py`), the import of 200 k rows (`import_pacts.py`), the world layer (`world.py`) and, when
present, the opportunities evaluation (`opportunities.py`, a quality report without a time goal).
A part whose script or reference files are absent gives one line saying so instead of a number.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SHARED = HERE.parent.parent / "shared" / "reference-data"
# load.py's kinds of request: resource pages (HTML and RDF) and the stored questions over /sparql.
PAGE_KINDS = ("resource html", "resource turtle", "ontology", "index page")
PART_TIMEOUT = 1800  # seconds; a part still running then is reported as missed, not waited for


def run_script(name: str, *args: str, out: Path) -> tuple[dict | None, str]:
    """Run benchmarks/NAME with ARGS writing JSON to OUT: (its JSON, a note); JSON None if it failed."""
    script = HERE / name
    if not script.is_file():
        return None, f"benchmarks/{name} is absent: not measured"
    out.unlink(missing_ok=True)
    print(f"  {name} {' '.join(args)} …", file=sys.stderr, flush=True)
    try:
        done = subprocess.run(
            [sys.executable, str(script), *args],
            capture_output=True,
            text=True,
            timeout=PART_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, f"benchmarks/{name} ran over {PART_TIMEOUT} s: stopped"
    said = (done.stdout + done.stderr).strip().splitlines()
    if not out.is_file():
        return None, f"benchmarks/{name} wrote no results: {said[-1] if said else done.returncode}"
    return json.loads(out.read_text(encoding="utf-8")), done.stdout.strip()


def server(seconds: float) -> tuple[list[str], str]:
    out = RESULTS / "load.json"
    result, note = run_script(
        "load.py", "--clients", "50", "--seconds", str(seconds), "--out", str(out), out=out
    )
    if result is None:
        return [row("server: load test", None, note)], note
    kinds = result["by_kind"]
    pages = {k: v for k, v in kinds.items() if k in PAGE_KINDS}
    questions = {k: v for k, v in kinds.items() if k.startswith("sparql")}
    page_rps = sum(v["requests"] for v in pages.values()) / result["seconds"]
    page_p99 = max((v["p99_ms"] for v in pages.values()), default=None)
    question_p50 = max((v["p50_ms"] for v in questions.values()), default=None)
    errors = result["errors"] + result["server_errors"]
    return [
        verdict("server: resource pages ≥ 500 requests/s (50 clients)", page_rps, 500, "/s", False),
        verdict("server: resource pages p99 ≤ 50 ms (slowest kind)", page_p99, 50, " ms"),
        verdict("server: stored questions p50 ≤ 20 ms (slowest kind)", question_p50, 20, " ms"),
        verdict("server: errors and 5xx = 0", errors, 0, ""),
        row(
            "server: cityrdf serve / nginx (static site)",
            None,
            "not measured: load.py has no nginx run",
        ),
    ], note


def build(paper: dict) -> list[str]:
    cold, warm = paper["build_cold"], paper["build_warm"]
    failed = (
        f" (build exited {paper['build_status']}: see `cityrdf validate`)"
        if paper.get("build_status")
        else ""
    )
    return [
        verdict(
            f"cold `cityrdf build` ≤ 3 s, HermiT's verdict not cached (CPU user+sys {paper['build_cold_cpu']:.2f} s){failed}",
            cold,
            3,
            " s",
        ),
        verdict(f"warm `cityrdf build` (verdict cached){failed}", warm, 3, " s"),
    ]


def import_rows(rows: int) -> list[str]:
    result, note = run_script(
        "import_pacts.py",
        "--rows",
        str(rows),
        "--json",
        str(RESULTS / "import.json"),
        out=RESULTS / "import.json",
    )
    if result is None:
        return [row(f"import of {rows:,} rows", None, note)]
    [run] = result["runs"]
    return [
        verdict(f"import of {rows:,} rows ≤ 60 s", run["seconds"], 60, " s"),
        verdict(f"import of {rows:,} rows: peak ≤ 1536 MB", run["peak_mb"], 1536, " MB"),
    ]


def cli_suite(triples: int) -> list[str]:
    """The question suite as a user runs it: `cityrdf query NAME` per question (cli_suite.py)."""
    out = RESULTS / "cli-suite.json"
    result, note = run_script(
        "cli_suite.py", "--triples", str(triples), "--json", str(out), out=out
    )
    what = f"{triples:,} triples: question suite as a user runs it (`cityrdf query NAME`)"
    if result is None:
        return [row(what, None, note)]
    if result["differ"]:
        return [row(what, None, f"answers differ from raw pyoxigraph's: {result['differ']}")]
    return [
        verdict(f"{what} / a raw pyoxigraph script ≤ 1.10× (CPU)", result["ratio_cpu"], 1.10, "×")
    ]


def world() -> list[str]:
    result, note = run_script(
        "world.py", "--out", str(RESULTS / "world.json"), out=RESULTS / "world.json"
    )
    if result is None:
        return [row("world layer", None, note)]
    questions = result["questions"]["questions"]
    slowest = max(questions, key=lambda q: questions[q]["median_seconds"])
    peak = max(result[step]["peak_mb"] for step in ("import", "validate", "questions"))
    return [
        verdict(
            "world: `world import` of both files ≤ 30 s", result["import"]["seconds"], 30, " s"
        ),
        verdict("world: its `validate` ≤ 15 s", result["validate"]["seconds"], 15, " s"),
        verdict(
            f"world: slowest question ({slowest}) ≤ 1 s",
            questions[slowest]["median_seconds"],
            1,
            " s",
        ),
        verdict("world: peak ≤ 1536 MB (largest step)", peak, 1536, " MB"),
    ]


def opportunities() -> tuple[list[str], str]:
    result, note = run_script(
        "opportunities.py",
        "--json",
        str(RESULTS / "opportunities.json"),
        out=RESULTS / "opportunities.json",
    )
    if result is None:
        return [row("opportunities (temporal evaluation)", None, note)], ""
    return [row("opportunities (temporal evaluation)", None, "reported below; no time goal")], note


def verdict(
    what: str, measured: float | None, limit: float, unit: str, at_most: bool = True
) -> str:
    if measured is None:
        return row(what, None, "not measured")
    met = measured <= limit if at_most else measured >= limit
    return row(
        what,
        f"{measured:.2f}{unit}",
        "met" if met else f"missed by {abs(measured - limit):.2f}{unit}",
    )


def row(what: str, measured: str | None, said: str) -> str:
    return f"| {what} | {measured or '–'} | {said} |"
