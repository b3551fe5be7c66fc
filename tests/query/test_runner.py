"""`cityrdf query`: parameters bound as terms, one-line refusals, the four output formats, endpoints."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cityrdf import query
from cityrdf.errors import BadInput
from cityrdf.rdf.graph import load_store
from cityrdf.sparql import catalogue

from .conftest import FIXTURES

SEOUL = "https://w3id.org/cityrdf/id/city/seoul"


@pytest.fixture(scope="module")
def store():
    return load_store([FIXTURES / "two-cities.ttl"])


def partners(store, **params) -> list[tuple[str, ...]]:
    answer = query.run("sister-cities", params, store=store)
    return [tuple(query.cell_text(t) for t in row) for row in answer.rows]


SEOUL_ROW = (
    SEOUL,
    "Seoul",
    "https://w3id.org/cityrdf/id/country/south-korea",
    "South Korea",
    "1963",
    "listed",
)


@pytest.mark.parametrize(
    "city",
    ["tehran", "TEHRAN", "تهران", "crid:city/tehran", "<https://w3id.org/cityrdf/id/city/tehran>"],
)
def test_city_parameter_takes_a_label_in_any_case_or_an_iri(store, city):
    assert partners(store, city=city) == [SEOUL_ROW]


def test_a_label_with_quotes_is_bound_as_a_literal_not_pasted(store):
    assert (
        partners(store, city='Soul, "the capital"')[0][0]
        == "https://w3id.org/cityrdf/id/city/tehran"
    )


@pytest.mark.parametrize(
    "params, reason",
    [
        ({}, "needs --param city"),
        ({"city": "tehran", "town": "x"}, "has no parameter 'town'"),
        ({"city": "Atlantis"}, "no city is labelled 'Atlantis'"),
        ({"city": "<http://x> } ; DROP ALL ; {"}, "is not an absolute IRI"),
        ({"city": "http://example.org/a b"}, "is not an absolute IRI"),
    ],
)
def test_bad_parameters_are_refused_with_one_line(store, params, reason):
    with pytest.raises(BadInput, match=reason) as err:
        query.run("sister-cities", params, store=store)
    assert "\n" not in str(err.value)


def test_unknown_query_name_suggests_the_closest():
    with pytest.raises(BadInput, match="did you mean sister-cities"):
        catalogue.find("sister-citys")


def test_params_on_the_command_line_must_be_key_value():
    assert query.parse_params(["city=a=b"]) == {"city": "a=b"}
    with pytest.raises(BadInput, match="expected key=value"):
        query.parse_params(["tehran"])


@pytest.fixture(scope="module")
def answer(store):
    return query.run("sister-cities", {"city": "Tehran"}, store=store)


def test_csv_is_rfc4180_with_the_contract_header(answer):
    text = query.to_csv(answer)
    assert text.startswith("partner,partnerLabel,country,countryLabel,date,status\r\n")
    assert list(csv.reader(io.StringIO(text)))[1] == list(SEOUL_ROW)


# Cells a spreadsheet would run (csvsafe's starts), and numbers it must still read as numbers.
FORMULA_CELLS = ["=1+1", "+1+1", "-1+2", "@SUM(1)", "\t=1", "\r=1", " =1", "\n=1"]
NUMBER_CELLS = ["-3", "+98", "2.5e3"]


def test_csv_makes_every_formula_cell_text_and_leaves_numbers(store, tmp_path: Path):
    values = " ".join(json.dumps(v) for v in FORMULA_CELLS + NUMBER_CELLS)
    rq = tmp_path / "cells.rq"
    rq.write_text(f"#+ summary: cells\nSELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}\n")
    answer = query.run(str(rq), store=store)
    read = [row[0] for row in csv.reader(io.StringIO(query.to_csv(answer), newline=""))][1:]
    assert sorted(read) == sorted(["'" + v for v in FORMULA_CELLS] + NUMBER_CELLS)


def test_json_is_sparql_results_json(answer):
    data = json.loads(query.to_json(answer))
    assert data["head"]["vars"][0] == "partner"
    assert data["results"]["bindings"][0]["partner"] == {"type": "uri", "value": SEOUL}
    assert data["results"]["bindings"][0]["partnerLabel"] == {
        "type": "literal",
        "value": "Seoul",
        "xml:lang": "en",
    }


def test_tsv_writes_terms_in_ntriples_syntax(answer):
    header, row = query.to_tsv(answer).splitlines()
    assert header.split("\t")[0] == "?partner" and row.split("\t")[1] == '"Seoul"@en'


def test_table_shortens_iris_with_the_project_prefixes(answer):
    assert "crid:city/seoul" in query.to_table(answer, "Sister cities")


def test_an_endpoint_gives_the_same_answer_in_every_format(store, oxigraph_server, answer):
    remote = query.run("sister-cities", {"city": "tehran"}, endpoint=oxigraph_server(store))
    for fmt in query.FORMATS:
        assert query.render(remote, fmt) == query.render(answer, fmt)


def test_an_unreachable_endpoint_fails_with_one_line():
    with pytest.raises(Exception, match="cannot connect") as err:
        query.run("pacts-per-decade", endpoint="http://127.0.0.1:9/sparql")
    assert "\n" not in str(err.value)


def test_queries_lists_every_stored_question_with_both_titles():
    listing = query.list_queries()
    assert "sister-cities" in listing and "city (city)" in listing
    assert "خواهرخوانده" in listing


def test_a_query_file_outside_the_catalogue_can_be_run(store, tmp_path: Path):
    rq = tmp_path / "count.rq"
    rq.write_text(
        "#+ summary: count\n#+ columns:\n#+   n: cities\n"
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/cityrdf/ontology#City> }\n"
    )
    assert query.cell_text(query.run(str(rq), store=store).rows[0][0]) == "2"


def test_cli_refuses_an_unknown_query_with_exit_2():
    done = subprocess.run(
        [sys.executable, "-m", "cityrdf.cli", "query", "no-such-question"],
        check=False,
        capture_output=True,
        text=True,
    )
    if "No such command" in done.stderr:
        pytest.skip("`cityrdf query` is not registered in cli.py yet")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


def test_a_tag_outside_the_catalogues_list_is_refused_with_its_file(tmp_path: Path):
    query = tmp_path / "probe.rq"
    query.write_text("#+ summary: a probe\n#+ tags: [pacts, gossip]\nSELECT * WHERE {}\n")
    with pytest.raises(BadInput, match=r"probe\.rq: tags must be a list of .*not 'gossip'"):
        catalogue.read_query(query)
