"""Objects: put, get, head, delete (one or many)."""

from __future__ import annotations

import asyncio
import base64
import json
from email.utils import formatdate
from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.protocol import checksums
from cloudlet.protocol.http import FileStream, SpooledBody
from cloudlet.protocol.s3_post import POST_MARKER
from cloudlet.services.s3 import conditions, errors, lock_rules, object_meta, object_rules, sse, store
from cloudlet.services.s3.blobs import Written
from cloudlet.services.s3.core import S3Core, owner
from cloudlet.storage.db import Transaction

MAX_KEY_BYTES = 1024
MAX_DELETE_OBJECTS = 1000
INLINE_BODY = 1024 * 1024  # bodies up to this size are returned as bytes, larger ones streamed


def check_key(key: str | None) -> str:
    if not key:
        raise errors.invalid_argument("A key must be specified")
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise ServiceError(
            "KeyTooLongError",
            "Your key is too long",
            400,
            fields={"Size": len(key.encode("utf-8", "surrogatepass")), "MaxSizeAllowed": MAX_KEY_BYTES},
        )
    return key


def meta_of(row: store.Row) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(row["meta"] or "{}")
    return value


def new_version_id(bucket: store.Row) -> str:
    """Enabled: a fresh id; never enabled or Suspended: the "null" version."""
    return ids.token(24) if bucket["versioning"] == "Enabled" else "null"


