"""`cityrdf build`: the four dumps hold one graph, with the sources' datatypes."""

from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from cityrdf import build

CR_POSITION = rdflib.URIRef("https://w3id.org/cityrdf/ontology#position")
FORMATS = {"nt": "nt", "ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "dist"
    build.build(out=out, reason=False)
    return out


@pytest.fixture(scope="module")
def graphs(dist) -> dict[str, rdflib.Graph]:
    return {
        ext: rdflib.Graph().parse(dist / f"cityrdf.{ext}", format=fmt)
        for ext, fmt in FORMATS.items()
    }


@pytest.mark.parametrize("ext", ["ttl", "rdf", "jsonld"])
def test_every_dump_is_the_same_graph_as_the_n_triples(graphs, ext):
    assert len(graphs[ext]) == len(graphs["nt"])
    assert isomorphic(graphs[ext], graphs["nt"])


def test_list_positions_keep_the_sources_positive_integer(graphs):
    datatypes = {o.datatype for o in graphs["nt"].objects(None, CR_POSITION)}
    assert XSD.positiveInteger in datatypes


def test_turtle_names_resources_by_their_kind_without_escapes(dist):
    text = (dist / "cityrdf.ttl").read_text(encoding="utf-8")
    assert "city:tehran" in text
    assert "\\/" not in text


def test_manifest_counts_the_triples_written(dist, graphs):
    import json

    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["triples"] == len(graphs["nt"])
    assert set(manifest["files"]) == {f"cityrdf.{ext}" for ext in FORMATS}
