"""The project's own graph (ontology, the paper's data and the links) passes every check."""

from cityrdf.project import current_project
from cityrdf.rdf import graph
from cityrdf.validate import validate_files


def test_project_graph_conforms_to_shapes_and_qc_and_is_consistent_under_hermit():
    report = validate_files()
    assert report.violations == [], report.to_text()
    assert report.reasoner is not None and report.reasoner.consistent
    assert report.reasoner.unsatisfiable == []


def test_project_graph_includes_the_link_files():
    files = graph.source_files()
    assert (
        current_project().links_dir / "wikidata.ttl" in files
        and current_project().links_dir / "geonames.ttl" in files
    )
