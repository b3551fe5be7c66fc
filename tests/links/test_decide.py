"""Deciding links: the automatic matcher agrees with the identifiers a person verified."""

from __future__ import annotations

from pathlib import Path

import pytest

from cityrdf.links.curated import CURATED_IDS, curated_candidates
from cityrdf.links.decide import link_places
from cityrdf.links.places import read_places
from cityrdf.links.scores import DEFAULT_THRESHOLD
from cityrdf.project import current_project


@pytest.mark.skipif(
    not (current_project().data_dir / "places.ttl").is_file(),
    reason="the paper's data is not there",
)
def test_automatic_matching_agrees_with_every_verified_identifier_of_the_paper():
    """Precision of the gazetteer matcher alone on the project's verified table: no contradiction."""
    from cityrdf.rdf import graph

    places = read_places(graph.load_store(graph.source_files(with_links=False)))
    curated = curated_candidates(current_project().links_dir / CURATED_IDS)
    decisions = link_places(places, Path("/nonexistent"), None, DEFAULT_THRESHOLD)
    verified = {
        iri: c.target
        for iri, cs in curated.items()
        for c in cs
        if c.kb == "geonames" and c.justification == "semapv:ManualMappingCuration"
    }
    made = {d.place.iri: d.accepted.target for d in decisions if d.kb == "geonames" and d.accepted}
    assert {iri: made[iri] for iri in verified if iri in made} == {
        iri: verified[iri] for iri in verified if iri in made
    }
    assert (
        len(set(verified) & set(made)) >= len(verified) - 1
    )  # Jerusalem: GeoNames says IL, the paper Palestine
