"""`cityrdf import pacts` on a generated table of N rows: wall time and peak memory.

    .venv/bin/python benchmarks/import_pacts.py --rows 2000 20000 100000 200000 [--json FILE]

Each size runs `cityrdf import pacts` as its own process in a throw-away copy of the project
(ontology/, shapes/, data/, queries/), so the whole-project validation is the real one; peak RSS
is that process's ru_maxrss, and its CPU seconds are reported beside the wall time (on a shared
machine the wall time is mostly waiting for a core), with the milliseconds per row of each and the
load average (1 minute) when the size started and ended. Rows pair the paper's Iranian cities with
generated partner cities (each partner twinned with every Iranian city once, all pairs distinct),
with Gregorian and Jalali dates, every status, and URL and citation sources.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CITYRDF = Path(sys.executable).with_name("cityrdf")
IRANIAN = ["Tehran", "Isfahan", "Tabriz", "Shiraz", "Mashhad", "Yazd", "Arak"]
COUNTRIES = ["France", "Germany", "China", "Turkey", "Russia", "Japan", "Italy", "Brazil"]
STATUSES = ["listed", "official", "friendship", "unofficial"]
PERSIAN_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
LATIN = "abcdefghijklmnopqrstuvwxyz"


def spelled(n: int, letters: str) -> str:
    """`n` written in base len(letters) with `letters` as digits (every name distinct)."""
    word = ""
    while True:
        n, digit = divmod(n, len(letters))
        word = letters[digit] + word
        if n == 0:
            return word


def write_table(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "city",
                "partner",
                "partner_country",
                "date",
                "calendar",
                "status",
                "source",
                "partner_fa",
            ]
        )
        for i in range(rows):
            partner = i // len(IRANIAN)
            if i % 3 == 0:
                date, calendar = f"{1380 + i % 20}-{1 + i % 12:02d}", "jalali"
            else:
                date, calendar = f"{1990 + i % 30}", "gregorian"
            source = (
                f"https://example.org/pacts/{i}"
                if i % 2
                else f"City archive yearbook {2000 + i % 20}"
            )
            writer.writerow(
                [
                    IRANIAN[i % len(IRANIAN)],
                    "Benchton " + spelled(partner, LATIN).capitalize(),
                    COUNTRIES[partner % len(COUNTRIES)],
                    date,
                    calendar,
                    STATUSES[partner % len(STATUSES)],
                    source,
                    # «ز» first: a generated word is never a bare affix («می», «ها»), which the
                    # Persian orthography QC refuses
                    "بنچ ز" + spelled(partner, PERSIAN_LETTERS),
                ]
            )


def measure(rows: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="cityrdf-bench-import-") as folder:
        project = Path(folder) / "project"
        for name in ("ontology", "shapes", "data", "queries"):
            shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("imported"))
        table = Path(folder) / f"pacts-{rows}.csv"
        write_table(table, rows)
        load_before = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [str(CITYRDF), "import", "pacts", str(table)],
            env={**os.environ, "CITYRDF_HOME": str(project)},
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU seconds as well as wall time: on a shared machine the wall time is mostly waiting.
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"import of {rows} rows failed: {done.stderr.strip()[:2000]}")
        return {
            "rows": rows,
            "table_mb": round(table.stat().st_size / 1e6, 1),
            "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "ms_per_row": round(seconds / rows * 1000, 3),
            "cpu_ms_per_row": round(cpu / rows * 1000, 3),
            "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
            # ru_maxrss of children is the largest child so far: sizes run in ascending order.
            "peak_mb": round(after.ru_maxrss / 1024),
            "output": done.stdout.strip(),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    results = []
    for rows in sorted(args.rows):
        result = measure(rows)
        results.append(result)
        print(
            f"{rows:>8,} rows ({result['table_mb']} MB): {result['seconds']:7.2f} s "
            f"({result['cpu_seconds']:.2f} s CPU), {result['ms_per_row']:.3f} ms/row "
            f"({result['cpu_ms_per_row']:.3f} CPU), peak {result['peak_mb']:,} MB, "
            f"load {result['load_average'][0]}→{result['load_average'][1]}  [{result['output']}]",
            flush=True,
        )
    print(f"machine: {machine}")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "runs": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
