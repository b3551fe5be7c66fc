"""`cityrdf push` into a real Virtuoso 7 (the `virtuoso` fixture): load, replace, refuse, survive a crash."""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, SPARQLWrapper

from cityrdf import build, push
from cityrdf.errors import CityrdfError, NotConforming

pytestmark = pytest.mark.virtuoso
EX = "https://example.org/push-test/"
PERSIAN = "شهرهای خواهرخوانده"


def sparql_select(virtuoso, query: str) -> list[dict]:
    client = SPARQLWrapper(virtuoso.sparql_url)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    return client.queryAndConvert()["results"]["bindings"]


def sparql_ask(virtuoso, query: str) -> bool:
    client = SPARQLWrapper(virtuoso.sparql_url)
    client.setQuery(query)
    client.setReturnFormat(JSON)
    return client.queryAndConvert()["boolean"]


def triples_in(virtuoso, graph: str) -> int:
    rows = sparql_select(
        virtuoso, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    return int(rows[0]["n"]["value"])


def write_ntriples(path: Path, count: int, tag: str, blank_chains: int = 0) -> Path:
    """`count` IRI/literal triples about `tag`'s subjects, plus chains of 3 triples via blank nodes."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(f'<{EX}{tag}/s{i // 10}> <{EX}p{i % 10}> "{tag} {i} {PERSIAN}"@fa .\n')
        for i in range(blank_chains):
            out.write(
                f"<{EX}{tag}/chain{i}> <{EX}first> _:a{i} .\n"
                f'_:a{i} <{EX}next> _:b{i} .\n_:b{i} <{EX}value> "{i}" .\n'
            )
    return path


def test_push_stores_every_triple_of_the_build(virtuoso, tmp_path):
    graph = EX + "graph/load"
    build = write_ntriples(tmp_path / "build.nt", 1000, "load", blank_chains=5)
    report = push.push(virtuoso.sparql_url, graph, virtuoso.user, virtuoso.password, build)
    assert report.triples == 1015 == triples_in(virtuoso, graph)
    assert sparql_ask(virtuoso, f'ASK {{ GRAPH <{graph}> {{ ?s ?p "load 7 {PERSIAN}"@fa }} }}')
    assert triples_in(virtuoso, push.staging_graph(graph)) == 0


def test_pushing_twice_leaves_one_copy(virtuoso, tmp_path):
    graph = EX + "graph/twice"
    build = write_ntriples(tmp_path / "build.nt", 500, "twice", blank_chains=3)
    for _ in range(2):
        push.push(virtuoso.sparql_url, graph, virtuoso.user, virtuoso.password, build)
        assert triples_in(virtuoso, graph) == 509
    # blank nodes are the duplicates a naive reload would add; there are still exactly 6
    rows = sparql_select(
        virtuoso,
        f"SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ GRAPH <{graph}> "
        "{ ?b ?p ?o FILTER(isBlank(?b)) } }",
    )
    assert int(rows[0]["n"]["value"]) == 6


def test_the_projects_build_pushed_twice_holds_as_many_triples_as_each_dump(virtuoso, tmp_path):
    """The real build (Persian literals, integer subtypes, blank nodes): after each of two pushes
    Virtuoso's graph holds exactly the dumps' triples, once."""
    dist = tmp_path / "dist"
    build.build(out=dist, reason=False)
    formats = {
        "nt": ox.RdfFormat.N_TRIPLES,
        "ttl": ox.RdfFormat.TURTLE,
        "rdf": ox.RdfFormat.RDF_XML,
        "jsonld": ox.RdfFormat.JSON_LD,
    }
    sizes = {
        ext: len(list(ox.parse(path=dist / f"cityrdf.{ext}", format=fmt)))
        for ext, fmt in formats.items()
    }
    assert len(set(sizes.values())) == 1 and sizes["nt"] > 1000, sizes
    graph = EX + "graph/project"
    for _ in range(2):
        report = push.push(
            virtuoso.sparql_url, graph, virtuoso.user, virtuoso.password, dist / "cityrdf.nt"
        )
        assert report.triples == triples_in(virtuoso, graph) == sizes["nt"]


def test_smaller_build_replaces_the_graph_instead_of_merging(virtuoso, tmp_path):
    graph = EX + "graph/replace"
    push.push(
        virtuoso.sparql_url,
        graph,
        virtuoso.user,
        virtuoso.password,
        write_ntriples(tmp_path / "big.nt", 300, "old"),
    )
    push.push(
        virtuoso.sparql_url,
        graph,
        virtuoso.user,
        virtuoso.password,
        write_ntriples(tmp_path / "small.nt", 20, "new"),
    )
    assert triples_in(virtuoso, graph) == 20
    assert not sparql_ask(virtuoso, f"ASK {{ GRAPH <{graph}> {{ <{EX}old/s0> ?p ?o }} }}")


def test_blank_nodes_survive_a_push_in_many_parts(virtuoso, tmp_path):
    graph = EX + "graph/parts"
    build = write_ntriples(tmp_path / "build.nt", 40, "parts", blank_chains=10)
    report = push.push(
        virtuoso.sparql_url, graph, virtuoso.user, virtuoso.password, build, part_triples=7
    )
    assert report.parts > 5 and triples_in(virtuoso, graph) == 70
    chains = sparql_select(
        virtuoso,
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ "
        f"?c <{EX}first>/<{EX}next>/<{EX}value> ?v }} }}",
    )
    assert int(chains[0]["n"]["value"]) == 10


def test_cli_push_reports_the_verified_count_and_content(virtuoso, tmp_path, run_cityrdf):
    build = write_ntriples(tmp_path / "build.nt", 30, "cli")
    done = run_cityrdf(
        "push",
        "--endpoint",
        virtuoso.sparql_url,
        "--graph",
        EX + "graph/cli",
        "--user",
        virtuoso.user,
        "--password",
        virtuoso.password,
        "--file",
        build,
    )
    assert done.returncode == 0, done.stderr
    assert "pushed 30 triples" in done.stdout and "count and content verified" in done.stdout


def test_wrong_password_is_refused_with_exit_2_and_graph_untouched(virtuoso, tmp_path, run_cityrdf):
    graph = EX + "graph/auth"
    build = write_ntriples(tmp_path / "build.nt", 10, "auth")
    done = run_cityrdf(
        "push",
        "--endpoint",
        virtuoso.sparql_url,
        "--graph",
        graph,
        "--user",
        virtuoso.user,
        "--password",
        "not-the-password",
        "--file",
        build,
    )
    assert done.returncode == 2
    assert "refused user 'dba'" in done.stderr and "HTTP 401" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert triples_in(virtuoso, graph) == 0


def test_store_killed_mid_push_keeps_the_old_graph_and_a_rerun_completes(virtuoso, tmp_path):
    graph = EX + "graph/crash"
    push.push(
        virtuoso.sparql_url,
        graph,
        virtuoso.user,
        virtuoso.password,
        write_ntriples(tmp_path / "old.nt", 50, "before-crash"),
    )
    build = write_ntriples(tmp_path / "big.nt", 220_000, "crash")
    started: list[int] = []

    def kill_during_second_part(number: int, total: int) -> None:
        started.append(number)
        if number == 2:  # part 1 is in the staging graph, part 2 is on the wire
            threading.Timer(0.5, virtuoso.kill).start()

    try:
        with pytest.raises(CityrdfError) as failure:
            push.push(
                virtuoso.sparql_url,
                graph,
                virtuoso.user,
                virtuoso.password,
                build,
                on_part=kill_during_second_part,
            )
    finally:
        virtuoso.restart()  # same database: Virtuoso rolls its log forward
    message = str(failure.value)
    assert failure.value.exit_code == 2 and "\n" not in message
    assert "did not answer" in message and f"<{graph}> is unchanged; run the push again" in message
    assert started[-1] < 5  # the push did stop midway: 220k triples are 5 parts

    assert triples_in(virtuoso, graph) == 50  # never half-loaded: still the old graph
    report = push.push(virtuoso.sparql_url, graph, virtuoso.user, virtuoso.password, build)
    assert report.triples == 220_000 == triples_in(virtuoso, graph)
    assert triples_in(virtuoso, push.staging_graph(graph)) == 0


def test_store_that_merges_triples_fails_the_count_check_with_exit_1(virtuoso, tmp_path):
    graph = EX + "graph/merged"
    integer = "<http://www.w3.org/2001/XMLSchema#integer>"
    build = tmp_path / "build.nt"
    # Virtuoso keeps numbers by value: "01" and "1" become one triple, so it holds 1 of 2
    build.write_text(f'<{EX}a> <{EX}p> "1"^^{integer} .\n<{EX}a> <{EX}p> "01"^^{integer} .\n')
    with pytest.raises(NotConforming, match="kept 1 of the build's 2 triples") as failure:
        push.push(virtuoso.sparql_url, graph, virtuoso.user, virtuoso.password, build)
    assert failure.value.exit_code == 1
    assert triples_in(virtuoso, graph) == 0


def test_staging_graph_changed_behind_the_push_is_caught_by_the_checksum(virtuoso, tmp_path):
    """Virtuoso holds the right number of triples, but one is not the build's: exit 1, target kept."""
    import httpx

    graph = EX + "graph/tampered"
    push.push(
        virtuoso.sparql_url,
        graph,
        virtuoso.user,
        virtuoso.password,
        write_ntriples(tmp_path / "old.nt", 10, "before-tamper"),
    )
    build = write_ntriples(tmp_path / "build.nt", 40, "tamper")
    staging = push.staging_graph(graph)

    def swap_one_triple(number: int, total: int) -> None:
        if number == total:  # the earlier parts are in the staging graph
            update = (
                f'DELETE DATA {{ GRAPH <{staging}> {{ <{EX}tamper/s0> <{EX}p0> "tamper 0 {PERSIAN}"@fa }} }} ;\n'
                f'INSERT DATA {{ GRAPH <{staging}> {{ <{EX}tamper/s0> <{EX}p0> "forged"@fa }} }}'
            )
            answer = httpx.post(
                virtuoso.update_url,
                data={"update": update},
                auth=httpx.DigestAuth(virtuoso.user, virtuoso.password),
            )
            assert answer.status_code == 200, answer.text

    with pytest.raises(NotConforming, match="holds other data than the build") as failure:
        push.push(
            virtuoso.sparql_url,
            graph,
            virtuoso.user,
            virtuoso.password,
            build,
            part_triples=20,
            on_part=swap_one_triple,
        )
    assert "40 triples sent back, 40 built" in str(failure.value)
    assert triples_in(virtuoso, graph) == 10  # the old graph, untouched
    assert sparql_ask(
        virtuoso, f'ASK {{ GRAPH <{graph}> {{ ?s ?p "before-tamper 0 {PERSIAN}"@fa }} }}'
    )
