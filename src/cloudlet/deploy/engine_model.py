"""What the deploy engine works with: a resource's deployed state, the sink it reports
to, the stack it deploys, and how failures and custom-resource properties are worded."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

from cloudlet.deploy.errors import ValidationError
from cloudlet.errors import ServiceError

CUSTOM_TYPE = "AWS::CloudFormation::CustomResource"
RETAINED = ("Retain", "Snapshot", "RetainExceptOnCreate")
# A rollback keeps Retain (and Snapshot) resources too; RetainExceptOnCreate exists to
# delete them then. https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
RETAINED_ON_ROLLBACK = ("Retain", "Snapshot")


@dataclass
class ResourceState:
    logical_id: str
    type: str
    physical_id: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    status: str = ""
    reason: str = ""
    seq: int = 0  # creation order: deletion goes backwards
    depends: list[str] = field(default_factory=list)  # what it needs: deleted after it
    deletion_policy: str = "Delete"
    update_replace_policy: str = "Delete"


class StackSink(Protocol):
    """Where the engine reports what it does (the provider persists it)."""

    def event(
        self,
        logical_id: str,
        resource_type: str,
        status: str,
        physical_id: str | None = None,
        reason: str = "",
        properties: dict[str, Any] | None = None,
    ) -> None: ...

    def save(self, resource: ResourceState) -> None: ...

    def forget(self, logical_id: str) -> None: ...

    def stack_status(self, status: str, reason: str = "") -> None: ...


@dataclass
class StackInfo:
    account: str
    region: str
    stack_name: str
    stack_id: str
    endpoint: str
    pseudo: dict[str, Any]
    partition: str = "aws"


class Failed(Exception):
    """A resource operation failed; `reason` is its ResourceStatusReason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def failure_reason(error: BaseException) -> str:
    """A handler's failure as CloudFormation words it: the service's message kept whole."""
    if isinstance(error, Failed):
        return error.reason
    if isinstance(error, ValidationError):  # the template's own problem, not the service's
        return error.message
    if isinstance(error, ServiceError):
        code = {
            "ResourceNotFoundException": "NotFound",
            "NotFound": "NotFound",
        }.get(error.code, "AlreadyExists" if "AlreadyExist" in error.code or "InUse" in error.code else "")
        if not code:
            code = "InvalidRequest" if error.status < 500 else "GeneralServiceException"
        return (
            f'Resource handler returned message: "{error.message}" '
            f"(RequestToken: {uuid.uuid4()}, HandlerErrorCode: {code})"
        )
    if isinstance(error, TimeoutError):
        return "Resource timed out waiting for completion"
    text = str(error)
    return text if text else f"Internal Failure ({type(error).__name__})"


def stringify(value: Any) -> Any:
    """Custom resource properties as CloudFormation hands them over: every scalar a string."""
    if isinstance(value, dict):
        return {k: stringify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [stringify(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def deletion_order(states: list[ResourceState]) -> list[ResourceState]:
    """Dependents first (as recorded when deployed), then newest first."""
    remaining = {s.logical_id: s for s in states}
    order: list[ResourceState] = []
    while remaining:
        needed = {d for s in remaining.values() for d in s.depends}
        ready = [s for s in remaining.values() if s.logical_id not in needed] or list(remaining.values())
        for state in sorted(ready, key=lambda s: s.seq, reverse=True):
            order.append(state)
            remaining.pop(state.logical_id)
    return order
