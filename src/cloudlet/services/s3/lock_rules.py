"""Object Lock rules (pure): what a new version is locked with, and which deletes a lock forbids.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.protocol.values import as_datetime
from cloudlet.services.s3 import errors

MODES = ("GOVERNANCE", "COMPLIANCE")


def not_enabled() -> ServiceError:
    return errors.invalid_request("Bucket is missing Object Lock Configuration")


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def default_retention(configs: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The lock members a new version gets from the bucket's default retention rule."""
    rule = ((configs.get("object_lock") or {}).get("Rule") or {}).get("DefaultRetention") or {}
    if not rule.get("Mode"):
        return {}
    length = timedelta(days=int(rule.get("Days") or 0) + 365 * int(rule.get("Years") or 0))
    return {"ObjectLockMode": rule["Mode"], "ObjectLockRetainUntilDate": iso(now + length)}


def lock_members(params: dict[str, Any], configs: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The lock members a PutObject / CreateMultipartUpload / CopyObject sets."""
    mode = params.get("ObjectLockMode")
    until = params.get("ObjectLockRetainUntilDate")
    hold = params.get("ObjectLockLegalHoldStatus")
    if (mode or until or hold) and not configs.get("object_lock"):
        raise not_enabled()
    if bool(mode) != bool(until):
        raise errors.invalid_argument(
            "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied"
        )
    out = default_retention(configs, now)
    if mode and until is not None:
        if mode not in MODES:
            raise errors.invalid_argument("Unknown wormMode directive.", "x-amz-object-lock-mode", mode)
        out = {"ObjectLockMode": mode, "ObjectLockRetainUntilDate": iso(as_datetime(until))}
    if hold:
        out["ObjectLockLegalHoldStatus"] = hold
    return out


def check_delete(meta: dict[str, Any], bypass: bool, now: datetime) -> None:
    """A locked version cannot be deleted: a legal hold, or retention until a future date
    (GOVERNANCE yields to x-amz-bypass-governance-retention)."""
    if meta.get("ObjectLockLegalHoldStatus") == "ON":
        raise errors.access_denied("Access Denied because object protected by object lock.")
    until = meta.get("ObjectLockRetainUntilDate")
    if until and as_datetime(until) > now:
        if meta.get("ObjectLockMode") == "COMPLIANCE" or not bypass:
            raise errors.access_denied("Access Denied because object protected by object lock.")
