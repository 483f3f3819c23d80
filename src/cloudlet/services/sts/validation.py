"""STS input checks, worded as AWS words them (constraint messages of the API model)."""

from __future__ import annotations

import json
import re
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.ids import parse_arn

_SESSION_NAME = re.compile(r"^[\w+=,.@-]*$")
_SESSION_NAME_PATTERN = r"[\w+=,.@-]*"


class Constraints:
    """Collects "Value 'x' at 'member' failed to satisfy constraint: ..." findings, then raises
    them as one ValidationError ("N validation errors detected: a; b"), as AWS reports them."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, value: Any, member: str, constraint: str) -> None:
        self.found.append(
            f"Value '{value}' at '{member}' failed to satisfy constraint: Member must {constraint}"
        )

    def length(self, value: Any, member: str, low: int, high: int) -> None:
        if value is None:
            return
        text = str(value)
        if len(text) < low:
            self.add(text, member, f"have length greater than or equal to {low}")
        elif len(text) > high:
            self.add(text, member, f"have length less than or equal to {high}")

    def between(self, value: Any, member: str, low: int, high: int) -> None:
        if value is None:
            return
        if int(value) < low:
            self.add(value, member, f"have value greater than or equal to {low}")
        elif int(value) > high:
            self.add(value, member, f"have value less than or equal to {high}")

    def session_name(self, value: Any, member: str = "roleSessionName") -> None:
        if value is None:
            return
        self.length(value, member, 2, 64)
        if not _SESSION_NAME.match(str(value)):
            self.add(value, member, f"satisfy regular expression pattern: {_SESSION_NAME_PATTERN}")

    def raise_any(self) -> None:
        if not self.found:
            return
        count = len(self.found)
        noun = "error" if count == 1 else "errors"
        raise validation(f"{count} validation {noun} detected: " + "; ".join(self.found))


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationError", message, 400)


def required(params: dict[str, Any], *names: str) -> None:
    for name in names:
        if params.get(name) is None:
            raise ServiceError("MissingParameter", f"The request must contain the parameter {name}", 400)


def role_of(role_arn: str) -> tuple[str, str]:
    """(account, role name) of a role ARN: arn:aws:iam::<account>:role[/path]/<name>."""
    parsed = parse_arn(role_arn)
    if parsed is None or parsed["service"] != "iam" or not parsed["resource"].startswith("role/"):
        raise validation("Request ARN is invalid")
    name = parsed["resource"].rsplit("/", 1)[-1]
    if not re.fullmatch(r"\d{12}", parsed["account"]) or not name:
        raise validation("Request ARN is invalid")
    return parsed["account"], name


def check_policy(policy: Any) -> int:
    """A session policy must be JSON; returns PackedPolicySize (percent of the allowed size)."""
    if policy is None:
        return 0
    try:
        json.loads(str(policy))
    except ValueError as exc:
        raise ServiceError(
            "MalformedPolicyDocumentException", "The policy is not in the valid JSON format."
        ) from exc
    # AWS packs session policies and tags into a compressed binary; its size is not published.
    return max(1, min(100, len(str(policy)) * 100 // 2048))
