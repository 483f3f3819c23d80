"""CloudFormation test helpers: clients, deploy-and-wait, and event/status readers."""

from __future__ import annotations

import json
from typing import Any

from harness import Server


def body(template: dict[str, Any]) -> str:
    return json.dumps(template)


def status(cfn: Any, name: str) -> str:
    return str(cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])


def create(server: Server, cfn: Any, name: str, template: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """CreateStack, settle, and the stack as DescribeStacks shows it."""
    cfn.create_stack(StackName=name, TemplateBody=body(template), **kwargs)
    server.settle()
    stack: dict[str, Any] = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return stack


def update(server: Server, cfn: Any, name: str, template: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    cfn.update_stack(StackName=name, TemplateBody=body(template), **kwargs)
    server.settle()
    stack: dict[str, Any] = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return stack


def outputs(stack: dict[str, Any]) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def resources(cfn: Any, name: str) -> dict[str, dict[str, Any]]:
    found = cfn.describe_stack_resources(StackName=name)["StackResources"]
    return {r["LogicalResourceId"]: r for r in found}


def events(cfn: Any, name: str) -> list[tuple[str, str, str]]:
    """(logical id, status, reason) oldest first."""
    found = cfn.describe_stack_events(StackName=name)["StackEvents"]
    return [
        (e["LogicalResourceId"], e["ResourceStatus"], e.get("ResourceStatusReason", ""))
        for e in reversed(found)
    ]
