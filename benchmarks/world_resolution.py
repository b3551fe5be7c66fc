"""Resolution quality of the world layer, measured on Wikipedia's lists: every side of every row
(rows with an empty field and rows whose two sides became one city included), what it resolved
to and why, drawn at random for a hand check, and the hand-checked sample scored.

    .venv/bin/python benchmarks/world_resolution.py sample --rows 150 > benchmarks/world-resolution-sample.csv
    (fill in the verdict column by hand: correct, wrong-place, wrong-level, unresolved)
    .venv/bin/python benchmarks/world_resolution.py score benchmarks/world-resolution-sample.csv
    .venv/bin/python benchmarks/world_resolution.py duplicates   # same-name nodes sharing partners

`sample` and `duplicates` run `cityrdf world import` on ../shared/reference-data (about a minute);
`score` reads the checked file only. Verdicts: `correct` (the item, or the name node, is the place
at the level the list names), `wrong-place`, `wrong-level` (the town for its district, a city for
one of its parts), `unresolved` (no item and no GeoNames entry: a name node); a resolved side is
one with a QID, a city of the paper or a GeoNames ID.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the checkout (a git worktree sits one folder deeper)
SHARED = next(
    (p / "shared/reference-data" for p in ROOT.parents if (p / "shared/reference-data").is_dir()),
    ROOT.parent / "shared/reference-data",
)
PLACES = SHARED / "natural-earth-places/populated-places.csv"
PAIRS = SHARED / "wikidata-p190-2016/relations.tsv"
LABELS = SHARED / "wikidata-p190-2016/names.tsv"
WIKIPEDIA = SHARED / "wikipedia-twin-cities/twin_cities_raw.csv"
COLUMNS = ["row", "side", "name", "country", "node", "qid", "geonames", "node_is", "evidence"]
VERDICTS = ("correct", "wrong-place", "wrong-level", "unresolved")


def imported(merge: bool = True):
    """The import's resolved pairs (per source) and its resolver, captured as it runs."""
    from cityrdf.world import run

    captured = {}
    merged = run._merged

    def capture(resolved, resolver):
        captured["resolved"], captured["resolver"] = resolved, resolver
        return merged(resolved, resolver) if merge else []

    run._merged = capture
    try:
        with tempfile.TemporaryDirectory() as out:
            run.run(PAIRS, LABELS, WIKIPEDIA, places=PLACES, out_dir=Path(out))
    finally:
        run._merged = merged
    return captured["resolved"], captured["resolver"]


def describe(city) -> str:
    from cityrdf.world.names import short_name

    label = city.labels.get("en") or city.labels.get("de") or next(iter(city.labels.values()), "")
    others = [t for lang, t in sorted(city.labels.items()) if t != label]
    where = short_name(city.iso2) if city.iso2 else "no country"
    return f"{label} [{' / '.join(others)}] in {where}" if others else f"{label} in {where}"


def sides() -> list[dict]:
    """One dict per side of every data row of the Wikipedia file."""
    resolved, resolver = imported()
    by_line = {p.statement.line: p for p in resolved["wikipedia"][0]}
    evidence = defaultdict(list)
    for m in resolver.mappings:
        if m.source == "wikipedia":
            evidence[(m.name, m.country, m.target)].append(m.evidence)
    review = {(r.name, r.country): r.reason for r in resolver.review if r.source == "wikipedia"}
    out = []
    with WIKIPEDIA.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for fields in reader:
            line = reader.line_num
            pair = by_line.get(line)
            for side in (1, 2):
                name, country = fields[2 * side - 2].strip(), fields[2 * side - 1].strip()
                row = {"row": line, "side": side, "name": name, "country": country}
                if pair is None:
                    why = "row not stated (an empty field)" if not all(fields) else "self-pair"
                    out.append(row | {"node": "", "evidence": why})
                    continue
                city = pair.a if side == 1 else pair.b
                found = evidence.get((name, country, city.iri)) or [review.get((name, country), "")]
                out.append(
                    row
                    | {
                        "node": city.iri.rsplit("/id/", 1)[-1],
                        "qid": city.qid or "",
                        "geonames": city.geonames or "",
                        "node_is": describe(city),
                        "evidence": found[-1],
                    }
                )
    return out


