"""The project dataset kept between commands (cityrdf.rdf.kept_dataset): the same quads as a fresh
load, a new copy for changed sources, never a reason for a command to fail or wait, and the
worker's walls over it."""

from __future__ import annotations

import os
import shutil
import time

import pyoxigraph as ox
import pytest

from cityrdf.rdf import dataset, kept_dataset
from tests.query.test_walls import DOUBLING

NEW_CITY = (
    "\n<https://w3id.org/cityrdf/id/city/yazd> a <https://w3id.org/cityrdf/ontology#City> ;\n"
    '    <http://www.w3.org/2000/01/rdf-schema#label> "Yazd"@en .\n'
)


def canonical(store: ox.Store) -> ox.Dataset:
    """The store's quads with blank nodes renamed canonically, to compare two loads as datasets."""
    found = ox.Dataset(store.quads_for_pattern(None, None, None, None))
    found.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return found


def digests(root) -> list[str]:
    return sorted(p.name for p in (root / ".cache" / "dataset").iterdir() if p.is_dir())


def kept_now() -> None:
    """Load the current sources until their copy is kept (the second load makes it)."""
    for _ in range(2):
        kept_dataset.project_dataset().close()


def test_the_second_load_is_kept_and_the_third_opens_it_with_the_same_quads(tiny_project):
    first = kept_dataset.project_dataset()
    assert not first.kept
    assert not digests(tiny_project)  # one load of an edit-and-ask loop costs no copy
    second = kept_dataset.project_dataset()
    assert not second.kept
    assert digests(tiny_project) == [kept_dataset.inputs_digest()]
    third = kept_dataset.project_dataset()
    try:
        assert third.kept
        assert canonical(third.store) == canonical(dataset.load_dataset())
        assert canonical(first.store) == canonical(third.store)
        with pytest.raises(RuntimeError, match="read-write"):  # no command writes into it
            third.store.add(
                ox.Quad(
                    ox.NamedNode("http://example.org/s"), ox.NamedNode("http://p"), ox.Literal("o")
                )
            )
    finally:
        third.close()


def test_a_changed_source_is_loaded_again_and_replaces_the_old_copy(tiny_project):
    kept_now()
    before = digests(tiny_project)
    with (tiny_project / "data" / "cities.ttl").open("a", encoding="utf-8") as data:
        data.write(NEW_CITY)
    changed = kept_dataset.project_dataset()
    assert not changed.kept
    kept_now()
    assert digests(tiny_project) != before and len(digests(tiny_project)) == 1
    yazd = ox.NamedNode("https://w3id.org/cityrdf/id/city/yazd")
    reopened = kept_dataset.project_dataset()
    try:
        assert reopened.kept
        assert any(reopened.store.quads_for_pattern(yazd, None, None, dataset.PAPER_GRAPH))
    finally:
        reopened.close()


def test_a_copy_being_read_is_not_removed_until_it_is_closed(tiny_project):
    kept_now()
    reading = kept_dataset.project_dataset()
    old = digests(tiny_project)
    assert reading.kept
    with (tiny_project / "data" / "cities.ttl").open("a", encoding="utf-8") as data:
        data.write(NEW_CITY)
    kept_now()  # the new copy; the old one is still read
    assert set(old) < set(digests(tiny_project))
    assert len(reading.store) > 0
    reading.close()
    (tiny_project / "data" / "cities.ttl").write_text(
        (tiny_project / "data" / "cities.ttl").read_text(encoding="utf-8") + "\n",
        encoding="utf-8",
    )
    kept_now()  # a third copy: now both others can go
    assert digests(tiny_project) == [kept_dataset.inputs_digest()]


def test_a_project_where_nothing_can_be_kept_still_gets_its_dataset(tiny_project):
    (tiny_project / ".cache").write_text("not a folder", encoding="utf-8")
    for _ in range(2):
        loaded = kept_dataset.project_dataset()
        assert not loaded.kept
        assert canonical(loaded.store) == canonical(dataset.load_dataset())