class ObjectOperations(S3Core):
    # -- writing ------------------------------------------------------------------------------
    async def store_body(
        self, body: bytes | SpooledBody | None, params: dict[str, Any], algorithm: str | None
    ) -> tuple[Written, dict[str, Any] | None]:
        """Write a request body as a blob, checking Content-MD5 and the flexible checksum;
        returns the blob and the checksum to store ({algorithm, value, type})."""
        named, expected = object_meta.requested_checksum(params)
        algorithm = named or algorithm
        written = await asyncio.to_thread(self.blobs.write, body or b"", [algorithm] if algorithm else [])
        try:
            self._verify(written, params, algorithm, expected)
        except ServiceError:
            await asyncio.to_thread(self.blobs.delete, [written.blob])
            raise
        checksum = None
        if algorithm:
            checksum = {
                "algorithm": algorithm,
                "value": written.checksums[algorithm],
                "type": checksums.FULL_OBJECT,
            }
        return written, checksum

    def add_written_version(
        self,
        tx: Transaction,
        ctx: RequestContext,
        bucket: store.Row,
        key: str,
        version_id: str,
        written: Written,
        etag: str,
        meta: dict[str, Any],
        now: float,
        event_name: str,
    ) -> list[str]:
        """Make `written` the key's new current version and announce it; returns the blobs freed."""
        freed = store.insert_version(
            tx,
            bucket["name"],
            key,
            version_id,
            blob=written.blob,
            size=written.size,
            etag=etag,
            now=now,
            meta=meta,
        )
        self.publish(tx, ctx, bucket, event_name, key, size=written.size, etag=etag, version_id=version_id)
        return freed

    @staticmethod
    def _verify(
        written: Written, params: dict[str, Any], algorithm: str | None, expected: str | None
    ) -> None:
        content_md5 = params.get("ContentMD5")
        if content_md5 is not None:  # present but empty is not a digest either
            try:
                given = base64.b64decode(str(content_md5), validate=True)
            except ValueError:
                given = b""
            if len(given) != 16:
                raise ServiceError("InvalidDigest", "The Content-MD5 you specified was invalid.", 400)
            if given.hex() != written.md5:
                raise ServiceError(
                    "BadDigest", "The Content-MD5 you specified did not match what we received.", 400
                )
        if algorithm and expected and written.checksums.get(algorithm) != expected:
            raise errors.bad_digest(algorithm)

    async def put_object(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        key = check_key(params.get("Key"))
        configs = self.configs(bucket)
        meta = object_meta.content_from(params, object_meta.default_encryption(configs))
        meta.update(lock_rules.lock_members(params, configs, self.now_datetime()))
        meta.update(object_rules.kept_acl(configs, params, owner(ctx.account)))
        current = store.current(self.db, bucket["name"], key)
        live = current if current is not None and not current["delete_marker"] else None
        conditions.check_write(params, live["etag"] if live else None, key)
        written, checksum = await self.store_body(params.get("Body"), params, None)
        if checksum:
            meta["Checksum"] = checksum
        etag = f'"{written.md5}"'
        version_id = new_version_id(bucket)
        now = self.now()
        with self.db.write() as tx:
            if params.get("IfNoneMatch") is not None or params.get("IfMatch") is not None:
                # Re-check inside the transaction: a concurrent writer may have won meanwhile.
                now_current = store.current(tx, bucket["name"], key)
                now_live = (
                    now_current if now_current is not None and not now_current["delete_marker"] else None
                )
                conditions.check_write(params, now_live["etag"] if now_live else None, key)
            event_name = "ObjectCreated:Post" if POST_MARKER in ctx.request.headers else "ObjectCreated:Put"
            freed = self.add_written_version(
                tx, ctx, bucket, key, version_id, written, etag, meta, now, event_name
            )
        if freed:
            await asyncio.to_thread(self.blobs.delete, freed)
        result: dict[str, Any] = {"ETag": etag, **object_meta.checksum_members(meta)}
        expires = object_rules.expiration(bucket, key, written.size, meta, now)
        if expires is not None:
            result["Expiration"] = expires
        result.update({k: meta[k] for k in object_meta.SSE_FIELDS if k in meta})
        if version_id != "null":
            result["VersionId"] = version_id
        return result

    # -- reading ------------------------------------------------------------------------------
    def find_object(self, bucket: store.Row, key: str, version_id: str | None, method: str) -> store.Row:
        """The version a read names; S3's answers for delete markers and missing versions."""
        if version_id is not None:
            row = store.version(self.db, bucket["name"], key, version_id)
            if row is None:
                if version_id != "null" and len(version_id) < 10:
                    raise errors.invalid_argument("Invalid version id specified", "versionId", version_id)
                raise errors.no_such_version(key, version_id)
            if row["delete_marker"]:
                raise ServiceError(
                    "MethodNotAllowed",
                    "The specified method is not allowed against this resource.",
                    405,
                    fields={"Method": method, "ResourceType": "DeleteMarker"},
                    headers={
                        "x-amz-delete-marker": "true",
                        "x-amz-version-id": version_id,
                        "Last-Modified": _http_date(row["last_modified"]),
                    },
                )
            return row
        row = store.current(self.db, bucket["name"], key)
        if row is None:
            error = errors.no_such_key(key)
            error.headers["x-amz-delete-marker"] = "false"
            raise error
        if row["delete_marker"]:
            error = errors.no_such_key(key)
            error.headers.update({"x-amz-delete-marker": "true", "x-amz-version-id": str(row["version_id"])})
            raise error
        return row

    def describe(
        self, bucket: store.Row, row: store.Row, params: dict[str, Any]
    ) -> tuple[dict[str, Any], tuple[int, int] | None]:
        """The GetObject/HeadObject members but the body, and the byte range to send."""
        meta = meta_of(row)
        sse.check_read(meta, params)
        size = int(row["size"])
        etag = str(row["etag"])
        conditions.check_read(params, etag, float(row["last_modified"]))
        result: dict[str, Any] = {
            "AcceptRanges": "bytes",
            "LastModified": row["last_modified"],
            "ETag": etag,
            **object_meta.described(meta),
        }
        if result.get("Metadata"):
            result["Metadata"] = object_rules.mail_safe(result["Metadata"])
        if row["latest"]:
            expires = object_rules.expiration(
                bucket, str(row["key"]), size, meta, float(row["last_modified"])
            )
            if expires is not None:
                result["Expiration"] = expires
        if bucket["versioning"]:
            result["VersionId"] = row["version_id"]
        parts: list[int] = meta.get("Parts") or []
        span: tuple[int, int] | None = None
        part_number = params.get("PartNumber")
        if part_number is not None:
            if params.get("Range"):
                raise errors.invalid_request(
                    "Cannot specify both Range header and partNumber query parameter"
                )
            sizes = parts or [size]
            if not 1 <= int(part_number) <= len(sizes):
                raise ServiceError("InvalidPart", "The requested partnumber is not satisfiable", 400)
            start = sum(sizes[: int(part_number) - 1])
            span = (start, start + sizes[int(part_number) - 1] - 1) if sizes[int(part_number) - 1] else None
            if parts:
                result["PartsCount"] = len(parts)
                sums = meta.get("PartChecksums") or []
                if params.get("ChecksumMode") == "ENABLED" and int(part_number) <= len(sums):
                    checksum = meta["Checksum"]
                    result[f"Checksum{checksum['algorithm']}"] = sums[int(part_number) - 1]
                    result["ChecksumType"] = checksum["type"]
            elif params.get("ChecksumMode") == "ENABLED":
                result.update(object_meta.checksum_members(meta))
        else:
            span = conditions.byte_range(params.get("Range"), size)
        if span is not None:
            result["ContentRange"] = f"bytes {span[0]}-{span[1]}/{size}"
            result["ContentLength"] = span[1] - span[0] + 1
        else:
            result["ContentLength"] = size
            if params.get("ChecksumMode") == "ENABLED":
                result.update(object_meta.checksum_members(meta))
        if meta.get("Tags"):
            result["TagCount"] = len(meta["Tags"])
        for param, member in object_meta.OVERRIDES.items():
            if params.get(param) is not None:
                result[member] = params[param]
        return result, span

    async def get_object(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        object_rules.refuse_sse_headers(ctx.request.headers)
        bucket = self.bucket(ctx, params.get("Bucket"))
        key = check_key(params.get("Key"))
        row = self.find_object(bucket, key, params.get("VersionId"), "GET")
        result, span = self.describe(bucket, row, params)
        start = span[0] if span else 0
        length = int(result["ContentLength"])
        if not row["blob"] or length == 0:
            result["Body"] = b""
        elif length <= INLINE_BODY:
            blob = str(row["blob"])
            body = self.blobs.read_cached(blob, start, length)
            result["Body"] = (
                body if body is not None else await asyncio.to_thread(self.blobs.read, blob, start, length)
            )
        else:
            result["Body"] = FileStream(self.blobs.open(str(row["blob"])), start, length)
        return result

    def head_object(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        object_rules.refuse_sse_headers(ctx.request.headers)
        bucket = self.bucket(ctx, params.get("Bucket"))
        key = check_key(params.get("Key"))
        row = self.find_object(bucket, key, params.get("VersionId"), "HEAD")
        result, _ = self.describe(bucket, row, params)
        if params.get("ChecksumMode") == "ENABLED" and "StatusCode" not in result:
            result.update(object_meta.checksum_members(meta_of(row)))
        return result

    # -- deleting -----------------------------------------------------------------------------
    async def delete_object(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        key = check_key(params.get("Key"))
        with self.db.write() as tx:
            bypass = bool(params.get("BypassGovernanceRetention"))
            result, freed = self.remove(tx, ctx, bucket, key, params.get("VersionId"), bypass)
        if freed:
            await asyncio.to_thread(self.blobs.delete, freed)
        return result

    def remove(
        self,
        tx: Any,
        ctx: RequestContext,
        bucket: store.Row,
        key: str,
        version_id: str | None,
        bypass: bool = False,
    ) -> tuple[dict[str, Any], list[str]]:
        """Delete one key or version inside `tx`: (the result members, blobs to remove after commit)."""
        name = bucket["name"]
        if version_id is not None:
            row = store.version(tx, name, key, version_id)
            result: dict[str, Any] = {"VersionId": version_id}
            if row is None:
                return result, []
            if self.configs(bucket).get("object_lock"):
                lock_rules.check_delete(meta_of(row), bypass, self.now_datetime())
            store.delete_version(tx, row)
            if row["delete_marker"]:
                result["DeleteMarker"] = True
            self.publish(tx, ctx, bucket, "ObjectRemoved:Delete", key, version_id=version_id)
            return result, [str(row["blob"])] if row["blob"] else []
        if bucket["versioning"]:
            marker_id = new_version_id(bucket)
            freed = store.insert_version(
                tx,
                name,
                key,
                marker_id,
                blob=None,
                size=0,
                etag=None,
                now=self.now(),
                meta={},
                delete_marker=True,
            )
            self.publish(tx, ctx, bucket, "ObjectRemoved:DeleteMarkerCreated", key, version_id=marker_id)
            return {"DeleteMarker": True, "VersionId": marker_id}, freed
        row = store.current(tx, name, key)
        if row is None:
            return {}, []
        store.delete_version(tx, row)
        self.publish(tx, ctx, bucket, "ObjectRemoved:Delete", key)
        return {}, [str(row["blob"])] if row["blob"] else []

    async def delete_objects(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        request = params.get("Delete") or {}
        objects = request.get("Objects") or []
        if not objects or len(objects) > MAX_DELETE_OBJECTS:
            raise errors.malformed_xml()
        quiet = bool(request.get("Quiet"))
        deleted: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        freed: list[str] = []
        with self.db.write() as tx:
            for item in objects:
                key = str(item.get("Key") or "")
                version_id = item.get("VersionId")
                try:
                    check_key(key)
                    bypass = bool(params.get("BypassGovernanceRetention"))
                    result, blobs = self.remove(tx, ctx, bucket, key, version_id, bypass)
                except ServiceError as error:
                    failed.append(
                        {"Key": key, "VersionId": version_id, "Code": error.code, "Message": error.message}
                    )
                    continue
                freed += blobs
                if not quiet:
                    entry: dict[str, Any] = {"Key": key}
                    if version_id is not None:
                        entry["VersionId"] = version_id
                    if result.get("DeleteMarker"):
                        entry["DeleteMarker"] = True
                        if version_id is None:
                            entry["DeleteMarkerVersionId"] = result["VersionId"]
                    deleted.append(entry)
        if freed:
            await asyncio.to_thread(self.blobs.delete, freed)
        out: dict[str, Any] = {}
        if deleted:
            out["Deleted"] = deleted
        if failed:
            out["Errors"] = failed
        return out


def _http_date(moment: float) -> str:
    return formatdate(float(moment), usegmt=True)
