"""Run resource handlers against a test server before (or without) the engine: a Caller
over boto3 clients, and a ResourceContext for one resource."""

from __future__ import annotations

import asyncio
from typing import Any

from botocore import xform_name

from cloudlet.deploy.resources.base import Provisioned, ResourceContext, ResourceHandler
from harness import Server


def context(
    server: Server, resource_type: str, logical_id: str = "Res", stack: str = "teststack"
) -> ResourceContext:
    async def call(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        client = server.client(service)
        result: dict[str, Any] = await asyncio.to_thread(getattr(client, xform_name(operation)), **params)
        result.pop("ResponseMetadata", None)
        return result

    return ResourceContext(
        account="000000000000",
        region="us-east-1",
        stack_name=stack,
        stack_id=f"arn:aws:cloudformation:us-east-1:000000000000:stack/{stack}/0f1e2d3c",
        logical_id=logical_id,
        resource_type=resource_type,
        call=call,
        endpoint=server.endpoint,
    )


def create(
    server: Server, handler: ResourceHandler, properties: dict[str, Any], logical_id: str = "Res"
) -> Provisioned:
    return asyncio.run(handler.create(context(server, handler.type_name, logical_id), properties))


def delete(server: Server, handler: ResourceHandler, physical_id: str, properties: dict[str, Any]) -> None:
    asyncio.run(handler.delete(context(server, handler.type_name), physical_id, properties))
