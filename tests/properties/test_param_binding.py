"""Properties of `cityrdf query` parameter binding: any value is one RDF term, never query text."""

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cityrdf import query
from cityrdf.errors import BadInput
from cityrdf.rdf.namespaces import XSD
from cityrdf.sparql import results
from cityrdf.sparql.catalogue import Param, StoredQuery

CITY = "https://w3id.org/cityrdf/id/city/"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CITY_CLASS = ox.NamedNode("https://w3id.org/cityrdf/ontology#City")
HOSTILE = st.sampled_from(
    ['x" } ; DROP ALL ; #', "x' }} UNION { ?s ?p ?o", '\\" ) } #', "}\n}\nSELECT * {", "\\u0022"]
)
VALUES = st.one_of(st.text(min_size=1, max_size=40), HOSTILE)


def stored(params: tuple[Param, ...], text: str) -> StoredQuery:
    return StoredQuery("probe", Path("probe.rq"), "", {}, {}, params, {}, text)


def store_with_cities(labels: dict[str, str]) -> ox.Store:
    store = ox.Store()
    for slug, label in labels.items():
        city = ox.NamedNode(CITY + slug)
        store.add(ox.Quad(city, TYPE, CITY_CLASS))
        store.add(ox.Quad(city, LABEL, ox.Literal(label, language="en")))
    return store


class RecordingEngine(query.Engine):
    """Runs on a real store and keeps every query text it was sent."""

    def __init__(self, store):
        super().__init__(store=store)
        self.sent: list[str] = []

    def select(self, text):
        self.sent.append(text)
        return super().select(text)


@settings(max_examples=150, deadline=None)
@given(VALUES)
def test_a_city_label_finds_exactly_the_city_with_that_label(value):
    label = value.strip()
    assume(label and not query.looks_like_iri(value) and label.lower() != "tehran")
    engine = RecordingEngine(store_with_cities({"probe": label, "tehran": "Tehran"}))
    city = query.resolve_city(value, engine)
    assert city == ox.NamedNode(CITY + "probe")
    assert engine.sent == [query.CITY_BY_LABEL % ox.Literal(label)]


@pytest.fixture(scope="module")
def engine_on_an_empty_store() -> query.Engine:
    """One engine for every example: its walled worker is forked once (a fork per example was most
    of the test's time), and a worker a query leaves unusable is replaced by the engine."""
    return query.Engine(store=ox.Store())


@settings(max_examples=150, deadline=None)
@given(VALUES)
def test_a_bound_literal_is_the_only_thing_the_values_clause_adds(engine_on_an_empty_store, value):
    probe = stored((Param("name", "literal", ""),), "SELECT ?name WHERE { }")
    text = query.bind_params(probe, {"name": value}, query.Engine(store=ox.Store()))
    assert text.startswith("SELECT ?name WHERE { VALUES (?name) { (") and text.endswith(") } }")
    if results.UNCARRIABLE.search(value):  # refused in every result format alike
        with pytest.raises(BadInput, match="control character|SPARQL XML cannot carry"):
            engine_on_an_empty_store.select(text)
        return
    answer = engine_on_an_empty_store.select(text)
    assert answer.columns == ["name"] and len(answer.rows) == 1
    (term,) = answer.rows[0]  # a plain string: RDF 1.1 gives it the datatype xsd:string
    assert isinstance(term, ox.Literal) and term.value == value and term.language is None
    assert term.datatype == XSD.string


@settings(max_examples=100, deadline=None)
@given(VALUES)
def test_a_city_parameter_binds_one_iri(value):
    label = value.strip()
    assume(label and not query.looks_like_iri(value) and label.lower() != "tehran")
    probe = stored((Param("city", "city", ""),), "SELECT ?city WHERE { }")
    engine = query.Engine(store=store_with_cities({"probe": label, "tehran": "Tehran"}))
    text = query.bind_params(probe, {"city": value}, engine)
    assert text == f"SELECT ?city WHERE {{ VALUES (?city) {{ (<{CITY}probe>) }} }}"


def test_values_open_the_where_group_even_after_braces_in_iris_strings_and_comments():
    text = 'PREFIX x: <http://e/{a}#> # a comment with { a brace\nSELECT ("{" AS ?b) ?city WHERE { ?city ?p ?o }'
    probe = stored((Param("city", "iri", ""),), text)
    bound = query.bind_params(probe, {"city": CITY + "tehran"}, query.Engine(store=ox.Store()))
    assert bound.endswith(f"WHERE {{ VALUES (?city) {{ (<{CITY}tehran>) }} ?city ?p ?o }}")
