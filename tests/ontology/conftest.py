"""Graphs of the three ontology files, parsed once per session."""

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib  # the graphs of the files as written (see graph_of)

from cityrdf.project import current_project
from cityrdf.rdf import namespaces
from cityrdf.rdf.graph import parse_file

# The package's namespaces as rdflib's, for these tests' rdflib graphs: rdflib keeps each literal as
# the file writes it, where an Oxigraph store canonicalises derived datatypes (below)
CR, CRID, DBO, WDT = (
    rdflib.Namespace(str(ns))
    for ns in (namespaces.CR, namespaces.CRID, namespaces.DBO, namespaces.WDT)
)

ONTOLOGY_FILES = {
    name: current_project().ontology_dir / f"{name}.ttl"
    for name in ("cityrdf", "theory", "vocabularies")
}


def graph_of(*names: str) -> rdflib.Graph:
    # Straight from the parser, not through an Oxigraph store: the store rewrites derived integer
    # datatypes (xsd:positiveInteger) to xsd:integer, and these tests check the files as written.
    triples = [t for n in names for t in parse_file(ONTOLOGY_FILES[n])]
    return rdflib.Graph().parse(
        data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt"
    )


@pytest.fixture(scope="session")
def core() -> rdflib.Graph:
    return graph_of("cityrdf")


@pytest.fixture(scope="session")
def theory() -> rdflib.Graph:
    return graph_of("theory")


@pytest.fixture(scope="session")
def vocabularies() -> rdflib.Graph:
    return graph_of("vocabularies")


@pytest.fixture(scope="session")
def ontology() -> rdflib.Graph:
    return graph_of(*ONTOLOGY_FILES)


@pytest.fixture(scope="session")
def model_md() -> str:
    return (Path(__file__).resolve().parents[2] / "docs" / "model.md").read_text(encoding="utf-8")
