"""CopyObject, object tagging, object ACLs and GetObjectAttributes."""

from __future__ import annotations

import asyncio
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.protocol import checksums
from cloudlet.services.s3 import acl, conditions, copy_source, errors, object_meta, object_rules, sse, store
from cloudlet.services.s3.bucket_configs import check_tags
from cloudlet.services.s3.core import owner
from cloudlet.services.s3.objects import ObjectOperations, check_key, meta_of, new_version_id

COPY_TO_ITSELF = (
    "This copy request is illegal because it is trying to copy an object to itself without changing the"
    " object's metadata, storage class, website redirect location or encryption attributes."
)
MAX_ATTRIBUTE_PARTS = 1000


class ObjectExtraOperations(ObjectOperations):
    async def copy_object(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        key = check_key(params.get("Key"))
        source_name, source_key, source_version = copy_source.parse(params.get("CopySource"))
        source_bucket = self.bucket(ctx, source_name)
        source = self.find_object(source_bucket, source_key, source_version, "GET")
        conditions.check_read(
            params, str(source["etag"]), float(source["last_modified"]), prefix="CopySourceIf"
        )
        old = meta_of(source)
        sse.check_read(old, params, prefix="CopySource")
        metadata_directive = params.get("MetadataDirective") or "COPY"
        tagging_directive = params.get("TaggingDirective") or "COPY"
        if metadata_directive not in ("COPY", "REPLACE") or tagging_directive not in ("COPY", "REPLACE"):
            raise errors.invalid_argument(
                "Unknown metadata directive.", "x-amz-metadata-directive", metadata_directive
            )
        same = source_bucket["name"] == bucket["name"] and source_key == key and source["latest"]
        changes = any(
            params.get(name)
            for name in (
                "StorageClass",
                "WebsiteRedirectLocation",
                "ServerSideEncryption",
                "SSEKMSKeyId",
                "ChecksumAlgorithm",
            )
        )
        if same and metadata_directive == "COPY" and not changes:
            raise errors.invalid_request(COPY_TO_ITSELF)
        if metadata_directive == "REPLACE":
            meta = object_meta.content_from(
                {**params, "Tagging": None}, object_meta.default_encryption(self.configs(bucket))
            )
        else:
            dropped = (
                "Checksum",
                "Parts",
                "PartChecksums",
                "Tags",
                "ACL",
                "SSECustomerAlgorithm",
                "SSECustomerKeyMD5",
            )
            meta = {k: v for k, v in old.items() if k not in dropped}
            meta.update(sse.check_write(params))
            for name in ("StorageClass", *object_meta.SSE_FIELDS, "WebsiteRedirectLocation"):
                if params.get(name) is not None:
                    meta[name] = params[name]
        meta.update(object_rules.kept_acl(self.configs(bucket), params, owner(ctx.account)))
        if tagging_directive == "REPLACE":
            if params.get("Tagging"):
                meta["Tags"] = object_meta.parse_tagging(str(params["Tagging"]))
        elif old.get("Tags"):
            meta["Tags"] = old["Tags"]
        algorithm = params.get("ChecksumAlgorithm") or (old.get("Checksum") or {}).get("algorithm")
        size = int(source["size"])
        pieces = [(str(source["blob"]), 0, size)] if source["blob"] and size else []
        written = await asyncio.to_thread(self.blobs.concat, pieces, [algorithm] if algorithm else [])
        if algorithm:
            meta["Checksum"] = {
                "algorithm": algorithm,
                "value": written.checksums[algorithm],
                "type": checksums.FULL_OBJECT,
            }
        etag = f'"{written.md5}"'
        version_id = new_version_id(bucket)
        now = self.now()
        with self.db.write() as tx:
            freed = self.add_written_version(
                tx, ctx, bucket, key, version_id, written, etag, meta, now, "ObjectCreated:Copy"
            )
        if freed:
            await asyncio.to_thread(self.blobs.delete, freed)
        copied: dict[str, Any] = {"ETag": etag, "LastModified": now}
        if algorithm:
            copied.update(object_meta.checksum_members(meta))
        result: dict[str, Any] = {"CopyObjectResult": copied}
        if source_bucket["versioning"]:
            result["CopySourceVersionId"] = source["version_id"]
        if version_id != "null":
            result["VersionId"] = version_id
        result.update({k: meta[k] for k in object_meta.SSE_FIELDS if k in meta})
        expires = object_rules.expiration(bucket, key, written.size, meta, now)
        if expires is not None:
            result["Expiration"] = expires
        return result

    # -- tagging ------------------------------------------------------------------------------
    def _version(self, ctx: RequestContext, params: dict[str, Any]) -> tuple[store.Row, store.Row]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        key = check_key(params.get("Key"))
        row = self.find_object(bucket, key, params.get("VersionId"), "GET")
        if params.get("ObjectAttributes") is not None:
            sse.check_read(meta_of(row), params)
        return bucket, row

    def _version_result(self, bucket: store.Row, row: store.Row) -> dict[str, Any]:
        return {"VersionId": row["version_id"]} if bucket["versioning"] else {}

    def put_object_tagging(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket, row = self._version(ctx, params)
        tags = (params.get("Tagging") or {}).get("TagSet") or []
        check_tags(tags, object_meta.MAX_OBJECT_TAGS, "Object")
        meta = meta_of(row)
        meta["Tags"] = {str(t["Key"]): str(t.get("Value", "")) for t in tags}
        with self.db.write() as tx:
            store.update_meta(tx, int(row["id"]), meta)
        return self._version_result(bucket, row)

    def get_object_tagging(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket, row = self._version(ctx, params)
        tags = sorted(object_meta.tag_set(meta_of(row)), key=lambda tag: tag["Key"])
        return {"TagSet": tags, **self._version_result(bucket, row)}

    def delete_object_tagging(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket, row = self._version(ctx, params)
        meta = meta_of(row)
        meta.pop("Tags", None)
        with self.db.write() as tx:
            store.update_meta(tx, int(row["id"]), meta)
        return self._version_result(bucket, row)

    # -- ACL ----------------------------------------------------------------------------------
    def put_object_acl(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket, row = self._version(ctx, params)
        rules = (self.configs(bucket).get("ownership") or {}).get("Rules") or [{}]
        if rules[0].get("ObjectOwnership") == "BucketOwnerEnforced" and not acl.is_owner_only(params):
            raise ServiceError("AccessControlListNotSupported", "The bucket does not allow ACLs", 400)
        value = acl.from_params(params, owner(ctx.account))
        if value is None:
            raise errors.malformed_xml()
        meta = meta_of(row)
        meta["ACL"] = value
        with self.db.write() as tx:
            store.update_meta(tx, int(row["id"]), meta)
        return {}

    def get_object_acl(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket, row = self._version(ctx, params)
        value: dict[str, Any] = meta_of(row).get("ACL") or acl.default(owner(str(bucket["account"])))
        return {**value, **self._version_result(bucket, row)}

    # -- attributes ---------------------------------------------------------------------------
    def get_object_attributes(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket, row = self._version(ctx, params)
        wanted = set(params.get("ObjectAttributes") or [])
        if not wanted:
            raise errors.invalid_argument(
                "Minimum of 1 attribute must be specified", "x-amz-object-attributes"
            )
        meta = meta_of(row)
        result: dict[str, Any] = {"LastModified": row["last_modified"], **self._version_result(bucket, row)}
        if "ETag" in wanted:
            result["ETag"] = str(row["etag"]).strip('"')
        if "ObjectSize" in wanted:
            result["ObjectSize"] = row["size"]
        if "StorageClass" in wanted:
            result["StorageClass"] = meta.get("StorageClass") or "STANDARD"
        if "Checksum" in wanted and meta.get("Checksum"):
            result["Checksum"] = object_meta.checksum_members(meta)
        if "ObjectParts" in wanted and meta.get("Parts"):
            sizes: list[int] = meta["Parts"]
            marker = int(params.get("PartNumberMarker") or 0)
            limit = int(params.get("MaxParts") or MAX_ATTRIBUTE_PARTS)
            chosen = list(enumerate(sizes, start=1))[marker : marker + limit]
            result["ObjectParts"] = {
                "TotalPartsCount": len(sizes),
                "PartNumberMarker": marker,
                "NextPartNumberMarker": chosen[-1][0] if chosen else marker,
                "MaxParts": limit,
                "IsTruncated": marker + limit < len(sizes),
                "Parts": [_part(meta, number, size) for number, size in chosen],
            }
        return result


def _part(meta: dict[str, Any], number: int, size: int) -> dict[str, Any]:
    part: dict[str, Any] = {"PartNumber": number, "Size": size}
    sums = meta.get("PartChecksums") or []
    if number <= len(sums) and sums[number - 1]:
        part[f"Checksum{meta['Checksum']['algorithm']}"] = sums[number - 1]
    return part
