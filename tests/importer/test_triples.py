"""The data file an import writes is the graph the project was checked with, with no Turtle read back."""

import threading

import pyoxigraph as ox

from cityrdf import importer
from cityrdf.importer import triples as triples_module
from cityrdf.rdf import graph

from .test_import_pacts import GOOD_ROWS, write_csv

RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def test_the_project_is_checked_with_exactly_the_triples_of_the_written_file(
    project, tmp_path, monkeypatch
):
    checked = []
    check_project = importer.check_project

    def spy(table, store, files):
        checked.append(ground_triples(store))
        return check_project(table, store, files)

    monkeypatch.setattr(importer, "check_project", spy)
    out = importer.import_pacts(write_csv(tmp_path, GOOD_ROWS)).out
    # What the import did before it kept the triples in memory: the project, the file parsed back.
    parsed_back = graph.load_store(graph.source_files(), entail=True)
    assert out in graph.source_files()
    (ground, size), (ground_parsed, size_parsed) = checked[0], ground_triples(parsed_back)
    assert ground == ground_parsed and size == size_parsed
    assert any(t.subject.value.endswith("/agreement/isfahan--nantes") for t in ground)


def ground_triples(store: ox.Store) -> tuple[set[ox.Triple], int]:
    """The store's triples without blank nodes (only the ontology has those, read alike by both
    ways; comparing them as rdflib graphs would take minutes), and its size."""
    ground = {
        q.triple
        for q in store
        if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    }
    return ground, len(store)


def test_triples_reach_the_store_as_they_are_written_in_batches(monkeypatch):
    monkeypatch.setattr(importer, "STORE_BATCH", 2)
    made = [
        ox.Quad(
            ox.NamedNode(f"https://example.org/s{i}"),
            ox.NamedNode("https://example.org/p"),
            ox.Literal(str(i)),
        )
        for i in range(5)
    ]
    store = ox.Store()
    passed = list(importer.added_to(store, iter(made)))
    assert passed == made
    assert set(store) == set(made) and len(store) == 5


def test_a_table_gives_the_same_triples_each_time(project, tmp_path):
    table = write_csv(tmp_path, GOOD_ROWS)

    def checked_table():
        tables = importer.TableImport(
            table, importer.ProjectIndex.of_store(graph.load_store(entail=False))
        )
        for number, row in importer.read_table(table):
            tables.check_row(number, row)
        return list(triples_module.table_quads(tables))

    first = checked_table()
    assert first and first == checked_table()


def test_a_write_stopped_halfway_leaves_no_insert_running(monkeypatch):
    """A refused or failed write closes the stream early: the batch being added is waited for."""
    monkeypatch.setattr(importer, "STORE_BATCH", 2)
    made = [
        ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), RDFS_LABEL, ox.Literal(str(i)))
        for i in range(5)
    ]
    store = ox.Store()
    stream = importer.added_to(store, iter(made))
    assert [next(stream) for _ in range(3)] == made[:3]
    stream.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("import-store")]
    assert set(store) == set(made[:2])
