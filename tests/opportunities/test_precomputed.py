"""Suggestions for every city of the paper are made at publish time and reach the city page's
context, with their flags."""

from __future__ import annotations

import pyoxigraph as ox

from cityrdf.graph import load_store
from cityrdf.opportunities import fitted
from cityrdf.opportunities.precomputed import for_paper_cities, paper_cities
from cityrdf.site_model import SiteModel
from cityrdf.text import city_slug

TEHRAN = "https://w3id.org/cityrdf/id/city/tehran"


def test_every_paper_city_in_the_world_layer_gets_suggestions_in_the_page_context(world_dir):
    project = load_store()
    suggestions = for_paper_cities(project, world_dir, top=3)
    assert (world_dir / "suggestions.nq").is_file()
    model = SiteModel(project)
    model.suggestions_store = suggestions
    shown = model.suggestions(ox.NamedNode(TEHRAN))
    assert [s.rank for s in shown] == [1, 2, 3]
    note = ox.NamedNode("http://www.w3.org/2004/02/skos/core#editorialNote")
    for s in shown:
        iri = ox.NamedNode(
            f"https://w3id.org/cityrdf/id/suggestion/tehran--{city_slug(s.candidate.value)}"
        )
        assert s.flags == sorted(
            q.object.value for q in suggestions.quads_for_pattern(iri, note, None)
        )
    suggested_for = {
        q.object.value
        for q in suggestions.quads_for_pattern(
            None, ox.NamedNode("https://w3id.org/cityrdf/ontology#suggestedFor"), None
        )
    }
    world = fitted.fitted(world_dir).world
    assert suggested_for == {c for c in paper_cities(project) if c in world.graph}
    assert TEHRAN in suggested_for and len(suggested_for) > 1


def test_without_a_world_layer_nothing_is_precomputed(tmp_path):
    assert for_paper_cities(load_store(), tmp_path / "world") is None
