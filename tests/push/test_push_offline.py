"""`cityrdf push` without a store: inputs it refuses, parts it cuts, stores it cannot reach."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cityrdf import push
from cityrdf.errors import BadInput, CityrdfError

GRAPH = "https://w3id.org/cityrdf/graph"


def test_virtuoso_layout_gives_the_update_and_graph_store_endpoints():
    public = push.StoreEndpoints.resolve("http://h:8890/sparql")
    private = push.StoreEndpoints.resolve("http://h:8890/sparql/", authenticated=True)
    assert (public.update, public.graph_store) == (
        "http://h:8890/sparql",
        "http://h:8890/sparql-graph-crud",
    )
    assert (private.query, private.update, private.graph_store) == (
        "http://h:8890/sparql/",
        "http://h:8890/sparql-auth",
        "http://h:8890/sparql-graph-crud-auth",
    )


def test_other_layouts_need_explicit_endpoints():
    with pytest.raises(BadInput, match="--store-url"):
        push.StoreEndpoints.resolve("http://h:3030/ds/query")
    given = push.StoreEndpoints.resolve(
        "http://h:3030/ds/query",
        graph_store="http://h:3030/ds/data",
        update="http://h:3030/ds/update",
    )
    assert given.graph_store == "http://h:3030/ds/data"


@pytest.mark.parametrize(
    "endpoint",
    [
        "localhost:8890/sparql",
        "ftp://h/sparql",
        "http:///sparql",
        "not a url",
        "http://h/spa rql",
        "file:///etc/passwd",
    ],
)
def test_endpoint_that_is_not_an_http_url_is_bad_input(endpoint, tmp_path):
    build = tmp_path / "b.nt"
    build.write_text("<http://ex/a> <http://ex/p> <http://ex/b> .\n")
    with pytest.raises(BadInput, match="is not an http"):
        push.push(endpoint, GRAPH, build_file=build)


@pytest.mark.parametrize("graph", ["", "cityrdf", "<https://w3id.org/g>", "https://w3id.org/a b"])
def test_graph_that_is_not_an_absolute_iri_is_bad_input(graph):
    with pytest.raises(BadInput, match="not an absolute IRI"):
        push.push("http://127.0.0.1:1/sparql", graph)


def test_unreachable_store_fails_in_one_line_with_exit_2(tmp_path, unused_port):
    build = tmp_path / "b.nt"
    build.write_text("<http://ex/a> <http://ex/p> <http://ex/b> .\n")
    with pytest.raises(CityrdfError, match="did not answer") as failure:
        push.push(f"http://127.0.0.1:{unused_port}/sparql", GRAPH, "dba", "dba", build)
    assert failure.value.exit_code == 2 and "\n" not in str(failure.value)


def test_missing_build_tells_the_user_to_build_first(run_cityrdf, tmp_path, monkeypatch):
    monkeypatch.setenv("CITYRDF_HOME", str(tmp_path))
    done = run_cityrdf("push", "--endpoint", "http://127.0.0.1:1/sparql", "--graph", GRAPH)
    assert done.returncode == 2
    assert "run `cityrdf build` first" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_cli_refuses_a_non_url_endpoint_with_exit_2(run_cityrdf_here, tmp_path):
    build = tmp_path / "b.nt"
    build.write_text("<http://ex/a> <http://ex/p> <http://ex/b> .\n")
    done = run_cityrdf_here(
        "push", "--endpoint", "sparql.example.org", "--graph", GRAPH, "--file", build
    )
    assert done.returncode == 2 and "is not an http(s) URL" in done.stderr
    assert "Traceback" not in done.stderr


def test_broken_build_file_is_reported_with_its_line(tmp_path):
    build = tmp_path / "b.nt"
    build.write_text("<http://ex/a> <http://ex/p> <http://ex/b> .\n<http://ex/a> <http://ex/p> .\n")
    with pytest.raises(BadInput, match=r"b\.nt:2:"):
        push.push("http://127.0.0.1:1/sparql", GRAPH, build_file=build)


def _triple(s, o) -> ox.Triple:
    return ox.Triple(s, ox.NamedNode("http://ex/p"), o)


def test_parts_keep_triples_that_share_a_blank_node_together():
    a, b, c = (ox.BlankNode(x) for x in "abc")
    iri = [ox.NamedNode(f"http://ex/{i}") for i in range(5)]
    # a-b-c form one connected group of 4 triples, spread over the input
    group = [_triple(iri[0], a), _triple(a, b), _triple(b, c), _triple(c, ox.Literal("x"))]
    plain = [_triple(iri[1], iri[2]), _triple(iri[3], iri[4]), _triple(iri[4], iri[0])]
    triples = [group[0], plain[0], group[1], plain[1], group[2], group[3], plain[2]]
    parts = push.split_into_parts(triples, size=2)
    assert sorted(str(t) for part in parts for t in part) == sorted(map(str, triples))
    assert [set(map(str, group))] == [
        set(map(str, p)) & set(map(str, group)) for p in parts if set(p) & set(group)
    ]
    assert all(len(part) <= 2 for part in parts if not set(part) & set(group))


def test_staging_graph_is_fixed_per_target_and_distinct_from_it():
    assert push.staging_graph(GRAPH) == push.staging_graph(GRAPH) != GRAPH
    assert push.staging_graph(GRAPH) != push.staging_graph(GRAPH + "2")
