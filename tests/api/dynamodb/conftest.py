"""DynamoDB fixtures: client and resource on the test server, and a table factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest

from harness import ACCESS_KEY, REGION, Server


@pytest.fixture
def ddb(server: Server) -> Any:
    return server.client("dynamodb")


@pytest.fixture
def resource(server: Server) -> Any:
    return boto3.resource(
        "dynamodb",
        endpoint_url=server.endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key="test",
    )


@pytest.fixture
def make_table(ddb: Any) -> Callable[..., str]:
    """make_table(name, hash=("pk", "S"), range=("sk", "S") or None, **CreateTable params) -> name."""

    def make(
        name: str = "items",
        hash: tuple[str, str] = ("pk", "S"),
        range: tuple[str, str] | None = ("sk", "S"),
        attributes: dict[str, str] | None = None,
        **params: Any,
    ) -> str:
        types = {hash[0]: hash[1], **({range[0]: range[1]} if range else {}), **(attributes or {})}
        schema = [{"AttributeName": hash[0], "KeyType": "HASH"}]
        if range:
            schema.append({"AttributeName": range[0], "KeyType": "RANGE"})
        params.setdefault("BillingMode", "PAY_PER_REQUEST")
        ddb.create_table(
            TableName=name,
            KeySchema=schema,
            AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in types.items()],
            **params,
        )
        return name

    return make
