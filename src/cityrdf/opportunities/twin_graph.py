"""The neutral in-memory model: a networkx graph of cities (keyed by IRI or QID) and their pacts.

Nothing here knows RDF or files: the store adapter (`store.py`) and the benchmark's readers
(`reference.py`) both fill it, and the features (`features.py`) read only it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import networkx as nx


@dataclass(frozen=True)
class City:
    """One city with what the sources say of it; `None` where no source says."""

    key: str
    label: str
    country: str | None = None
    country_label: str | None = None
    lat: float | None = None
    lon: float | None = None
    population: int | None = None
    memberships: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    qid: str | None = None  # the Wikidata entity IRI
    names: frozenset[str] = frozenset()  # folded names in every language, for "same name"
    # a source's own evidence says it is an administrative unit or a country, not a town
    # (the world layer's cr:TwinnedAdministrativeUnit)
    unit: bool = False
    labels: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


class World:
    """Cities as the nodes of an undirected networkx graph, pacts as its edges.

    Network and title labels (`network_labels`, `title_labels`) name what `City.memberships` and
    `City.titles` hold, for the evidence shown to a person.
    """

    def __init__(self, cities: list[City], pacts: list[tuple[str, str]]) -> None:
        self.graph: nx.Graph[str] = nx.Graph()
        for city in sorted(cities, key=lambda c: c.key):
            self.graph.add_node(city.key, city=city)
        for a, b in pacts:
            if a != b and a in self.graph and b in self.graph:
                self.graph.add_edge(a, b)
        self.network_labels: dict[str, str] = {}
        self.title_labels: dict[str, str] = {}

    @property
    def keys(self) -> list[str]:
        """Node keys in a fixed order: row i of every feature matrix is `keys[i]`."""
        return list(self.graph.nodes)

    def city(self, key: str) -> City:
        return self.graph.nodes[key]["city"]

    @functools.cached_property
    def keys_by_qid(self) -> dict[str, list[str]]:
        """The cities of each Wikidata entity (more than one: the same city under two IRIs)."""
        found: dict[str, list[str]] = {}
        for key in self.keys:
            qid = self.city(key).qid
            if qid:
                found.setdefault(qid, []).append(key)
        return found

    def partners(self, key: str) -> set[str]:
        return set(self.graph.neighbors(key))

    def without(self, pacts: set[frozenset[str]]) -> World:
        """The same cities with some pacts removed (the training split hides them)."""
        kept = [(a, b) for a, b in self.graph.edges if frozenset((a, b)) not in pacts]
        world = World([self.city(k) for k in self.keys], kept)
        world.network_labels, world.title_labels = self.network_labels, self.title_labels
        return world
