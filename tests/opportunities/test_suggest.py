"""What a researcher must know before acting on a suggestion: duplicates of the city or of its
partners (left out, or flagged when existing partners are kept), a candidate already partnered with
another city of the same country, a suggestion resting on one shared partner, hubs."""

from __future__ import annotations

import math

import pytest

from cityrdf.opportunities.features import PairFeatures
from cityrdf.opportunities.ranker import Ranker
from cityrdf.opportunities.scorer import Scorer
from cityrdf.opportunities.suggest import duplicates, flags, suggest
from cityrdf.opportunities.twin_graph import City

from .conftest import synthetic_world

WD = "http://www.wikidata.org/entity/"
HOME = "home"


@pytest.fixture(scope="module")
def world_and_ranker():
    # `home` (country0) has partners c001 and c002; `twin-of-c001` is c001 under a second IRI
    # (same Wikidata entity), `home-again` is home by name in its country, 2 km away.
    extra = [
        City(HOME, "Home", "country0", "Country 0", 0.0, 5.0, 1_000_000, names=frozenset({"home"})),
        City("home-again", "Home", "country0", "Country 0", 0.0, 5.02, names=frozenset({"home"})),
        City("twin-of-c001", "City 1 bis", "country1", "Country 1", qid=f"{WD}Q1001"),
        City("lonely", "Lonely", "country5", "Country 5", 50.0, 5.0, 1_000_000),
    ]
    pacts = [(HOME, "c001"), (HOME, "c002"), ("c002", "lonely"), ("lonely", "c008")]
    world = synthetic_world(extra, pacts)
    return world, Scorer.of(Ranker().fit(world))


def test_duplicates_of_the_city_and_of_its_partners_are_found(world_and_ranker):
    world, _ = world_and_ranker
    found = duplicates(world, PairFeatures(world), HOME)
    assert found["home-again"] == HOME
    assert found["twin-of-c001"] == "c001"
    assert "lonely" not in found


def test_duplicates_are_left_out_by_default_and_flagged_when_partners_are_kept(world_and_ranker):
    world, ranker = world_and_ranker
    everyone = len(world.keys)
    shown = {}
    for country in ("country0", "country1"):  # the candidates' countries (keeps the test short)
        kept = suggest(world, ranker, HOME, everyone, country)
        assert not {s.candidate for s in kept} & {"home-again", "twin-of-c001", "c001", "c002"}
        shown |= {s.candidate: s for s in suggest(world, ranker, HOME, everyone, country, False)}
    assert shown["twin-of-c001"].duplicate_of == "c001"
    assert any(
        f.startswith("duplicate: the existing partner City 1") for f in shown["twin-of-c001"].flags
    )
    assert any(f.startswith("duplicate: the city itself") for f in shown["home-again"].flags)


def test_flags_say_one_shared_partner_and_partners_in_the_same_country(world_and_ranker):
    world, ranker = world_and_ranker
    lonely = next(
        s for s in suggest(world, ranker, HOME, len(world.keys)) if s.candidate == "lonely"
    )
    shared = world.partners(HOME) & world.partners("lonely")
    assert lonely.shared_partners == len(shared) == 1
    assert f"rests on a single shared partner: {world.city(shared.pop()).label}" in lonely.flags
    compatriots = {k for k in world.partners("lonely") if world.city(k).country == "country0"}
    said = [f for f in lonely.flags if f.startswith("already partnered with")]
    assert bool(said) == bool(compatriots)
    if compatriots:
        city = "city" if len(compatriots) == 1 else "cities"
        assert said[0].startswith(
            f"already partnered with {len(compatriots)} other {city} of Country 0"
        )


def test_each_suggestion_carries_every_criterion_contribution(world_and_ranker):
    world, ranker = world_and_ranker
    found = suggest(world, ranker, HOME, top=5)
    assert [s.rank for s in found] == [1, 2, 3, 4, 5]
    assert all(len(s.contributions) == 8 for s in found)
    assert [s.probability for s in found] == sorted((s.probability for s in found), reverse=True)


def test_a_candidate_its_sources_read_as_an_administrative_unit_is_flagged():
    world = synthetic_world(
        [City("province", "Province 9", "country1", "Country 1", 10.0, 5.0, unit=True)],
        [("province", "c001")],
    )
    table = PairFeatures(world)
    said = flags(world, table, "c002", "province", math.inf, {})
    assert "not a town: its sources read Province 9 as an administrative unit or a country" in said
    assert not [f for f in flags(world, table, "c002", "c001", math.inf, {}) if "not a town" in f]


def test_the_world_layers_administrative_units_reach_the_model():
    """`cr:TwinnedAdministrativeUnit` in the world layer (its sources' own evidence) is what
    makes a city of the model a unit."""
    import pyoxigraph as ox

    from cityrdf.opportunities.store import world_model
    from cityrdf.rdf.namespaces import CR, RDF, RDFS

    graph = ox.NamedNode("https://w3id.org/cityrdf/graph/world/wikipedia")
    store = ox.Store()
    for key, label, unit in (("fairfax-county", "Fairfax County", True), ("bonn", "Bonn", False)):
        city = ox.NamedNode(f"https://w3id.org/cityrdf/id/city/world/{key}")
        store.extend(
            [
                ox.Quad(city, RDF.type, CR.City, graph),
                ox.Quad(city, RDFS.label, ox.Literal(label, language="en"), graph),
                ox.Quad(
                    city, CR.country, ox.NamedNode("https://w3id.org/cityrdf/id/country/x"), graph
                ),
                *([ox.Quad(city, RDF.type, CR.TwinnedAdministrativeUnit, graph)] if unit else []),
            ]
        )
    world = world_model(store)
    assert {k.rsplit("/", 1)[-1]: world.city(k).unit for k in world.keys} == {
        "fairfax-county": True,
        "bonn": False,
    }


def test_ties_inside_one_country_are_counted_once_and_named_once():
    """A candidate of the city's own country, the city having no partner there yet: the evidence
    counts that country's own pacts once each and names the country once."""
    from cityrdf.opportunities.suggest import explain
    from cityrdf.opportunities.twin_graph import World

    cities = [
        City("home", "Home", "x", "Xland"),
        City("near", "Near", "x", "Xland"),
        City("p", "P", "x", "Xland"),
        City("q", "Q", "x", "Xland"),
        City("abroad", "Abroad", "y", "Yland"),
    ]
    world = World(cities, [("home", "abroad"), ("p", "q"), ("near", "abroad")])
    table = PairFeatures(world)
    row = table.for_city(table.index["home"])[table.index["near"]]
    _, evidence = explain(world, table, "home", "near", row)
    assert "1 pact between cities of Xland" in evidence
