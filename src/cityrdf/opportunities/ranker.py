"""Rankers of candidate partners: the learned ranker and the baselines it is measured against.

The learned ranker is fitted on the world graph at hand with part of its own pacts hidden: the
hidden pacts are the positives, the features come from the rest, so the model learns which
features foretell a pact the graph does not show yet. Nothing else goes into training.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import ThreadpoolController

from cityrdf.opportunities.criteria import CRITERIA
from cityrdf.opportunities.features import FEATURES, PairFeatures
from cityrdf.opportunities.twin_graph import World


@functools.cache
def thread_controller() -> ThreadpoolController:
    """Found once per process: finding the OpenMP/BLAS libraries costs more than a prediction."""
    return ThreadpoolController()


def single_thread():
    """One OpenMP/BLAS thread: on a shared machine the boosted trees' threads wait on each other
    far longer than the work takes."""
    return thread_controller().limit(limits=1)


BASELINES = ("random", "preferential_attachment", "common_neighbours", "adamic_adar", "distance")
BACKGROUND_PAIRS = 16  # reference pairs of the attribution (scorer.py): more is steadier, slower
CALIBRATION_CITIES = 150
CALIBRATION_NEGATIVES = 400  # per city, weighted back to all its candidates


def baseline_scores(name: str, features: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A baseline's score of every candidate (higher is better)."""
    column = {f: features[:, j] for j, f in enumerate(FEATURES)}
    if name == "random":
        return rng.random(len(features))
    if name == "distance":
        return -np.nan_to_num(column["distance"], nan=np.inf)
    return column[name]


def hide(
    world: World, rng: np.random.Generator, holdout: float
) -> tuple[set[frozenset[str]], World, dict[str, set[str]]]:
    """A random `holdout` of the world's pacts, the world without them, each city's hidden partners."""
    pacts = sorted(tuple(sorted(e)) for e in world.graph.edges)
    chosen = rng.choice(len(pacts), size=max(1, round(holdout * len(pacts))), replace=False)
    hidden = {frozenset(pacts[i]) for i in chosen}
    hidden_partners: dict[str, set[str]] = {}
    for pact in sorted(tuple(sorted(p)) for p in hidden):
        for a, b in (pact, pact[::-1]):
            hidden_partners.setdefault(a, set()).add(b)
    return hidden, world.without(hidden), hidden_partners


@dataclass
class TrainingSet:
    features: np.ndarray
    labels: np.ndarray
    hidden: set[frozenset[str]]  # the pacts hidden from the features: the positives' source


def training_set(
    world: World,
    seed: int = 0,
    holdout: float = 0.2,
    negatives: int = 100,
    max_cities: int | None = None,
) -> TrainingSet:
    """Hide `holdout` of the world's pacts; for cities with a hidden pact, the hidden partners are
    positives and `negatives` random non-partners are negatives, with features of the rest.
    Every such city trains unless `max_cities` samples them (on the benchmark, a sample of 1,000
    gave 1.089× the best baseline's Hits@10, all cities 1.125×: benchmarks/README.md)."""
    rng = np.random.default_rng(seed)
    hidden, visible, hidden_partners = hide(world, rng, holdout)
    table = PairFeatures(visible)
    keys = visible.keys
    sources = sorted(hidden_partners)
    if max_cities is not None and len(sources) > max_cities:
        sources = sorted(rng.choice(sources, size=max_cities, replace=False))
    rows, labels = [], []
    for source in sources:
        i = table.index[source]
        matrix = table.for_city(i)
        excluded = visible.partners(source) | {source}
        positives = [table.index[k] for k in sorted(hidden_partners[source])]
        pool = np.array(
            [
                j
                for j, k in enumerate(keys)
                if k not in excluded and k not in hidden_partners[source]
            ],
            dtype=int,
        )
        drawn = rng.choice(pool, size=min(negatives, len(pool)), replace=False)
        rows += [matrix[positives], matrix[drawn]]
        labels += [1] * len(positives) + [0] * len(drawn)
    return TrainingSet(np.vstack(rows), np.asarray(labels), hidden)


@dataclass
class HeldOutPairs:
    features: np.ndarray
    labels: np.ndarray
    weights: np.ndarray  # a drawn negative stands for this many candidates


def held_out_pairs(world: World, seed: int, holdout: float = 0.2) -> HeldOutPairs:
    """Hide `holdout` of the pacts; for up to CALIBRATION_CITIES cities with a hidden pact, the
    hidden partners and a weighted draw of all other non-partners, with features of the rest."""
    rng = np.random.default_rng(seed)
    _, visible, hidden_partners = hide(world, rng, holdout)
    table = PairFeatures(visible)
    sources = sorted(hidden_partners)
    if len(sources) > CALIBRATION_CITIES:
        sources = sorted(rng.choice(sources, size=CALIBRATION_CITIES, replace=False))
    rows, labels, weights = [], [], []
    for source in sources:
        i = table.index[source]
        matrix = table.for_city(i)
        positives = [table.index[k] for k in sorted(hidden_partners[source])]
        allowed = np.ones(table.size, dtype=bool)
        allowed[[i, *positives, *(table.index[k] for k in visible.partners(source))]] = False
        pool = np.flatnonzero(allowed)
        drawn = rng.choice(pool, size=min(CALIBRATION_NEGATIVES, len(pool)), replace=False)
        rows += [matrix[positives], matrix[drawn]]
        labels += [1] * len(positives) + [0] * len(drawn)
        weights += [1.0] * len(positives) + [len(pool) / max(len(drawn), 1)] * len(drawn)
    return HeldOutPairs(np.vstack(rows), np.asarray(labels), np.asarray(weights))


