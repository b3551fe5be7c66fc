"""schemathesis against `cityrdf serve`'s own OpenAPI description, over loopback HTTP."""

from __future__ import annotations

import httpx
import pyoxigraph as ox
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from cityrdf.serve import Settings, create_app

TRACE_MARKERS = ("Traceback", 'File "', "site-packages")
# The description is taken from the app itself (over an empty store, so collection stays cheap):
# schemathesis' fixture-based loader does not work with pytest 9 (it sets Node._nodeid).
DESCRIPTION = create_app(ox.Store()).openapi()
schema = schemathesis.openapi.from_dict(DESCRIPTION)


@pytest.fixture(scope="module")
def served_url(start_loopback_server):
    server, url = start_loopback_server(Settings(timeout=3.0))
    yield url
    server.should_exit = True


def test_the_description_tested_is_the_one_served(served_url):
    assert httpx.get(served_url + "/openapi.json").json() == DESCRIPTION


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_within_its_description_never_5xx_nor_a_trace(case, served_url):
    # A string is schema-valid SPARQL text only in JSON Schema's eyes: the grammar is not expressible
    # there, so /sparql may rightly answer 400 to a "valid" request.
    excluded = [positive_data_acceptance] if case.path == "/sparql" else []
    response = case.call_and_validate(base_url=served_url, excluded_checks=excluded)
    assert response.status_code < 500
    assert not any(marker in response.text for marker in TRACE_MARKERS), response.text[:300]
