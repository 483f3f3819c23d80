"""S3 fixtures: boto3 clients on the test server (default, path-style, virtual-hosted) and a bucket."""

from __future__ import annotations

from typing import Any

import pytest

from harness import Server


@pytest.fixture
def s3(server: Server) -> Any:
    return server.client("s3")


@pytest.fixture
def bucket(s3: Any) -> str:
    s3.create_bucket(Bucket="test-bucket")
    return "test-bucket"
