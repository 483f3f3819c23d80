"""Object-level S3 steps the CDK handlers need: reading a body, listing keys under a prefix,
deleting keys in batches, and emptying a bucket of every version and delete marker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from cloudlet.deploy.resources.base import ResourceContext
from cloudlet.errors import ServiceError

_BATCH = 1000  # DeleteObjects' limit


async def read_body(body: Any) -> bytes:
    """GetObject's Body as bytes: bytes from the internal API (or a file stream for large
    objects, read in chunks), a botocore StreamingBody from boto3."""
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    chunks = getattr(body, "chunks", None)
    if chunks is not None:
        parts = [part async for part in chunks()]
        return b"".join(parts)
    data: bytes = await asyncio.to_thread(body.read)
    return data


async def get_object(ctx: ResourceContext, bucket: str, key: str) -> bytes:
    result = await ctx.call("s3", "GetObject", {"Bucket": bucket, "Key": key})
    return await read_body(result.get("Body"))


async def list_keys(ctx: ResourceContext, bucket: str, prefix: str) -> AsyncIterator[str]:
    params: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix}
    while True:
        page = await ctx.call("s3", "ListObjectsV2", params)
        for item in page.get("Contents") or []:
            yield str(item["Key"])
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not token:
            return
        params["ContinuationToken"] = token


async def delete_keys(ctx: ResourceContext, bucket: str, objects: list[dict[str, str]]) -> None:
    """Delete {Key[, VersionId]} entries, up to 1000 per request."""
    for start in range(0, len(objects), _BATCH):
        batch = objects[start : start + _BATCH]
        result = await ctx.call(
            "s3", "DeleteObjects", {"Bucket": bucket, "Delete": {"Objects": batch, "Quiet": True}}
        )
        failed = result.get("Errors") or []
        if failed:
            first = failed[0]
            raise ServiceError(str(first.get("Code")), f"{first.get('Key')}: {first.get('Message')}", 400)


async def delete_prefix(ctx: ResourceContext, bucket: str, prefix: str) -> None:
    keys = [{"Key": key} async for key in list_keys(ctx, bucket, prefix)]
    await delete_keys(ctx, bucket, keys)


async def empty_bucket(ctx: ResourceContext, bucket: str) -> None:
    """Every object version and delete marker, so DeleteBucket succeeds (each page is
    deleted, then the listing starts over until nothing is left)."""
    while True:
        page = await ctx.call("s3", "ListObjectVersions", {"Bucket": bucket})
        entries = [
            {"Key": str(item["Key"]), "VersionId": str(item["VersionId"])}
            for member in ("Versions", "DeleteMarkers")
            for item in page.get(member) or []
        ]
        if not entries:
            return
        await delete_keys(ctx, bucket, entries)