def test_a_copy_whose_folder_was_damaged_is_not_used(tiny_project):
    kept_now()
    (digest,) = digests(tiny_project)
    for part in (tiny_project / ".cache" / "dataset" / digest).iterdir():
        part.write_bytes(b"damaged")
    loaded = kept_dataset.project_dataset()
    assert not loaded.kept
    assert canonical(loaded.store) == canonical(dataset.load_dataset())
    repaired = kept_dataset.project_dataset()  # made again at once: its sources were loaded
    try:
        assert repaired.kept
        assert canonical(repaired.store) == canonical(loaded.store)
    finally:
        repaired.close()


def test_a_killed_copy_is_removed_once_it_is_old(tiny_project):
    root = tiny_project / ".cache" / "dataset"
    old, fresh = root / ".tmp-killed", root / ".tmp-running"
    for left in (old, fresh):
        left.mkdir(parents=True)
    an_hour_ago = time.time() - kept_dataset.STALE_COPY_SECONDS - 60
    os.utime(old, (an_hour_ago, an_hour_ago))
    kept_now()
    assert not old.exists() and fresh.exists()


def test_the_digest_covers_the_world_layer(tiny_project):
    before = kept_dataset.inputs_digest()
    (tiny_project / "world").mkdir()
    (tiny_project / "world" / "extra.nq").write_text(
        "<http://example.org/a> <http://example.org/p> <http://example.org/b> "
        "<https://w3id.org/cityrdf/graph/world/extra> .\n",
        encoding="utf-8",
    )
    assert kept_dataset.inputs_digest() != before


def test_cityrdf_query_answers_from_the_kept_copy_and_sees_a_change(tiny_project, run_cityrdf):
    question = tiny_project / "cities.rq"
    question.write_text(
        "PREFIX cr: <https://w3id.org/cityrdf/ontology#>\n"
        "SELECT ?city WHERE { ?city a cr:City } ORDER BY ?city\n",
        encoding="utf-8",
    )
    answers = [run_cityrdf("query", question, "--format", "tsv") for _ in range(3)]
    assert [a.returncode for a in answers] == [0, 0, 0], answers[0].stderr
    assert answers[0].stdout == answers[1].stdout == answers[2].stdout
    assert "tehran" in answers[0].stdout
    assert digests(tiny_project) == [kept_dataset.inputs_digest()]
    with (tiny_project / "data" / "cities.ttl").open("a", encoding="utf-8") as data:
        data.write(NEW_CITY)
    changed = run_cityrdf("query", question, "--format", "tsv")
    assert changed.returncode == 0, changed.stderr
    assert "yazd" in changed.stdout and "yazd" not in answers[2].stdout


def test_commands_started_together_share_one_copy(tiny_project):
    """Four `cityrdf query` at once, three times: every copy but one loses the rename, and no
    half-made folder is left."""
    import subprocess
    import sys

    question = tiny_project / "countries.rq"
    question.write_text(
        "PREFIX cr: <https://w3id.org/cityrdf/ontology#>\n"
        "SELECT ?country WHERE { ?country a cr:Country } ORDER BY ?country\n",
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "cityrdf.cli", "query", str(question), "--format", "tsv"]
    answers = []
    for _ in range(3):
        running = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(4)
        ]
        for process in running:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err.decode()
            answers.append(out)
    assert len(set(answers)) == 1 and b"iran" in answers[0]
    assert digests(tiny_project) == [kept_dataset.inputs_digest()]
    assert not list((tiny_project / ".cache" / "dataset").glob(".tmp-*"))


def test_a_named_pipe_among_the_sources_is_reported_not_waited_on(tiny_project):
    """Opening a FIFO to hash it would wait for a writer forever; the load says what is wrong."""
    import subprocess
    import sys

    pipe = tiny_project / "data" / "piped.ttl"
    os.mkfifo(pipe)
    question = tiny_project / "cities.rq"
    question.write_text("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    command = [sys.executable, "-m", "cityrdf.cli", "query", str(question)]
    try:  # the timeout only keeps a hanging command from hanging the suite
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"cityrdf query waited on {pipe}")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"error: {question}: {pipe}: no such file"]


