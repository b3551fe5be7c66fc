"""After a push of the project graph, every stored question answers alike on Virtuoso and embedded."""

from __future__ import annotations

import re
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from cityrdf import push, query
from cityrdf.project import current_project
from cityrdf.rdf import graph
from cityrdf.sparql import catalogue
from tests.query.conftest import read_manifest

pytestmark = pytest.mark.virtuoso
GRAPH = "https://w3id.org/cityrdf/graph/catalogue-test"


def questions_on_fixture_graphs() -> set[str]:
    """The questions whose manifest answers need qt:graphData (world layer, suggestions): the
    pushed project alone gives them no rows, on Virtuoso as on the embedded store."""
    manifest = current_project().queries_dir / "manifest.ttl"
    if not manifest.is_file():
        return set()
    return {entry.query.stem for entry in read_manifest(manifest) if entry.graph_data}


def catalogue_calls() -> list:
    """(query name, ["key=value", …]) for every stored question: the manifest's bindings, if any."""
    manifest = current_project().queries_dir / "manifest.ttl"
    bindings: dict[str, list[list[str]]] = {}
    if manifest.is_file():
        for entry in read_manifest(manifest):
            bindings.setdefault(entry.query.stem, []).append(
                sorted(f"{key}={value}" for key, value in entry.params.items())
            )
    calls = []
    for name, stored in catalogue.discover().items():
        for params in bindings.get(name) or [[]]:
            if stored.params and not params:
                continue  # a parameterised question the manifest gives no values for
            calls.append(pytest.param(name, params, id=" ".join([name, *params])))
    return calls


@pytest.fixture(scope="module")
def pushed_project(virtuoso, tmp_path_factory) -> tuple[ox.Store, str]:
    """The embedded store, and a Virtuoso endpoint URL whose default graph is its pushed copy."""
    store = graph.load_store()
    build = tmp_path_factory.mktemp("build") / "cityrdf.nt"
    store.dump(str(build), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    push.push(virtuoso.sparql_url, GRAPH, virtuoso.user, virtuoso.password, build)
    # Virtuoso's default graph is the union of all graphs; the protocol's default-graph-uri
    # narrows it to the pushed one (other tests load other graphs into the same server)
    return store, f"{virtuoso.sparql_url}?default-graph-uri={quote(GRAPH, safe='')}"


def rows_of(csv_text: str) -> tuple[str, list[str]]:
    header, *rows = csv_text.splitlines()
    # ORDER BY leaves ties in any order, and stores break them differently: compare as multisets
    return header, sorted(row for row in rows if row)


@pytest.mark.parametrize("name, params", catalogue_calls())
def test_stored_question_answers_alike_on_virtuoso_and_embedded(pushed_project, name, params):
    store, endpoint = pushed_project
    stored = catalogue.find(name)
    embedded = query.render(query.run(stored, query.parse_params(params), store=store), "csv")
    remote = query.main(name, params, "csv", endpoint)
    assert rows_of(remote) == rows_of(embedded)
    expect_rows = stored.params and name not in questions_on_fixture_graphs()
    assert rows_of(embedded)[1] or not expect_rows, f"{name} {params}: no rows to compare"


def test_cli_query_against_virtuoso_prints_the_embedded_answer(pushed_project, run_cityrdf):
    store, endpoint = pushed_project
    name, params = next(c.values for c in catalogue_calls() if not c.marks)
    args = [a for p in params for a in ("--param", p)]
    done = run_cityrdf("query", name, *args, "--format", "csv", "--endpoint", endpoint)
    assert done.returncode == 0, done.stderr
    embedded = query.render(
        query.run(catalogue.find(name), query.parse_params(params), store=store), "csv"
    )
    assert rows_of(done.stdout) == rows_of(embedded)


def test_group_concat_answers_the_same_terms_on_virtuoso_and_embedded(pushed_project):
    """TSV keeps each term's language tag and datatype (CSV does not): the concatenated labels of
    shared-partners are plain strings on both stores."""
    store, endpoint = pushed_project
    stored = catalogue.find("shared-partners")
    embedded = query.render(query.run(stored, store=store), "tsv")
    remote = query.main("shared-partners", [], "tsv", endpoint)
    assert rows_of(remote) == rows_of(embedded)
    # a plain string: no language tag, no datatype written
    assert re.search(r'"Isfahan; Tehran; Yazd"[\t\n]', embedded)
