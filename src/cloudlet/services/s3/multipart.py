"""Multipart uploads: create, upload (and copy) parts, complete, abort, list parts and uploads."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.protocol import checksums
from cloudlet.services.s3 import (
    conditions,
    copy_source,
    errors,
    lock_rules,
    object_meta,
    object_rules,
    sse,
    store,
)
from cloudlet.services.s3.core import owner
from cloudlet.services.s3.listing import _encoder, common_prefix, grouping
from cloudlet.services.s3.objects import ObjectOperations, check_key, meta_of, new_version_id

MIN_PART_SIZE = 5 * 1024 * 1024  # https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html
MAX_PART_NUMBER = 10_000
DEFAULT_MAX_PARTS = 1000
DEFAULT_MAX_UPLOADS = 1000


def _part_number(value: Any) -> int:
    number = int(value) if value is not None else 0
    if not 1 <= number <= MAX_PART_NUMBER:
        raise errors.invalid_argument(
            "Part number must be an integer between 1 and 10000, inclusive", "partNumber", value
        )
    return number


_COPY_RANGE = re.compile(r"bytes=(\d+)-(\d+)")


def _copy_range(text: str, size: int) -> tuple[int, int]:
    """x-amz-copy-source-range, stricter than GET's Range: bytes=first-last, both inside the
    source. Past the end is an error (GET would clamp it), with the codes S3 sends."""
    match = _COPY_RANGE.fullmatch(text.strip())
    if match is None or int(match.group(1)) > int(match.group(2)):
        raise errors.invalid_argument(
            "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last"
            " are the zero-based offsets of the first and last bytes to copy",
            "x-amz-copy-source-range",
            text,
        )
    first, last = int(match.group(1)), int(match.group(2))
    if first >= size:
        raise errors.invalid_request("The specified copy range is invalid for the source object size")
    if last >= size:
        raise errors.invalid_argument(
            f"Range specified is not valid for source object of size: {size}", "x-amz-copy-source-range", text
        )
    return first, last


class MultipartOperations(ObjectOperations):
    def _upload(
        self, ctx: RequestContext, params: dict[str, Any], completed: bool = False
    ) -> tuple[store.Row, store.Row, dict[str, Any]]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        upload = store.find_upload(self.db, str(params.get("UploadId") or ""))
        if (
            upload is None
            or upload["bucket"] != bucket["name"]
            or upload["key"] != params.get("Key")
            or (upload["completed"] is not None and not completed)
        ):
            raise errors.no_such_upload(str(params.get("UploadId") or ""))
        meta: dict[str, Any] = json.loads(upload["meta"])
        return bucket, upload, meta

    def create_multipart_upload(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        key = check_key(params.get("Key"))
        meta = object_meta.content_from(params, object_meta.default_encryption(self.configs(bucket)))
        meta.update(lock_rules.lock_members(params, self.configs(bucket), self.now_datetime()))
        meta.update(object_rules.kept_acl(self.configs(bucket), params, owner(ctx.account)))
        algorithm = params.get("ChecksumAlgorithm")
        kind = params.get("ChecksumType")
        if kind and not algorithm:
            raise errors.invalid_request(
                "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."
            )
        if algorithm:
            if algorithm not in checksums.ALGORITHMS:
                raise errors.invalid_request("Checksum algorithm provided is unsupported.")
            allowed = checksums.MULTIPART_TYPES[algorithm]
            kind = kind or allowed[0]
            if kind not in allowed:
                raise errors.invalid_request(
                    f"The {kind} checksum type cannot be used with the {algorithm.lower()} checksum algorithm."
                )
            meta["Upload"] = {"algorithm": algorithm, "type": kind}
        upload_id = ids.token(48)
        with self.db.write() as tx:
            store.insert_upload(tx, upload_id, bucket["name"], key, self.now(), meta)
        result: dict[str, Any] = {"Bucket": bucket["name"], "Key": key, "UploadId": upload_id}
        if algorithm:
            result.update({"ChecksumAlgorithm": algorithm, "ChecksumType": kind})
        result.update({k: meta[k] for k in object_meta.SSE_FIELDS if k in meta})
        return result

    async def upload_part(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        number = _part_number(params.get("PartNumber"))
        _, upload, meta = self._upload(ctx, params)
        sse.check_part(meta, params)
        algorithm = (meta.get("Upload") or {}).get("algorithm")
        written, checksum = await self.store_body(params.get("Body"), params, algorithm)
        sums = {checksum["algorithm"]: checksum["value"]} if checksum else {}
        etag = f'"{written.md5}"'
        await self._put_part(upload, number, written.blob, written.size, etag, sums)
        result: dict[str, Any] = {"ETag": etag}
        result.update({f"Checksum{name}": value for name, value in sums.items()})
        result.update({k: meta[k] for k in object_meta.SSE_FIELDS if k in meta})
        return result

    async def _put_part(
        self, upload: store.Row, number: int, blob: str, size: int, etag: str, sums: dict[str, str]
    ) -> None:
        with self.db.write() as tx:
            if store.find_upload(tx, upload["upload_id"]) is None:  # aborted meanwhile
                replaced: str | None = blob
            else:
                replaced = store.put_part(tx, upload["upload_id"], number, blob, size, etag, self.now(), sums)
        if replaced:
            await asyncio.to_thread(self.blobs.delete, [replaced])

    async def upload_part_copy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        number = _part_number(params.get("PartNumber"))
        _, upload, meta = self._upload(ctx, params)
        source_bucket, source_key, source_version = copy_source.parse(params.get("CopySource"))
        source = self.find_object(self.bucket(ctx, source_bucket), source_key, source_version, "GET")
        conditions.check_read(
            params, str(source["etag"]), float(source["last_modified"]), prefix="CopySourceIf"
        )
        sse.check_read(meta_of(source), params, prefix="CopySource")
        sse.check_part(meta, params)
        size = int(source["size"])
        span = (0, size - 1)
        text = params.get("CopySourceRange")
        if text:
            span = _copy_range(str(text), size)
        algorithm = (meta.get("Upload") or {}).get("algorithm")
        pieces = [(str(source["blob"]), span[0], span[1] - span[0] + 1)] if source["blob"] and size else []
        written = await asyncio.to_thread(self.blobs.concat, pieces, [algorithm] if algorithm else [])
        etag = f'"{written.md5}"'
        await self._put_part(upload, number, written.blob, written.size, etag, written.checksums)
        part: dict[str, Any] = {"ETag": etag, "LastModified": self.now()}
        part.update({f"Checksum{name}": value for name, value in written.checksums.items()})
        result: dict[str, Any] = {"CopyPartResult": part}
        result.update({k: meta[k] for k in object_meta.SSE_FIELDS if k in meta})
        if source["version_id"] != "null":
            result["CopySourceVersionId"] = source["version_id"]
        return result

    async def complete_multipart_upload(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket, upload, meta = self._upload(ctx, params, completed=True)
        if upload["completed"] is not None:
            # A repeated Complete of a completed upload answers as the first did.
            done: dict[str, Any] = json.loads(upload["completed"])
            return done
        key = str(upload["key"])
        requested = (params.get("MultipartUpload") or {}).get("Parts") or []
        if not requested:
            raise errors.malformed_xml()
        stored = {int(row["part_number"]): row for row in store.parts(self.db, upload["upload_id"])}
        chosen = self._check_parts(requested, stored)
        current = store.current(self.db, bucket["name"], key)
        live = current if current is not None and not current["delete_marker"] else None
        conditions.check_write(params, live["etag"] if live else None, key)
        upload_sum = meta.pop("Upload", None)
        full = [upload_sum["algorithm"]] if upload_sum and upload_sum["type"] == checksums.FULL_OBJECT else []
        pieces = [(str(row["blob"]), 0, int(row["size"])) for row in chosen]
        written = await asyncio.to_thread(self.blobs.concat, pieces, full)
        etag = checksums.multipart_etag(str(row["etag"]) for row in chosen)
        if upload_sum:
            algorithm = upload_sum["algorithm"]
            if full:
                value = written.checksums[algorithm]
            else:
                value = checksums.composite(
                    algorithm, (json.loads(row["checksums"]).get(algorithm) or "" for row in chosen)
                )
            expected = params.get(f"Checksum{algorithm}")
            if expected and expected != value:
                await asyncio.to_thread(self.blobs.delete, [written.blob])
                raise errors.bad_digest(algorithm)
            meta["Checksum"] = {"algorithm": algorithm, "value": value, "type": upload_sum["type"]}
        meta["Parts"] = [int(row["size"]) for row in chosen]
        if upload_sum:
            algorithm = upload_sum["algorithm"]
            meta["PartChecksums"] = [json.loads(row["checksums"]).get(algorithm) for row in chosen]
        version_id = new_version_id(bucket)
        result: dict[str, Any] = {
            "Location": f"{ctx.request.url_root}/{bucket['name']}/{key}",
            "Bucket": bucket["name"],
            "Key": key,
            "ETag": etag,
            **object_meta.checksum_members(meta),
        }
        result.update({k: meta[k] for k in object_meta.SSE_FIELDS if k in meta})
        if version_id != "null":
            result["VersionId"] = version_id
        now = self.now()
        expires = object_rules.expiration(bucket, key, written.size, meta, now)
        if expires is not None:
            result["Expiration"] = expires
        with self.db.write() as tx:
            now_upload = store.find_upload(tx, upload["upload_id"])
            gone = now_upload is None or now_upload["completed"] is not None  # completed or aborted meanwhile
            if gone:
                freed = [written.blob]
            else:
                freed = self.add_written_version(
                    tx,
                    ctx,
                    bucket,
                    key,
                    version_id,
                    written,
                    etag,
                    meta,
                    now,
                    "ObjectCreated:CompleteMultipartUpload",
                )
                freed += store.complete_upload(tx, upload["upload_id"], result, written.blob)
        await asyncio.to_thread(self.blobs.delete, freed)
        if gone:
            raise errors.no_such_upload(str(upload["upload_id"]))
        return result

    @staticmethod
    def _check_parts(requested: list[dict[str, Any]], stored: dict[int, store.Row]) -> list[store.Row]:
        chosen: list[store.Row] = []
        previous = 0
        for part in requested:
            number = int(part.get("PartNumber") or 0)
            if number <= previous:
                raise ServiceError(
                    "InvalidPartOrder",
                    "The list of parts was not in ascending order. Parts must be ordered by part number.",
                    400,
                )
            previous = number
            row = stored.get(number)
            if row is None or str(part.get("ETag") or "").strip('"') != str(row["etag"]).strip('"'):
                raise ServiceError(
                    "InvalidPart",
                    "One or more of the specified parts could not be found.  The part may not have been"
                    " uploaded, or the specified entity tag may not match the part's entity tag.",
                    400,
                    fields={"PartNumber": number, "ETag": part.get("ETag"), "UploadId": None},
                )
            chosen.append(row)
        for row in chosen[:-1]:
            if int(row["size"]) < MIN_PART_SIZE:
                raise ServiceError(
                    "EntityTooSmall",
                    "Your proposed upload is smaller than the minimum allowed object size.",
                    400,
                    fields={
                        "ProposedSize": int(row["size"]),
                        "MinSizeAllowed": MIN_PART_SIZE,
                        "PartNumber": int(row["part_number"]),
                    },
                )
        return chosen

    async def abort_multipart_upload(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        _, upload, _ = self._upload(ctx, params)
        with self.db.write() as tx:
            freed = store.delete_upload(tx, upload["upload_id"])
        await asyncio.to_thread(self.blobs.delete, freed)
        return {}

    def list_parts(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket, upload, meta = self._upload(ctx, params)
        max_parts = (
            DEFAULT_MAX_PARTS
            if params.get("MaxParts") is None
            else min(int(params["MaxParts"]), DEFAULT_MAX_PARTS)
        )
        marker = int(params.get("PartNumberMarker") or 0)
        rows = store.parts(self.db, upload["upload_id"], marker, max_parts + 1)
        me = owner(str(bucket["account"]))
        parts = []
        for row in rows[:max_parts]:
            part: dict[str, Any] = {
                "PartNumber": row["part_number"],
                "LastModified": row["last_modified"],
                "ETag": row["etag"],
                "Size": row["size"],
            }
            part.update({f"Checksum{name}": value for name, value in json.loads(row["checksums"]).items()})
            parts.append(part)
        result: dict[str, Any] = {
            "Bucket": bucket["name"],
            "Key": upload["key"],
            "UploadId": upload["upload_id"],
            "PartNumberMarker": marker,
            "MaxParts": max_parts,
            "IsTruncated": len(rows) > max_parts,
            "Parts": parts or None,
            "Initiator": me,
            "Owner": me,
            "StorageClass": meta.get("StorageClass") or "STANDARD",
        }
        if parts:
            result["NextPartNumberMarker"] = parts[-1]["PartNumber"]
        if meta.get("Upload"):
            result["ChecksumAlgorithm"] = meta["Upload"]["algorithm"]
            result["ChecksumType"] = meta["Upload"]["type"]
        return result

    def list_multipart_uploads(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        prefix = str(params.get("Prefix") or "")
        delimiter = str(params.get("Delimiter") or "")
        key_marker = str(params.get("KeyMarker") or "")
        id_marker = str(params.get("UploadIdMarker") or "") if key_marker else ""
        limit = (
            DEFAULT_MAX_UPLOADS
            if params.get("MaxUploads") is None
            else min(int(params["MaxUploads"]), DEFAULT_MAX_UPLOADS)
        )
        encode = _encoder(params)
        rows = store.list_uploads(
            self.db,
            bucket["name"],
            prefix,
            key_marker,
            id_marker or ("" if not key_marker else "\uffff"),
            100_000,
        )
        me = owner(str(bucket["account"]))
        uploads: list[dict[str, Any]] = []
        prefixes: list[str] = []
        truncated = False
        last: tuple[str, str] = ("", "")
        for row in rows:
            key = str(row["key"])
            common = common_prefix(key, prefix, delimiter)
            if common is not None and common in prefixes:
                continue
            if len(uploads) + len(prefixes) >= limit:
                truncated = True
                break
            if common is not None:
                prefixes.append(common)
                last = (common, "")
                continue
            meta = json.loads(row["meta"])
            entry: dict[str, Any] = {
                "UploadId": row["upload_id"],
                "Key": encode(key),
                "Initiated": row["initiated"],
                "StorageClass": meta.get("StorageClass") or "STANDARD",
                "Owner": me,
                "Initiator": me,
            }
            if meta.get("Upload"):
                entry["ChecksumAlgorithm"] = meta["Upload"]["algorithm"]
                entry["ChecksumType"] = meta["Upload"]["type"]
            uploads.append(entry)
            last = (key, str(row["upload_id"]))
        result: dict[str, Any] = {
            "Bucket": bucket["name"],
            "KeyMarker": encode(key_marker),
            "UploadIdMarker": id_marker,
            "Prefix": encode(prefix),
            "MaxUploads": limit,
            "IsTruncated": truncated,
            "Uploads": uploads or None,
        }
        result.update(grouping(params, delimiter, prefixes, encode))
        if truncated:
            result["NextKeyMarker"] = encode(last[0])
            result["NextUploadIdMarker"] = last[1]
        return result
