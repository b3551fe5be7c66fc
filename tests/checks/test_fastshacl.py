"""fastshacl must report exactly what pySHACL reports (inference "none", advanced on) on the same store.

pySHACL runs once per shape fixture in a session (tests/shacl_runs.py, shared with tests/shapes),
with the build entailments as the manifest validates the fixture; the other setting is in the slow
run."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cityrdf.checks import fastshacl, shacl_plan
from cityrdf.generate import synthetic_lines
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import SH
from tests import shacl_runs

FIXTURES = sorted(shacl_runs.FIXTURES.glob("invalid.*.ttl"))
CR = "https://w3id.org/cityrdf/ontology#"
ID = "https://w3id.org/cityrdf/id/"


@pytest.fixture(scope="module")
def shapes() -> ox.Store:
    return shacl_runs.shapes()


@pytest.fixture(params=["few", "many"])
def check_form(request, monkeypatch) -> str:
    """Each check in the form fastshacl runs for a few focus nodes, or in the one for many."""
    monkeypatch.setattr(fastshacl, "FEW_FOCUS_NODES", 10**9 if request.param == "few" else 0)
    return request.param


def shapes_of(turtle: str) -> ox.Store:
    store = ox.Store()
    store.load(turtle, format=ox.RdfFormat.TURTLE)
    return store


def keys(results: list[fastshacl.ValidationResult]) -> set[tuple]:
    """(focus, path, value, component, shape, severity); data blank nodes get new labels on the way
    into pySHACL's rdflib graph, so they compare as one placeholder."""
    return {
        tuple(
            "_:" if isinstance(x, ox.BlankNode) and i in (0, 2) else x
            for i, x in enumerate(r.key())
        )
        for r in results
    }


def assert_same_as_pyshacl(store, shapes, reference=None) -> set[tuple]:
    """fastshacl's results on the store, asserted equal to pySHACL's (`reference`: already run)."""
    fast = keys(fastshacl.validate(store, shapes))
    slow = keys(fastshacl.pyshacl_results(store, shapes) if reference is None else reference)
    assert sorted(fast - slow, key=str) == [] and sorted(slow - fast, key=str) == []
    return fast


def test_every_shape_of_the_project_compiles(shapes):
    assert fastshacl.plan(shapes).fallback == {}


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_results_equal_pyshacl(fixture: Path, shapes, check_form):
    entail = shacl_runs.manifest_entails(fixture)
    reference = shacl_runs.pyshacl_results(fixture, entail)
    found = assert_same_as_pyshacl(shacl_runs.fixture_store(fixture, entail), shapes, reference)
    assert found, f"{fixture.name} should violate a shape"


@pytest.mark.slow  # a second pySHACL run per fixture (~2 min CPU together)
@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_results_equal_pyshacl_with_the_other_entailment_setting(fixture: Path, shapes):
    entail = not shacl_runs.manifest_entails(fixture)
    reference = shacl_runs.pyshacl_results(fixture, entail)
    assert_same_as_pyshacl(shacl_runs.fixture_store(fixture, entail), shapes, reference)


def test_papers_graph_results_equal_pyshacl(shapes, project_store, longest_references, check_form):
    assert_same_as_pyshacl(project_store, shapes, longest_references["paper"].result())


BROKEN = f"""
<{ID}city/gen-1> <http://www.w3.org/2000/01/rdf-schema#label> "Ci\u064aty one"@en .
<{ID}city/gen-2> <{CR}country> <{ID}city/gen-3> .
<{ID}agreement/gen-0--gen-1> <{CR}party> <{ID}city/gen-5> .
<{ID}agreement/gen-0--gen-1> <{CR}signingDate> "1850"^^<http://www.w3.org/2001/XMLSchema#gYear> .
<{ID}agreement/gen-0--gen-1> <{CR}status> <{ID}concept/agreement-status/maybe> .
<{ID}city/gen-4> <{CR}twinnedWith> <{ID}city/gen-6> .
<{ID}list/gen-0/gen-1> <{CR}position> "0"^^<http://www.w3.org/2001/XMLSchema#integer> .
<{ID}list/gen-0/gen-3> <{CR}position> "abc"^^<http://www.w3.org/2001/XMLSchema#integer> .
"""


