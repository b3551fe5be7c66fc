"""Fixtures of the world-layer tests: the small source files and a Wikidata-shaped endpoint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.links.conftest import Endpoint, _serve

FIXTURES = Path(__file__).parents[1] / "fixtures" / "world"
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)  # the retrieval time written into world.nq


@pytest.fixture(scope="module")
def live_endpoint() -> Iterator[Endpoint]:
    """Oxigraph loaded with tests/fixtures/world/wikidata-live.ttl, served on loopback."""
    store = ox.Store()
    store.load(path=str(FIXTURES / "wikidata-live.ttl"), format=ox.RdfFormat.TURTLE)
    yield from _serve(store)


@pytest.fixture
def fixture_sources() -> dict[str, Path]:
    return {
        "wikidata_pairs": FIXTURES / "p190-pairs.tsv",
        "wikidata_labels": FIXTURES / "p190-labels.tsv",
        "wikipedia": FIXTURES / "twin-cities.csv",
        "places": FIXTURES / "populated-places.csv",
    }
