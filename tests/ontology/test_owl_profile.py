"""The OWL 2 DL profile check of the OWL API (Debian's libowlapi-java 5.1), on the ontology alone
and on the whole project graph as the build loads it: the only violations allowed are the
documented ones, the date datatypes xsd:date, xsd:gYearMonth and xsd:gYear, which are outside
OWL 2's datatype map (docs/model.md, the ontology page)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from cityrdf.rdf import graph

CHECKER = Path(__file__).with_name("OwlProfileCheck.java")
OWLAPI = Path("/usr/share/java/owlapi-distribution.jar")
XSD = "http://www.w3.org/2001/XMLSchema#"
DATE_TYPES = {XSD + "date", XSD + "gYearMonth", XSD + "gYear"}
# the two ways the profile check reports a datatype outside the map: declaring or using one
DATATYPE_VIOLATIONS = {"UseOfUndeclaredDatatype", "UseOfDefinedDatatypeInLiteral"}
# What the issue found when the ontology document lost its blank nodes (cr:signingDate read as
# both kinds of property), and a cardinality on a transitive property: both outside OWL 2 DL.
PUNNING = """@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix cr: <https://w3id.org/cityrdf/ontology#> .
<https://w3id.org/cityrdf/ontology> a owl:Ontology .
cr:signingDate a owl:ObjectProperty, owl:DatatypeProperty .
cr:a cr:signingDate "1963"^^xsd:gYear .
cr:twinnedWith a owl:ObjectProperty, owl:TransitiveProperty .
cr:City a owl:Class ; rdfs:subClassOf [ a owl:Restriction ; owl:onProperty cr:twinnedWith ;
    owl:maxCardinality "1"^^xsd:nonNegativeInteger ] .
"""


def profile_violations(*files: Path) -> list[tuple[str, str, str, str]]:
    """(file, violation type, datatype IRI or "-", description) for each violation."""
    java = shutil.which("java")
    assert java, "java is missing: run .ci/install-system-deps"
    assert OWLAPI.is_file(), f"{OWLAPI} is missing: run .ci/install-system-deps (libowlapi-java)"
    result = subprocess.run(
        [java, "-cp", f"{OWLAPI.parent}/*", str(CHECKER), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return [tuple(line.split("\t", 3)) for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def violations(project_root, tmp_path_factory) -> dict[str, list[tuple[str, str, str, str]]]:
    """One JVM for all three documents: the ontology, the project graph, a broken ontology."""
    folder = tmp_path_factory.mktemp("owl-profile")
    whole = folder / "project.ttl"
    store = graph.load_store(graph.source_files())
    whole.write_bytes(store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph()))
    broken = folder / "punning.ttl"
    broken.write_text(PUNNING)
    ontology = project_root / "ontology" / "cityrdf.ttl"
    found = profile_violations(ontology, whole, broken)
    return {
        name: [v for v in found if v[0] == str(path)]
        for name, path in [("ontology", ontology), ("project", whole), ("punning", broken)]
    }


@pytest.mark.parametrize("document", ["ontology", "project"])
def test_only_the_documented_date_types_break_the_owl2_dl_profile(violations, document):
    found = violations[document]
    assert found, "the date types are expected to be reported (see docs/model.md)"
    unexpected = [v for v in found if v[1] not in DATATYPE_VIOLATIONS or v[2] not in DATE_TYPES]
    assert not unexpected, unexpected[:5]


def test_the_profile_check_reports_what_is_outside_owl2_dl(violations):
    """The check above could fail: the OWL API names the punning the issue found, and a
    cardinality restriction on a transitive property."""
    kinds = {v[1] for v in violations["punning"]}
    assert {"IllegalPunning", "UseOfNonSimplePropertyInCardinalityRestriction"} <= kinds, kinds
