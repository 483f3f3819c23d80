"""Identifiers: ARNs, request and message ids, receipt handles (pure)."""

from __future__ import annotations

import base64
import secrets
import uuid


def request_id() -> str:
    return str(uuid.uuid4())


def message_id() -> str:
    return str(uuid.uuid4())


def arn(service: str, region: str, account: str, resource: str) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def parse_arn(value: str) -> dict[str, str] | None:
    parts = value.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return {
        "partition": parts[1],
        "service": parts[2],
        "region": parts[3],
        "account": parts[4],
        "resource": parts[5],
    }


def token(nbytes: int = 16) -> str:
    """An opaque url-safe random token."""
    return base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).decode("ascii").rstrip("=")
