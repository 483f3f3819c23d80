"""AWS::CloudFormation::Stack: a nested stack, deployed by this same provider through its
own API (CreateStack / UpdateStack / DeleteStack with the TemplateURL), and awaited.

Ref is the nested stack's id; Fn::GetAtt names Outputs.<key> of its outputs. The nested
stack's name is <parent>-<logical id>-<12 upper-case alphanumerics>, as CloudFormation
forms it, and it lives and dies with its parent.
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stack.html
"""

from __future__ import annotations

import random
import string
from collections.abc import Awaitable, Callable
from typing import Any

from cloudlet.deploy.engine import Failed
from cloudlet.deploy.resources.base import Provisioned, ResourceContext, ResourceHandler
from cloudlet.deploy.values import to_text
from cloudlet.errors import ServiceError

STACK_TYPE = "AWS::CloudFormation::Stack"
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
Finished = Callable[[str], Awaitable[dict[str, Any]]]
"""Waits for a stack's operation to end; its DescribeStacks description."""


def nested_name(parent: str, logical_id: str) -> str:
    suffix = "".join(random.SystemRandom().choice(string.ascii_uppercase + string.digits) for _ in range(12))
    return f"{parent}-{logical_id}-{suffix}"[:128]


def _parameters(properties: dict[str, Any]) -> list[dict[str, str]]:
    given = properties.get("Parameters") or {}
    return [{"ParameterKey": k, "ParameterValue": to_text(v)} for k, v in given.items()]


def _tags(properties: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"Key": to_text(t.get("Key")), "Value": to_text(t.get("Value"))} for t in properties.get("Tags") or []
    ]


def _attributes(stack: dict[str, Any]) -> dict[str, Any]:
    return {f"Outputs.{o['OutputKey']}": o.get("OutputValue", "") for o in stack.get("Outputs", [])}


class NestedStackHandler(ResourceHandler):
    type_name = STACK_TYPE
    replace_on = frozenset()

    def __init__(self, finished: Finished) -> None:
        self.finished = finished

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        request: dict[str, Any] = {
            "StackName": nested_name(ctx.stack_name, ctx.logical_id),
            "TemplateURL": to_text(properties.get("TemplateURL")),
            "Parameters": _parameters(properties),
            "Capabilities": CAPABILITIES,
            "Tags": _tags(properties),
            "DisableRollback": False,
        }
        if properties.get("NotificationARNs"):
            request["NotificationARNs"] = [to_text(a) for a in properties["NotificationARNs"]]
        stack_id = str((await ctx.call("cloudformation", "CreateStack", request))["StackId"])
        stack = await self.finished(stack_id)
        if stack["StackStatus"] != "CREATE_COMPLETE":
            # The nested stack rolled its own resources back; it goes with the failure.
            await ctx.call("cloudformation", "DeleteStack", {"StackName": stack_id})
            await self.finished(stack_id)
            raise Failed(f"Embedded stack {stack_id} was not successfully created: {_reason(stack)}")
        return Provisioned(stack_id, _attributes(stack))

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        request: dict[str, Any] = {
            "StackName": physical_id,
            "TemplateURL": to_text(properties.get("TemplateURL")),
            "Parameters": _parameters(properties),
            "Capabilities": CAPABILITIES,
            "Tags": _tags(properties),
        }
        try:
            await ctx.call("cloudformation", "UpdateStack", request)
        except ServiceError as error:
            if error.message != "No updates are to be performed.":
                raise
        stack = await self.finished(physical_id)
        if stack["StackStatus"] != "UPDATE_COMPLETE":
            raise Failed(f"Embedded stack {physical_id} was not successfully updated: {_reason(stack)}")
        return Provisioned(physical_id, _attributes(stack))

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        await ctx.call("cloudformation", "DeleteStack", {"StackName": physical_id})
        try:
            stack = await self.finished(physical_id)
        except ServiceError:
            return  # never existed here: nothing to delete
        if stack["StackStatus"] != "DELETE_COMPLETE":
            raise Failed(f"Embedded stack {physical_id} was not successfully deleted: {_reason(stack)}")


def _reason(stack: dict[str, Any]) -> str:
    return str(stack.get("StackStatusReason") or stack["StackStatus"])
