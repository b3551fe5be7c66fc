"""pySHACL, the reference validator, run once per shape fixture for the whole session.

tests/shapes checks its results against shapes/fixtures/manifest.ttl and tests/checks checks
fastshacl's results against them: both read the same run, on the same shapes graph (whose blank
nodes name the property shapes in both validators' results).

The runs take a second or more of CPU each and there are dozens, so each runs in a forked
process, the next fixtures' started beside the one a test waits for: two cores do two at once.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from cityrdf.checks import fastshacl
from cityrdf.checks.shapes_graph import GraphView, is_true
from cityrdf.project import current_project
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import Namespace

FIXTURES = current_project().shapes_dir / "fixtures"
BASE = FIXTURES / "base.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
FX = Namespace("https://w3id.org/cityrdf/shapes/fixtures#")


def _manifest() -> GraphView:
    """The manifest, its fixtures named by their file IRIs (it names them relative to itself)."""
    store = ox.Store()
    manifest = FIXTURES / "manifest.ttl"
    store.load(path=manifest, format=ox.RdfFormat.TURTLE, base_iri=manifest.as_uri())
    return GraphView(store)


MANIFEST = _manifest()


@functools.cache
def shapes() -> ox.Store:
    """The project's shapes, loaded once (read only: no test may change it)."""
    return graph.load_store(graph.shape_files(), entail=False)


def fixture_store(fixture: Path | None, entail: bool) -> ox.Store:
    """base.ttl + the fixture + the ontology, as `cityrdf validate` loads them (a fresh store)."""
    extra = [fixture] if fixture is not None else []
    return graph.load_store([*graph.ontology_files(), BASE, *extra], entail=entail)


def manifest_entails(fixture: Path) -> bool:
    """Whether the manifest validates the fixture after the build's entailments (the default)."""
    data_graph = ox.NamedNode(fixture.as_uri())
    for action in MANIFEST.subjects(SHT.dataGraph, data_graph):
        for entry in MANIFEST.subjects(MF.action, action):
            entails = MANIFEST.value(entry, FX.buildEntailments)
            return entails is None or is_true(entails)
    return True


def pyshacl_results(fixture: Path | None, entail: bool) -> tuple[fastshacl.ValidationResult, ...]:
    """pySHACL's top-level results (inference none, advanced on) on the fixture: computed once."""
    key = (fixture, entail)
    if key not in _RESULTS:
        _start(fixture, entail)
        # as many runs started behind this one as there are cores, so that none of them waits
        as_manifest = entail == (fixture is None or manifest_entails(fixture))
        for ahead in _next_fixtures(fixture, len(os.sched_getaffinity(0))):
            _start(ahead, manifest_entails(ahead) == as_manifest)
        _RESULTS[key] = _RUNNING.pop(key).result()
    return _RESULTS[key]


def pyshacl_started(files: list[Path] | None = None) -> Forked:
    """pySHACL's results on the files as `cityrdf validate` loads them (None: the project), started
    in a forked process: the test builds its own store and runs fastshacl meanwhile."""
    return Forked(_pyshacl_on_files, files)


class Forked:
    """A pySHACL run in a forked process; `result()` waits for its answer, sent down a pipe.

    Forked after the shapes are loaded, so its results name the very blank nodes of this process's
    shapes graph (a process that parsed the shapes itself would have others). A process and a pipe
    rather than a pool, whose thread would share this process with pyoxigraph's objects, which may
    only be dropped on the thread that made them."""

    def __init__(self, function, *args) -> None:
        import pyshacl  # noqa: F401 -- imported once here rather than in every process

        shapes()
        fork = multiprocessing.get_context("fork")
        self._reader, writer = fork.Pipe(duplex=False)
        self._what = f"pySHACL {function.__name__}{args}"
        self._answer: tuple[str, object] | None = None
        self._process = fork.Process(target=_run_into, args=(writer, function, args), daemon=True)
        self._process.start()
        writer.close()

    def result(self) -> tuple[fastshacl.ValidationResult, ...]:
        if self._answer is None:
            try:
                self._answer = self._reader.recv()
            except EOFError:
                self._answer = ("error", "its process ended without an answer")
            finally:
                self._reader.close()
            self._process.join()
        kind, found = self._answer
        if kind == "error":
            raise RuntimeError(f"{self._what} failed:\n{found}")
        return found


_RESULTS: dict[tuple[Path | None, bool], tuple[fastshacl.ValidationResult, ...]] = {}
_RUNNING: dict[tuple[Path | None, bool], Forked] = {}


def _start(fixture: Path | None, entail: bool) -> None:
    key = (fixture, entail)
    if key not in _RESULTS and key not in _RUNNING:
        _RUNNING[key] = Forked(_pyshacl_run, fixture, entail)


def _run_into(writer: Connection, function, args: tuple) -> None:
    try:
        writer.send(("results", function(*args)))
    except BaseException:  # noqa: BLE001 -- the test process raises it with this traceback
        writer.send(("error", traceback.format_exc()))


def _pyshacl_run(fixture: Path | None, entail: bool) -> tuple[fastshacl.ValidationResult, ...]:
    return tuple(fastshacl.pyshacl_results(fixture_store(fixture, entail), shapes()))


def _pyshacl_on_files(files: list[Path] | None) -> tuple[fastshacl.ValidationResult, ...]:
    return tuple(fastshacl.pyshacl_results(graph.load_store(files), shapes()))


def _next_fixtures(fixture: Path | None, count: int) -> list[Path]:
    """The `count` fixtures after this one in file order (after the base world: the first ones)."""
    files = sorted([*FIXTURES.glob("invalid.*.ttl"), *FIXTURES.glob("valid.*.ttl")])
    return (files if fixture is None else [f for f in files if f > fixture])[:count]
