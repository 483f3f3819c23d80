"""Lifecycle rules: the checks PutBucketLifecycleConfiguration makes, and the expiry S3
announces in x-amz-expiration for an object a rule will expire.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from cloudlet.protocol.values import as_datetime
from cloudlet.services.s3 import errors

MAX_RULE_ID = 255


def check_rule(rule: dict[str, Any]) -> None:
    """One rule as S3 checks it: ID length, Status, positive Days and midnight Dates."""
    if len(str(rule.get("ID") or "")) > MAX_RULE_ID:
        raise errors.invalid_argument("ID length should not exceed allowed limit of 255")
    if rule.get("Status") not in ("Enabled", "Disabled"):
        raise errors.malformed_xml()
    expiration = rule.get("Expiration") or {}
    days = expiration.get("Days")
    if days is not None and int(days) <= 0:
        raise errors.invalid_argument("'Days' for Expiration action must be a positive integer")
    dates = [expiration.get("Date")] + [t.get("Date") for t in rule.get("Transitions") or []]
    for date in dates:
        if date is not None and not _is_midnight(as_datetime(date)):
            raise errors.invalid_argument("'Date' must be at midnight GMT")


def check_unique_ids(rules: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule["ID"] in seen:
            raise errors.invalid_argument("Rule ID must be unique. Found same ID for more than one rule")
        seen.add(rule["ID"])


def _is_midnight(moment: datetime) -> bool:
    moment = moment.astimezone(UTC)
    return (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


def expiration_header(
    config: dict[str, Any] | None, key: str, size: int, tags: dict[str, str], created: float
) -> str | None:
    """x-amz-expiration for the current version of an object: the first Enabled rule that
    matches it and expires current versions. Days count from the creation time, rounded up
    to the next midnight UTC (https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-expire-general-considerations.html)."""
    for rule in (config or {}).get("Rules") or []:
        expiration = rule.get("Expiration") or {}
        if rule.get("Status") != "Enabled" or not _matches(rule, key, size, tags):
            continue
        if expiration.get("Days") is not None:
            due = datetime.fromtimestamp(created, UTC) + timedelta(days=int(expiration["Days"]))
            midnight = due.replace(hour=0, minute=0, second=0, microsecond=0)
            expiry = midnight if midnight == due else midnight + timedelta(days=1)
        elif expiration.get("Date") is not None:
            expiry = as_datetime(expiration["Date"]).astimezone(UTC)
        else:
            continue
        stamp = expiry.strftime("%a, %d %b %Y %H:%M:%S GMT")
        return f'expiry-date="{stamp}", rule-id="{rule.get("ID", "")}"'
    return None


def _matches(rule: dict[str, Any], key: str, size: int, tags: dict[str, str]) -> bool:
    """The rule's filter (or its legacy top-level Prefix) against the object."""
    if "Filter" not in rule:
        return key.startswith(str(rule.get("Prefix") or ""))
    condition = rule.get("Filter") or {}
    if "And" in condition:
        condition = {**condition["And"], "Tags": condition["And"].get("Tags") or []}
    else:
        condition = {**condition, "Tags": [condition["Tag"]] if condition.get("Tag") else []}
    if not key.startswith(str(condition.get("Prefix") or "")):
        return False
    if any(tags.get(str(tag["Key"])) != str(tag["Value"]) for tag in condition["Tags"]):
        return False
    greater = condition.get("ObjectSizeGreaterThan")
    less = condition.get("ObjectSizeLessThan")
    return (greater is None or size > int(greater)) and (less is None or size < int(less))
