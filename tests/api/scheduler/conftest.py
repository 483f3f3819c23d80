"""EventBridge Scheduler fixtures: clients on the test server and a queue factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from harness import Server


@pytest.fixture
def scheduler(server: Server) -> Any:
    return server.client("scheduler")


@pytest.fixture
def sqs(server: Server) -> Any:
    return server.client("sqs")


@pytest.fixture
def make_queue(sqs: Any) -> Callable[..., tuple[str, str]]:
    """make_queue(name, **attributes) -> (queue URL, queue ARN)."""

    def make(name: str = "q", **attributes: str) -> tuple[str, str]:
        if name.endswith(".fifo"):
            attributes.setdefault("FifoQueue", "true")
        url: str = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        return url, arn

    return make
