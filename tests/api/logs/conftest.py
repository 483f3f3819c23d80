"""CloudWatch Logs fixtures: a boto3 client, the server's clock, a stream factory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from harness import Server


@pytest.fixture
def logs(server: Server) -> Any:
    return server.client("logs")


@pytest.fixture
def now_ms(server: Server) -> Callable[[], int]:
    """The server's virtual clock, in epoch milliseconds."""

    def read() -> int:
        return int(
            datetime.fromisoformat(server.internal("GET", "/_cloudlet/clock")["now"]).timestamp() * 1000
        )

    return read


@pytest.fixture
def make_stream(logs: Any) -> Callable[..., tuple[str, str]]:
    """make_stream(group, stream) -> (group, stream), creating the group when it is new."""

    def make(group: str = "/test/group", stream: str = "stream-1") -> tuple[str, str]:
        try:
            logs.create_log_group(logGroupName=group)
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        return group, stream

    return make
