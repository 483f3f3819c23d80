"""The chain's error discipline: an unexpected exception is a 500 InternalFailure without a traceback."""

import asyncio
import json
import logging
from typing import Any

import pytest

from cloudlet.clock import Clock
from cloudlet.gateway.chain import Gateway
from cloudlet.gateway.context import RequestContext
from cloudlet.protocol.http import Headers, HttpRequest
from cloudlet.services.base import Provider, ServiceEnv
from cloudlet.settings import Settings


class Exploding(Provider):
    service = "sqs"

    def list_queues(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("secret internals")


def test_unexpected_exception_is_internal_failure(caplog: pytest.LogCaptureFixture) -> None:
    env = ServiceEnv(db=None, clock=Clock(), settings=Settings(), background=None)  # type: ignore[arg-type]
    gateway = Gateway(Settings(), {"sqs": Exploding(env)})
    request = HttpRequest(
        method="POST",
        path="/",
        headers=Headers(
            [("X-Amz-Target", "AmazonSQS.ListQueues"), ("Content-Type", "application/x-amz-json-1.0")]
        ),
        body=b"{}",
    )
    with caplog.at_level(logging.ERROR, logger="cloudlet.gateway"):
        response = asyncio.run(gateway.handle(request))
    assert response.status == 500
    body = json.loads(response.body)
    assert body["__type"].endswith("InternalFailure")
    assert "secret internals" not in response.body.decode()
    assert "Traceback" not in response.body.decode()
    assert "secret internals" in caplog.text  # the server log has it