def sample(rows: int, seed: int) -> None:
    every = sides()
    lines = sorted({s["row"] for s in every})
    chosen = set(random.Random(seed).sample(lines, rows))
    out = csv.DictWriter(sys.stdout, [*COLUMNS, "verdict", "note"], lineterminator="\n")
    out.writeheader()
    for side in every:
        if side["row"] in chosen:
            out.writerow({c: side.get(c, "") for c in COLUMNS} | {"verdict": "", "note": ""})


def score(path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        checked = [r for r in csv.DictReader(handle) if r["verdict"]]
    unknown = {r["verdict"] for r in checked} - set(VERDICTS)
    if unknown:
        sys.exit(f"{path}: unknown verdicts {', '.join(sorted(unknown))}")
    counts = Counter(r["verdict"] for r in checked)
    resolved = [r for r in checked if _resolved(r)]
    resolved_counts = Counter(r["verdict"] for r in resolved)
    total, n_resolved = len(checked), len(resolved)
    print(f"sides checked: {total} ({len({r['row'] for r in checked})} rows)")
    print("| measure | value |\n|---|---|")
    print(
        f"| resolution rate (QID, paper or GeoNames) | {n_resolved}/{total} = {_pct(n_resolved, total)} |"
    )
    correct = resolved_counts["correct"]
    print(f"| precision of resolved sides | {correct}/{n_resolved} = {_pct(correct, n_resolved)} |")
    for verdict in ("wrong-place", "wrong-level"):
        n = resolved_counts[verdict]
        print(f"| {verdict} among resolved | {n}/{n_resolved} = {_pct(n, n_resolved)} |")
    right = counts["correct"] + counts["unresolved"]
    print(f"| right or honestly unresolved, all sides | {right}/{total} = {_pct(right, total)} |")


def duplicates() -> None:
    """Same-name node pairs (one folded label) that share two or more partners, before and after
    the merge."""
    from cityrdf.world.merge import name_keys

    for merge in (False, True):
        resolved, resolver = imported(merge)
        partners = defaultdict(set)
        for pairs, _ in resolved.values():
            for p in pairs:
                partners[p.a.iri].add(p.b.iri)
                partners[p.b.iri].add(p.a.iri)
        groups = defaultdict(set)
        for iri in partners:
            for _, key in name_keys(resolver.cities[iri]):
                groups[key].add(iri)
        found = {
            (a, b)
            for group in groups.values()
            for a, b in combinations(sorted(group), 2)
            if len(partners[a] & partners[b]) >= 2
        }
        cities = len(partners)
        print(f"merge={merge}: {cities} cities, {len(found)} same-name pairs sharing ≥2 partners")
        for a, b in sorted(found)[:40]:
            print("  ", describe(resolver.cities[a]), "|", describe(resolver.cities[b]))


def _resolved(side: dict) -> bool:
    """A QID, a GeoNames ID, or a city of the paper (crid:city/{slug}, one level deep)."""
    return bool(side["qid"] or side["geonames"] or side["node"].count("/") == 1)


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f} %" if total else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    drawn = commands.add_parser("sample")
    drawn.add_argument("--rows", type=int, default=150)
    drawn.add_argument("--seed", type=int, default=14)
    commands.add_parser("score").add_argument("file", type=Path)
    commands.add_parser("duplicates")
    dump = commands.add_parser("dump")
    dump.add_argument("file", type=Path)
    args = parser.parse_args()
    if args.command != "score" and not WIKIPEDIA.is_file():
        print(f"no reference data at {SHARED}: nothing to measure")
        return
    if args.command == "sample":
        sample(args.rows, args.seed)
    elif args.command == "score":
        score(args.file)
    elif args.command == "duplicates":
        duplicates()
    else:
        with args.file.open("w", encoding="utf-8", newline="") as handle:
            out = csv.DictWriter(handle, COLUMNS, delimiter="\t", lineterminator="\n")
            out.writeheader()
            out.writerows({c: s.get(c, "") for c in COLUMNS} for s in sides())


if __name__ == "__main__":
    main()