@pytest.fixture(scope="module")
def generated_with_violations(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("generated") / "generated.nt"
    data.write_text("".join(synthetic_lines(40, 60, seed=3)) + BROKEN, encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def longest_references(shapes, generated_with_violations) -> dict[str, shacl_runs.Forked]:
    """pySHACL on the paper's graph and on the generated graph, the two longest runs of the module
    (a quarter of a minute of CPU each), started together in forked processes."""
    return {
        "paper": shacl_runs.pyshacl_started(),
        "generated": shacl_runs.pyshacl_started(
            graph.ontology_files() + [generated_with_violations]
        ),
    }


def test_generated_graph_with_injected_violations_equals_pyshacl(
    shapes, generated_with_violations, longest_references, check_form
):
    store = graph.load_store(graph.ontology_files() + [generated_with_violations])
    found = assert_same_as_pyshacl(store, shapes, longest_references["generated"].result())
    components = {k[3].value.removeprefix(str(SH)) for k in found}
    assert {
        "PatternConstraintComponent",
        "ClassConstraintComponent",
        "MaxCountConstraintComponent",
        "InConstraintComponent",
        "SPARQLConstraintComponent",
        "MinInclusiveConstraintComponent",
    } <= components


def test_generated_graph_conforms(tmp_path, shapes):
    data = tmp_path / "generated.nt"
    data.write_text("".join(synthetic_lines(60, 90, seed=1)), encoding="utf-8")
    assert fastshacl.validate(graph.load_store(graph.ontology_files() + [data]), shapes) == []


CLOSED_SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:closed true ;
    sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ] .
"""


def test_shape_it_cannot_compile_is_validated_by_pyshacl_not_skipped(tmp_path):
    shapes = shapes_of(CLOSED_SHAPE)
    data = tmp_path / "thing.ttl"
    data.write_text(
        "@prefix ex: <http://example.org/> . ex:a a ex:Thing ; ex:name 'a' ; ex:colour 'red' .",
        encoding="utf-8",
    )
    store = graph.load_store([data], entail=False)
    assert ox.NamedNode("http://example.org/ThingShape") in fastshacl.plan(shapes).fallback
    (result,) = fastshacl.validate(store, shapes)
    assert result.component == SH.ClosedConstraintComponent
    assert result.value == ox.Literal("red")


SUBCLASS = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
ex:Capital rdfs:subClassOf ex:Place .
ex:PlaceShape a sh:NodeShape ; sh:targetClass ex:Place ;
    sh:property [ sh:path ex:in ; sh:class ex:Place ; sh:maxCount 1 ] .
ex:tehran a ex:Capital ; ex:in ex:iran , ex:asia .
ex:iran a ex:Capital .
"""


def test_targets_and_class_follow_subclasses():
    shapes = shapes_of(SUBCLASS)
    store = graph.load_store([], entail=False)
    store.load(SUBCLASS.encode(), format=graph.ox.RdfFormat.TURTLE)
    found = {
        (r.focus_node.value, r.component.value.removeprefix(str(SH)), r.value and r.value.value)
        for r in fastshacl.validate(store, shapes)
    }
    assert found == {
        ("http://example.org/tehran", "ClassConstraintComponent", "http://example.org/asia"),
        ("http://example.org/tehran", "MaxCountConstraintComponent", None),
    }
    assert keys(fastshacl.validate(store, shapes)) == keys(fastshacl.pyshacl_results(store, shapes))


# Constraints that share their targets and path are evaluated in one query per kind (tests of a
# value node; counts of value nodes); each row must still report every constraint it fails, with
# its own shape and severity.
GROUPED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
ex:PlaceShape a sh:NodeShape ; sh:targetClass ex:Place ;
    sh:nodeKind sh:IRI ; sh:pattern "^http://example.org/p" ;
    sh:property [ sh:path rdfs:label ; sh:datatype rdf:langString ; sh:maxLength 6 ;
                  sh:uniqueLang true ; sh:maxCount 2 ;
                  sh:or ( [ sh:languageIn ( "en" ) ] [ sh:pattern "^[a-z]+$" ] ) ] ,
                [ sh:path ex:in ; sh:class ex:Place ; sh:not [ sh:hasValue ex:nowhere ] ;
                  sh:minCount 1 ; sh:in ( ex:iran ex:asia ex:nowhere ) ] ,
                [ sh:path ( ex:in ex:in ) ; sh:maxCount 0 ] .
ex:LabelWarningShape a sh:NodeShape ; sh:targetClass ex:Place ;
    sh:property [ sh:path rdfs:label ; sh:severity sh:Warning ; sh:minLength 4 ; sh:minCount 1 ] .
ex:GhostShape a sh:NodeShape ; sh:targetClass ex:Ghost ;
    sh:property [ sh:path ex:in ; sh:minCount 1 ] .
ex:NamedNodeShape a sh:NodeShape ; sh:targetNode ex:atlantis ;
    sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .
"""
GROUPED_DATA = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
ex:place-tehran a ex:Place ; ex:in ex:iran ;
    rdfs:label "Tehran city"@en , "Teheran"@EN , "تهران"@fa , "Tehran" .
ex:iran a ex:Place ; ex:in ex:asia , ex:nowhere , ex:europe ; rdfs:label "ir"@en .
ex:asia a ex:Place ; rdfs:label "asia"@en .
ex:nowhere a ex:Place ; ex:in ex:asia .
"""


def test_grouped_constraints_report_each_failure_as_pyshacl_does():
    shapes = shapes_of(GROUPED)
    store = graph.load_store([], entail=False)
    store.load(GROUPED_DATA.encode(), format=graph.ox.RdfFormat.TURTLE)
    found = assert_same_as_pyshacl(store, shapes)
    tehran = ox.NamedNode("http://example.org/place-tehran")
    iran = ox.NamedNode("http://example.org/iran")
    by_focus: dict[ox.NamedNode, set[str]] = {}
    for k in found:
        by_focus.setdefault(k[0], set()).add(k[3].value.removeprefix(str(SH)))
    # one label of Tehran fails datatype, maxLength and sh:or at once; its labels, two
    # constraints on their number and languages
    assert {
        "DatatypeConstraintComponent",
        "MaxLengthConstraintComponent",
        "OrConstraintComponent",
        "UniqueLangConstraintComponent",
        "MaxCountConstraintComponent",
    } <= by_focus[tehran]
    assert {"NotConstraintComponent", "ClassConstraintComponent", "InConstraintComponent"} <= (
        by_focus[iran]
    )
    assert {"PatternConstraintComponent", "MinLengthConstraintComponent"} <= by_focus[iran]
    assert ox.NamedNode("http://example.org/atlantis") in by_focus
    assert {k[5] for k in found} == {SH.Violation, SH.Warning}


def test_a_check_for_a_few_focus_nodes_differs_only_in_how_it_binds_them(shapes):
    """The form for a few focus nodes is the check's own text with VALUES where the subquery of
    distinct focus nodes was; a count has no such form."""
    checks = fastshacl.plan(shapes).checks
    with_few = [c for c in checks if c.few is not None]
    assert with_few
    for check in with_few:
        assert check.query == shacl_plan.distinct(check.targets).join(check.few)
        on_two = check.for_focus_nodes([ox.NamedNode(f"{ID}a"), ox.Literal("b", language="fa")])
        assert f'{{ VALUES ?this {{ <{ID}a> "b"@fa }} }}' in on_two.query
        assert shacl_plan.distinct(check.targets) not in on_two.query
    counts = [c for c in checks if "COUNT(DISTINCT ?value)" in c.query]
    assert counts and all(c.few is None for c in counts)


def test_focus_nodes_are_read_up_to_one_more_than_few(monkeypatch):
    monkeypatch.setattr(fastshacl, "FEW_FOCUS_NODES", 3)
    store = shapes_of(
        "".join(f"<https://example.org/c{i}> a <{CR}City> .\n" for i in range(10))
        + f"<https://example.org/c0> a <{CR}Place> .\n_:b a <{CR}Country> .\n"
    )
    cities = f"{{ ?this a <{CR}City> }} UNION {{ ?this a <{CR}Place> }}"
    assert len(fastshacl.focus_nodes(store, cities)) == 4
    assert not fastshacl.few_named(fastshacl.focus_nodes(store, cities))
    assert fastshacl.focus_nodes(store, f"{{ ?this a <{CR}Place> }}") == [
        ox.NamedNode("https://example.org/c0")
    ]
    assert fastshacl.few_named(fastshacl.focus_nodes(store, f"{{ ?this a <{CR}Place> }}"))
    # a blank node cannot be named in VALUES: its checks run on the subquery
    assert not fastshacl.few_named(fastshacl.focus_nodes(store, f"{{ ?this a <{CR}Country> }}"))
