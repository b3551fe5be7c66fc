"""The SHACL shapes against their fixtures (shapes/fixtures/manifest.ttl).

Each fixture is loaded with shapes/fixtures/base.ttl and the ontology through the same path as the
real validator (cityrdf.rdf.graph.load_store, so the build entailments apply) and validated with
pySHACL's options of `cityrdf validate`, once per session (tests/shacl_runs.py; tests/checks
reads the same run). A non-conforming fixture must produce exactly the results the manifest lists,
down to focus node, path and constraint component.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from cityrdf.checks.shapes_graph import ShapesGraph, is_true
from cityrdf.rdf.namespaces import RDF, SH
from tests.shacl_runs import FIXTURES, FX, MANIFEST, MF, SHT, pyshacl_results, shapes

ARABIC_YEH_KAF = re.compile("[\u064a\u0643]")
PERSIAN_LETTER = re.compile("[\u0621-\u064a\u067e-\u06d3]")

ENTRIES = sorted(MANIFEST.subjects(RDF.type, SHT.Validate), key=str)


@pytest.fixture(scope="module")
def shapes_graph() -> ShapesGraph:
    return ShapesGraph(shapes())


def path_key(graph: ShapesGraph, path) -> object:
    """A comparable form of sh:resultPath: the IRI, or ("^", p) for an inverse path."""
    if isinstance(path, ox.BlankNode):
        return ("^", graph.value(path, SH.inversePath))
    return path


def found_keys(shapes_graph: ShapesGraph, results) -> set[tuple]:
    """(focus node, path, component) of pySHACL's results; paths are nodes of the shapes graph."""
    return {(r.focus_node, path_key(shapes_graph, r.result_path), r.component) for r in results}


def result_keys(graph: ShapesGraph, results) -> set[tuple]:
    return {
        (
            graph.value(r, SH.focusNode),
            path_key(graph, graph.value(r, SH.resultPath)),
            graph.value(r, SH.sourceConstraintComponent),
        )
        for r in results
    }


def fixture_file(entry) -> Path:
    action = MANIFEST.value(entry, MF.action)
    return FIXTURES / MANIFEST.value(action, SHT.dataGraph).value.rsplit("/", 1)[1]


def entry_id(entry) -> str:
    return entry.value.rsplit("#", 1)[1]


def test_base_world_conforms():
    # No result at all: a warning would make pySHACL's report not conform either.
    assert pyshacl_results(None, True) == ()


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_fixture_yields_exactly_the_expected_results(shapes_graph, entry):
    entails = MANIFEST.value(entry, FX.buildEntailments)
    entail = entails is None or is_true(entails)
    # Top-level results only: pySHACL also types the nested sh:node results it keeps as details.
    actual = pyshacl_results(fixture_file(entry), entail)
    expected_report = MANIFEST.value(entry, MF.result)
    expected = MANIFEST.objects(expected_report, SH.result)

    assert found_keys(shapes_graph, actual) == result_keys(MANIFEST, expected)
    # Where the manifest names the shape that fired (a named, reusable shape), it must be that one.
    for want in expected:
        source = MANIFEST.value(want, SH.sourceShape)
        if source is not None:
            focus = MANIFEST.value(want, SH.focusNode)
            assert source in {r.source_shape for r in actual if r.focus_node == focus}
    # Every result speaks both languages.
    for result in actual:
        langs = sorted(message_language(m) for m in result.messages)
        assert langs == ["en", "fa"], (result.source_shape, langs)


def message_language(message: ox.Literal) -> str:
    """The message's language; pySHACL drops the tag of SPARQL-constraint messages, so read the script."""
    return message.language or ("fa" if PERSIAN_LETTER.search(message.value) else "en")


def targeted_node_shapes(shapes: ShapesGraph) -> set[ox.NamedNode]:
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    return {s for t in targets for s in shapes.subjects(t) if isinstance(s, ox.NamedNode)}


def conforms(entry) -> bool:
    """Whether the manifest expects the entry's data graph to conform."""
    return is_true(MANIFEST.value(MANIFEST.value(entry, MF.result), SH.conforms))


def test_every_shape_has_a_valid_and_an_invalid_fixture(shapes_graph):
    kinds: dict[ox.NamedNode, set[bool]] = {}
    for entry in ENTRIES:
        kinds.setdefault(MANIFEST.value(entry, FX.shape), set()).add(conforms(entry))
    missing = {s for s in targeted_node_shapes(shapes_graph) if kinds.get(s) != {True, False}}
    assert not missing


def test_every_fixture_file_is_in_the_manifest():
    listed = {fixture_file(e).name for e in ENTRIES}
    on_disk = {p.name for p in FIXTURES.glob("*.ttl") if p.name.startswith(("valid.", "invalid."))}
    assert listed == on_disk
    for entry in ENTRIES:
        assert fixture_file(entry).name.startswith("valid." if conforms(entry) else "invalid.")


# Parameters that do not produce results of their own: a shape made only of these needs no message.
NOT_CONSTRAINTS = {
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.property,
    SH.sparql,
    SH.message,
    SH.prefixes,
}


def reporting_shapes(shapes: ShapesGraph) -> set:
    """Shapes whose own constraints produce validation results (and so show their sh:message)."""
    candidates = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(SH.path))
    candidates |= set(shapes.subjects(SH.select))
    return {
        s
        for s in candidates
        if not _is_or_branch(shapes, s)
        and any(
            p.value.startswith(str(SH)) and p not in NOT_CONSTRAINTS for p in shapes.predicates(s)
        )
    }


def test_every_shape_has_one_english_and_one_persian_message(shapes_graph):
    shapes = reporting_shapes(shapes_graph)
    assert len(shapes) > 40
    for shape in shapes:
        messages = shapes_graph.objects(shape, SH.message)
        assert sorted(m.language for m in messages) == ["en", "fa"], shape
        persian = next(m for m in messages if m.language == "fa")
        assert not ARABIC_YEH_KAF.search(persian.value), shape


def _is_or_branch(graph: ShapesGraph, shape) -> bool:
    """Anonymous branches of sh:or/sh:xone are reported through the shape holding the list."""
    return isinstance(shape, ox.BlankNode) and bool(graph.subjects(RDF.first, shape))
