"""EventBridge fixtures: boto3 clients on the test server and an SQS queue to catch deliveries."""

from __future__ import annotations

from typing import Any

import pytest

from harness import Server


@pytest.fixture
def events(server: Server) -> Any:
    return server.client("events")


@pytest.fixture
def sqs(server: Server) -> Any:
    return server.client("sqs")
