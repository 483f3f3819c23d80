"""Physical names CloudFormation generates when a resource's name property is absent.

The form is "<stack name>-<logical id>-<12 random alphanumerics>" (the CloudFormation User
Guide, "Name type": e.g. `stack123123123123-s3bucket-abcdefghijk1`). When that is longer than
the service allows, CloudFormation keeps 13 characters for the tail and its hyphen and
shares what is left, less one more hyphen, between the stack name and the logical id: the
stack name gets the larger half, and either takes what the other does not use. AWS does not
document the split; it reproduces names CloudFormation produced, e.g. for a 26-character
stack `chineseboostanalyticsstac-rainlyticslogsbucket8df4-hdst4ohfvdif` (S3, 63: 25 + 24)
and `ChineseboostAnalyticsStac-RainlyticsSummariesJobFun-UjecjFhpdr1d` (IAM role, 64: 25 + 25).
S3 bucket names are lowercased whole; FIFO queues and topics keep their ".fifo" suffix.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.values import to_text

SUFFIX_LENGTH = 12
_ALPHABET = string.ascii_letters + string.digits
_FIFO = ".fifo"


@dataclass(frozen=True)
class NameRule:
    property: str  # the property that names the resource
    max_length: int
    lowercase: bool = False
    fifo_property: str | None = None  # a true value here makes the name end in ".fifo"
    prefix: str | None = None  # used in place of the stack name (SSM parameters: "CFN")


NAME_RULES: dict[str, NameRule] = {
    "AWS::S3::Bucket": NameRule("BucketName", 63, lowercase=True),
    "AWS::SQS::Queue": NameRule("QueueName", 80, fifo_property="FifoQueue"),
    "AWS::SNS::Topic": NameRule("TopicName", 256, fifo_property="FifoTopic"),
    "AWS::Lambda::Function": NameRule("FunctionName", 64),
    "AWS::DynamoDB::Table": NameRule("TableName", 255),
    "AWS::DynamoDB::GlobalTable": NameRule("TableName", 255),
    "AWS::Events::Rule": NameRule("Name", 64),
    "AWS::Events::Archive": NameRule("ArchiveName", 48),
    "AWS::Events::Connection": NameRule("Name", 64),
    "AWS::Events::ApiDestination": NameRule("Name", 64),
    "AWS::Scheduler::Schedule": NameRule("Name", 64),
    "AWS::Scheduler::ScheduleGroup": NameRule("Name", 64),
    "AWS::IAM::Role": NameRule("RoleName", 64),
    "AWS::IAM::User": NameRule("UserName", 64),
    "AWS::IAM::Group": NameRule("GroupName", 128),
    "AWS::IAM::ManagedPolicy": NameRule("ManagedPolicyName", 128),
    "AWS::IAM::InstanceProfile": NameRule("InstanceProfileName", 128),
    "AWS::Logs::LogGroup": NameRule("LogGroupName", 512),
    "AWS::SSM::Parameter": NameRule("Name", 2048, prefix="CFN"),
}


def generate_name(
    stack_name: str,
    logical_id: str,
    max_length: int,
    *,
    lowercase: bool = False,
    fifo: bool = False,
    rng: random.Random | None = None,
) -> str:
    """`<stack>-<logicalId>-<suffix>` within `max_length` (".fifo" included when `fifo`)."""
    chooser = rng or random.SystemRandom()
    suffix = "".join(chooser.choice(_ALPHABET) for _ in range(SUFFIX_LENGTH))
    end = _FIFO if fifo else ""
    budget = max_length - len(end) - (SUFFIX_LENGTH + 1) - 1  # two hyphens and the tail
    stack_part, logical_part = _share(stack_name, logical_id, budget)
    name = f"{stack_part}-{logical_part}-{suffix}{end}"
    return name.lower() if lowercase else name


def _share(first: str, second: str, budget: int) -> tuple[str, str]:
    if len(first) + len(second) <= budget:
        return first, second
    first_half = (budget + 1) // 2
    if len(second) < budget - first_half:
        return first[: budget - len(second)], second
    if len(first) < first_half:
        return first, second[: budget - len(first)]
    return first[:first_half], second[: budget - first_half]


def physical_name(
    resource_type: str,
    stack_name: str,
    logical_id: str,
    properties: Mapping[str, Any],
    *,
    rng: random.Random | None = None,
) -> str | None:
    """The resource's name: the one its name property gives, else one generated as
    CloudFormation does; None for types with no name rule here (their physical id comes
    from the service, e.g. an event source mapping's UUID)."""
    rule = NAME_RULES.get(resource_type)
    if rule is None:
        return None
    given = properties.get(rule.property)
    if given is not None:
        return to_text(given)
    fifo = rule.fifo_property is not None and to_text(properties.get(rule.fifo_property)).lower() == "true"
    return generate_name(
        rule.prefix or stack_name, logical_id, rule.max_length, lowercase=rule.lowercase, fifo=fifo, rng=rng
    )


_STACK_NAME = re.compile(r"^[a-zA-Z][-a-zA-Z0-9]*$")


def check_stack_name(name: str) -> None:
    """CreateStack's stackName constraint, with the API's own message."""
    if len(name) > 128:
        raise ValidationError(
            f"1 validation error detected: Value '{name}' at 'stackName' failed to satisfy constraint: "
            "Member must have length less than or equal to 128"
        )
    if not _STACK_NAME.match(name):
        raise ValidationError(
            f"1 validation error detected: Value '{name}' at 'stackName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*"
        )