@dataclass
class Ranker:
    """A fitted ranker over FEATURES minus `dropped` (the ablation study drops some)."""

    kind: str = "boosted"
    seed: int = 0
    holdout: float = 0.2
    negatives: int = 100
    dropped: tuple[str, ...] = ()
    estimator: Any = None  # the fitted sklearn model (sklearn ships no type hints)
    training_pacts: int = 0
    training_digest: str = ""  # SHA-256 of the training examples: what, exactly, it learned from
    hidden_pacts: set[frozenset[str]] = field(default_factory=set)
    calibration: LogisticRegression | None = None
    calibration_pairs: int = 0  # held-out pairs the calibration was read from
    background: np.ndarray | None = None  # typical non-partner pairs: attribution's reference

    @property
    def used(self) -> list[int]:
        return [j for j, f in enumerate(FEATURES) if f not in self.dropped]

    def parameters(self) -> dict[str, object]:
        """What the provenance activity records of this model."""
        return {
            "kind": self.kind,
            "seed": self.seed,
            "holdout": self.holdout,
            "negatives": self.negatives,
            "features": [FEATURES[j] for j in self.used],
            "trainingPacts": self.training_pacts,
            "hiddenPacts": len(self.hidden_pacts),
            "trainingDigest": self.training_digest,
            "calibrationPairs": self.calibration_pairs,
        }

    def fit(self, world: World) -> Ranker:
        if world.graph.number_of_edges() < 10:
            from cityrdf.errors import BadInput

            raise BadInput(
                f"the world graph has {world.graph.number_of_edges()} pacts: too few to learn from"
            )
        data = training_set(world, self.seed, self.holdout, self.negatives)
        self.hidden_pacts = data.hidden
        self.training_pacts = world.graph.number_of_edges() - len(data.hidden)
        # A feature no city has (no populations in the graph) is all NaN; the trees need a value.
        x = np.where(
            np.isnan(data.features[:, self.used]).all(axis=0), 0.0, data.features[:, self.used]
        )
        digest = hashlib.sha256(np.ascontiguousarray(data.features).tobytes())
        digest.update(data.labels.tobytes())
        self.training_digest = digest.hexdigest()
        if self.kind == "boosted":
            self.estimator = HistGradientBoostingClassifier(
                max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=self.seed
            )
        else:
            self.estimator = make_pipeline(
                SimpleImputer(strategy="median", keep_empty_features=True),
                StandardScaler(),
                LogisticRegression(max_iter=1000),
            )
        with single_thread():
            self.estimator.fit(x, data.labels)
        rng = np.random.default_rng(self.seed)
        negatives = np.flatnonzero(data.labels == 0)
        drawn = rng.choice(negatives, size=min(BACKGROUND_PAIRS, len(negatives)), replace=False)
        self.background = data.features[np.sort(drawn)]
        self.calibrate(world)
        return self

    def calibrate(self, world: World) -> None:
        """Platt's sigmoid from the model's log-odds to the share of pairs so scored that are
        pacts the graph hides, read on pacts hidden with another seed against every other
        candidate of their cities (not the training draw's 1 : `negatives` ratio), so it is a rate.
        Isotonic regression was tried: its top step read 1.0 from a handful of held-out pairs."""
        data = held_out_pairs(world, self.seed + 2, self.holdout)
        self.calibration_pairs = int(data.labels.size)
        # converged tightly: a logistic fit with an intercept then keeps the held-out weighted rate
        self.calibration = LogisticRegression(C=1e6, max_iter=1000, tol=1e-10)
        self.calibration.fit(
            self.log_odds(data.features)[:, None], data.labels, sample_weight=data.weights
        )

    def log_odds(self, features: np.ndarray) -> np.ndarray:
        with single_thread():
            return self.estimator.decision_function(features[:, self.used])

    def score(self, features: np.ndarray) -> np.ndarray:
        with single_thread():
            return self.estimator.predict_proba(features[:, self.used])[:, 1]

    def criterion_weights(self, world: World) -> dict[str, float]:
        """Per criterion, the share of the model's average precision lost when that criterion's
        features are shuffled, on pacts hidden with another seed (shares add up to 1)."""
        data = training_set(world, self.seed + 1, self.holdout, self.negatives)
        base = average_precision_score(data.labels, self.score(data.features))
        rng = np.random.default_rng(self.seed)
        losses = {}
        for criterion in CRITERIA:
            shuffled = data.features.copy()
            rows = rng.permutation(len(shuffled))
            for feature in criterion.features:
                j = FEATURES.index(feature)
                shuffled[:, j] = shuffled[rows, j]
            loss = base - average_precision_score(data.labels, self.score(shuffled))
            losses[criterion.slug] = max(0.0, float(loss))
        total = sum(losses.values()) or 1.0
        return {slug: loss / total for slug, loss in losses.items()}
