"""`cityrdf query` evaluates every local query behind the server's walls: the same check (only its
text is evaluated) and the same walled worker (no sockets, a deadline, caps), a `.rq` file of
unknown origin and the project's own stored questions alike, whose parameters come from the user
(docs/decisions/0019-stored-questions-in-the-worker.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cityrdf import query
from cityrdf.errors import BadInput
from cityrdf.project import Project, use
from cityrdf.rdf.graph import load_store
from cityrdf.sparql import catalogue
from cityrdf.sparql import guard as sparql_guard
from cityrdf.web import worker
from tests.serve.test_query_reading import RequestLineListener

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def store():
    return load_store([FIXTURES / "two-cities.ttl"])


@pytest.fixture
def listener():
    server = RequestLineListener()
    yield server
    server.close()


def hidden_call(url: str) -> str:
    """A SERVICE call that another parser reads as a string (an escape expanded in a comment)."""
    return (
        "#+ summary: harmless, to a reader that expands escapes in comments\n"
        f'SELECT * WHERE {{\n# \\u0000000A BIND("""x" AS ?x)\n'
        f'SERVICE <{url}> {{ ?s ?p ?o }}\n# \\u0000000A """ AS ?y)\n}}\n'
    )


def test_a_query_file_that_hides_a_service_call_is_refused_with_exit_2(tmp_path, listener):
    rq = tmp_path / "hidden.rq"
    rq.write_text(hidden_call(listener.base + "/cli"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "cityrdf.cli", "query", str(rq)],
        check=False,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: {rq}: SERVICE is refused: queries here never call other hosts"
    ]
    assert listener.settled() == []


def test_the_cli_evaluates_in_the_wall_even_when_the_check_lets_a_call_through(
    store, tmp_path, listener, monkeypatch
):
    def lets_everything_through(text: str) -> sparql_guard.CheckedQuery:
        return sparql_guard.CheckedQuery(form="SELECT", names_dataset=False, text=text)

    monkeypatch.setattr(sparql_guard, "check_query", lets_everything_through)
    rq = tmp_path / "call.rq"
    rq.write_text(f"SELECT * WHERE {{ SERVICE <{listener.base}/wall> {{ ?s ?p ?o }} }}\n")
    with pytest.raises(BadInput) as refused:
        query.run(str(rq), store=store)
    assert (
        str(refused.value) == f"{rq}: query failed: it asks for something this endpoint does not do"
    )
    assert listener.settled() == []


def test_the_cli_evaluates_the_checked_text(store, tmp_path: Path):
    rq = tmp_path / "commented.rq"
    rq.write_text(
        "#+ summary: count, with comments Oxigraph and the check both drop\n"
        "SELECT (COUNT(*) AS ?n) # the cities\r"
        "WHERE { ?c a <https://w3id.org/cityrdf/ontology#City> }\n"
    )
    assert query.cell_text(query.run(str(rq), store=store).rows[0][0]) == "2"


@pytest.mark.parametrize(
    "text, where",
    [
        ("#+ summary: x\nSELECT * WHERE {\n  ?s undeclared:p ?o }\n", "3:"),  # Oxigraph's
        (
            "#+ summary: x\nSELECT * WHERE {\n  ?s ?p ?o\u2028 }\n",
            "line 3, column 11",
        ),  # the check's
    ],
)
def test_a_query_that_does_not_parse_is_one_line_with_its_file_and_line(
    store, tmp_path: Path, text, where
):
    rq = tmp_path / "broken.rq"
    rq.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput) as refused:
        query.run(str(rq), store=store)
    assert str(refused.value).startswith(f"{rq}: query does not parse")
    assert where in str(refused.value) and "\n" not in str(refused.value)


@pytest.fixture
def workers_started(monkeypatch) -> list[worker.Worker]:
    """Every walled worker started while the test runs (real ones, recorded)."""
    started: list[worker.Worker] = []

    class RecordedWorker(worker.Worker):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(worker, "Worker", RecordedWorker)
    return started


def test_a_stored_question_runs_in_a_worker_as_the_same_text_from_a_file_does(
    store, tmp_path: Path, workers_started
):
    stored = query.run("sister-cities", {"city": "Tehran"}, store=store)
    assert len(workers_started) == 1  # one for the city lookup and the question
    copy = tmp_path / "sister-cities.rq"
    copy.write_text(catalogue.find("sister-cities").text, encoding="utf-8")
    from_file = query.run(str(copy), {"city": "Tehran"}, store=store)
    assert len(workers_started) == 2
    assert from_file == stored and len(stored.rows) == 1


def project_with_question(root: Path, name: str, text: str) -> Project:
    (root / "queries").mkdir(parents=True)
    (root / "queries" / f"{name}.rq").write_text(text, encoding="utf-8")
    return Project(root)


def test_a_stored_question_passes_the_check(store, tmp_path: Path, listener, workers_started):
    project = project_with_question(tmp_path, "calls", hidden_call(listener.base + "/stored"))
    with use(project), pytest.raises(BadInput) as refused:
        query.run("calls", store=store)
    assert str(refused.value) == (
        f"{project.queries_dir / 'calls.rq'}: SERVICE is refused: queries here never call other hosts"
    )
    assert listener.settled() == [] and workers_started == []


