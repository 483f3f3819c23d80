"""CloudWatch Logs names, ARNs, limits and errors, with AWS's wording (pure)."""

from __future__ import annotations

import re
from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError

GROUP_NAME = re.compile(r"[\.\-_/#A-Za-z0-9]+")
STREAM_NAME = re.compile(r"[^:*]*")

# PutRetentionPolicy's enum (API reference, retentionInDays).
RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
GROUP_CLASSES = ("STANDARD", "INFREQUENT_ACCESS", "DELIVERY", "ESSENTIALS")
MAX_TAGS = 50

DAY_MS = 86_400_000
HOUR_MS = 3_600_000


def group_arn(region: str, account: str, name: str) -> str:
    """The logGroupArn (no trailing ":*"); DescribeLogGroups' `arn` adds ":*"."""
    return ids.arn("logs", region, account, f"log-group:{name}")


def stream_arn(region: str, account: str, group: str, stream: str) -> str:
    return ids.arn("logs", region, account, f"log-group:{group}:log-stream:{stream}")


def parse_group_arn(value: str) -> tuple[str, str, str] | None:
    """(account, region, name) of a log group ARN, with or without the trailing ":*"."""
    parts = ids.parse_arn(value)
    if parts is None or parts["service"] != "logs" or not parts["resource"].startswith("log-group:"):
        return None
    name = parts["resource"][len("log-group:") :]
    if name.endswith(":*"):
        name = name[:-2]
    if not name or ":" in name:
        return None
    return parts["account"], parts["region"], name


# -- errors -------------------------------------------------------------------------------------


def invalid(message: str) -> ServiceError:
    return ServiceError("InvalidParameterException", message)


def constraint(value: Any, at: str, rule: str) -> ServiceError:
    return invalid(
        f"1 validation error detected: Value '{value}' at '{at}' failed to satisfy constraint: {rule}"
    )


def group_not_found() -> ServiceError:
    return ServiceError("ResourceNotFoundException", "The specified log group does not exist.")


def stream_not_found() -> ServiceError:
    return ServiceError("ResourceNotFoundException", "The specified log stream does not exist.")


def bad_token() -> ServiceError:
    return invalid("The specified nextToken is invalid.")


# -- validation ---------------------------------------------------------------------------------


def check_group_name(name: Any, at: str = "logGroupName") -> str:
    if not isinstance(name, str) or not name:
        raise constraint(name, at, "Member must have length greater than or equal to 1")
    if len(name) > 512:
        raise constraint(name, at, "Member must have length less than or equal to 512")
    if not GROUP_NAME.fullmatch(name):
        raise constraint(name, at, "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+")
    return name


def check_stream_name(name: Any, at: str = "logStreamName") -> str:
    if not isinstance(name, str) or not name:
        raise constraint(name, at, "Member must have length greater than or equal to 1")
    if len(name) > 512:
        raise constraint(name, at, "Member must have length less than or equal to 512")
    if not STREAM_NAME.fullmatch(name):
        raise constraint(name, at, "Member must satisfy regular expression pattern: [^:*]*")
    return name


def check_limit(value: Any, maximum: int, default: int) -> int:
    if value is None:
        return default
    if not isinstance(value, int) or value < 1:
        raise constraint(value, "limit", "Member must have value greater than or equal to 1")
    if value > maximum:
        raise constraint(value, "limit", f"Member must have value less than or equal to {maximum}")
    return value


def check_retention(days: Any) -> int:
    if days not in RETENTION_DAYS:
        allowed = ", ".join(str(d) for d in RETENTION_DAYS)
        raise constraint(days, "retentionInDays", f"Member must satisfy enum value set: [{allowed}]")
    return int(days)


def check_tags(tags: Any, at: str = "tags") -> dict[str, str]:
    if not isinstance(tags, dict):
        raise invalid(f"Invalid {at}")
    for key, value in tags.items():
        if not isinstance(key, str) or not 1 <= len(key) <= 128:
            raise constraint(key, at, "Member must have length less than or equal to 128")
        if key.lower().startswith("aws:"):
            raise invalid("Tag keys beginning with 'aws:' are reserved for system use.")
        if not isinstance(value, str) or len(value) > 256:
            raise constraint(value, at, "Member must have length less than or equal to 256")
    return {str(k): str(v) for k, v in tags.items()}


def too_many_tags(resource: str) -> ServiceError:
    return ServiceError(
        "TooManyTagsException",
        f"A resource can have no more than {MAX_TAGS} tags.",
        fields={"resourceName": resource},
    )
