"""schemathesis against `cityrdf serve`'s own OpenAPI description (FastAPI's /openapi.json)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from cityrdf.serve import Settings

TRACE_MARKERS = ("Traceback", 'File "', "Error:\n", "site-packages")


@pytest.fixture(scope="module")
def served_schema(start_loopback_server):
    server, url = start_loopback_server(Settings(timeout=3.0))
    yield schemathesis.openapi.from_url(url + "/openapi.json")
    server.should_exit = True


schema = schemathesis.pytest.from_fixture("served_schema")


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_within_its_description_never_5xx_nor_a_trace(case):
    response = case.call_and_validate()
    assert response.status_code < 500
    assert not any(marker in response.text for marker in TRACE_MARKERS), response.text[:300]