def test_only_the_copies_it_made_are_removed(tiny_project, tmp_path):
    """`.cache/dataset` may be a link to a folder that holds other things: they stay."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "notes").mkdir(parents=True)
    (elsewhere / "notes" / "todo.txt").write_text("keep me", encoding="utf-8")
    (elsewhere / "backup.loaded").write_text("keep me too", encoding="utf-8")
    (tiny_project / ".cache").mkdir()
    (tiny_project / ".cache" / "dataset").symlink_to(elsewhere)
    kept_now()
    assert (elsewhere / "notes" / "todo.txt").read_text(encoding="utf-8") == "keep me"
    assert (elsewhere / "backup.loaded").read_text(encoding="utf-8") == "keep me too"
    assert (elsewhere / kept_dataset.inputs_digest()).is_dir()
    reopened = kept_dataset.project_dataset()
    try:
        assert reopened.kept
    finally:
        reopened.close()


def test_a_source_with_a_syntax_error_is_one_line_with_or_without_a_kept_copy(
    tiny_project, run_cityrdf
):
    kept_now()  # a copy of the sources before the broken file
    broken = tiny_project / "data" / "broken.ttl"
    broken.write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n", encoding="utf-8"
    )
    question = tiny_project / "cities.rq"
    question.write_text("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    cache = tiny_project / ".cache"
    for copy_exists in (True, False):
        before = sorted(cache.rglob("*"))
        assert bool(before) == copy_exists
        done = run_cityrdf("query", question)
        assert done.returncode == 2
        [line] = done.stderr.strip().splitlines()
        assert line.startswith(f"error: {question}: {broken}:3:")
        assert sorted(cache.rglob("*")) == before  # nothing kept or marked for broken sources
        shutil.rmtree(cache, ignore_errors=True)


# the walls of the worker (docs/decisions/0019) over the kept copy: 10**8 solutions to count, and
# 64 bytes doubled 40 times (64 TiB)
COUNTED_FOR_LONG = (
    "SELECT (COUNT(*) AS ?n) WHERE {\n"
    + "".join(f"  VALUES ?v{i} {{ 0 1 2 3 4 5 6 7 8 9 }}\n" for i in range(8))
    + "}\n"
)


def test_the_deadline_holds_over_the_kept_copy(tiny_project, run_cityrdf):
    kept_now()
    question = tiny_project / "long.rq"
    question.write_text(COUNTED_FOR_LONG, encoding="utf-8")
    done = run_cityrdf("query", question, "--timeout", "0.3")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: {question}: query stopped: it ran longer than the 0.3 s limit"
    ]
    opened = kept_dataset.project_dataset()  # the copy the command read outlives its killed worker
    try:
        assert opened.kept
    finally:
        opened.close()


# run apart from pytest, whose fault handler a forked worker would inherit and print from as it dies
CAPPED_QUERY = """
import sys
from cityrdf import query
from cityrdf.errors import BadInput
query.LOCAL_MEMORY = 96 * 2**20
engine = query.Engine()
try:
    engine.select(sys.argv[1])
except BadInput as stopped:
    print(engine._dataset.kept, stopped)
"""


def test_the_memory_cap_holds_over_the_kept_copy(tiny_project):
    import subprocess
    import sys

    kept_now()
    done = subprocess.run(
        [sys.executable, "-c", CAPPED_QUERY, DOUBLING], capture_output=True, text=True, check=False
    )
    assert (
        done.stdout.strip() == "True query stopped: it needed more than the 96 MB a query may use"
    )


def test_a_lock_replaced_by_a_folder_is_cleared_and_the_copy_used_again(tiny_project):
    kept_now()
    lock = tiny_project / ".cache" / "dataset" / f"{kept_dataset.inputs_digest()}.lock"
    lock.unlink(missing_ok=True)
    lock.mkdir()
    blocked = kept_dataset.project_dataset()
    assert not blocked.kept
    assert canonical(blocked.store) == canonical(dataset.load_dataset())
    reopened = kept_dataset.project_dataset()
    try:
        assert reopened.kept and lock.is_file()
    finally:
        reopened.close()
