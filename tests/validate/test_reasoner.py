"""HermiT through owlready2: consistency, unsatisfiable classes, and XSD date datatypes it lacks."""

import pytest

from cityrdf.namespaces import CR
from cityrdf.reasoner import check_consistency

ONTOLOGY = """
@prefix cr: <https://w3id.org/cityrdf/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/cityrdf/ontology> a owl:Ontology .
cr:City a owl:Class .
cr:Country a owl:Class ; owl:disjointWith cr:City .
cr:gregorianStart a owl:DatatypeProperty ; rdfs:range xsd:date .
cr:year a owl:DatatypeProperty ; rdfs:range xsd:gYear .
"""
PREFIXES = """
@prefix cr: <https://w3id.org/cityrdf/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix city: <https://w3id.org/cityrdf/id/city/> .
"""


@pytest.fixture
def reason(tmp_path):
    def check(data: str):
        (tmp_path / "ontology.ttl").write_text(ONTOLOGY)
        (tmp_path / "data.ttl").write_text(PREFIXES + data)
        return check_consistency([tmp_path / "ontology.ttl", tmp_path / "data.ttl"])

    return check


def test_tiny_project_is_consistent(tiny_project):
    files = sorted((tiny_project / "ontology").glob("*.ttl")) + sorted(
        (tiny_project / "data").glob("*.ttl")
    )
    report = check_consistency(files)
    assert report.ok, report


def test_dates_and_years_in_their_xsd_datatypes_are_consistent(reason):
    report = reason(
        'city:tehran a cr:City ; cr:year "1994"^^xsd:gYear ; cr:gregorianStart "2015-04-21"^^xsd:date .'
    )
    assert report.ok, report


def test_individual_in_two_disjoint_classes_is_inconsistent(reason):
    report = reason("city:tehran a cr:City, cr:Country .")
    assert not report.consistent
    assert report.error is None


def test_a_year_where_a_date_is_required_is_inconsistent(reason):
    # Only true because the reasoner maps xsd:date to a pattern-restricted surrogate, not ignores it.
    assert not reason('city:tehran cr:gregorianStart "2015"^^xsd:gYear .').consistent


def test_an_integer_where_a_year_is_required_is_inconsistent(reason):
    assert not reason('city:tehran cr:year "1994"^^xsd:integer .').consistent


def test_class_below_two_disjoint_classes_is_unsatisfiable(reason):
    report = reason("cr:CityState a owl:Class ; rdfs:subClassOf cr:City, cr:Country .")
    assert report.consistent
    assert report.unsatisfiable == [str(CR.CityState)]
    assert not report.ok


def test_verdict_on_unchanged_sources_comes_from_the_cache_and_a_change_reruns_hermit(
    tmp_path, monkeypatch
):
    from cityrdf import graph, paths, reasoner

    monkeypatch.setattr(paths, "ROOT", tmp_path)
    ontology, data = tmp_path / "ontology.ttl", tmp_path / "data.ttl"
    ontology.write_text(ONTOLOGY)
    data.write_text(PREFIXES + "city:tehran a cr:City .")
    first = reasoner.check_store(graph.load_store([ontology, data], entail=False), [ontology, data])
    assert first.ok and list((tmp_path / ".cache" / "reasoner").glob("*.json"))

    def no_java(_):
        raise AssertionError("HermiT ran although the sources did not change")

    monkeypatch.setattr(reasoner, "_run_hermit", no_java)
    again = reasoner.check_store(graph.load_store([ontology, data], entail=False), [ontology, data])
    assert again == first

    data.write_text(PREFIXES + "city:tehran a cr:City, cr:Country .")
    with pytest.raises(AssertionError, match="HermiT ran"):
        reasoner.check_store(graph.load_store([ontology, data], entail=False), [ontology, data])
