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
import rdflib

from tests.loopback import worker_port

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
CRT = rdflib.Namespace("https://w3id.org/cityrdf/test#")
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
    graph = rdflib.Graph().parse(path, format="turtle", publicID=path.resolve().as_uri())
    manifest = next(graph.subjects(MF.entries, None))
    entries = []
    for test in rdflib.collection.Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(test, MF.action)
        params = {
            str(graph.value(b, CRT.param)): str(graph.value(b, CRT.value))
            for b in graph.objects(action, CRT.binding)
        }
        result = graph.value(test, MF.result)
        entries.append(
            ManifestEntry(
                name=str(graph.value(test, MF.name)),
                query=Path(rdflib.URIRef(graph.value(action, QT.query)).removeprefix("file://")),
                params=params,
                result=Path(str(result).removeprefix("file://")) if result else None,
                graph_data=tuple(
                    Path(str(d).removeprefix("file://"))
                    for d in sorted(graph.objects(action, QT.graphData))
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
