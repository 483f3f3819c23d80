from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness import Server


@pytest.fixture(scope="session")
def server_session() -> Iterator[Server]:
    server = Server().start()
    yield server
    server.cleanup()


@pytest.fixture
def server(server_session: Server) -> Server:
    """A running server with all state wiped and the clock at offset 0."""
    server_session.reset()
    return server_session
