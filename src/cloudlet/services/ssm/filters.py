"""ParameterFilters and the legacy Filters of DescribeParameters and GetParametersByPath (pure).

AWS (ParameterStringFilter): DescribeParameters takes every key but Label; GetParametersByPath
takes only Type, KeyId and Label. Options: Equals and BeginsWith; Name also Contains; Path
takes Recursive and OneLevel; Label only Equals."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.services.ssm.names import under_path
from cloudlet.services.ssm.store import Version

_KEY = re.compile(r"^(tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType)$")
BY_PATH_KEYS = {"Type", "KeyId", "Label"}


@dataclass(frozen=True)
class Filter:
    key: str
    option: str
    values: tuple[str, ...]


def _options(key: str, by_path: bool) -> tuple[str, ...]:
    if key == "Path":
        return ("Recursive", "OneLevel")
    if key == "Label":
        return ("Equals",)
    if key == "Name" and not by_path:
        return ("Equals", "BeginsWith", "Contains")
    return ("Equals", "BeginsWith")


def parse(raw: list[dict[str, Any]] | None, by_path: bool) -> list[Filter]:
    out: list[Filter] = []
    for item in raw or []:
        key = str(item.get("Key") or "")
        if not _KEY.match(key) or len(key) > 132:
            raise ServiceError("InvalidFilterKey", f"The following filter key is not valid: {key}")
        if by_path and key not in BY_PATH_KEYS:
            raise ServiceError("InvalidFilterKey", f"The following filter key is not valid: {key}")
        if not by_path and key == "Label":
            raise ServiceError("InvalidFilterKey", f"The following filter key is not valid: {key}")
        valid = _options(key, by_path)
        option = str(item.get("Option") or ("OneLevel" if key == "Path" else "Equals"))
        if option not in valid:
            raise ServiceError(
                "InvalidFilterOption",
                f"The following filter option is not valid: {option}. Valid options include:"
                f" [{', '.join(valid)}].",
            )
        values = tuple(str(v) for v in item.get("Values") or [])
        if not values and not key.startswith("tag:"):
            raise ServiceError(
                "InvalidFilterValue", f"The following filter values are missing : null for filter key {key}."
            )
        out.append(Filter(key, option, values))
    return out


def parse_legacy(raw: list[dict[str, Any]] | None) -> list[Filter]:
    """DescribeParameters' Filters: Name (begins with), Type, KeyId (equal)."""
    out = []
    for item in raw or []:
        key = str(item.get("Key") or "")
        if key not in ("Name", "Type", "KeyId"):
            raise ServiceError("InvalidFilterKey", f"The following filter key is not valid: {key}")
        values = tuple(str(v) for v in item.get("Values") or [])
        out.append(Filter(key, "BeginsWith" if key == "Name" else "Equals", values))
    return out


def _compare(option: str, actual: str | None, values: tuple[str, ...]) -> bool:
    if actual is None:
        return False
    if option == "BeginsWith":
        return any(actual.startswith(v) for v in values)
    if option == "Contains":
        return any(v in actual for v in values)
    return actual in values


def matches(item: Version, tags: dict[str, str], filters: list[Filter], labels: list[str]) -> bool:
    """Whether a parameter (its version `item`, its tags, all its labels) passes every filter."""
    for f in filters:
        if f.key.startswith("tag:"):
            tag = f.key[4:]
            if tag not in tags or (f.values and not _compare(f.option, tags[tag], f.values)):
                return False
        elif f.key == "Path":
            if not any(under_path(item.name, v, f.option == "Recursive") for v in f.values):
                return False
        elif f.key == "Label":
            if not set(labels) & set(f.values):
                return False
        else:
            actual = {
                "Name": item.name,
                "Type": item.type,
                "KeyId": item.key_id,
                "Tier": item.tier,
                "DataType": item.data_type,
            }[f.key]
            values = f.values
            if f.key == "Name" and f.option != "Contains":
                # AWS matches Name with or without the leading slash
                actual = actual.lstrip("/") if actual else actual
                values = tuple(v.lstrip("/") for v in values)
            if not _compare(f.option, actual, values):
                return False
    return True
