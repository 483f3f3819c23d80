"""The x-amz-copy-source of CopyObject / UploadPartCopy: `bucket/key[?versionId=id]`, URL-encoded."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote

from cloudlet.services.s3 import errors


def parse(text: str | None) -> tuple[str, str, str | None]:
    """(bucket, key, version id or None)."""
    if not text:
        raise errors.invalid_argument(
            "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
            "x-amz-copy-source",
            text,
        )
    path, _, query = str(text).partition("?")
    path = unquote(path).lstrip("/")
    bucket, _, key = path.partition("/")
    if not bucket or not key:
        raise errors.invalid_argument("Invalid copy source object key", "x-amz-copy-source", text)
    version_id = dict(parse_qsl(query)).get("versionId") if query else None
    return bucket, key, version_id
