"""HermiT's command line: consistency, unsatisfiable classes, XSD dates it lacks, and its failures."""

from pathlib import Path

import pytest

from cityrdf.checks.reasoner import check_consistency
from cityrdf.rdf.namespaces import CR

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
    assert report.unsatisfiable == [CR.CityState.value]
    assert not report.ok


def test_verdict_on_unchanged_sources_comes_from_the_cache_and_a_change_reruns_hermit(
    tmp_path, monkeypatch, use_project
):
    from cityrdf.checks import reasoner
    from cityrdf.rdf import graph

    use_project(tmp_path)
    ontology, data = tmp_path / "ontology.ttl", tmp_path / "data.ttl"
    ontology.write_text(ONTOLOGY)
    data.write_text(PREFIXES + "city:tehran a cr:City .")
    first = reasoner.check_store(graph.load_store([ontology, data], entail=False), [ontology, data])
    assert first.ok and list((tmp_path / ".cache" / "reasoner").glob("*.json"))

    def no_java(self, ntriples):
        raise AssertionError("HermiT ran although the sources did not change")

    monkeypatch.setattr(reasoner.Verdict, "_launch", no_java)
    again = reasoner.check_store(graph.load_store([ontology, data], entail=False), [ontology, data])
    assert again == first

    data.write_text(PREFIXES + "city:tehran a cr:City, cr:Country .")
    with pytest.raises(AssertionError, match="HermiT ran"):
        reasoner.check_store(graph.load_store([ontology, data], entail=False), [ontology, data])


def test_a_string_where_a_year_is_required_is_inconsistent(reason):
    # xsd:gYear's values are not strings (XSD value spaces are disjoint), even one spelled "1994"
    assert not reason('city:tehran cr:year "1994" .').consistent


def test_a_year_where_a_string_is_required_is_inconsistent(reason):
    report = reason(
        "cr:jalaliText a owl:DatatypeProperty ; rdfs:range xsd:string .\n"
        'city:tehran cr:jalaliText "1994"^^xsd:gYear .'
    )
    assert not report.consistent and report.error is None


def test_one_date_in_two_time_zone_spellings_is_one_value(reason):
    report = reason(
        "cr:gregorianStart a owl:FunctionalProperty .\n"
        'city:tehran cr:gregorianStart "2015-04-21Z"^^xsd:date, "2015-04-21+00:00"^^xsd:date .'
    )
    assert report.ok, report


def test_two_dates_of_a_functional_property_are_inconsistent(reason):
    report = reason(
        "cr:gregorianStart a owl:FunctionalProperty .\n"
        'city:tehran cr:gregorianStart "2015-04-21"^^xsd:date, "2015-04-22"^^xsd:date .'
    )
    assert not report.consistent and report.error is None


def test_a_graph_hermit_refuses_is_an_error_not_a_verdict(reason):
    # An owl:AllDisjointClasses of one class is not OWL 2 DL: HermiT's parser throws.
    report = reason("[] a owl:AllDisjointClasses ; owl:members ( cr:City ) .")
    assert report.error and "DisjointClasses" in report.error, report
    assert not report.consistent and not report.ok


def test_a_java_that_cannot_start_hermit_is_an_error(reason, monkeypatch):
    from cityrdf.checks import reasoner

    real = reasoner.hermit_command
    monkeypatch.setattr(
        reasoner,
        "hermit_command",
        lambda nt: [a if a != "-cp" else "-XX:NoSuchOption" for a in real(nt)],
    )
    report = reason("city:tehran a cr:City .")
    assert report.error and not report.ok, report


@pytest.mark.parametrize(
    "returncode, stdout, stderr",
    [
        (0, b"", b"It all went pear-shaped: could not parse\n"),  # HermiT exits 0 on OWLException
        (0, b"", b"invalid option -- x\nUsage: hermit [OPTION]... IRI...\n"),
        (1, b"", b'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n'),
        (0, b"Classes equivalent to 'owl:Nothing':\n\towl:Nothing\n", b""),  # not -N output
    ],
)
def test_output_that_is_not_a_verdict_is_an_error(returncode, stdout, stderr):
    from cityrdf.checks.reasoner import read_answer

    report = read_answer(returncode, stdout, stderr)
    assert report.error and not report.consistent, report


def test_a_graph_using_hex_binary_is_refused_not_reasoned(reason):
    report = reason('city:tehran cr:code "FF"^^xsd:hexBinary .')
    assert report.error and "hexBinary" in report.error and not report.ok


def test_a_verdict_given_up_stops_hermit_and_removes_its_files(tmp_path):
    from cityrdf.checks import reasoner
    from cityrdf.rdf import graph

    (tmp_path / "ontology.ttl").write_text(ONTOLOGY)
    store = graph.load_store([tmp_path / "ontology.ttl"], entail=False)
    with reasoner.start(store) as verdict:
        process, folder = verdict._process, Path(verdict._tmp.name)
        assert folder.is_dir()
    assert process.poll() is not None and not folder.exists()
