"""SSM fixtures: a boto3 client and an error-code helper."""

from __future__ import annotations

from typing import Any

import pytest

from harness import Server


@pytest.fixture
def ssm(server: Server) -> Any:
    return server.client("ssm")
