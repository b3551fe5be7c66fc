"""A world layer for the opportunities tests: the TriG fixture written as world/*.nq, one file per
source graph, the way `cityrdf world import` lays it out."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "world.trig"
WORLD_PREFIX = "https://w3id.org/cityrdf/graph/world/"


def write_world(folder: Path) -> list[Path]:
    """world/{source}.nq for each source graph of the fixture."""
    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for graph in store.named_graphs():
        source = graph.value.removeprefix(WORLD_PREFIX)
        path = folder / f"{source}.nq"
        with path.open("wb") as f:
            ox.serialize(store.quads_for_pattern(None, None, None, graph), f, ox.RdfFormat.N_QUADS)
        written.append(path)
    return written


@pytest.fixture
def world_dir(tmp_path) -> Path:
    folder = tmp_path / "world"
    write_world(folder)
    return folder


def synthetic_world(extra: list | None = None, pacts: list | None = None, seed: int = 0):
    """Two hundred invented cities in eight countries; pacts drawn likelier between near cities and
    between partners' partners, so the features carry signal. `extra` cities and `pacts` are added."""
    import numpy as np

    from cityrdf.opportunities.twin_graph import City, World

    rng = np.random.default_rng(seed)
    cities = [
        City(
            f"c{n:03d}",
            f"City {n}",
            f"country{n % 8}",
            f"Country {n % 8}",
            lat=float(10 * (n % 8) + rng.normal()),
            lon=float(rng.uniform(0, 20)),
            population=int(rng.integers(50_000, 5_000_000)),
            qid=f"http://www.wikidata.org/entity/Q{1000 + n}",
            names=frozenset({f"city {n}"}),
        )
        for n in range(200)
    ]
    edges = set()
    while len(edges) < 600:
        a, b = sorted(rng.choice(200, size=2, replace=False))
        near = abs(cities[a].lat - cities[b].lat) < 15
        if near or rng.random() < 0.2:
            edges.add((cities[a].key, cities[b].key))
    return World(cities + list(extra or []), sorted(edges) + list(pacts or []))
