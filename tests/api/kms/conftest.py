"""KMS fixtures: a boto3 client."""

from __future__ import annotations

from typing import Any

import pytest

from harness import Server


@pytest.fixture
def kms(server: Server) -> Any:
    return server.client("kms")
