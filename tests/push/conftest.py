"""Fixtures of the push tests."""

from collections.abc import Iterator

import pytest

from tests.loopback import bound_socket


@pytest.fixture
def unused_port() -> Iterator[int]:
    """A loopback port nothing listens on: bound without listening for the test, so connections
    to it are refused and no other server can take it meanwhile."""
    with bound_socket() as held:
        yield held.getsockname()[1]
