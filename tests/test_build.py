"""`cityrdf build`: the four dumps hold one graph, with the sources' datatypes, as Oxigraph, rdflib
and Raptor's rapper read them; and the same sources give the same bytes."""

import json
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from cityrdf import build

CR_POSITION = ox.NamedNode("https://w3id.org/cityrdf/ontology#position")
POSITIVE_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#positiveInteger")
FORMATS = {
    "nt": ox.RdfFormat.N_TRIPLES,
    "ttl": ox.RdfFormat.TURTLE,
    "rdf": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build") / "dist"
    build.build(out=out, reason=False)
    return out


def canonical(n_triples: bytes) -> ox.Dataset:
    """A graph canonicalised (RDFC-1.0), so equal graphs hold equal quads."""
    dataset = ox.Dataset(ox.parse(n_triples, format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return dataset


@pytest.fixture(scope="module")
def graphs(dist) -> dict[str, ox.Dataset]:
    """Each dump read back by Oxigraph and canonicalised."""
    found = {}
    for ext, fmt in FORMATS.items():
        dataset = ox.Dataset(ox.parse(path=dist / f"cityrdf.{ext}", format=fmt))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        found[ext] = dataset
    return found


@pytest.mark.parametrize("ext", ["ttl", "rdf", "jsonld"])
def test_every_dump_is_the_same_graph_as_the_n_triples(graphs, ext):
    assert len(graphs[ext]) == len(graphs["nt"])
    assert set(graphs[ext]) == set(graphs["nt"])


@pytest.mark.parametrize("ext, syntax", [("ttl", "turtle"), ("nt", "ntriples"), ("rdf", "rdfxml")])
def test_rapper_reads_every_dump_as_the_same_graph(dist, graphs, ext, syntax):
    assert shutil.which("rapper"), "rapper is missing: run .ci/install-system-deps (raptor2-utils)"
    read = subprocess.run(
        ["rapper", "-q", "-i", syntax, "-o", "ntriples", str(dist / f"cityrdf.{ext}")],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert read.returncode == 0, read.stderr[-500:]
    assert set(canonical(read.stdout)) == set(graphs["nt"])


@pytest.mark.parametrize("ext, syntax", [("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml")])
def test_rdflib_reads_every_dump_as_the_same_graph(dist, graphs, ext, syntax, monkeypatch):
    """Lexical forms compared as written: by default rdflib rewrites some (`…T00:00:00Z` becomes
    `…+00:00`), which is its reading of the same value, not a different dump."""
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)
    read = rdflib.Graph().parse(dist / f"cityrdf.{ext}", format=syntax)
    assert set(canonical(read.serialize(format="nt", encoding="utf-8"))) == set(graphs["nt"])


def test_list_positions_keep_the_sources_positive_integer(graphs):
    datatypes = {q.object.datatype for q in graphs["nt"] if q.predicate == CR_POSITION}
    assert POSITIVE_INTEGER in datatypes


def test_turtle_names_resources_by_their_kind_without_escapes(dist):
    text = (dist / "cityrdf.ttl").read_text(encoding="utf-8")
    assert "city:tehran" in text
    assert "\\/" not in text


def test_manifest_counts_the_triples_written(dist, graphs):
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["triples"] == len(graphs["nt"])
    assert set(manifest["files"]) == {f"cityrdf.{ext}" for ext in FORMATS}


def test_two_builds_of_the_same_sources_write_the_same_bytes(tmp_path, monkeypatch):
    """Each build loads the sources afresh, naming their blank nodes anew; with SOURCE_DATE_EPOCH
    set, even the manifest's time is the same."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    first, second = tmp_path / "first", tmp_path / "second"
    for out in (first, second):
        build.build(out=out, reason=False)
    names = sorted(path.name for path in first.iterdir())
    assert names == sorted(path.name for path in second.iterdir())
    assert "_:" in (first / "cityrdf.nt").read_text(encoding="utf-8")  # blank nodes to name
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    manifest = json.loads((first / build.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["built"] == "2026-05-28T20:26:40+00:00"