def test_a_stored_question_is_evaluated_in_the_wall_even_when_the_check_lets_a_call_through(
    store, tmp_path: Path, listener, monkeypatch, workers_started
):
    def lets_everything_through(text: str) -> sparql_guard.CheckedQuery:
        return sparql_guard.CheckedQuery(form="SELECT", names_dataset=False, text=text)

    monkeypatch.setattr(sparql_guard, "check_query", lets_everything_through)
    call = f"SELECT * WHERE {{ SERVICE <{listener.base}/stored-wall> {{ ?s ?p ?o }} }}\n"
    project = project_with_question(tmp_path, "calls", call)
    with use(project), pytest.raises(BadInput) as refused:
        query.run("calls", store=store)
    assert str(refused.value) == (
        f"{project.queries_dir / 'calls.rq'}: query failed: "
        "it asks for something this endpoint does not do"
    )
    assert listener.settled() == [] and len(workers_started) == 1


def test_a_stored_question_that_does_not_parse_is_one_line_with_its_file(store, tmp_path: Path):
    project = project_with_question(
        tmp_path, "broken", "#+ summary: x\nSELECT * WHERE {\n  ?s undeclared:p ?o }\n"
    )
    with use(project), pytest.raises(BadInput) as refused:
        query.run("broken", store=store)
    message = str(refused.value)
    assert message.startswith(f"{project.queries_dir / 'broken.rq'}: query does not parse")
    assert "3:" in message and "\n" not in message


# 10**8 solutions to count: seconds of Oxigraph's time, far past the deadlines given below
COUNTED_FOR_LONG = (
    "#+ summary: counts the solutions of eight joined lists of ten numbers\n"
    "SELECT (COUNT(*) AS ?n) WHERE {\n"
    + "".join(f"  VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}\n" for i in range(8))
    + "}\n"
)


def test_the_timeout_stops_a_stored_question_in_its_worker(store, tmp_path: Path, workers_started):
    project = project_with_question(tmp_path, "long", COUNTED_FOR_LONG)
    with use(project), pytest.raises(BadInput) as stopped:
        query.run("long", store=store, timeout=0.3)
    assert str(stopped.value) == (
        f"{project.queries_dir / 'long.rq'}: query stopped: it ran longer than the 0.3 s limit"
    )
    [walled] = workers_started
    assert not walled.process.is_alive()  # killed, not left running


def test_cityrdf_query_timeout_bounds_a_stored_question(tmp_path: Path, use_project, run_cityrdf):
    project = project_with_question(tmp_path, "long", COUNTED_FOR_LONG)
    use_project(project.root)
    done = run_cityrdf("query", "long", "--timeout", "0.3")
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: {project.queries_dir / 'long.rq'}: query stopped: it ran longer than the 0.3 s limit"
    ]


def test_a_stored_questions_answer_is_capped_in_rows(store, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(query, "LOCAL_MAX_ROWS", 5)
    project = project_with_question(
        tmp_path, "ten", "SELECT ?n WHERE { VALUES ?n { 0 1 2 3 4 5 6 7 8 9 } }\n"
    )
    with use(project), pytest.raises(BadInput) as refused:
        query.run("ten", store=store)
    assert (
        str(refused.value) == f"{project.queries_dir / 'ten.rq'}: the answer has more than 5 rows"
    )


@pytest.mark.parametrize("name", ["sub/nested", "../project/queries/own", "", ".."])
def test_a_name_that_is_not_a_plain_name_reads_no_file(tmp_path: Path, name):
    project = project_with_question(tmp_path / "project", "own", "SELECT * WHERE { ?s ?p ?o }\n")
    (project.queries_dir / "sub").mkdir()
    (project.queries_dir / "sub" / "nested.rq").write_text("SELECT * {}\n", encoding="utf-8")
    with use(project), pytest.raises(BadInput) as refused:
        catalogue.find(name)
    assert str(refused.value).startswith(f"unknown query {name!r}")


def test_a_local_query_imports_neither_the_web_framework_nor_the_http_client():
    # the walled worker is the server's, and a command pays for every import it makes
    program = (
        "import sys\n"
        "from cityrdf import query\n"
        "from cityrdf.rdf.graph import load_store\n"
        f"store = load_store([{str(FIXTURES / 'two-cities.ttl')!r}])\n"
        "answer = query.run('sister-cities', {'city': 'Tehran'}, store=store)\n"
        "print(len(answer.rows), *sorted({'fastapi', 'starlette', 'httpx'} & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], check=False, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1"]


# a text whose last value is 64 × 2^40 bytes: no memory cap lets it finish
DOUBLING = (
    'SELECT (STRLEN(?v40) AS ?r) WHERE { BIND("'
    + "x" * 64
    + '" AS ?v0) '
    + " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(40))
    + " }\n"
)
CAPPED_CLI = """
import sys
from cityrdf import cli, query
query.LOCAL_MEMORY = 96 * 2**20
cli.main(sys.argv[1:])
"""


def test_a_query_over_the_memory_cap_is_one_line_even_with_rust_backtraces(
    tmp_path: Path, use_project
):
    """The worker's runtime prints as it runs out of memory (Rust's allocation failure, its
    backtrace): that goes nowhere, and the command says what happened in one line."""
    project = project_with_question(tmp_path, "doubling", DOUBLING)
    use_project(project.root)
    done = subprocess.run(
        [sys.executable, "-c", CAPPED_CLI, "query", "doubling"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "RUST_BACKTRACE": "1"},
        timeout=120,
    )
    assert done.returncode == 2
    stopped = "query stopped: it needed more than the 96 MB a query may use"
    assert done.stderr.strip().splitlines() == [
        f"error: {project.queries_dir / 'doubling.rq'}: {stopped}"
    ]
