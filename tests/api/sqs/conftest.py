"""SQS fixtures: a boto3 client on the test server, and a queue factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from harness import Server


@pytest.fixture
def sqs(server: Server) -> Any:
    return server.client("sqs")


@pytest.fixture
def make_queue(sqs: Any) -> Callable[..., str]:
    """make_queue(name, **attributes) -> queue URL (a ".fifo" name makes a FIFO queue)."""

    def make(name: str = "q", **attributes: str) -> str:
        if name.endswith(".fifo"):
            attributes.setdefault("FifoQueue", "true")
        url: str = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        return url

    return make
