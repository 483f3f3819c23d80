"""Reading resource properties as CloudFormation hands them over: scalars may arrive as
strings (template parameters, and CloudFormation passes custom resources strings only), so
numbers and booleans are accepted in either form; JSON-typed properties may be objects or
already-encoded strings."""

from __future__ import annotations

import json
from typing import Any

from cloudlet.deploy.values import to_text


def as_bool(value: Any, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    return to_text(value).strip().lower() == "true"


def as_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    number = float(to_text(value))
    return None if number in (float("inf"), float("-inf")) else int(number)


def as_text(value: Any) -> str | None:
    return None if value is None else to_text(value)


def json_text(value: Any) -> str:
    """A JSON-typed property (a policy document, a filter policy) as the API's string."""
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def json_value(value: Any) -> Any:
    """A JSON-typed property as an object (decoding a string that holds JSON)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def tag_list(value: Any, key: str = "Key", val: str = "Value") -> list[dict[str, str]]:
    """CloudFormation's `Tags: [{Key, Value}]` (or a {key: value} map) as the API's list,
    with the API's member names (KMS: TagKey/TagValue)."""
    return [{key: k, val: v} for k, v in tag_map(value).items()]


def tag_map(value: Any) -> dict[str, str]:
    if not value:
        return {}
    if isinstance(value, dict):
        return {str(k): to_text(v) for k, v in value.items()}
    return {str(tag["Key"]): to_text(tag.get("Value", "")) for tag in value}


def changed(properties: dict[str, Any], old: dict[str, Any], *names: str) -> bool:
    return any(properties.get(name) != old.get(name) for name in names)
