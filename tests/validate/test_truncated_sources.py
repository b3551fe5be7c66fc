"""A data file cut short never passes `validate`: either it no longer parses, or the
QC queries find what the paper prints and the project lost (printed counts, list entries, the
agreements they attest, dangling references)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cityrdf.errors import BadInput
from cityrdf.project import current_project
from cityrdf.rdf import graph
from cityrdf.validate import qc_findings, validate_files

DATA_DIR = current_project().data_dir  # the checkout's, read-only
DATA_FILES = sorted(DATA_DIR.glob("*.ttl"))
# The two data files whose every statement is needed by another resource or a printed count. The
# others are checked at a few cut points below (the citation files through the printed counts of
# cito:citesAsEvidence statements).
EVERY_LINE = ("twinning.ttl", "places.ttl")
NOT_COUNTED: tuple[str, ...] = ()
# Cut points of the default run in each of those two files, spread evenly over it; every line is
# the slow run's (some 1,500 cuts, each with every QC query: minutes).
SAMPLED_CUTS = 40


def parses(text: str) -> bool:
    try:
        return bool(list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)))
    except SyntaxError:
        return False


def cuts(path: Path) -> list[int]:
    """Every line count at which the file, cut there, is shorter than the whole in triples: the
    lines after the cut hold at least one statement."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    last = max(
        i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")
    )
    return list(range(1, last + 1))


@pytest.fixture(scope="module")
def others() -> dict[str, list[ox.Quad]]:
    """For each data file, the quads of every other source file of the project."""
    files = graph.source_files()
    return {
        data.name: list(graph.load_store([f for f in files if f != data], entail=False))
        for data in DATA_FILES
    }


def qc_of_cut(others: list[ox.Quad], text: str) -> list:
    store = ox.Store()
    store.extend(others)
    store.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    graph.apply_entailments(store)
    return qc_findings(store)


def test_the_whole_project_passes_the_qc_queries(project_store):
    assert qc_findings(project_store) == []


def sampled(every: list[int], count: int = SAMPLED_CUTS) -> list[int]:
    """`count` cut points spread evenly over `every`, its last one (all but the final line) included."""
    return sorted({every[len(every) * k // count] for k in range(count)} | {every[-1]})


def cuts_that_pass(name: str, chosen: list[int], others: list[ox.Quad]) -> list[int]:
    """The cut points at which the file, cut there, still parses and passes the QC queries."""
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines(keepends=True)
    passed = []
    for cut in chosen:
        text = "".join(lines[:cut])
        if not parses(text):
            continue  # validate refuses it as bad input (exit 2, FILE:LINE)
        if not qc_of_cut(others, text):
            passed.append(cut)
    return passed


@pytest.mark.parametrize("name", EVERY_LINE)
def test_a_data_file_cut_at_sampled_lines_fails_validation(name, others):
    chosen = sampled(cuts(DATA_DIR / name))
    passed = cuts_that_pass(name, chosen, others[name])
    assert passed == [], f"{name} cut after these lines still passes the QC queries: {passed}"


@pytest.mark.slow  # every line of both files: ~1,500 stores, each queried by every QC query
@pytest.mark.parametrize("name", EVERY_LINE)
def test_a_data_file_cut_at_any_line_fails_validation(name, others):
    passed = cuts_that_pass(name, cuts(DATA_DIR / name), others[name])
    assert passed == [], f"{name} cut after these lines still passes the QC queries: {passed}"


@pytest.mark.parametrize(
    "name", [p.name for p in DATA_FILES if p.name not in EVERY_LINE + NOT_COUNTED]
)
def test_other_data_files_cut_short_fail_validation_naming_why(name, others, tmp_path, monkeypatch):
    path = DATA_DIR / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    statement_ends = [
        c for c in cuts(path) if lines[c - 1].rstrip().endswith(".") and parses("".join(lines[:c]))
    ]
    if not statement_ends:  # one statement: a cut leaves prefixes only, refused as bad input
        header = next(i for i, line in enumerate(lines) if line.strip() and line[0] not in "@#")
        cut_file = tmp_path / name
        cut_file.write_text("".join(lines[:header]), encoding="utf-8")
        files = [cut_file if f == path else f for f in graph.source_files()]
        monkeypatch.setattr(graph, "source_files", lambda with_links=True, files=files: files)
        with pytest.raises(BadInput, match="no triples"):
            validate_files(reason=False)
        return
    chosen = sorted(
        {statement_ends[len(statement_ends) * k // 4] for k in range(4)} | {statement_ends[-1]}
    )
    for cut in chosen:
        cut_file = tmp_path / name
        cut_file.write_text("".join(lines[:cut]), encoding="utf-8")
        files = [cut_file if f == path else f for f in graph.source_files()]
        monkeypatch.setattr(graph, "source_files", lambda with_links=True, files=files: files)
        report = validate_files(reason=False)
        assert not report.conforms, f"{name} cut after line {cut} passes validation"
        # Each finding names the check that missed something (a QC query, or a shape where the
        # cut leaves a resource half-described, as a claim without its source link), and the
        # resource it missed it on; a QC query is among them.
        assert all(f.component and f.focus_node for f in report.violations)
        assert any(f.component.startswith("queries/qc/") for f in report.violations)


def test_validate_names_a_list_cut_short(tmp_path, monkeypatch):
    path = DATA_DIR / "twinning.ttl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = next(i for i, line in enumerate(lines) if "<list/tehran-foreign/12>" in line)
    cut_file = tmp_path / "twinning.ttl"
    cut_file.write_text("".join(lines[:cut]), encoding="utf-8")
    files = [cut_file if f == path else f for f in graph.source_files()]
    monkeypatch.setattr(graph, "source_files", lambda with_links=True: files)
    report = validate_files(reason=False)
    messages = {(f.focus_node, f.message) for f in report.violations}
    assert (
        "https://w3id.org/cityrdf/id/list/tehran-foreign",
        (
            "QC: a sister-city list whose entries do not match what the paper prints: not as many "
            "cr:ListEntry (problem=holds 11 entries; the paper prints 22)"
        ),
    ) in messages, messages
