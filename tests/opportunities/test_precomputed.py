"""Suggestions for every city of the paper are made at publish time and reach the city page's
context, with their flags."""

from __future__ import annotations

import pyoxigraph as ox

from cityrdf.graph import load_store
from cityrdf.opportunities.precomputed import for_paper_cities, paper_cities
from cityrdf.site_model import SiteModel

TEHRAN = "https://w3id.org/cityrdf/id/city/tehran"


def test_every_paper_city_in_the_world_layer_gets_suggestions_in_the_page_context(world_dir):
    project = load_store()
    suggestions = for_paper_cities(project, world_dir, top=3)
    assert (world_dir / "suggestions.nq").is_file()
    model = SiteModel(project)
    model.suggestions_store = suggestions
    shown = model.suggestions(ox.NamedNode(TEHRAN))
    assert [s.rank for s in shown] == [1, 2, 3]
    assert all(isinstance(s.flags, list) for s in shown)
    suggested_for = {
        q.object.value
        for q in suggestions.quads_for_pattern(
            None, ox.NamedNode("https://w3id.org/cityrdf/ontology#suggestedFor"), None
        )
    }
    assert TEHRAN in suggested_for
    assert suggested_for <= set(paper_cities(project))


def test_without_a_world_layer_nothing_is_precomputed(tmp_path):
    assert for_paper_cities(load_store(), tmp_path / "world") is None
