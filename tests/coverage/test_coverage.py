"""`cityrdf coverage`: the paper's units, the anchors found in them, and the errors for bad quotes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from cityrdf.cli import main
from cityrdf.coverage import Anchor, cover, normalise, split_units
from tests.ontology.test_theory_prose import PAPER  # ../shared/paper, or $CITYRDF_PAPER

PREFIXES = """@prefix cr: <https://w3id.org/cityrdf/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@base <https://w3id.org/cityrdf/id/> .
"""

# A small text with the paper's layout: title, heading, a paragraph cut by a page break with a
# footnote between its halves, a numbered list, a table (header and row) and a reference list.
TEXT = """
خواهرخواندگی شهرها

مقدمه

خواهرخواندگی نمونه بارز دیپلماسی شهری است و بیش از ۲۴۰۰ رابطه رسمی

¹ Sister City International

در جهان وجود دارد که برای شهرها مفید میباشد.

۱- تعریف اهداف واضح
۲- تبادل هیئتهای رسمی

شهر\tکشور\tسال
سئول\tکره جنوبی\t۱۹۶۳

منابع فارسی

- زینلی، هاجر (۱۳۸۷)، خواهرخواندگی شهرها
"""


def anchor(resource, exact, prefix="", suffix="", no_facts=False, reason=True) -> Anchor:
    iri = f"https://w3id.org/cityrdf/id/{resource}"
    return Anchor(iri, "part", exact, prefix, suffix, no_facts, reason)


def ttl_anchor(resource: str, exact: str, extra: str = "") -> str:
    return (
        f"<{resource}> cr:textAnchor [ a oa:SpecificResource ; oa:hasSource <work/p> ;\n"
        f'  oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{exact}" {extra}] ] .\n'
    )


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    path = tmp_path / "paper.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


# --- units -----------------------------------------------------------------------------------


def test_units_follow_the_texts_layout():
    units = {u.line: (u.kind, u.lines) for u in split_units(TEXT.splitlines())}
    assert units == {
        2: ("heading", [2]),
        4: ("heading", [4]),
        6: ("paragraph", [6, 10]),  # one paragraph across the page break
        8: ("other", [8]),  # the footnote between its halves
        12: ("list-item", [12]),
        13: ("list-item", [13]),
        15: ("table-row", [15]),
        16: ("table-row", [16]),
        18: ("heading", [18]),
        20: ("reference", [20]),
    }


def test_normalisation_folds_zwnj_spaces_letters_and_digits():
    printed = "هيئتهاي رسمي ۱۳۸۷ ٢٠"  # Arabic yeh, no ZWNJ, Persian and Arabic-Indic digits
    standard = "هیئت\u200cهای  رسمی 1387 20"
    assert normalise(printed) == normalise(standard)
    assert normalise("كره") == normalise("کره")
    assert normalise("هیئت\u200cها") != normalise("هیئت")


# --- quotes ----------------------------------------------------------------------------------


def test_quotes_in_standard_orthography_find_the_paper_as_printed():
    found = [
        anchor("claim/2400", "بیش از ۲۴۰۰ رابطه رسمی"),
        anchor("claim/2400b", "بیش از 2400"),  # ASCII digits match Persian ones
        anchor("concept/delegations", "تبادل هیئت\u200cهای رسمی"),  # ZWNJ restored
        anchor("work/zeinali", "زینلی، هاجر (۱۳۸۷)"),
        anchor("paragraph-end", "برای شهرها مفید می\u200cباشد"),  # second half of the paragraph
    ]
    report = cover(TEXT.splitlines(), found)
    assert report.errors == []
    by_line = {u.line: u for u in report.units}
    assert by_line[6].resources == {
        "https://w3id.org/cityrdf/id/claim/2400",
        "https://w3id.org/cityrdf/id/claim/2400b",
        "https://w3id.org/cityrdf/id/paragraph-end",
    }
    assert by_line[13].status == "covered" and by_line[20].status == "covered"


def test_a_quote_not_in_the_paper_is_an_error():
    report = cover(TEXT.splitlines(), [anchor("claim/x", "بیش از ۲۵۰۰ رابطه")])
    assert report.errors == [
        (
            "https://w3id.org/cityrdf/id/claim/x: «بیش از ۲۵۰۰ رابطه»: not found in the paper"
            " (https://w3id.org/cityrdf/id/claim/x)"
        )
    ]


def test_an_ambiguous_quote_is_an_error_until_a_prefix_makes_it_unique():
    ambiguous = cover(TEXT.splitlines(), [anchor("x", "خواهرخواندگی")])
    assert len(ambiguous.errors) == 1
    assert "ambiguous, found 3 times (paper lines 2, 6, 20)" in ambiguous.errors[0]
    unique = cover(TEXT.splitlines(), [anchor("x", "خواهرخواندگی", prefix="(۱۳۸۷)، ")])
    assert unique.errors == []
    assert [u.line for u in unique.units if u.resources] == [20]


def test_no_facts_only_where_the_graph_says_so():
    report = cover(
        TEXT.splitlines(),
        [anchor("no-facts/header", "شهر کشور سال", no_facts=True), anchor("list/1", "سئول")],
    )
    statuses = {u.line: u.status for u in report.units}
    assert statuses[15] == "no-facts" and statuses[16] == "covered" and statuses[4] == "uncovered"
    assert report.summary() == "1 of 10 units covered, 1 marked no-facts, 8 uncovered"


def test_a_no_facts_unit_without_a_reason_is_an_error_not_a_cover():
    report = cover(
        TEXT.splitlines(), [anchor("no-facts/h", "شهر کشور سال", no_facts=True, reason=False)]
    )
    assert {u.line: u.status for u in report.units}[15] == "uncovered"
    assert report.errors[0].endswith(
        "«شهر کشور سال»: a cr:NoFactsUnit without a skos:editorialNote @en saying why"
        " (https://w3id.org/cityrdf/id/no-facts/h)"
    )


# --- the command -----------------------------------------------------------------------------


def test_command_writes_csv_and_the_summary(capsys, paper, tmp_path):
    graph = tmp_path / "anchors.ttl"
    graph.write_text(PREFIXES + ttl_anchor("list/1", "سئول کره جنوبی"), encoding="utf-8")
    code, out, err = run(capsys, "coverage", str(paper), "--graph", str(graph), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["line", "kind", "status", "resources"]
    assert {"line": "16", "kind": "table-row", "status": "covered", "resources": "1"} in rows
    assert err.strip() == "1 of 10 units covered, 0 marked no-facts, 9 uncovered"


def test_command_fails_with_file_line_and_quote_when_a_quote_is_missing(capsys, paper, tmp_path):
    graph = tmp_path / "anchors.ttl"
    graph.write_text(PREFIXES + "\n" + ttl_anchor("list/1", "پاریس فرانسه"), encoding="utf-8")
    code, _, err = run(capsys, "coverage", str(paper), "--graph", str(graph))
    assert code == 1
    assert f"{graph}:7: «پاریس فرانسه»: not found in the paper" in err
    assert "error: 1 anchor quote(s) do not locate one place in the paper" in err


def test_command_refuses_a_missing_paper(capsys, tmp_path):
    code, _, err = run(capsys, "coverage", str(tmp_path / "nope.txt"))
    assert code == 2 and "nope.txt: no such paper" in err


def test_command_refuses_a_paper_that_is_not_utf8(capsys, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("خواهر".encode()[:3] + b"\xff\xfe")
    code, _, err = run(capsys, "coverage", str(path))
    assert code == 2 and "not UTF-8 text" in err


# --- the real paper --------------------------------------------------------------------------

needs_paper = pytest.mark.skipif(
    not PAPER.is_file(), reason=f"the paper's text is not here ({PAPER}); it lives in ../shared"
)


@pytest.fixture(scope="module")
def real_report():
    from cityrdf.coverage import coverage

    return coverage(PAPER)


@needs_paper
def test_every_anchor_of_the_project_graph_is_found_once_in_the_paper(real_report):
    assert real_report.errors == []


@needs_paper
def test_every_unit_of_the_paper_is_covered_or_marked_no_facts(real_report):
    assert [u.line for u in real_report.units if u.status == "uncovered"] == []


@needs_paper
def test_every_heading_of_the_paper_is_anchored_by_its_part(real_report):
    headings = [u for u in real_report.units if u.kind == "heading"]
    assert len(headings) == 22  # the title and 21 section headings
    assert all(u.status == "covered" for u in headings)
