"""Deployment packages: zips stored once by content under <data dir>/lambda/code/, extracted
beside them; code fetched from S3 through the internal API; local ("hot reload") directories."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.services.awslambda.names import invalid, too_large

# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
ZIPPED_LIMIT = 52428800  # 50 MB, direct upload
UNZIPPED_LIMIT = 262144000  # 250 MB, function and layers
# The direct-upload limit as the API words it: the size of the request carrying the base64 zip.
REQUEST_LIMIT = 69905067

# LocalStack's convention, so tools that know it work: Code {S3Bucket: "hot-reload",
# S3Key: "/abs/path"} runs the directory itself; edits apply on the next cold start.
HOT_RELOAD_BUCKETS = ("hot-reload", "__local__")
HOT_RELOAD_SHA = "hot-reloading-hash-not-available"


@dataclass(frozen=True)
class Package:
    sha256: str  # base64, as CodeSha256
    size: int
    directory: Path
    zip_path: Path | None  # None for a local directory


def code_root(data_dir: Path) -> Path:
    return data_dir / "lambda" / "code"


def store_zip(data_dir: Path, data: bytes, operation: str, direct: bool = True) -> Package:
    """Keep the zip and its extraction (once per content). Blocking: run in a thread."""
    if direct and len(data) > ZIPPED_LIMIT:
        raise too_large(REQUEST_LIMIT, operation)
    digest = hashlib.sha256(data)
    hexsha = digest.hexdigest()
    root = code_root(data_dir)
    target = root / hexsha
    zip_path = root / f"{hexsha}.zip"
    if not target.is_dir():
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{hexsha[:12]}-", dir=root))
        try:
            _extract(data, staging)
            if not zip_path.exists():
                (staging.parent / f".{hexsha}.zip.tmp").write_bytes(data)
                os.replace(staging.parent / f".{hexsha}.zip.tmp", zip_path)
            try:
                os.rename(staging, target)
            except OSError:  # another request extracted the same content first
                shutil.rmtree(staging, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return Package(base64.b64encode(digest.digest()).decode("ascii"), len(data), target, zip_path)


def _extract(data: bytes, into: Path) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise invalid(
            "Could not unzip uploaded file. Please check your file, then try to upload again."
        ) from exc
    with archive:
        members = archive.infolist()
        if sum(item.file_size for item in members) > UNZIPPED_LIMIT:
            raise invalid(f"Unzipped size must be smaller than {UNZIPPED_LIMIT} bytes")
        base = into.resolve()
        for item in members:
            destination = (base / item.filename).resolve()
            if destination != base and base not in destination.parents:
                raise invalid(
                    "Could not unzip uploaded file. Please check your file, then try to upload again."
                )
        try:
            archive.extractall(base)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise invalid(
                "Could not unzip uploaded file. Please check your file, then try to upload again."
            ) from exc
        # Keep the executable bits the zip recorded (bootstrap scripts, binaries in layers).
        for item in members:
            mode = (item.external_attr >> 16) & 0o777
            if mode and not item.is_dir():
                os.chmod(base / item.filename, mode | 0o400)


def local_package(key: str) -> Package:
    path = Path(key)
    if not path.is_absolute():
        raise invalid(f"The hot-reload S3Key must be an absolute directory path, not {key!r}.")
    if not path.is_dir():
        raise invalid(f"The hot-reload directory {key} does not exist on the cloudlet server.")
    return Package(HOT_RELOAD_SHA, 0, path, None)


async def fetch_package(
    env_extras: dict[str, Any],
    data_dir: Path,
    code: dict[str, Any],
    account: str,
    region: str,
    operation: str,
) -> Package:
    """The package a Code / Content argument names: ZipFile bytes or S3Bucket + S3Key."""
    if code.get("ZipFile") is not None:
        data = code["ZipFile"]
        return await asyncio.to_thread(store_zip, data_dir, bytes(data), operation)
    bucket, key = code.get("S3Bucket"), code.get("S3Key")
    if bucket and key:
        if bucket in HOT_RELOAD_BUCKETS:
            return local_package(str(key))
        data = await _get_object(env_extras, bucket, key, code.get("S3ObjectVersion"), account, region)
        return await asyncio.to_thread(store_zip, data_dir, data, operation, False)
    if code.get("ImageUri"):
        raise invalid("cloudlet runs Zip packages only; container images (ImageUri) are not supported.")
    raise invalid("Please provide a source for function code.")


async def _get_object(
    extras: dict[str, Any], bucket: str, key: str, version: str | None, account: str, region: str
) -> bytes:
    params: dict[str, Any] = {"Bucket": bucket, "Key": key}
    if version:
        params["VersionId"] = version
    try:
        result = await extras["clients"].call("s3", "GetObject", params, account, region)
    except ServiceError as exc:
        raise invalid(
            f"Error occurred while GetObject. S3 Error Code: {exc.code}. S3 Error Message: {exc.message}"
        ) from exc
    return await _read_body(result.get("Body"))


async def _read_body(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    chunks = getattr(body, "chunks", None)
    if chunks is not None:  # protocol.http.FileStream: read off the loop, closes the file
        parts = [part async for part in chunks()]
        return b"".join(parts)
    read = getattr(body, "read", None)
    if read is not None:
        data = await asyncio.to_thread(read)
        return bytes(data)
    raise TypeError(f"unexpected S3 body {type(body).__name__}")
