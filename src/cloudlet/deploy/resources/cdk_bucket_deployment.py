"""CDK's BucketDeployment (Custom::CDKBucketDeployment) done natively: the zip assets in
SourceBucketNames/SourceObjectKeys are extracted (or, with Extract false, copied as they
are) into DestinationBucketName under DestinationBucketKeyPrefix, as CDK's handler does
with `aws s3 sync`: deploy-time markers substituted, Exclude/Include filters, content types
guessed from file names, SystemMetadata/UserMetadata on every object, and with Prune (the
default) objects under the prefix that the sources no longer hold deleted.

Not done: CloudFront invalidation (DistributionId is ignored: cloudlet has no CloudFront),
and the `expires` system metadata."""

from __future__ import annotations

import asyncio
import fnmatch
import io
import json
import mimetypes
import posixpath
import zipfile
from typing import Any

from cloudlet.deploy.resources.base import ResourceContext
from cloudlet.deploy.resources.property_values import as_bool
from cloudlet.deploy.resources.s3_objects import delete_keys, delete_prefix, get_object, list_keys
from cloudlet.deploy.values import to_text

# CDK's SystemMetadata keys (the `aws s3 sync` flags) -> PutObject members
_SYSTEM_METADATA = {
    "cache-control": "CacheControl",
    "content-disposition": "ContentDisposition",
    "content-encoding": "ContentEncoding",
    "content-language": "ContentLanguage",
    "content-type": "ContentType",
    "sse": "ServerSideEncryption",
    "sse-kms-key-id": "SSEKMSKeyId",
    "storage-class": "StorageClass",
    "website-redirect": "WebsiteRedirectLocation",
    "acl": "ACL",
}


def destination(properties: dict[str, Any]) -> tuple[str, str]:
    bucket = to_text(properties["DestinationBucketName"])
    prefix = to_text(properties.get("DestinationBucketKeyPrefix") or "")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return bucket, prefix


def _texts(value: Any) -> list[str]:
    return [to_text(v) for v in value or []]


def _filtered_out(path: str, excludes: list[str], includes: list[str]) -> bool:
    """`aws s3 sync --exclude ... --include ...`: an include overrides the excludes."""
    excluded = any(fnmatch.fnmatchcase(path, pattern) for pattern in excludes)
    return excluded and not any(fnmatch.fnmatchcase(path, pattern) for pattern in includes)


def _replace_markers(data: bytes, markers: dict[str, Any], json_escape: bool) -> bytes:
    for marker, value in markers.items():
        text = to_text(value)
        if json_escape:
            text = json.dumps(text)[1:-1]
        data = data.replace(marker.encode(), text.encode())
    return data


def _extract(archive: bytes, markers: dict[str, Any], json_escape: bool) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        for info in zipped.infolist():
            if info.is_dir():
                continue
            data = zipped.read(info)
            files[info.filename.lstrip("/")] = (
                _replace_markers(data, markers, json_escape) if markers else data
            )
    return files


async def source_files(ctx: ResourceContext, properties: dict[str, Any]) -> dict[str, bytes]:
    """Relative path -> content of everything the sources deploy (later sources win)."""
    buckets, keys = _texts(properties.get("SourceBucketNames")), _texts(properties.get("SourceObjectKeys"))
    markers_list = properties.get("SourceMarkers") or [{} for _ in keys]
    configs = properties.get("SourceMarkersConfig") or [{} for _ in keys]
    extract = as_bool(properties.get("Extract"), default=True)
    files: dict[str, bytes] = {}
    for index, (bucket, key) in enumerate(zip(buckets, keys, strict=False)):
        archive = await get_object(ctx, bucket, key)
        if not extract:
            files[posixpath.basename(key)] = archive
            continue
        markers = markers_list[index] if index < len(markers_list) else {}
        config = configs[index] if index < len(configs) else {}
        json_escape = as_bool((config or {}).get("jsonEscape"))
        files.update(await asyncio.to_thread(_extract, archive, markers or {}, json_escape))
    return files


def _put_params(properties: dict[str, Any], path: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    guessed, _ = mimetypes.guess_type(path)
    if guessed:
        params["ContentType"] = guessed
    for key, value in (properties.get("SystemMetadata") or {}).items():
        member = _SYSTEM_METADATA.get(str(key).lower())
        if member:
            params[member] = to_text(value)
    user = properties.get("UserMetadata") or {}
    if user:
        params["Metadata"] = {str(k): to_text(v) for k, v in user.items()}
    return params


async def deploy(ctx: ResourceContext, properties: dict[str, Any]) -> list[str]:
    """Upload the sources; prune what they no longer hold. Returns the keys written."""
    bucket, prefix = destination(properties)
    excludes, includes = _texts(properties.get("Exclude")), _texts(properties.get("Include"))
    files = await source_files(ctx, properties)
    written: list[str] = []
    for path, data in sorted(files.items()):
        if _filtered_out(path, excludes, includes):
            continue
        key = prefix + path
        params = {"Bucket": bucket, "Key": key, "Body": data, **_put_params(properties, path)}
        await ctx.call("s3", "PutObject", params)
        written.append(key)
    if as_bool(properties.get("Prune"), default=True):
        kept = set(written)
        stale = [
            {"Key": key}
            async for key in list_keys(ctx, bucket, prefix)
            if key not in kept and not _filtered_out(key[len(prefix) :], excludes, includes)
        ]
        await delete_keys(ctx, bucket, stale)
    return written


async def remove(ctx: ResourceContext, properties: dict[str, Any]) -> None:
    """What a deployment with RetainOnDelete false does on delete: `aws s3 rm --recursive`."""
    bucket, prefix = destination(properties)
    await delete_prefix(ctx, bucket, prefix)
