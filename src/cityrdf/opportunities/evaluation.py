"""Gap-filling evaluation: rank with the graph of one source, score against the pacts a later
source lists that it lacks. Not a temporal split: many of those pacts predate the first source, so
this measures how well the graph's gaps are found, not how well the future is foretold.

The ranker is fitted by `Ranker.fit(then)` on the earlier graph alone; the later pacts (`answers`)
are used only to score the rankings, never passed to training.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cityrdf.opportunities.criteria import CRITERIA
from cityrdf.opportunities.features import PairFeatures
from cityrdf.opportunities.ranker import BASELINES, Ranker, baseline_scores
from cityrdf.opportunities.scorer import ranking
from cityrdf.opportunities.twin_graph import World

METRICS = ("hits@10", "mrr", "recall@50")


@dataclass
class CityScores:
    """Per ranked city, per method: hits@10 (0/1), reciprocal rank of the first answer, recall@50."""

    cities: list[str]
    methods: dict[str, np.ndarray]  # method → cities × METRICS


def rank_metrics(order: np.ndarray, answers: np.ndarray) -> tuple[float, float, float]:
    """Metrics of one ranking (candidate indices best first) against the answer indices."""
    position = np.flatnonzero(np.isin(order, answers)) + 1
    first = position.min()
    return float(first <= 10), 1.0 / first, float((position <= 50).sum() / len(answers))


def evaluate(
    then: World,
    answers: set[frozenset[str]],
    rankers: dict[str, Ranker],
    candidates: set[str] | None = None,
    seed: int = 0,
    sample: int | None = None,
    only: set[str] | None = None,
) -> CityScores:
    """Rank, for every city with an answer (or those of `only`, or a seeded sample of `sample` of
    them), all candidates that are not already its partners."""
    table = PairFeatures(then)
    universe = set(then.keys) if candidates is None else candidates
    later: dict[str, set[str]] = {}
    for pair in answers:
        a, b = sorted(pair)
        if a in universe and b in universe and not then.graph.has_edge(a, b):
            later.setdefault(a, set()).add(b)
            later.setdefault(b, set()).add(a)
    cities = sorted(later if only is None else set(later) & only)
    rng = np.random.default_rng(seed)
    if sample is not None and sample < len(cities):
        cities = sorted(rng.choice(cities, size=sample, replace=False))
    in_universe = np.array([k in universe for k in then.keys])
    methods: dict[str, list[tuple[float, float, float]]] = {
        name: [] for name in [*rankers, *BASELINES]
    }
    for city in cities:
        i = table.index[city]
        allowed = in_universe.copy()
        allowed[i] = False
        allowed[[table.index[k] for k in then.partners(city)]] = False
        pool = np.flatnonzero(allowed)
        features = table.for_city(i)[pool]
        truth = np.flatnonzero(np.isin(pool, [table.index[k] for k in later[city]]))
        for name, ranker in rankers.items():
            methods[name].append(rank_metrics(ranking(ranker.score(features), rng), truth))
        for name in BASELINES:
            scores = baseline_scores(name, features, rng)
            methods[name].append(rank_metrics(ranking(scores, rng), truth))
    return CityScores(cities, {m: np.asarray(v).reshape(-1, 3) for m, v in methods.items()})


def summary(
    scores: np.ndarray, rounds: int = 1000, seed: int = 0
) -> dict[str, float | list[float]]:
    """Means of each metric over cities with 95 % percentile bootstrap intervals (cities resampled)."""
    result: dict[str, float | list[float]] = {"cities": len(scores)}
    if len(scores) == 0:
        return result
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(scores), size=(rounds, len(scores)))
    means = scores[draws].mean(axis=1)
    for j, metric in enumerate(METRICS):
        result[metric] = round(float(scores[:, j].mean()), 4)
        low, high = np.percentile(means[:, j], [2.5, 97.5])
        result[f"{metric}-ci"] = [round(float(low), 4), round(float(high), 4)]
    return result


def paired_ratio(
    model: np.ndarray,
    baseline: np.ndarray,
    metric: str = "hits@10",
    rounds: int = 1000,
    seed: int = 0,
) -> dict[str, float | list[float]]:
    """The model's mean `metric` over the baseline's on the same cities, with a 95 % percentile
    interval from resampling cities (the same draw for both: the pairing keeps what a city makes
    easy or hard out of the interval)."""
    j = METRICS.index(metric)
    if len(model) == 0 or baseline[:, j].mean() == 0:
        return {}
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(model), size=(rounds, len(model)))
    over = baseline[draws, j].mean(axis=1)
    ratios = model[draws, j].mean(axis=1) / np.where(over > 0, over, np.nan)
    low, high = np.nanpercentile(ratios, [2.5, 97.5])
    return {
        "ratio": round(float(model[:, j].mean() / baseline[:, j].mean()), 3),
        "ci": [round(float(low), 3), round(float(high), 3)],
    }


def ablation_rankers(base: Ranker) -> dict[str, Ranker]:
    """One ranker per criterion, fitted without that criterion's features."""
    return {
        f"without {c.slug}": Ranker(
            kind=base.kind,
            seed=base.seed,
            holdout=base.holdout,
            negatives=base.negatives,
            dropped=tuple({*base.dropped, *c.features}),
        )
        for c in CRITERIA
    }
