"""HermiT, through the project's reasoner (cityrdf.checks.reasoner), on the ontology alone and with data."""

from pathlib import Path

import pytest

from cityrdf.checks.reasoner import check_consistency
from cityrdf.project import current_project
from cityrdf.validate import validate_files

FIXTURES = Path(__file__).parent / "fixtures"
ONTOLOGY = sorted(current_project().ontology_dir.glob("*.ttl"))
VALID = FIXTURES / "valid-tehran-bishkek.ttl"
PREFIXES = """
@prefix cr: <https://w3id.org/cityrdf/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix city: <https://w3id.org/cityrdf/id/city/> .
@prefix agreement: <https://w3id.org/cityrdf/id/agreement/> .
"""


def test_the_ontology_is_consistent_with_no_unsatisfiable_classes():
    assert check_consistency(ONTOLOGY).ok


def test_the_ontology_with_data_shaped_as_the_model_is_consistent():
    report = check_consistency([*ONTOLOGY, VALID])
    assert report.ok, report


@pytest.mark.parametrize(
    "data",
    [
        pytest.param("city:tehran a cr:Country .", id="city-is-also-a-country"),
        pytest.param("city:tehran a org:Organization .", id="city-is-also-an-organisation"),
        pytest.param("city:tehran cr:twinnedWith city:tehran .", id="city-twinned-with-itself"),
        pytest.param(
            "agreement:bishkek--tehran cr:party city:paris . city:paris a cr:City ."
            "[] a owl:AllDifferent ; owl:distinctMembers (city:paris city:tehran city:bishkek) .",
            id="agreement-with-three-parties",
        ),
        pytest.param(
            'agreement:seoul--tehran cr:signingDate "May 1963" .',
            id="signing-date-as-free-text",
        ),
        pytest.param(
            'agreement:seoul--tehran cr:signingDate "1963"^^xsd:integer .',
            id="signing-year-as-integer",
        ),
        pytest.param(
            "<https://w3id.org/cityrdf/id/observation/partnerships-by-region/europe> cr:partnerships -1 .",
            id="negative-partnership-count",
        ),
    ],
)
def test_data_against_the_model_is_inconsistent(tmp_path, data):
    broken = tmp_path / "broken.ttl"
    broken.write_text(PREFIXES + data, encoding="utf-8")
    report = check_consistency([*ONTOLOGY, VALID, broken])
    assert report.error is None, report.error
    assert not report.consistent


def test_a_class_below_two_disjoint_classes_is_reported_unsatisfiable(tmp_path):
    extra = tmp_path / "city-state.ttl"
    extra.write_text(PREFIXES + "cr:CityState a owl:Class ; rdfs:subClassOf cr:City , cr:Country .")
    report = check_consistency([*ONTOLOGY, extra])
    assert report.unsatisfiable == ["https://w3id.org/cityrdf/ontology#CityState"]


def test_a_city_that_is_also_a_country_is_named_with_both_classes(tmp_path):
    """HermiT says only that the graph is inconsistent; the QC finding says which resource and why."""
    clash = tmp_path / "clash.ttl"
    clash.write_text(PREFIXES + "city:tehran a cr:City , cr:Country .", encoding="utf-8")
    report = validate_files([clash])
    assert report.reasoner is not None and not report.reasoner.consistent
    named = [
        (f.focus_node, f.message)
        for f in report.violations
        if f.component == "queries/qc/disjoint-types-violation.rq"
    ]
    assert [node for node, _ in named] == ["https://w3id.org/cityrdf/id/city/tehran"]
    assert named[0][1].endswith(
        "(problem=typed as https://w3id.org/cityrdf/ontology#City and "
        "https://w3id.org/cityrdf/ontology#Country, which the ontology declares disjoint)"
    )
    [hermit] = [f for f in report.violations if f.check == "reasoner"]
    assert "names no resource" in hermit.message
