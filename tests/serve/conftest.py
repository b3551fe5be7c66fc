"""A real uvicorn server on a free loopback port, over the mini fixture project."""

import pytest

from cityrdf import serve


@pytest.fixture(scope="module")
def base_url(mini_project, start_loopback_server):
    # a small result cap and a short deadline so the tests can reach both
    server, url = start_loopback_server(
        serve.Settings(
            timeout=3.0,
            max_results=5,
            max_body=4096,
            max_url=2048,
            max_answer_bytes=256 * 1024,
            query_memory=96 * 2**20,
        )
    )
    yield url
    server.should_exit = True
