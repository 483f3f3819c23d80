"""CloudFormation fixtures: boto3 clients on the test server."""

from __future__ import annotations

from typing import Any

import pytest

from harness import Server


@pytest.fixture
def cfn(server: Server) -> Any:
    return server.client("cloudformation")


@pytest.fixture
def sqs(server: Server) -> Any:
    return server.client("sqs")
