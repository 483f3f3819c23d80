"""Resource handlers by CloudFormation type name. Each family module lists its handlers in
HANDLERS; an unsupported type is an error naming it (nothing is skipped silently)."""

from __future__ import annotations

from cloudlet.deploy.resources import (
    awslambda,
    cdk,
    cloudwatch,
    custom,
    dynamodb,
    events,
    iam,
    kms,
    logs,
    s3,
    scheduler,
    sns,
    sqs,
    ssm,
)
from cloudlet.deploy.resources.base import ResourceHandler

_FAMILIES = (
    awslambda,
    cdk,
    cloudwatch,
    custom,
    dynamodb,
    events,
    iam,
    kms,
    logs,
    s3,
    scheduler,
    sns,
    sqs,
    ssm,
)

HANDLERS: dict[str, ResourceHandler] = {
    handler.type_name: handler for family in _FAMILIES for handler in family.HANDLERS
}


def handler_for(type_name: str) -> ResourceHandler | None:
    """The handler of a type; Custom::* and AWS::CloudFormation::CustomResource share the
    Lambda-backed one unless a native handler exists (CDK's own custom resources)."""
    found = HANDLERS.get(type_name)
    if found is None and (
        type_name.startswith("Custom::") or type_name == "AWS::CloudFormation::CustomResource"
    ):
        found = HANDLERS.get("AWS::CloudFormation::CustomResource")
    return found
