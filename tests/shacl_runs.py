"""pySHACL, the reference validator, run once per shape fixture for the whole session.

tests/shapes checks its results against shapes/fixtures/manifest.ttl and tests/checks checks
fastshacl's results against them: both read the same run, on the same shapes graph (whose blank
nodes name the property shapes in both validators' results).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pyoxigraph as ox
import rdflib

from cityrdf.checks import fastshacl
from cityrdf.project import current_project
from cityrdf.rdf import graph

FIXTURES = current_project().shapes_dir / "fixtures"
BASE = FIXTURES / "base.ttl"
MANIFEST = rdflib.Graph().parse(FIXTURES / "manifest.ttl", format="turtle")
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
FX = rdflib.Namespace("https://w3id.org/cityrdf/shapes/fixtures#")


@functools.cache
def shapes() -> rdflib.Graph:
    """The project's shapes, loaded once (read only: no test may change it)."""
    return graph.load_graph(graph.shape_files(), entail=False)


def fixture_store(fixture: Path | None, entail: bool) -> ox.Store:
    """base.ttl + the fixture + the ontology, as `cityrdf validate` loads them (a fresh store)."""
    extra = [fixture] if fixture is not None else []
    return graph.load_store([*graph.ontology_files(), BASE, *extra], entail=entail)


def manifest_entails(fixture: Path) -> bool:
    """Whether the manifest validates the fixture after the build's entailments (the default)."""
    data_graph = rdflib.URIRef(fixture.as_uri())
    for action in MANIFEST.subjects(SHT.dataGraph, data_graph):
        for entry in MANIFEST.subjects(MF.action, action):
            return MANIFEST.value(entry, FX.buildEntailments) != rdflib.Literal(False)
    return True


@functools.cache
def pyshacl_results(fixture: Path | None, entail: bool) -> tuple[fastshacl.ValidationResult, ...]:
    """pySHACL's top-level results (inference none, advanced on) on the fixture: computed once."""
    return tuple(fastshacl.pyshacl_results(fixture_store(fixture, entail), shapes()))
