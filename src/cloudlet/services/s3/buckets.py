"""Bucket lifecycle: create, head, delete, list, location, versioning, ACL."""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import re
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.s3 import acl, errors, store
from cloudlet.services.s3.core import S3Core, owner

DEFAULT_REGION = "us-east-1"
MAX_LIST_BUCKETS = 10_000
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
DEFAULT_PUBLIC_ACCESS_BLOCK = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def check_bucket_name(name: str) -> None:
    """https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"""
    valid = (
        bool(_BUCKET_NAME.fullmatch(name))
        and ".." not in name
        and ".-" not in name
        and "-." not in name
        and not name.startswith(("xn--", "sthree-", "amzn-s3-demo-"))
        and not name.endswith(("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"))
    )
    if valid:
        try:
            ipaddress.IPv4Address(name)
            valid = False
        except ValueError:
            pass
    if not valid:
        raise ServiceError(
            "InvalidBucketName", "The specified bucket is not valid.", 400, fields={"BucketName": name}
        )


class BucketOperations(S3Core):
    def create_bucket(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params.get("Bucket") or "")
        check_bucket_name(name)
        config = params.get("CreateBucketConfiguration") or {}
        constraint = config.get("LocationConstraint")
        region = self._bucket_region(ctx, constraint)
        existing = store.find_bucket(self.db, name)
        if existing is not None:
            if existing["account"] != ctx.account:
                raise ServiceError(
                    "BucketAlreadyExists",
                    "The requested bucket name is not available. The bucket namespace is shared by all"
                    " users of the system. Please select a different name and try again.",
                    409,
                    fields={"BucketName": name},
                )
            # us-east-1 answers 200 to a repeated create by the owner (legacy behaviour):
            # https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
            if existing["region"] == DEFAULT_REGION and region == DEFAULT_REGION:
                return {"Location": f"/{name}", "BucketArn": f"arn:aws:s3:::{name}"}
            raise ServiceError(
                "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already own it.",
                409,
                fields={"BucketName": name},
            )
        me = owner(ctx.account)
        ownership = params.get("ObjectOwnership") or "BucketOwnerEnforced"
        if ownership == "BucketOwnerEnforced" and not acl.is_owner_only(params):
            # https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html
            raise acl.invalid_bucket_acl_with_ownership()
        bucket_acl = acl.from_params(params, me) or acl.default(me)
        with self.db.write() as tx:
            store.insert_bucket(tx, name, ctx.account, region, self.now())
            store.set_config(tx, name, "acl", bucket_acl)
            store.set_config(tx, name, "ownership", {"Rules": [{"ObjectOwnership": ownership}]})
            store.set_config(tx, name, "public_access_block", DEFAULT_PUBLIC_ACCESS_BLOCK)
            if params.get("ObjectLockEnabledForBucket"):
                store.set_versioning(tx, name, "Enabled", None)
                store.set_config(tx, name, "object_lock", {"ObjectLockEnabled": "Enabled"})
        location = f"/{name}" if region == DEFAULT_REGION else f"http://{name}.s3.amazonaws.com/"
        return {"Location": location, "BucketArn": f"arn:aws:s3:::{name}"}

    @staticmethod
    def _bucket_region(ctx: RequestContext, constraint: str | None) -> str:
        if constraint == DEFAULT_REGION:
            raise ServiceError(
                "InvalidLocationConstraint", "The specified location-constraint is not valid", 400
            )
        if not constraint:
            if ctx.region != DEFAULT_REGION:
                raise ServiceError(
                    "IllegalLocationConstraintException",
                    "The unspecified location constraint is incompatible for the region specific"
                    " endpoint this request was sent to.",
                    400,
                )
            return DEFAULT_REGION
        if ctx.region not in (DEFAULT_REGION, constraint):
            raise ServiceError(
                "IllegalLocationConstraintException",
                f"The {constraint} location constraint is incompatible for the region specific"
                " endpoint this request was sent to.",
                400,
            )
        return str(constraint)

    def head_bucket(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.bucket(ctx, params.get("Bucket"))
        return {
            "BucketRegion": row["region"],
            "BucketArn": f"arn:aws:s3:::{row['name']}",
            "AccessPointAlias": False,
        }

    async def delete_bucket(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.bucket(ctx, params.get("Bucket"))
        with self.db.write() as tx:
            if store.has_objects(tx, row["name"]):
                raise ServiceError(
                    "BucketNotEmpty",
                    "The bucket you tried to delete is not empty",
                    409,
                    fields={"BucketName": row["name"]},
                )
            freed = store.delete_bucket(tx, row["name"])
        await asyncio.to_thread(self.blobs.delete, freed)
        return {}

    def list_buckets(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        check_max = params.get("MaxBuckets")
        limit = MAX_LIST_BUCKETS if check_max is None else int(check_max)
        if not 1 <= limit <= MAX_LIST_BUCKETS:
            raise errors.invalid_argument(
                "Argument max-buckets must be an integer between 1 and 10000", "max-buckets", limit
            )
        after = _decode_token(params.get("ContinuationToken"))
        prefix = str(params.get("Prefix") or "")
        wanted_region = params.get("BucketRegion")
        rows = store.list_buckets(self.db, ctx.account, prefix, after, limit + 1)
        if wanted_region:
            rows = [r for r in rows if r["region"] == wanted_region]
        result: dict[str, Any] = {
            "Buckets": [
                {"Name": r["name"], "CreationDate": r["created_at"], "BucketRegion": r["region"]}
                for r in rows[:limit]
            ],
            "Owner": owner(ctx.account),
        }
        if prefix:
            result["Prefix"] = prefix
        if len(rows) > limit:
            result["ContinuationToken"] = _encode_token(str(rows[limit - 1]["name"]))
        return result

    def list_directory_buckets(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return {"Buckets": []}  # no directory (S3 Express One Zone) buckets

    def get_bucket_location(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.bucket(ctx, params.get("Bucket"))
        # us-east-1 buckets report an empty (null) constraint.
        return {"LocationConstraint": None if row["region"] == DEFAULT_REGION else row["region"]}

    # -- versioning ---------------------------------------------------------------------------
    def put_bucket_versioning(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.bucket(ctx, params.get("Bucket"))
        config = params.get("VersioningConfiguration") or {}
        status = config.get("Status")
        if status not in ("Enabled", "Suspended"):
            raise errors.malformed_xml()
        if status == "Suspended" and self.configs(row).get("object_lock"):
            raise ServiceError(
                "InvalidBucketState",
                "An Object Lock configuration is present on this bucket, so the versioning state cannot"
                " be changed.",
                409,
            )
        with self.db.write() as tx:
            store.set_versioning(tx, row["name"], status, config.get("MFADelete"))
        return {}

    def get_bucket_versioning(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.bucket(ctx, params.get("Bucket"))
        result: dict[str, Any] = {}
        if row["versioning"]:
            result["Status"] = row["versioning"]
        if row["mfa_delete"]:
            result["MFADelete"] = row["mfa_delete"]
        return result

    # -- ACL ----------------------------------------------------------------------------------
    def put_bucket_acl(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.bucket(ctx, params.get("Bucket"))
        if self.ownership(row) == "BucketOwnerEnforced" and not acl.is_owner_only(params):
            raise ServiceError("AccessControlListNotSupported", "The bucket does not allow ACLs", 400)
        value = acl.from_params(params, owner(ctx.account))
        if value is None:
            raise errors.malformed_xml()
        with self.db.write() as tx:
            store.set_config(tx, row["name"], "acl", value)
        return {}

    def get_bucket_acl(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row = self.bucket(ctx, params.get("Bucket"))
        value: dict[str, Any] = self.configs(row).get("acl") or acl.default(owner(ctx.account))
        return value

    def ownership(self, row: store.Row) -> str:
        rules = (self.configs(row).get("ownership") or {}).get("Rules") or [{}]
        return str(rules[0].get("ObjectOwnership") or "")


def _encode_token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def _decode_token(token: str | None) -> str:
    if not token:
        return ""
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except ValueError as exc:
        raise errors.invalid_argument("The continuation token provided is incorrect") from exc
