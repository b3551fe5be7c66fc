"""Fixtures of the query tests: the manifest's entries and a real SPARQL server on loopback."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from cityrdf.rdf.namespaces import RDF, Namespace
from tests.loopback import worker_port

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
CRT = Namespace("https://w3id.org/cityrdf/test#")
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class ManifestEntry:
    name: str
    query: Path
    params: dict[str, str]
    result: Path | None
    graph_data: tuple[Path, ...] = ()  # qt:graphData: TriG files whose named graphs join the store


def read_manifest(path: Path) -> list[ManifestEntry]:
    """The entries of a W3C test manifest, in their listed order."""
    graph = ox.Store()
    graph.load(path=path, format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())

    def objects(subject, predicate: ox.NamedNode) -> list:
        return [q.object for q in graph.quads_for_pattern(subject, predicate, None)]

    def value(subject, predicate: ox.NamedNode):
        return next(iter(objects(subject, predicate)), None)

    def local(term) -> Path:
        return Path(term.value.removeprefix("file://"))

    manifest = next(graph.quads_for_pattern(None, MF.entries, None)).subject
    tests, node = [], value(manifest, MF.entries)
    while node != RDF.nil:
        tests.append(value(node, RDF.first))
        node = value(node, RDF.rest)
    entries = []
    for test in tests:
        action = value(test, MF.action)
        params = {
            value(b, CRT.param).value: value(b, CRT.value).value
            for b in objects(action, CRT.binding)
        }
        result = value(test, MF.result)
        entries.append(
            ManifestEntry(
                name=value(test, MF.name).value,
                query=local(value(action, QT.query)),
                params=params,
                result=local(result) if result else None,
                graph_data=tuple(
                    local(d) for d in sorted(objects(action, QT.graphData), key=lambda d: d.value)
                ),
            )
        )
    return entries


@pytest.fixture(scope="session")
def oxigraph_server() -> Iterator[Callable[[ox.Store], str]]:
    """Start Oxigraph's HTTP server (the `oxigraph` CLI from PyPI) on a store's content; yields its URL."""
    binary = shutil.which("oxigraph") or str(
        Path(__import__("sys").executable).with_name("oxigraph")
    )
    if not Path(binary).exists():
        pytest.skip("no SPARQL server: the `oxigraph` CLI (test extra) is not installed")
    started: list[subprocess.Popen] = []
    workdir = Path(tempfile.mkdtemp(prefix="cityrdf-oxigraph-"))

    def serve(store: ox.Store) -> str:
        location = workdir / f"db{len(started)}"
        dump = workdir / f"data{len(started)}.nq"
        store.dump(str(dump), format=ox.RdfFormat.N_QUADS)
        subprocess.run(
            [binary, "load", "--location", str(location), "--file", str(dump)],
            check=True,
            capture_output=True,
        )
        port = worker_port()
        process = subprocess.Popen(
            [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        url = f"http://127.0.0.1:{port}/query"
        for _ in range(100):
            try:
                httpx.get(url, params={"query": "ASK {}"}, timeout=1)
                return url
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the oxigraph server did not start")

    yield serve
    for process in started:
        process.terminate()
        process.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)
