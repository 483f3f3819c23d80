"""Queue attributes: names, defaults, ranges and the validation CreateQueue and
SetQueueAttributes share (pure). Values are strings on the wire and in storage.

https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.services.sqs.errors import (
    invalid_attribute_value,
    invalid_value,
    sqs_error,
    unknown_attribute,
)

# name -> (minimum, maximum, default)
NUMERIC: dict[str, tuple[int, int, int]] = {
    "DelaySeconds": (0, 900, 0),
    "MaximumMessageSize": (1024, 1_048_576, 1_048_576),
    "MessageRetentionPeriod": (60, 1_209_600, 345_600),
    "ReceiveMessageWaitTimeSeconds": (0, 20, 0),
    "VisibilityTimeout": (0, 43_200, 30),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400, 300),
}
FIFO_ONLY = ("FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit")
SETTABLE = frozenset(
    [
        *NUMERIC,
        "Policy",
        "RedrivePolicy",
        "RedriveAllowPolicy",
        "KmsMasterKeyId",
        "SqsManagedSseEnabled",
        *FIFO_ONLY,
    ]
)
COMPUTED = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesDelayed",
    "ApproximateNumberOfMessagesNotVisible",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "QueueArn",
)
READABLE = frozenset([*SETTABLE, *COMPUTED])
MAX_RECEIVE_COUNT = (1, 1000)
MAX_REDRIVE_SOURCES = 10
REDRIVE_PERMISSIONS = ("allowAll", "denyAll", "byQueue")


@dataclass(frozen=True)
class RedrivePolicy:
    target_arn: str
    max_receive_count: int

    def to_json(self) -> str:
        return _compact({"deadLetterTargetArn": self.target_arn, "maxReceiveCount": self.max_receive_count})


@dataclass(frozen=True)
class RedriveAllowPolicy:
    permission: str
    source_arns: tuple[str, ...] = ()

    def allows(self, source_arn: str) -> bool:
        if self.permission == "allowAll":
            return True
        if self.permission == "denyAll":
            return False
        return source_arn in self.source_arns


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _bool(name: str, value: str) -> str:
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise invalid_attribute_value(name)
    return lowered


def _integer(name: str, value: str) -> str:
    low, high, _ = NUMERIC[name]
    try:
        number = int(value.strip())
    except ValueError:
        raise invalid_attribute_value(name) from None
    if not low <= number <= high:
        raise invalid_attribute_value(name)
    return str(number)


def defaults(fifo: bool) -> dict[str, str]:
    values = {name: str(default) for name, (_, _, default) in NUMERIC.items()}
    values["SqsManagedSseEnabled"] = "true"
    if fifo:
        values.update(
            FifoQueue="true",
            ContentBasedDeduplication="false",
            DeduplicationScope="queue",
            FifoThroughputLimit="perQueue",
        )
    return values


def validate(given: dict[str, str], fifo: bool, creating: bool) -> dict[str, str]:
    """Check names and values; return them normalized (booleans lower case, integers
    canonical, JSON policies compact). "" for Policy/RedrivePolicy/RedriveAllowPolicy/
    KmsMasterKeyId means "remove". Cross-queue checks (the dead-letter target) are the caller's."""
    normalized: dict[str, str] = {}
    for name, raw in given.items():
        value = "" if raw is None else str(raw)
        if name not in SETTABLE:
            raise unknown_attribute(name)
        if name in ("FifoQueue", "ContentBasedDeduplication") and not fifo:
            raise unknown_attribute(name)
        if name in ("DeduplicationScope", "FifoThroughputLimit") and not fifo:
            raise sqs_error(
                "InvalidAttributeName", f"You can specify the {name} only when FifoQueue is set to true."
            )
        if name in NUMERIC:
            normalized[name] = _integer(name, value)
        elif name == "FifoQueue":
            if _bool(name, value) != "true":
                raise invalid_attribute_value(name, "Modifying queue type is not supported.")
            normalized[name] = "true"
        elif name in ("ContentBasedDeduplication", "SqsManagedSseEnabled"):
            normalized[name] = _bool(name, value)
        elif name == "DeduplicationScope":
            if value not in ("messageGroup", "queue"):
                raise invalid_attribute_value(name)
            normalized[name] = value
        elif name == "FifoThroughputLimit":
            if value not in ("perQueue", "perMessageGroupId"):
                raise invalid_attribute_value(name)
            normalized[name] = value
        elif name == "Policy":
            normalized[name] = _policy(value)
        elif name == "RedrivePolicy":
            normalized[name] = "" if not value.strip() else parse_redrive_policy(value).to_json()
        elif name == "RedriveAllowPolicy":
            normalized[name] = "" if not value.strip() else _redrive_allow_json(value)
        else:  # KmsMasterKeyId
            normalized[name] = value
    if normalized.get("KmsMasterKeyId") and normalized.get("SqsManagedSseEnabled") == "true":
        raise sqs_error(
            "InvalidAttributeName",
            "You can use one type of server-side encryption (SSE) at one time. "
            "You can either enable KMS SSE or SQS SSE.",
        )
    if normalized.get("KmsMasterKeyId"):
        normalized["SqsManagedSseEnabled"] = "false"
    return normalized


