"""Identifiers: ARNs, request and message ids, receipt handles (pure)."""

from __future__ import annotations

import base64
import os
import secrets


def uuid4() -> str:
    """A random (version 4) UUID as text, without uuid.UUID's overhead (on every request)."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


request_id = uuid4
message_id = uuid4


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
