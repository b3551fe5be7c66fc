"""`cityrdf validate`: SHACL, QC queries and the reasoner in one report that names what to fix."""

import json

from cityrdf import validate
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import CR, CRID, SH
from cityrdf.validate import validate_files

ONE_PARTY_AGREEMENT = """
@prefix cr: <https://w3id.org/cityrdf/ontology#> .
<https://w3id.org/cityrdf/id/agreement/tehran--tehran> a cr:TwinningAgreement ;
    cr:party <https://w3id.org/cityrdf/id/city/tehran> .
"""
UNLABELLED_CLASS = """
@prefix cr: <https://w3id.org/cityrdf/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
cr:Township a owl:Class .
"""
CITY_AND_COUNTRY = """
@prefix cr: <https://w3id.org/cityrdf/ontology#> .
<https://w3id.org/cityrdf/id/city/tehran> a cr:Country .
"""


def test_tiny_project_conforms(tiny_project):
    report = validate_files()
    assert report.conforms, report.to_text()
    assert report.reasoner is not None and report.reasoner.ok
    assert len(report.files) == 3


def test_agreement_with_one_party_is_reported_with_focus_node_path_component_and_file(tiny_project):
    (tiny_project / "data" / "pacts.ttl").write_text(ONE_PARTY_AGREEMENT)
    report = validate_files(reason=False)
    assert not report.conforms
    [finding] = report.violations
    assert finding.check == "shacl"
    assert finding.focus_node == CRID["agreement/tehran--tehran"].value
    assert finding.path == CR.party.value
    assert finding.component == SH.MinCountConstraintComponent.value
    assert finding.message == "A twinning agreement needs exactly two parties."
    assert finding.source == "data/pacts.ttl"


def test_every_row_of_a_qc_violation_query_is_a_violation(tiny_project):
    (tiny_project / "data" / "extra-terms.ttl").write_text(UNLABELLED_CLASS)
    report = validate_files(reason=False)
    [finding] = report.violations
    assert finding.check == "qc"
    assert finding.focus_node == CR.Township.value
    assert finding.component == "queries/qc/missing-label-violation.rq"
    assert "has no English rdfs:label" in finding.message
    assert finding.source == "data/extra-terms.ttl"


def test_inconsistency_found_by_the_reasoner_fails_validation(tiny_project):
    (tiny_project / "data" / "clash.ttl").write_text(CITY_AND_COUNTRY)
    report = validate_files()
    assert [f.component for f in report.violations] == ["hermit:consistency"]
    assert "HermiT: NOT consistent" in report.summary()


def test_given_files_are_validated_with_the_ontology_instead_of_the_project_data(
    tiny_project, tmp_path
):
    pacts = tmp_path / "pacts.ttl"
    pacts.write_text(ONE_PARTY_AGREEMENT)
    report = validate_files([pacts], reason=False)
    assert [p.name for p in report.files] == ["cityrdf.ttl", "pacts.ttl"]
    # data/cities.ttl is not loaded, so Tehran is not a cr:City: sh:class fires as well.
    components = {f.component for f in report.violations}
    assert components == {SH.MinCountConstraintComponent.value, SH.ClassConstraintComponent.value}


def test_cli_exits_1_and_names_the_focus_node_and_file(tiny_project, run_cityrdf_here):
    (tiny_project / "data" / "pacts.ttl").write_text(ONE_PARTY_AGREEMENT)
    result = run_cityrdf_here("validate", "--no-reasoner")
    assert result.returncode == 1
    assert "data/pacts.ttl: crid:agreement/tehran--tehran [Violation]" in result.stdout
    assert (
        result.stderr.startswith("error: validation failed: 1 violation, 0 warnings")
        and result.stderr.count("\n") == 1
    )


def test_cli_json_report(tiny_project, run_cityrdf_here):
    (tiny_project / "data" / "pacts.ttl").write_text(ONE_PARTY_AGREEMENT)
    result = run_cityrdf_here("validate", "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False and report["violations"] == 1
    assert report["reasoner"]["consistent"] is True
    assert report["results"][0]["focus_node"] == CRID["agreement/tehran--tehran"].value


def test_cli_exits_0_on_conforming_project(tiny_project, run_cityrdf_here):
    result = run_cityrdf_here("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        result.stdout.strip().splitlines()[-1].startswith("OK: 0 violations, 0 warnings in 3 files")
    )


def test_cli_file_is_checked_inside_the_project_unless_alone(tiny_project, tmp_path, run_cityrdf):
    """`validate FILE` asks whether FILE fits in the project: it is added to the project's files,
    and the project's own files are counted; `--alone` checks FILE beside the ontology only."""
    addition = tmp_path / "addition.ttl"
    addition.write_text(ONE_PARTY_AGREEMENT)
    inside = run_cityrdf("validate", "--no-reasoner", str(addition))
    alone = run_cityrdf("validate", "--no-reasoner", "--alone", str(addition))
    assert inside.returncode == alone.returncode == 1
    assert "addition.ttl: crid:agreement/tehran--tehran [Violation]" in inside.stdout
    project_files = len(list((tiny_project / "data").glob("*.ttl"))) + len(
        list((tiny_project / "ontology").glob("*.ttl"))
    )
    assert f"in {project_files + 1} files" in inside.stderr
    assert f"in {len(list((tiny_project / 'ontology').glob('*.ttl'))) + 1} files" in alone.stderr
    refused = run_cityrdf("validate", "--alone")
    assert (
        refused.returncode == 2 and refused.stderr.count("\n") == 1 and "--alone" in refused.stderr
    )


def test_shacl_and_qc_run_their_queries_in_one_pool(tiny_project, monkeypatch):
    """Both kinds of findings, exactly those each finds alone, from queries in one shared pool
    (so no more queries run at once than there are cores)."""
    (tiny_project / "data" / "pacts.ttl").write_text(ONE_PARTY_AGREEMENT)
    (tiny_project / "data" / "extra-terms.ttl").write_text(UNLABELLED_CLASS)
    store = graph.load_store()
    alone = set(validate.shacl_findings(store) + validate.qc_findings(store))
    pools = []
    made = graph.query_threads

    def counted(queries=None):
        pools.append(queries)
        return made(queries)

    monkeypatch.setattr(graph, "query_threads", counted)
    together = validate.store_findings(store)
    assert set(together) == alone and len(together) == len(alone)
    assert {f.check for f in together} == {"shacl", "qc"}
    created, *shared = pools
    assert created is None and len(shared) == 2 and shared[0] is shared[1] is not None
