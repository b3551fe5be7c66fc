"""SPARQL results written by Oxigraph for the server and the CLI (cityrdf.sparql.results): every format
parses back to the same solutions, the row and byte caps hold, and a control character that XML
1.0 cannot carry is refused alike in every format, on the server and in `cityrdf query`."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cityrdf import query
from cityrdf.errors import BadInput
from cityrdf.sparql import results
from cityrdf.web.evaluate import Job, Limits, evaluate

EX = "https://example.org/"
LIMITS = Limits(timeout=20, max_results=10, max_answer_bytes=2**20, memory=256 * 2**20)
SELECT = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s"
MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
PARSABLE = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "tsv": ox.QueryResultsFormat.TSV,
}


def store_of(*objects) -> ox.Store:
    store = ox.Store()
    for number, term in enumerate(objects):
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{number:03}"), ox.NamedNode(f"{EX}p"), term))
    return store


TERMS = [
    ox.Literal("تهران", language="fa"),
    ox.Literal("1972", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
    ox.Literal('tab\tnew line\nquote" back\\slash'),
    ox.Literal("Isfa\u202ehan"),  # a bidi override is text XML carries: kept in the data formats
    ox.BlankNode("b1"),
    ox.NamedNode(f"{EX}o"),
    ox.Triple(ox.NamedNode(f"{EX}a"), ox.NamedNode(f"{EX}b"), ox.Literal("c")),
]


@pytest.mark.parametrize("fmt", sorted(PARSABLE))
def test_every_format_parses_back_to_the_evaluated_solutions(fmt):
    store = store_of(*TERMS)
    captured = results.capture(store.query(SELECT), 100, 2**20)
    again = ox.parse_query_results(results.serialize(captured, fmt), PARSABLE[fmt])
    assert [list(s) for s in again] == [list(s) for s in store.query(SELECT)]


@pytest.mark.parametrize(("rows", "truncated"), [(0, True), (3, True), (6, True), (7, False)])
def test_the_row_cap_keeps_the_first_rows_and_says_when_it_cut(rows, truncated):
    store = store_of(*TERMS)
    captured = results.capture(store.query(SELECT), rows, 2**20)
    assert len(captured.solutions()) == min(rows, len(TERMS))
    assert captured.truncated is truncated


def test_the_byte_cap_stops_the_writer():
    store = store_of(*(ox.Literal("x" * 1000 + str(n)) for n in range(100)))
    with pytest.raises(results.TooLarge):
        results.capture(store.query(SELECT), 1000, 10_000)


CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\ufffe"]


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("fmt", sorted(MEDIA))
def test_the_server_refuses_a_control_character_alike_in_every_format(control, fmt):
    store = store_of(ox.Literal("Teh" + control + "ran"))
    answer = evaluate(store, Job(SELECT, MEDIA[fmt], None), LIMITS)
    assert answer.status == 422
    message = answer.body.decode()
    assert f"control character U+{ord(control):04X} in ?o (row 1)" in message


@pytest.mark.parametrize("fmt", sorted(MEDIA))
def test_a_control_character_inside_a_triple_term_is_refused_too(fmt):
    inner = ox.Triple(ox.NamedNode(f"{EX}a"), ox.NamedNode(f"{EX}b"), ox.Literal("c\x07"))
    answer = evaluate(store_of(inner), Job(SELECT, MEDIA[fmt], None), LIMITS)
    assert answer.status == 422 and b"U+0007" in answer.body


@pytest.mark.parametrize("fmt", sorted(MEDIA))
def test_tab_line_breaks_and_bidi_overrides_are_carried(fmt):
    no_triple_terms = [t for t in TERMS if not isinstance(t, ox.Triple)]  # CSV refuses those
    answer = evaluate(store_of(*no_triple_terms), Job(SELECT, MEDIA[fmt], None), LIMITS)
    assert answer.status == 200
    if fmt in PARSABLE:
        values = [s["o"] for s in ox.parse_query_results(answer.body, PARSABLE[fmt])]
        assert ox.Literal('tab\tnew line\nquote" back\\slash') in values
        assert ox.Literal("Isfa\u202ehan") in values


@pytest.mark.parametrize("fmt", query.FORMATS)
def test_the_cli_refuses_a_control_character_alike_in_every_format(fmt):
    answer = query.Answer.of(store_of(ox.Literal("Teh\x1b]0;owned\x07ran")).query(SELECT))
    with pytest.raises(BadInput, match=r"control character U\+001B in \?o \(row 1\)"):
        query.render(answer, fmt)


def test_the_cli_table_shows_bidi_overrides_and_markup_escaped():
    answer = query.Answer.of(
        store_of(
            ox.Literal("Isfa\u202ehan"),
            ox.Literal("[link=https://evil.example]x[/link]"),
            ox.Literal("\x9b31m"),
        ).query(SELECT)
    )
    table = query.to_table(answer)
    assert "\u202e" not in table and "Isfa\\u202ehan" in table
    assert "[link=https://evil.example]x[/link]" in table  # shown as text, not a hyperlink
    assert "\x9b" not in table and "\\x9b31m" in table


def test_triple_terms_are_refused_in_csv_only():
    triple = ox.Triple(ox.NamedNode(f"{EX}a"), ox.NamedNode(f"{EX}b"), ox.Literal("c, d"))
    for fmt, status in (("csv", 406), ("json", 200), ("xml", 200), ("tsv", 200)):
        answer = evaluate(store_of(triple), Job(SELECT, MEDIA[fmt], None), LIMITS)
        assert answer.status == status, fmt
