"""What a resource handler is: how the engine creates, updates and deletes one resource
type through the service APIs. One module per service family holds the handlers of its
types (s3.py, sqs.py, ...); resources/__init__.py maps type names to them.

Handlers are clients of the services: every effect goes through `ctx.call(service,
operation, params)` (plain dicts in the model's shapes, cloudlet.errors.ServiceError
raised), never through a service's code or tables."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from cloudlet.deploy import names

# (service, operation, params) -> the operation's result; the account and region are the stack's.
Caller = Callable[[str, str, dict[str, Any]], Awaitable[dict[str, Any]]]


class CustomResponses(Protocol):
    """Where a Lambda-backed custom resource sends its answer (served by the server)."""

    def url(self, request_id: str) -> str:
        """The pre-signed-like ResponseURL to hand the function."""
        ...

    async def wait(self, request_id: str, timeout: float) -> dict[str, Any]:
        """The JSON the function PUT to its ResponseURL; raises TimeoutError after
        `timeout` seconds of the virtual clock."""
        ...


@dataclass
class ResourceContext:
    account: str
    region: str
    stack_name: str
    stack_id: str
    logical_id: str
    resource_type: str
    call: Caller
    endpoint: str  # the server's URL, e.g. http://127.0.0.1:4566
    responses: CustomResponses | None = None
    partition: str = "aws"

    def physical_name(self, properties: dict[str, Any]) -> str:
        """The resource's name: its name property, else one generated as CloudFormation
        does (<stack>-<id>-<suffix>; deploy/names.py must have a rule for the type)."""
        name = names.physical_name(self.resource_type, self.stack_name, self.logical_id, properties)
        if name is None:
            raise KeyError(f"no name rule for {self.resource_type}")
        return name

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account}:{resource}"


@dataclass
class Provisioned:
    physical_id: str  # CloudFormation's PhysicalResourceId: what Ref returns
    attributes: dict[str, Any] = field(default_factory=dict)  # what Fn::GetAtt can name


class Replace(Exception):
    """Raised by update() when the change needs a new resource (the engine creates the
    replacement, repoints references, then deletes the old one)."""


class ResourceHandler:
    type_name: ClassVar[str] = ""
    # Properties whose change needs replacement ("Update requires: Replacement" in the
    # CloudFormation reference). update() is not called when one of them changed.
    replace_on: ClassVar[frozenset[str]] = frozenset()

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        raise NotImplementedError

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        """Apply a change in place; the default replaces the resource."""
        raise Replace()

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        """Delete it; a resource that is already gone is not an error."""
        raise NotImplementedError
