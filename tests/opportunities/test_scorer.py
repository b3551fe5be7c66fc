"""The scorer's numbers mean what the output says: scikit-learn's own log-odds (from arrays, without
importing it), a calibrated rate, and criterion contributions that add up to the log-odds over
typical non-partner pairs."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from cityrdf.opportunities.criteria import CRITERIA
from cityrdf.opportunities.features import PairFeatures
from cityrdf.opportunities.ranker import Ranker, held_out_pairs
from cityrdf.opportunities.scorer import Scorer

from .conftest import synthetic_world


@pytest.fixture(scope="module")
def world():
    return synthetic_world()


@pytest.fixture(scope="module")
def ranker(world):
    return Ranker().fit(world)


@pytest.fixture(scope="module")
def pairs(world):
    table = PairFeatures(world)
    return np.vstack([table.for_city(table.index[k]) for k in ("c003", "c007", "c150")])


@pytest.mark.parametrize("kind", ["boosted", "logistic"])
def test_the_arrays_give_scikit_learns_log_odds(world, ranker, pairs, kind):
    fitted = ranker if kind == "boosted" else Ranker(kind=kind).fit(world)
    with_missing = pairs.copy()
    with_missing[::7, 11] = np.nan  # distance unknown: the trees' missing-value branch
    assert Scorer.of(fitted).log_odds(with_missing) == pytest.approx(
        fitted.log_odds(with_missing), abs=1e-9
    )


def test_answering_a_city_does_not_import_scikit_learn():
    code = (
        "import sys; from cityrdf.opportunities import command, fitted, suggest; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_contributions_add_up_to_the_log_odds_over_the_background(ranker, pairs):
    scorer = Scorer.of(ranker)
    chosen = pairs[:12]
    shares = scorer.contributions(chosen)
    assert shares.shape == (12, len(CRITERIA))
    reference = scorer.log_odds(scorer.background).mean()
    assert shares.sum(axis=1) == pytest.approx(scorer.log_odds(chosen) - reference, abs=1e-9)


def test_a_criterion_the_model_does_not_use_contributes_nothing(world, pairs):
    distance = next(c for c in CRITERIA if c.slug == "distance")
    scorer = Scorer.of(Ranker(dropped=distance.features).fit(world))
    shares = scorer.contributions(pairs[:8])
    assert np.allclose(shares[:, CRITERIA.index(distance)], 0.0)
    assert not np.allclose(shares, 0.0)


def test_probability_is_monotone_in_the_score_and_keeps_the_held_out_rate(world, ranker):
    scorer = Scorer.of(ranker)
    held_out = held_out_pairs(world, ranker.seed + 2, ranker.holdout)
    log_odds = scorer.log_odds(held_out.features)
    probability = scorer.calibrated(log_odds)
    assert scorer.slope > 0
    assert np.all(np.diff(probability[np.argsort(log_odds, kind="stable")]) >= 0)
    assert ((probability >= 0) & (probability <= 1)).all()
    # A logistic fit with an intercept keeps the weighted mean: the rate among all candidates, not
    # the 1:100 draw the model was trained on.
    rate = np.average(held_out.labels, weights=held_out.weights)
    assert np.average(probability, weights=held_out.weights) == pytest.approx(rate, rel=1e-3)
    assert rate < 0.05
