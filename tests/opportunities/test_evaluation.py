"""The paired ratio of Hits@10 over a baseline: the point value is the ratio of means, the
interval comes from resampling the same cities for both and holds it."""

from __future__ import annotations

import numpy as np
import pytest

from cityrdf.opportunities.evaluation import paired_ratio


def metrics(hits: list[int]) -> np.ndarray:
    """Cities × (hits@10, mrr, recall@50) with only hits@10 filled."""
    return np.column_stack([hits, np.zeros(len(hits)), np.zeros(len(hits))]).astype(float)


def test_paired_ratio_is_the_ratio_of_means_with_an_interval_around_it():
    rng = np.random.default_rng(1)
    baseline = rng.random(400) < 0.2
    model = baseline | (rng.random(400) < 0.1)  # the model finds all the baseline finds, and more
    result = paired_ratio(metrics(model), metrics(baseline), rounds=500)
    assert result["ratio"] == pytest.approx(model.mean() / baseline.mean(), abs=1e-3)
    low, high = result["ci"]
    assert 1.0 < low <= result["ratio"] <= high


def test_equal_rankers_have_a_ratio_of_one_and_no_spread():
    same = metrics([1, 0, 1, 1, 0, 0, 1, 0])
    assert paired_ratio(same, same, rounds=200) == {"ratio": 1.0, "ci": [1.0, 1.0]}


def test_a_baseline_that_never_hits_gives_no_ratio():
    assert paired_ratio(metrics([1, 0, 1]), metrics([0, 0, 0])) == {}
