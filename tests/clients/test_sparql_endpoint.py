"""Comunica (tests/clients/package-lock.json) as a SPARQL client of `cityrdf serve`: it recognises
the endpoint from its service description alone, and joins the endpoint with a resource's document
the way a federated query over two sources does."""

from __future__ import annotations

import pytest

from cityrdf import serve
from cityrdf.rdf import graph
from cityrdf.rdf.namespaces import BASE, sparql_prologue
from tests.clients.test_link_traversal import CLIENTS, comunica_rows

COMUNICA_SPARQL = CLIENTS / "node_modules" / ".bin" / "comunica-sparql"
TEHRAN = BASE + "id/city/tehran"
# Tehran's partners, with their English names and the pacts' dates where there are
PARTNERS = f"""SELECT DISTINCT ?pact ?partner ?name ?date WHERE {{
  ?pact cr:party <{TEHRAN}>, ?partner .
  FILTER(?partner != <{TEHRAN}>)
  ?partner rdfs:label ?label .
  FILTER(lang(?label) = "en")
  BIND(STR(?label) AS ?name)
  OPTIONAL {{ ?pact cr:signingDate ?date }}
}}"""
NAMES = ["pact", "partner", "name", "date"]


@pytest.fixture(scope="module")
def base_url(mini_project, start_loopback_server):
    server, url = start_loopback_server(serve.Settings())
    yield url
    server.should_exit = True


def expected_rows(query: str) -> set[tuple]:
    rows = graph.load_store().query(sparql_prologue() + query)
    names = [v.value for v in rows.variables]
    return {tuple(row[name].value if row[name] else None for name in names) for row in rows}


def found_rows(rows: list[dict[str, str]], names: list[str]) -> set[tuple]:
    return {tuple(row.get(name) for name in names) for row in rows}


def test_comunica_knows_the_endpoint_from_its_service_description(base_url, mini_project):
    """No `sparql@` hint: Comunica asks /sparql for RDF, reads sd:endpoint, then sends SPARQL."""
    expected = expected_rows(PARTNERS)
    assert len(expected) >= 2 and any(date for *_, date in expected)
    rows = comunica_rows(COMUNICA_SPARQL, PARTNERS, base_url + "/sparql")
    assert found_rows(rows, NAMES) == expected


def test_comunica_joins_the_endpoint_with_a_resource_document(base_url, mini_project):
    """Two sources, as in a federated query: each pattern goes to both, the answers are joined."""
    rows = comunica_rows(
        COMUNICA_SPARQL,
        PARTNERS,
        "sparql@" + base_url + "/sparql",
        base_url + "/id/city/tehran.ttl",
    )
    assert found_rows(rows, NAMES) == expected_rows(PARTNERS)
