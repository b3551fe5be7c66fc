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