def check_throughput(effective: dict[str, str]) -> None:
    """High-throughput FIFO needs deduplication per message group."""
    if (
        effective.get("FifoThroughputLimit") == "perMessageGroupId"
        and effective.get("DeduplicationScope") != "messageGroup"
    ):
        raise invalid_attribute_value(
            "FifoThroughputLimit",
            "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup",
        )


def _json_map(value: str, error: Callable[[], ServiceError]) -> dict[str, Any]:
    """The JSON object `value` spells; `error()` raised when it is not JSON or not an object."""
    try:
        document = json.loads(value)
    except ValueError:
        raise error() from None
    if not isinstance(document, dict):
        raise error()
    return document


def _policy(value: str) -> str:
    if not value.strip():
        return ""
    _json_map(value, lambda: invalid_attribute_value("Policy"))
    return value


def parse_redrive_policy(value: str) -> RedrivePolicy:
    def bad(reason: str) -> ServiceError:
        return invalid_value("RedrivePolicy", value, reason)

    document = _json_map(value, lambda: bad("Redrive policy is not a valid JSON map."))
    for key in document:
        if key not in ("deadLetterTargetArn", "maxReceiveCount"):
            raise bad(
                f"Only following attributes are supported: [deadLetterTargetArn, maxReceiveCount].{key}"
            )
    target = document.get("deadLetterTargetArn")
    if not target:
        raise bad("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
    if "maxReceiveCount" not in document:
        raise bad("Redrive policy does not contain mandatory attribute: maxReceiveCount.")
    count_value = document["maxReceiveCount"]
    try:
        count = int(count_value)
        if isinstance(count_value, bool) or str(count_value).strip() != str(count):
            raise ValueError
    except (TypeError, ValueError):
        count = 0
    low, high = MAX_RECEIVE_COUNT
    if not low <= count <= high:
        raise bad(
            f"Invalid value for maxReceiveCount: {count_value}, valid values are from {low} to {high} both inclusive."
        )
    arn = ids.parse_arn(str(target))
    if arn is None or arn["service"] != "sqs":
        raise bad(f"Invalid value for deadLetterTargetArn: {target}")
    return RedrivePolicy(str(target), count)


def parse_redrive_allow_policy(value: str) -> RedriveAllowPolicy:
    def bad(reason: str) -> ServiceError:
        return invalid_value("RedriveAllowPolicy", value, reason)

    document = _json_map(value, lambda: bad("Redrive allow policy is not a valid JSON map."))
    permission = document.get("redrivePermission")
    if permission not in REDRIVE_PERMISSIONS:
        raise bad(
            f"Invalid value for redrivePermission: {permission}, valid values are {list(REDRIVE_PERMISSIONS)}."
        )
    sources = document.get("sourceQueueArns")
    if permission == "byQueue":
        if not isinstance(sources, list) or not sources:
            raise bad("sourceQueueArns must be specified when redrivePermission is byQueue.")
        if len(sources) > MAX_REDRIVE_SOURCES:
            raise bad(f"Maximum number of sourceQueueArns is {MAX_REDRIVE_SOURCES}.")
        if not all(isinstance(arn, str) and ids.parse_arn(arn) for arn in sources):
            raise bad("sourceQueueArns must be a list of queue ARNs.")
        return RedriveAllowPolicy(permission, tuple(sources))
    if sources:
        raise bad("sourceQueueArns can be specified only when redrivePermission is byQueue.")
    return RedriveAllowPolicy(permission)


def _redrive_allow_json(value: str) -> str:
    policy = parse_redrive_allow_policy(value)
    document: dict[str, Any] = {"redrivePermission": policy.permission}
    if policy.source_arns:
        document["sourceQueueArns"] = list(policy.source_arns)
    return _compact(document)


def differing(requested: dict[str, str], effective: dict[str, str]) -> str | None:
    """The first requested attribute whose value differs from the queue's (CreateQueue on an
    existing name), or None. Absent optional attributes compare as ""."""
    for name, value in requested.items():
        current = effective.get(name, "")
        if name == "Policy" and value and current:
            if json.loads(value) != json.loads(current):
                return name
        elif value != current:
            return name
    return None
