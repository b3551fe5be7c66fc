"""The pair features: the link-prediction measures agree with networkx's own functions."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from cityrdf.opportunities.features import FEATURES, PairFeatures
from cityrdf.opportunities.twin_graph import City, World

PACTS = [("a", "b"), ("a", "c"), ("b", "c"), ("c", "d"), ("d", "e"), ("b", "d"), ("e", "f")]


@pytest.fixture
def world() -> World:
    cities = [
        City(
            "a", "Alpha", "X", lat=0.0, lon=0.0, population=1_000_000, memberships=frozenset({"n1"})
        ),
        City("b", "Beta", "X", lat=0.0, lon=1.0, population=2_000_000, names=frozenset({"beta"})),
        City("c", "Gamma", "Y", lat=1.0, lon=0.0, memberships=frozenset({"n1", "n2"})),
        City("d", "Delta", "Y", population=1_000_000),
        City("e", "Beta", "Z", lat=10.0, lon=10.0, names=frozenset({"beta"})),
        City("f", "Phi", None),
    ]
    return World(cities, PACTS)


def column(matrix: np.ndarray, name: str) -> np.ndarray:
    return matrix[:, FEATURES.index(name)]


def test_link_prediction_measures_equal_networkx(world):
    table = PairFeatures(world)
    g = world.graph
    for source in g.nodes:
        row = table.for_city(table.index[source])
        for target in g.nodes:
            if target == source:
                continue
            j = table.index[target]
            pair = [(source, target)]
            assert column(row, "common_neighbours")[j] == len(
                list(nx.common_neighbors(g, source, target))
            )
            assert column(row, "adamic_adar")[j] == pytest.approx(
                next(nx.adamic_adar_index(g, pair))[2]
            )
            assert column(row, "jaccard")[j] == pytest.approx(
                next(nx.jaccard_coefficient(g, pair))[2]
            )
            pa = next(nx.preferential_attachment(g, pair))[2]
            assert column(row, "preferential_attachment")[j] == pytest.approx(math.log1p(pa))


def test_country_features_count_pacts_between_countries(world):
    table = PairFeatures(world)
    row = table.for_city(table.index["a"])
    # X–Y pacts: a–c, b–c, b–d; a's partners in Y: c; d's partners in X: b.
    assert math.expm1(column(row, "country_affinity")[table.index["d"]]) == pytest.approx(3)
    assert math.expm1(column(row, "partners_in_country")[table.index["d"]]) == pytest.approx(1)
    assert math.expm1(
        column(row, "candidate_partners_in_country")[table.index["d"]]
    ) == pytest.approx(1)
    assert column(row, "same_country")[table.index["b"]] == 1
    assert column(row, "country_affinity")[table.index["f"]] == 0  # f has no country


def test_a_pact_inside_one_country_counts_once(world):
    """The pacts between cities of X are X's own: a–b is one pact, not one from each side."""
    table = PairFeatures(world)
    row = table.for_city(table.index["a"])
    assert math.expm1(column(row, "country_affinity")[table.index["b"]]) == pytest.approx(1)
    # Y's own pacts (c–d) weigh the same from either of its cities
    row = table.for_city(table.index["c"])
    assert math.expm1(column(row, "country_affinity")[table.index["d"]]) == pytest.approx(1)


def test_distance_population_networks_and_names(world):
    table = PairFeatures(world)
    row = table.for_city(table.index["a"])
    # One degree of longitude on the equator is 111.2 km.
    assert math.expm1(column(row, "distance")[table.index["b"]]) == pytest.approx(111.19, abs=0.1)
    assert math.isnan(column(row, "distance")[table.index["d"]])
    assert column(row, "population_similarity")[table.index["b"]] == pytest.approx(-math.log10(2))
    assert column(row, "population_similarity")[table.index["d"]] == 0
    assert column(row, "shared_networks")[table.index["c"]] == 1
    names = table.for_city(table.index["b"])
    assert column(names, "same_name")[table.index["e"]] == 1
    assert column(names, "same_name")[table.index["a"]] == 0
