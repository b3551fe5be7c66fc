"""A fitted ranker as plain arrays, for answering a city: log-odds, the calibrated probability and
each criterion's contribution, with numpy alone.

Importing scikit-learn costs more CPU (1.3 s) than a warm answer may take in all (2 s), so the
stored fit keeps no scikit-learn object: `Scorer.of(ranker)` copies what the fitted model holds
(the boosted trees' nodes, or the logistic pipeline's coefficients) and tests check that the
copies give scikit-learn's own `decision_function`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from cityrdf.opportunities.criteria import CRITERIA
from cityrdf.opportunities.features import FEATURES

KINDS = ("boosted", "logistic")


@dataclass
class Trees:
    """The boosted trees of a binary HistGradientBoostingClassifier, node arrays of all trees laid
    end to end (scikit-learn's TreePredictor.nodes; children as positions in these arrays). A
    split sends x ≤ threshold left, and a missing x where `missing_left` says."""

    baseline: float
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    value: np.ndarray

    def log_odds(self, x: np.ndarray) -> np.ndarray:
        trees = len(self.roots)
        row = np.repeat(np.arange(len(x)), trees)  # one walker per (row, tree)
        node = np.tile(self.roots, len(x))
        walking = np.flatnonzero(~self.leaf[node])
        while walking.size:
            at = node[walking]
            value = x[row[walking], self.feature[at]]
            go_left = np.where(np.isnan(value), self.missing_left[at], value <= self.threshold[at])
            node[walking] = np.where(go_left, self.left[at], self.right[at])
            walking = walking[~self.leaf[node[walking]]]
        return self.baseline + self.value[node].reshape(len(x), trees).sum(axis=1)


@dataclass
class Linear:
    """The logistic pipeline: median imputation, standard scaling, then a linear model."""

    median: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def log_odds(self, x: np.ndarray) -> np.ndarray:
        filled = np.where(np.isnan(x), self.median, x)
        return ((filled - self.mean) / self.scale) @ self.coef + self.intercept


def trees_of(estimator) -> Trees:
    nodes = [iteration[0].nodes for iteration in estimator._predictors]
    starts = np.cumsum([0] + [len(n) for n in nodes[:-1]])
    joined = np.concatenate(nodes)
    offset = np.repeat(starts, [len(n) for n in nodes])
    return Trees(
        baseline=float(np.ravel(estimator._baseline_prediction)[0]),
        roots=starts.astype(np.intp),
        feature=joined["feature_idx"].astype(np.intp),
        threshold=joined["num_threshold"].astype(float),
        missing_left=joined["missing_go_to_left"].astype(bool),
        left=(joined["left"] + offset).astype(np.intp),
        right=(joined["right"] + offset).astype(np.intp),
        leaf=joined["is_leaf"].astype(bool),
        value=joined["value"].astype(float),
    )


def linear_of(pipeline) -> Linear:
    imputer, scaler, model = (step for _, step in pipeline.steps)
    return Linear(
        imputer.statistics_.astype(float),
        scaler.mean_.astype(float),
        scaler.scale_.astype(float),
        model.coef_[0].astype(float),
        float(model.intercept_[0]),
    )


@dataclass
class Scorer:
    """What answering a city needs of a fitted ranker."""

    model: Trees | Linear
    used: list[int]  # columns of FEATURES the model reads
    slope: float  # Platt's sigmoid over the log-odds: the calibrated probability
    intercept: float
    background: np.ndarray  # typical non-partner pairs: the attribution's reference
    parameters: dict[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, ranker) -> Scorer:
        """The arrays of a fitted `ranker.Ranker`."""
        model = (
            trees_of(ranker.estimator) if ranker.kind == "boosted" else linear_of(ranker.estimator)
        )
        return cls(
            model,
            list(ranker.used),
            float(ranker.calibration.coef_[0, 0]),
            float(ranker.calibration.intercept_[0]),
            ranker.background.copy(),
            ranker.parameters(),
        )

    def log_odds(self, features: np.ndarray) -> np.ndarray:
        """The model's log-odds of each row; equal rows (many: candidates alike in every
        feature, coalitions of the attribution) are scored once. NaN is made comparable first:
        an unknown distance is the same unknown in every row."""
        x = np.ascontiguousarray(features[:, self.used], dtype=float)
        if len(x) == 0:
            return np.zeros(0)
        comparable = np.where(np.isnan(x), np.inf, x)
        # A random projection as the rows' key (sorting floats is fast, np.unique(axis=0) is not);
        # kept only when every row equals its key's representative, so a collision cannot err.
        key = np.nan_to_num(x, nan=-7.0) @ np.random.default_rng(0).random(x.shape[1])
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        if not (comparable[first][inverse] == comparable).all():
            return self.model.log_odds(x)
        return self.model.log_odds(x[first])[inverse]

    def calibrated(self, log_odds: np.ndarray) -> np.ndarray:
        """Of held-out pairs with these log-odds, the share that were pacts the graph hid."""
        return 1.0 / (1.0 + np.exp(-(self.slope * log_odds + self.intercept)))

    def contributions(self, features: np.ndarray) -> np.ndarray:
        """Rows × CRITERIA: each criterion's exact Shapley share of the log-odds for the pair
        over the mean log-odds of the `background` pairs; a row sums to that difference.
        Features are switched in and out by criterion, as groups (2⁸ coalitions)."""
        groups = [[FEATURES.index(f) for f in c.features] for c in CRITERIA]
        n, rows, width = len(groups), len(features), features.shape[1]
        masks = np.array(list(itertools.product((0, 1), repeat=n)), dtype=bool)
        mixed = np.broadcast_to(self.background, (len(masks), rows, *self.background.shape)).copy()
        for m, mask in enumerate(masks):
            columns = [j for g, on in zip(groups, mask, strict=True) if on for j in g]
            mixed[m][:, :, columns] = features[:, None, columns]
        value = (
            self.log_odds(mixed.reshape(-1, width)).reshape(len(masks), rows, -1).mean(axis=2).T
        )  # pair × coalition
        index = {tuple(mask): m for m, mask in enumerate(masks)}
        size = masks.sum(axis=1)
        weight = [
            math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)
        ]
        shares = np.zeros((rows, n))
        for m, mask in enumerate(masks):
            for g in np.flatnonzero(~mask):
                with_g = mask.copy()
                with_g[g] = True
                shares[:, g] += weight[size[m]] * (value[:, index[tuple(with_g)]] - value[:, m])
        return shares


def ranking(scores: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Candidate indices best first; ties broken at random (never by index order)."""
    return np.lexsort((rng.random(len(scores)), -np.nan_to_num(scores, nan=-np.inf)))
