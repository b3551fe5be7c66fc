"""Every stored question gives the answer the paper gives (queries/manifest.ttl), locally and remotely."""

from __future__ import annotations

import csv
import re
from collections import Counter

import pyoxigraph as ox
import pytest

from cityrdf.project import current_project
from cityrdf.query import Answer, cell_text, run
from cityrdf.rdf.graph import load_store
from cityrdf.sparql import catalogue

from .conftest import ManifestEntry, read_manifest

MANIFEST = current_project().queries_dir / "manifest.ttl"
ENTRIES = read_manifest(MANIFEST)
ORDER_BY = re.compile(r"^\s*ORDER\s+BY\b", re.IGNORECASE | re.MULTILINE)


def expected_rows(entry: ManifestEntry) -> tuple[list[str], list[tuple[str, ...]]]:
    with entry.result.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, [tuple(r) for r in rows]


def assert_answer(entry: ManifestEntry, answer: Answer) -> None:
    query = catalogue.read_query(entry.query)
    assert answer.columns == list(query.columns), "the header's columns are the query's variables"
    if entry.result is None:
        return
    header, expected = expected_rows(entry)
    assert answer.columns == header
    got = [tuple(cell_text(t) for t in row) for row in answer.rows]
    if ORDER_BY.search(query.text):
        assert got == expected
    else:
        assert Counter(got) == Counter(expected)


@pytest.fixture(scope="module")
def project_store():
    return load_store()


@pytest.fixture(scope="module")
def stores(project_store):
    """The store each entry runs on: the project graph, plus the entry's qt:graphData files (N-Quads
    or TriG: the world layer, suggestions), kept in their named graphs."""
    made = {(): project_store}

    def store_for(entry: ManifestEntry):
        if entry.graph_data not in made:
            store = load_store()
            for path in entry.graph_data:
                store.load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix[1:]))
            made[entry.graph_data] = store
        return made[entry.graph_data]

    return store_for


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_stored_question_gives_the_papers_answer(entry, stores):
    assert_answer(entry, run(str(entry.query), entry.params, store=stores(entry)))


@pytest.fixture(scope="module")
def endpoints(stores, oxigraph_server):
    """Oxigraph's own HTTP server on the same graphs; tests/push runs the catalogue on Virtuoso."""
    made = {}

    def endpoint_for(entry: ManifestEntry) -> str:
        if entry.graph_data not in made:
            made[entry.graph_data] = oxigraph_server(stores(entry))
        return made[entry.graph_data]

    return endpoint_for


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_stored_question_gives_the_same_answer_on_an_endpoint(entry, endpoints):
    assert_answer(entry, run(str(entry.query), entry.params, endpoint=endpoints(entry)))


@pytest.fixture(scope="module")
def cityrdf_endpoint(start_loopback_server) -> str:
    """`cityrdf serve`'s own SPARQL endpoint over the project graph."""
    from cityrdf import serve

    server, url = start_loopback_server(serve.Settings(timeout=30.0))
    yield f"{url}/sparql"
    server.should_exit = True


# `cityrdf serve` serves the project's own files; questions on fixture graphs are asked above.
PROJECT_ONLY = [e for e in ENTRIES if not e.graph_data]


@pytest.mark.parametrize("entry", PROJECT_ONLY, ids=[e.name for e in PROJECT_ONLY])
def test_stored_question_gives_the_same_answer_through_cityrdf_serve(entry, cityrdf_endpoint):
    assert_answer(entry, run(str(entry.query), entry.params, endpoint=cityrdf_endpoint))


def test_every_stored_question_has_a_manifest_entry():
    tested = {e.query.resolve() for e in ENTRIES}
    untested = [q.name for q in catalogue.discover().values() if q.path.resolve() not in tested]
    assert untested == []


@pytest.mark.parametrize("name", sorted(catalogue.discover()))
def test_stored_question_header_is_complete(name):
    query = catalogue.discover()[name]
    assert query.summary and query.columns and query.tags
    assert set(query.title) == set(query.question) == {"en", "fa"}
    # the paper's text lost its ZWNJs and some copies use Arabic letters: the catalogue must not
    persian = query.title["fa"] + query.question["fa"]
    assert not re.search("[\u064a\u0643]", persian), "Persian uses ی and ک, not Arabic ي and ك"


# `cityrdf query` reads the dataset of cityrdf.rdf.dataset: the paper is a named graph there too, so a
# world question that reads `GRAPH ?g` must name the world's graphs. Asked that way, with the
# entry's N-Quads as the project's world/ folder, each gives the manifest's answer.
WORLD_ENTRIES = [
    e for e in ENTRIES if e.graph_data and all(p.suffix == ".nq" for p in e.graph_data)
]


@pytest.mark.parametrize("entry", WORLD_ENTRIES, ids=[e.name for e in WORLD_ENTRIES])
def test_world_question_gives_the_same_answer_on_cityrdfs_dataset(entry, project_with_own_world):
    world = project_with_own_world.world_dir
    world.mkdir()
    for path in entry.graph_data:
        (world / path.name).write_bytes(path.read_bytes())
    assert_answer(entry, run(str(entry.query), entry.params))
