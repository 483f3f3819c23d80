"""Object Lock operations: the bucket's default retention, per-version retention, legal holds.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html"""

from __future__ import annotations

from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.protocol.values import as_datetime
from cloudlet.services.s3 import errors, store
from cloudlet.services.s3.lock_rules import MODES, iso, not_enabled
from cloudlet.services.s3.objects import ObjectOperations, check_key, meta_of


class ObjectLockOperations(ObjectOperations):
    def put_object_lock_configuration(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        config = params.get("ObjectLockConfiguration") or {}
        # An existing bucket can have Object Lock turned on once its versioning is Enabled.
        # https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html#object-lock-configure-existing-bucket
        if not self.configs(bucket).get("object_lock") and bucket["versioning"] != "Enabled":
            raise ServiceError(
                "InvalidBucketState",
                "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
                409,
            )
        if config.get("ObjectLockEnabled") != "Enabled":
            raise errors.malformed_xml()
        retention = (config.get("Rule") or {}).get("DefaultRetention")
        if retention is not None:
            if retention.get("Mode") not in MODES:
                raise errors.malformed_xml()
            days, years = retention.get("Days"), retention.get("Years")
            if (days is None) == (years is None):
                raise errors.malformed_xml()
            if int(days if days is not None else years) <= 0:
                raise ServiceError(
                    "InvalidRetentionPeriod",
                    "Default retention period must be a positive integer value.",
                    400,
                )
        with self.db.write() as tx:
            store.set_config(tx, bucket["name"], "object_lock", config)
        return {}

    def get_object_lock_configuration(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        config = self.configs(bucket).get("object_lock")
        if not config:
            raise ServiceError(
                "ObjectLockConfigurationNotFoundError",
                "Object Lock configuration does not exist for this bucket",
                404,
                fields={"BucketName": bucket["name"]},
            )
        return {"ObjectLockConfiguration": config}

    def _locked_version(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> tuple[store.Row, dict[str, Any]]:
        bucket = self.bucket(ctx, params.get("Bucket"))
        if not self.configs(bucket).get("object_lock"):
            raise not_enabled()
        row = self.find_object(bucket, check_key(params.get("Key")), params.get("VersionId"), "GET")
        return row, meta_of(row)

    def put_object_retention(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row, meta = self._locked_version(ctx, params)
        retention = params.get("Retention") or {}
        mode = retention.get("Mode")
        until = retention.get("RetainUntilDate")
        if mode not in MODES or until is None:
            raise errors.malformed_xml()
        new_until = as_datetime(until)
        old_until = meta.get("ObjectLockRetainUntilDate")
        now = self.now_datetime()
        if old_until and as_datetime(old_until) > now:
            shorter = new_until < as_datetime(old_until)
            weaker = meta.get("ObjectLockMode") == "COMPLIANCE" and mode != "COMPLIANCE"
            if meta.get("ObjectLockMode") == "COMPLIANCE" and (shorter or weaker):
                raise errors.access_denied()
            if meta.get("ObjectLockMode") == "GOVERNANCE" and (shorter or mode != "GOVERNANCE"):
                if not params.get("BypassGovernanceRetention"):
                    raise errors.access_denied()
        meta.update({"ObjectLockMode": mode, "ObjectLockRetainUntilDate": iso(new_until)})
        with self.db.write() as tx:
            store.update_meta(tx, int(row["id"]), meta)
        return {}

    def get_object_retention(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        _, meta = self._locked_version(ctx, params)
        if not meta.get("ObjectLockMode"):
            raise errors.no_object_lock_configuration()
        return {
            "Retention": {
                "Mode": meta["ObjectLockMode"],
                "RetainUntilDate": meta["ObjectLockRetainUntilDate"],
            }
        }

    def put_object_legal_hold(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        row, meta = self._locked_version(ctx, params)
        status = (params.get("LegalHold") or {}).get("Status")
        if status not in ("ON", "OFF"):
            raise errors.malformed_xml()
        meta["ObjectLockLegalHoldStatus"] = status
        with self.db.write() as tx:
            store.update_meta(tx, int(row["id"]), meta)
        return {}

    def get_object_legal_hold(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        _, meta = self._locked_version(ctx, params)
        if not meta.get("ObjectLockLegalHoldStatus"):
            raise errors.no_object_lock_configuration()
        return {"LegalHold": {"Status": meta["ObjectLockLegalHoldStatus"]}}
