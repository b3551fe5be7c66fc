"""Suggestions for every city of the paper are made at publish time and reach the city page's
context, with their flags."""

from __future__ import annotations

import pyoxigraph as ox

from cityrdf.opportunities import fitted
from cityrdf.opportunities.precomputed import for_paper_cities, paper_cities
from cityrdf.opportunities.suggest import suggest
from cityrdf.rdf.graph import load_store
from cityrdf.text import city_slug
from cityrdf.views.resource import SiteModel

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


GEO = "http://www.w3.org/2003/01/geo/wgs84_pos#"


def test_suggested_candidates_carry_their_positions_to_the_graph_and_the_city_pages_map(world_dir):
    project = load_store()
    suggestions = for_paper_cities(project, world_dir, top=3)
    world = fitted.fitted(world_dir).world
    model = SiteModel(project)
    model.suggestions_store = suggestions
    shown = model.suggestions(ox.NamedNode(TEHRAN))
    positioned = [s for s in shown if world.city(s.candidate.value).lat is not None]
    assert positioned, "no suggested candidate with a position in the world fixture"
    for s in shown:
        city = world.city(s.candidate.value)
        expected = None if city.lat is None else (round(city.lat, 5), round(city.lon, 5))
        assert s.position == expected
    points = model.view(TEHRAN).map_points
    drawn = {(p.name, p.lat, p.long) for p in points if p.role == "suggested"}
    partners = {p.name for p in points if p.role == "linked"}
    assert drawn == {
        (s.candidate.label("en"), *s.position)
        for s in positioned
        if s.candidate.label("en") not in partners
    }
    assert drawn


def test_a_paper_citys_position_is_its_geonames_links_when_its_world_node_has_none(world_dir):
    project = load_store()
    place = next(
        q.object
        for q in project.quads_for_pattern(
            ox.NamedNode(TEHRAN),
            ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch"),
            None,
        )
        if q.object.value.startswith("https://sws.geonames.org/")
    )
    lat = next(project.quads_for_pattern(place, ox.NamedNode(GEO + "lat"), None)).object.value
    tehran = fitted.fitted(world_dir).world.city(TEHRAN)
    assert tehran.lat == float(lat)
    # so every suggestion for Tehran with a position has a distance
    fit = fitted.fitted(world_dir)
    found = suggest(fit.world, fit.scorer, TEHRAN, 3, table=fit.table)
    assert any(s.lat is not None for s in found)
    assert all(s.km is not None for s in found if s.lat is not None)


def test_a_world_candidate_is_shown_by_its_names_not_its_iri(world_dir):
    """The site's store holds no world layer: the suggestions graph carries the names of the
    world-layer candidates it names, and only while a suggestion names them."""
    project = load_store()
    suggestions = for_paper_cities(project, world_dir, top=3)
    fit = fitted.fitted(world_dir)
    expected = {s.candidate: s for s in suggest(fit.world, fit.scorer, TEHRAN, 3, table=fit.table)}
    model = SiteModel(project)
    model.suggestions_store = suggestions
    shown = model.suggestions(ox.NamedNode(TEHRAN))
    world_nodes = [
        s for s in shown if "/city/wd/" in s.candidate.value or "/city/world/" in s.candidate.value
    ]
    assert world_nodes, "no world-layer candidate among Tehran's suggestions in the fixture"
    for s in world_nodes:
        made = expected[s.candidate.value]
        assert s.candidate.label("en") == made.label
        assert s.candidate.label("fa") == (made.label_fa or made.label)
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    named = {
        q.subject.value
        for q in suggestions.quads_for_pattern(None, label, None)
        if "/city/" in q.subject.value
    }
    candidates = {
        q.object.value
        for q in suggestions.quads_for_pattern(
            None, ox.NamedNode("https://w3id.org/cityrdf/ontology#candidate"), None
        )
    }
    assert named and named <= candidates
