"""The ranker's numbers mean what the output says: a calibrated rate, and criterion contributions
that add up to the model's log-odds over typical non-partner pairs."""

from __future__ import annotations

import numpy as np
import pytest

from cityrdf.opportunities.criteria import CRITERIA
from cityrdf.opportunities.features import PairFeatures
from cityrdf.opportunities.ranker import Ranker, held_out_pairs

from .conftest import synthetic_world


@pytest.fixture(scope="module")
def fitted():
    world = synthetic_world()
    return world, Ranker().fit(world)


def test_contributions_add_up_to_the_log_odds_over_the_background(fitted):
    world, ranker = fitted
    table = PairFeatures(world)
    pairs = table.for_city(table.index["c007"])[:12]
    shares = ranker.contributions(pairs)
    assert shares.shape == (12, len(CRITERIA))
    reference = ranker.log_odds(ranker.background).mean()
    assert shares.sum(axis=1) == pytest.approx(ranker.log_odds(pairs) - reference, abs=1e-6)


def test_a_criterion_the_model_does_not_use_contributes_nothing(fitted):
    world, _ = fitted
    ranker = Ranker(dropped=next(c for c in CRITERIA if c.slug == "distance").features).fit(world)
    table = PairFeatures(world)
    shares = ranker.contributions(table.for_city(table.index["c011"])[:8])
    distance = [c.slug for c in CRITERIA].index("distance")
    assert np.allclose(shares[:, distance], 0.0)
    assert not np.allclose(shares, 0.0)


def test_probability_is_monotone_in_the_score_and_keeps_the_held_out_rate(fitted):
    world, ranker = fitted
    held_out = held_out_pairs(world, ranker.seed + 2, ranker.holdout)
    scores = ranker.score(held_out.features)
    probability = ranker.probability(held_out.features)
    assert np.all(np.diff(probability[np.argsort(scores, kind="stable")]) >= -1e-12)
    assert ((probability >= 0) & (probability <= 1)).all()
    # A logistic fit with an intercept keeps the weighted mean: the rate among all candidates, not
    # the 1:100 draw the model was trained on.
    rate = np.average(held_out.labels, weights=held_out.weights)
    assert np.average(probability, weights=held_out.weights) == pytest.approx(rate, rel=1e-3)
    assert rate < 0.05
