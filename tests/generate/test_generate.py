"""The generator and the pairs loader write N-Triples in cityrdf's ontology, deterministically."""

import statistics

import pyoxigraph as ox
import pytest

from cityrdf.errors import BadInput
from cityrdf.generate import pairs_lines, read_pairs, synthetic_lines, write_lines
from cityrdf.rdf.namespaces import CR, CRID, RDF


def parse(lines) -> list[ox.Triple]:
    return list(ox.parse("".join(lines), format=ox.RdfFormat.N_TRIPLES))


def subjects(g: list[ox.Triple], predicate: ox.NamedNode, obj) -> list:
    return [t.subject for t in g if t.predicate == predicate and t.object == obj]


def objects(g: list[ox.Triple], subject, predicate: ox.NamedNode) -> list:
    return [t.object for t in g if t.subject == subject and t.predicate == predicate]


def test_same_seed_gives_the_same_graph_and_another_seed_another():
    assert list(synthetic_lines(30, 40, seed=7)) == list(synthetic_lines(30, 40, seed=7))
    assert list(synthetic_lines(30, 40, seed=7)) != list(synthetic_lines(30, 40, seed=8))


def test_synthetic_graph_has_the_asked_cities_and_pacts_with_two_parties_each():
    g = parse(synthetic_lines(30, 40, seed=1))
    assert len(set(subjects(g, RDF.type, CR.City))) == 30
    agreements = set(subjects(g, RDF.type, CR.TwinningAgreement))
    assert len(agreements) == 40
    assert all(len(set(objects(g, a, CR.party))) == 2 for a in agreements)


def test_partner_counts_are_heavy_tailed():
    g = parse(synthetic_lines(300, 600, seed=1))
    degrees = sorted(
        (len(subjects(g, CR.party, c)) for c in subjects(g, RDF.type, CR.City)),
        reverse=True,
    )
    # preferential attachment: the hub has several times the median city's partners
    assert degrees[0] >= 3 * statistics.median(degrees)


def test_pairs_become_one_agreement_per_unordered_pair(tmp_path):
    pairs = tmp_path / "relations.tsv"
    pairs.write_text("Q1\tQ2\nQ2\tQ1\nQ3\tQ1\n", encoding="utf-8")
    g = parse(pairs_lines(read_pairs(pairs)))
    agreements = {a.value.rsplit("/", 1)[1] for a in subjects(g, RDF.type, CR.TwinningAgreement)}
    assert agreements == {"q1--q2", "q1--q3"}
    reciprocal = CRID["agreement/q1--q2"]
    assert len(objects(g, reciprocal, CR.attestedBy)) == 2


def test_malformed_pairs_line_is_reported_with_file_and_line(tmp_path):
    pairs = tmp_path / "relations.tsv"
    pairs.write_text("Q1\tQ2\nQ1 Q2\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"relations.tsv:2: expected QID<TAB>QID"):
        read_pairs(pairs)


def test_write_lines_refuses_other_suffixes_and_leaves_no_file(tmp_path):
    with pytest.raises(BadInput, match=r"\.nt"):
        write_lines(synthetic_lines(3, 2), tmp_path / "out.ttl")
    assert list(tmp_path.iterdir()) == []


def test_cli_generate_writes_the_file_and_refuses_bad_counts(tmp_path, run_cityrdf_here):
    out = tmp_path / "g.nt"
    done = run_cityrdf_here(
        "generate", "--cities", "20", "--pacts", "25", "--seed", "2", "--out", out
    )
    assert done.returncode == 0, done.stderr
    assert len(parse(out.read_text(encoding="utf-8").splitlines(keepends=True))) > 0
    bad = run_cityrdf_here("generate", "--cities", "1", "--pacts", "3", "--out", tmp_path / "x.nt")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


@pytest.mark.parametrize("kind", ["synthetic", "pairs"])
def test_generated_graphs_pass_the_shapes_and_qc_beside_the_paper(kind, tmp_path):
    """Benchmarks validate generated graphs: every finding would be work the real data never costs."""
    from cityrdf import validate
    from cityrdf.rdf import graph

    if kind == "synthetic":
        lines = synthetic_lines(60, 90, seed=3)
    else:
        pairs = tmp_path / "relations.tsv"
        pairs.write_text("Q1\tQ2\nQ2\tQ1\nQ3\tQ1\nQ4\tQ5\n", encoding="utf-8")
        lines = pairs_lines(read_pairs(pairs))
    out = tmp_path / "generated.nt"
    write_lines(lines, out)
    report = validate.validate_files([*graph.source_files(), out], reason=False)
    assert [(f.focus_node, f.component) for f in report.findings] == []
