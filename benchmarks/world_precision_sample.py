"""Draw the hand-checked sample of name resolution: 100 random rows of Wikipedia's lists (seed 7)
among those where at least one side was resolved to a QID or a city of the paper, with what each
side was resolved to and why (from world/resolution.sssom.tsv after `cityrdf world import`).

    .venv/bin/python benchmarks/world_precision_sample.py > benchmarks/world-name-precision.csv

The verdict column is then filled in by hand (docs: benchmarks/README.md, "World layer").
"""

import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared/reference-data"
WIKIPEDIA = SHARED / "wikipedia-twin-cities/twin_cities_raw.csv"


def item_names() -> dict[str, str]:
    """What each QID is called where we can read it: Natural Earth (name, country), else the
    2016 crawl's label: what a checker compares with the name the list prints."""
    names = {}
    with (SHARED / "wikidata-p190-2016/names.tsv").open(encoding="utf-8") as f:
        for line in f:
            qid, label = line.rstrip("\n").split("\t")
            names[qid] = f"{label} (crawl label)"
    with (SHARED / "natural-earth-places/populated-places.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["wikidata"]:
                names[r["wikidata"]] = f"{r['name_en']}, {r['country']} (Natural Earth)"
    return names


def main() -> None:
    resolved = {}
    with (ROOT / "world/resolution.sssom.tsv").open(encoding="utf-8") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        for r in rows:
            if r["subject_source"] == "wikipedia":
                resolved[r["subject_label"]] = (r["object_id"], r["comment"])
    with WIKIPEDIA.open(encoding="utf-8", newline="") as f:
        pairs = [r for r in csv.DictReader(f) if all(r.values())]
    sides = [[(r[f"city{i}"], r[f"country{i}"]) for i in (1, 2)] for r in pairs]
    candidates = [s for s in sides if any(f"{n} ({c})" in resolved for n, c in s)]
    sample = random.Random(7).sample(candidates, 100)
    out = csv.writer(sys.stdout, lineterminator="\n")
    names = item_names()
    out.writerow(["pair", "name", "country", "resolved_to", "item_is", "evidence", "verdict"])
    for number, pair in enumerate(sample, start=1):
        for name, country in pair:
            target, evidence = resolved.get(f"{name} ({country})", ("", "not resolved"))
            item = names.get(target.removeprefix("wikidata:"), "") if target else ""
            out.writerow([number, name, country, target, item, evidence, ""])


if __name__ == "__main__":
    main()
