"""IAM fixtures: a boto3 client and a trust policy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness import Server

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


@pytest.fixture
def iam(server: Server) -> Any:
    return server.client("iam")


@pytest.fixture
def trust() -> str:
    return json.dumps(TRUST)


@pytest.fixture
def policy() -> str:
    return json.dumps(POLICY)
