"""What S3 adds to or refuses around object reads and writes, beyond storing them:
x-amz-expiration when a lifecycle rule will expire the object, 400 for SSE request headers
on reads, ACLs refused on BucketOwnerEnforced buckets (and kept where ACLs are enabled),
and non-ASCII user metadata returned RFC 2047-encoded."""

from __future__ import annotations

import base64
import json
from typing import Any

from cloudlet.protocol.http import Headers
from cloudlet.services.s3 import acl, errors, lifecycle_rules, store

# "Encryption request headers, like x-amz-server-side-encryption, should not be sent for GET
# requests [...] you'll get an HTTP 400 Bad Request error."
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
_WRITE_ONLY_SSE_HEADERS = (
    "x-amz-server-side-encryption",
    "x-amz-server-side-encryption-aws-kms-key-id",
    "x-amz-server-side-encryption-context",
    "x-amz-server-side-encryption-bucket-key-enabled",
)


def refuse_sse_headers(headers: Headers) -> None:
    for name in _WRITE_ONLY_SSE_HEADERS:
        if name in headers:
            raise errors.invalid_argument(
                f"{name} header is not supported for this operation.", name, headers[name]
            )


def kept_acl(configs: dict[str, Any], params: dict[str, Any], owner: dict[str, str]) -> dict[str, Any]:
    """The ACL a write keeps with its object ({"ACL": ...}, or {} for the owner-only default).
    ACLs are disabled on a BucketOwnerEnforced bucket: there a write may name no ACL or
    bucket-owner-full-control only.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html"""
    if acl.is_owner_only(params):
        return {}
    rules = (configs.get("ownership") or {}).get("Rules") or [{}]
    if rules[0].get("ObjectOwnership") == "BucketOwnerEnforced":
        raise acl.acl_not_supported()
    value = acl.from_params(params, owner)
    return {"ACL": value} if value is not None else {}


def expiration(bucket: store.Row, key: str, size: int, meta: dict[str, Any], created: float) -> str | None:
    """x-amz-expiration of an object's current version, if a lifecycle rule will expire it."""
    configs_text = str(bucket["configs"] or "")
    if '"lifecycle"' not in configs_text:  # most buckets: no parsing on the read path
        return None
    config = json.loads(configs_text).get("lifecycle")
    return lifecycle_rules.expiration_header(config, key, size, meta.get("Tags") or {}, created)


def mail_safe(metadata: dict[str, str]) -> dict[str, str]:
    """User metadata as S3 returns it: non-ASCII values RFC 2047-encoded.
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html#UserMetadata"""
    if all(value.isascii() for value in metadata.values()):
        return metadata
    return {name: _encoded(value) for name, value in metadata.items()}


def _encoded(value: str) -> str:
    if value.isascii():
        return value
    try:  # header values arrive as latin-1 text of the bytes sent, which clients send as UTF-8
        text = value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        text = value
    return "=?UTF-8?B?" + base64.b64encode(text.encode("utf-8")).decode() + "?="
