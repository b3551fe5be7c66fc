"""Features of a (city, candidate) pair, one per criterion the data can measure.

The link-prediction measures are networkx's (common neighbours, Adamic–Adar, Jaccard, preferential
attachment; tests check them against `networkx.adamic_adar_index` and friends), computed for one
city against every candidate at once with sparse matrices so that thousands of cities rank in
seconds. `criteria.py` says which of the paper's concepts each feature speaks for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import networkx as nx
import numpy as np
from scipy import sparse

from cityrdf.opportunities.twin_graph import World

FEATURES = (
    "common_neighbours",  # partners the two already share
    "adamic_adar",  # shared partners, the rarer ones weighing more
    "adamic_adar_relative",  # Adamic–Adar over the city's best candidate's: rank context
    "jaccard",  # shared partners over all partners
    "preferential_attachment",  # log(1 + deg(city) × deg(candidate)): how active both are
    "candidate_degree",  # log(1 + deg(candidate))
    "country_affinity",  # log(1 + pacts between the two countries' cities)
    "country_affinity_relative",  # pacts between the countries over the city's busiest country pair
    "partners_in_country",  # log(1 + the city's partners in the candidate's country)
    "candidate_partners_in_country",  # log(1 + the candidate's partners in the city's country)
    "same_country",
    "distance",  # log(1 + km); NaN without coordinates
    "population_similarity",  # −|log10 ratio|; NaN without both populations
    "shared_networks",
    "shared_titles",
    "same_name",
)
EARTH_RADIUS_KM = 6371.0


def relative(values: np.ndarray) -> np.ndarray:
    """Values over their maximum (0 where all are 0): how a candidate compares with the city's
    others, which a model scoring one pair at a time cannot see otherwise."""
    top = values.max(initial=0.0)
    return values / top if top > 0 else np.zeros_like(values)


def one_hot(rows: Sequence[frozenset[str] | str | None]) -> sparse.csr_matrix:
    """Rows × distinct values, 1 where a row holds a value (None holds nothing)."""
    values = sorted({v for r in rows for v in ([r] if isinstance(r, str) else (r or ()))})
    column = {v: j for j, v in enumerate(values)}
    entries = [
        (i, column[v])
        for i, r in enumerate(rows)
        for v in ([r] if isinstance(r, str) else (r or ()))
    ]
    data = np.ones(len(entries))
    ij = np.array(entries, dtype=int).reshape(-1, 2).T
    return sparse.csr_matrix((data, (ij[0], ij[1])), shape=(len(rows), max(len(values), 1)))


class PairFeatures:
    """Precomputed matrices of one world; `for_city(i)` gives the candidates × FEATURES matrix."""

    def __init__(self, world: World) -> None:
        self.world = world
        keys = world.keys
        self.index = {k: i for i, k in enumerate(keys)}
        cities = [world.city(k) for k in keys]
        n = len(keys)
        self.adjacency = sparse.csr_matrix(
            nx.to_scipy_sparse_array(world.graph, nodelist=keys, format="csr"),
            dtype=float,
        )
        self.adjacency.data[:] = 1.0
        self.degree = np.asarray(self.adjacency.sum(axis=1)).ravel()
        # Adamic–Adar's weight 1/log(deg) of a shared partner; a shared partner has deg ≥ 2.
        with np.errstate(divide="ignore"):
            weight = np.where(self.degree > 1, 1.0 / np.log(np.maximum(self.degree, 2)), 0.0)
        self.weighted = sparse.diags(weight) @ self.adjacency
        countries = [c.country for c in cities]
        self.country = one_hot(countries)
        self.country_of = np.asarray(self.country.argmax(axis=1)).ravel()
        self.has_country = np.array([c is not None for c in countries])
        self.country_pacts = (self.country.T @ self.adjacency @ self.country).toarray()
        # a pact inside one country is on the diagonal from each of its two sides: count it once
        np.fill_diagonal(self.country_pacts, self.country_pacts.diagonal() / 2)
        self.partners_by_country = (self.adjacency @ self.country).tocsr()
        self.partners_by_country_columns = self.partners_by_country.tocsc()
        self.lat = np.radians([c.lat if c.lat is not None else np.nan for c in cities])
        self.lon = np.radians([c.lon if c.lon is not None else np.nan for c in cities])
        self.log_population = np.array(
            [math.log10(c.population) if c.population else np.nan for c in cities]
        )
        # Each kept with its transpose: row i times the transpose counts what i shares with each.
        self.networks = one_hot([c.memberships for c in cities])
        self.titles = one_hot([c.titles for c in cities])
        self.names = one_hot([c.names for c in cities])
        self.transposed = {
            name: getattr(self, name).T.tocsr() for name in ("networks", "titles", "names")
        }
        self.size = n

    def for_city(self, i: int) -> np.ndarray:
        """Features of city i with every city as candidate (row j: candidate j)."""
        row = self.adjacency[i]
        common = (row @ self.adjacency).toarray().ravel()
        adamic_adar = (row @ self.weighted).toarray().ravel()
        union = self.degree[i] + self.degree - common
        jaccard = np.divide(common, union, out=np.zeros(self.size), where=union > 0)
        country = self.country_of[i]
        known = self.has_country[i] & self.has_country
        affinity = np.where(known, self.country_pacts[country, self.country_of], 0.0)
        own_partners = self.partners_by_country[i].toarray().ravel()
        partners_in_country = np.where(known, own_partners[self.country_of], 0.0)
        their_partners = self.partners_by_country_columns[:, [country]].toarray().ravel()
        candidate_partners = np.where(known, their_partners, 0.0)
        columns = [
            common,
            adamic_adar,
            relative(adamic_adar),
            jaccard,
            np.log1p(self.degree[i] * self.degree),
            np.log1p(self.degree),
            np.log1p(affinity),
            relative(affinity),
            np.log1p(partners_in_country),
            np.log1p(candidate_partners),
            (known & (self.country_of == country)).astype(float),
            np.log1p(self.distance_km(i)),
            -np.abs(self.log_population - self.log_population[i]),
            self.shared(i, "networks"),
            self.shared(i, "titles"),
            (self.shared(i, "names") > 0).astype(float),
        ]
        return np.column_stack(columns)

    def shared(self, i: int, kind: str) -> np.ndarray:
        """How many networks, titles or names city i shares with each city."""
        return (getattr(self, kind)[i] @ self.transposed[kind]).toarray().ravel()

    def distance_km(self, i: int) -> np.ndarray:
        """Great-circle distances from city i (haversine), NaN where a position is unknown."""
        dlat, dlon = self.lat - self.lat[i], self.lon - self.lon[i]
        h = np.sin(dlat / 2) ** 2 + np.cos(self.lat[i]) * np.cos(self.lat) * np.sin(dlon / 2) ** 2
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
