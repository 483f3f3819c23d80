"""Bucket configurations that are stored and returned (not enforced): tagging, CORS,
encryption, lifecycle, public access block, ownership controls, policy, website."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.s3 import acl, errors, lifecycle_rules, store
from cloudlet.services.s3.core import S3Core, owner

MAX_BUCKET_TAGS = 50


@dataclass(frozen=True)
class Kind:
    name: str  # key in s3_buckets.configs
    payload: str  # the Put operation's payload member
    wrapped: bool  # the Get result is {payload: value}, else the value's members
    missing: tuple[str, str] | None  # the error (code, message) a Get of an unset one raises
    default: Any = None


KINDS = {
    "tagging": Kind("tagging", "Tagging", False, ("NoSuchTagSet", "The TagSet does not exist")),
    "cors": Kind(
        "cors",
        "CORSConfiguration",
        False,
        ("NoSuchCORSConfiguration", "The CORS configuration does not exist"),
    ),
    # Every bucket is encrypted with SSE-S3 unless configured otherwise (since January 2023).
    "encryption": Kind(
        "encryption",
        "ServerSideEncryptionConfiguration",
        True,
        None,
        {
            "Rules": [
                {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}
            ]
        },
    ),
    "lifecycle": Kind(
        "lifecycle",
        "LifecycleConfiguration",
        False,
        ("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"),
    ),
    "public_access_block": Kind(
        "public_access_block",
        "PublicAccessBlockConfiguration",
        True,
        ("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found"),
    ),
    "ownership": Kind(
        "ownership",
        "OwnershipControls",
        True,
        ("OwnershipControlsNotFoundError", "The bucket ownership controls were not found"),
    ),
    "policy": Kind("policy", "Policy", True, ("NoSuchBucketPolicy", "The bucket policy does not exist")),
    "logging": Kind("logging", "BucketLoggingStatus", False, None, {}),
    "accelerate": Kind("accelerate", "AccelerateConfiguration", False, None, {}),
    "request_payment": Kind(
        "request_payment", "RequestPaymentConfiguration", False, None, {"Payer": "BucketOwner"}
    ),
    "replication": Kind(
        "replication",
        "ReplicationConfiguration",
        True,
        ("ReplicationConfigurationNotFoundError", "The replication configuration was not found"),
    ),
    "website": Kind(
        "website",
        "WebsiteConfiguration",
        False,
        ("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"),
    ),
}


class BucketConfigOperations(S3Core):
    def _put_config(self, ctx: RequestContext, params: dict[str, Any], kind: Kind) -> dict[str, Any]:
        row = self.bucket(ctx, params.get("Bucket"))
        value = params.get(kind.payload)
        if value is None:
            raise errors.malformed_xml()
        with self.db.write() as tx:
            store.set_config(tx, row["name"], kind.name, value)
        return {}

    def _get_config(self, ctx: RequestContext, params: dict[str, Any], kind: Kind) -> dict[str, Any]:
        row = self.bucket(ctx, params.get("Bucket"))
        value = self.configs(row).get(kind.name, kind.default)
        if value is None:
            assert kind.missing is not None
            raise errors.config_missing(*kind.missing, row["name"])
        return {kind.payload: value} if kind.wrapped else dict(value)

    def _delete_config(self, ctx: RequestContext, params: dict[str, Any], kind: Kind) -> dict[str, Any]:
        row = self.bucket(ctx, params.get("Bucket"))
        with self.db.write() as tx:
            store.set_config(tx, row["name"], kind.name, None)
        return {}

    # -- tagging ------------------------------------------------------------------------------
    def put_bucket_tagging(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        tags = (params.get("Tagging") or {}).get("TagSet") or []
        check_tags(tags, MAX_BUCKET_TAGS, "Bucket")
        return self._put_config(ctx, params, KINDS["tagging"])

    def get_bucket_tagging(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._get_config(ctx, params, KINDS["tagging"])

    def delete_bucket_tagging(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._delete_config(ctx, params, KINDS["tagging"])

    # -- CORS ---------------------------------------------------------------------------------
    def put_bucket_cors(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        rules = (params.get("CORSConfiguration") or {}).get("CORSRules") or []
        for rule in rules:
            if not rule.get("AllowedMethods") or not rule.get("AllowedOrigins"):
                raise errors.malformed_xml()
            for method in rule["AllowedMethods"]:
                if method not in ("GET", "PUT", "HEAD", "POST", "DELETE"):
                    raise errors.invalid_request(
                        f"Found unsupported HTTP method in CORS config. Unsupported method is {method}"
                    )
        return self._put_config(ctx, params, KINDS["cors"])

    def get_bucket_cors(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._get_config(ctx, params, KINDS["cors"])

    def delete_bucket_cors(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._delete_config(ctx, params, KINDS["cors"])

    def cors_rules(self, bucket: str) -> list[dict[str, Any]] | None:
        """The CORSRules browsers' requests are checked against (protocol/s3_cors.py): not an
        operation, and not the caller's bucket necessarily (preflights are anonymous)."""
        row = store.find_bucket(self.db, bucket)
        if row is None:
            raise errors.no_such_bucket(bucket)
        config = self.configs(row).get("cors")
        return list(config.get("CORSRules") or []) if config else None

    # -- encryption ---------------------------------------------------------------------------
    def put_bucket_encryption(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._put_config(ctx, params, KINDS["encryption"])

    def get_bucket_encryption(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._get_config(ctx, params, KINDS["encryption"])

    def delete_bucket_encryption(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._delete_config(ctx, params, KINDS["encryption"])

    # -- lifecycle ----------------------------------------------------------------------------
    def put_bucket_lifecycle_configuration(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        config = params.get("LifecycleConfiguration") or {}
        rules = []
        for rule in config.get("Rules") or []:
            lifecycle_rules.check_rule(rule)
            rules.append({"ID": ids.token(24), **rule} if not rule.get("ID") else rule)
        lifecycle_rules.check_unique_ids(rules)
        self._put_config(
            ctx, {**params, "LifecycleConfiguration": {**config, "Rules": rules}}, KINDS["lifecycle"]
        )
        return {"TransitionDefaultMinimumObjectSize": "all_storage_classes_128K"}

    def get_bucket_lifecycle_configuration(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        result = self._get_config(ctx, params, KINDS["lifecycle"])
        result.setdefault("TransitionDefaultMinimumObjectSize", "all_storage_classes_128K")
        return result

    def delete_bucket_lifecycle(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._delete_config(ctx, params, KINDS["lifecycle"])

    # -- public access block ------------------------------------------------------------------
    def put_public_access_block(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._put_config(ctx, params, KINDS["public_access_block"])

    def get_public_access_block(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._get_config(ctx, params, KINDS["public_access_block"])

    def delete_public_access_block(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._delete_config(ctx, params, KINDS["public_access_block"])

    # -- ownership controls -------------------------------------------------------------------
    def put_bucket_ownership_controls(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        rules = (params.get("OwnershipControls") or {}).get("Rules") or [{}]
        if rules[0].get("ObjectOwnership") == "BucketOwnerEnforced":
            row = self.bucket(ctx, params.get("Bucket"))
            if acl.grants_others(self.configs(row).get("acl"), owner(str(row["account"]))["ID"]):
                raise acl.invalid_bucket_acl_with_ownership()
        return self._put_config(ctx, params, KINDS["ownership"])

    def get_bucket_ownership_controls(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._get_config(ctx, params, KINDS["ownership"])

    def delete_bucket_ownership_controls(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._delete_config(ctx, params, KINDS["ownership"])

    # -- policy -------------------------------------------------------------------------------
    def put_bucket_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("Policy")
        try:
            document = json.loads(text or "")
        except ValueError:
            document = None
        if not isinstance(document, dict):
            raise ServiceError(
                "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'", 400
            )
        return self._put_config(ctx, params, KINDS["policy"])

    def get_bucket_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._get_config(ctx, params, KINDS["policy"])

    def delete_bucket_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._delete_config(ctx, params, KINDS["policy"])

    def get_bucket_policy_status(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        """Public when the policy allows anyone ("*") or the ACL grants AllUsers/AuthenticatedUsers.
        https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status"""
        row = self.bucket(ctx, params.get("Bucket"))
        configs = self.configs(row)
        public = _policy_is_public(configs.get("policy")) or any(
            "/groups/global/" in str((grant.get("Grantee") or {}).get("URI") or "")
            for grant in (configs.get("acl") or {}).get("Grants") or []
        )
        return {"PolicyStatus": {"IsPublic": public}}

    # -- logging ------------------------------------------------------------------------------
    def put_bucket_logging(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self.bucket(ctx, params.get("Bucket"))
        status = params.get("BucketLoggingStatus") or {}
        target = (status.get("LoggingEnabled") or {}).get("TargetBucket")
        if target:
            found = store.find_bucket(self.db, str(target))
            if found is None or found["account"] != ctx.account:
                raise ServiceError(
                    "InvalidTargetBucketForLogging", "The target bucket for logging does not exist", 400
                )
        return self._put_config(ctx, params, KINDS["logging"])

    def get_bucket_logging(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._get_config(ctx, params, KINDS["logging"])

    # -- accelerate, request payment, replication (stored only) ---------------------------------
    def put_bucket_accelerate_configuration(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        return self._put_config(ctx, params, KINDS["accelerate"])

    def get_bucket_accelerate_configuration(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        return self._get_config(ctx, params, KINDS["accelerate"])

    def put_bucket_request_payment(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._put_config(ctx, params, KINDS["request_payment"])

    def get_bucket_request_payment(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._get_config(ctx, params, KINDS["request_payment"])

    def put_bucket_replication(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        if self.bucket(ctx, params.get("Bucket"))["versioning"] != "Enabled":
            raise errors.invalid_request(
                "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
            )
        return self._put_config(ctx, params, KINDS["replication"])

    def get_bucket_replication(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._get_config(ctx, params, KINDS["replication"])

    def delete_bucket_replication(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._delete_config(ctx, params, KINDS["replication"])

    # -- website ------------------------------------------------------------------------------
    def put_bucket_website(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._put_config(ctx, params, KINDS["website"])

    def get_bucket_website(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._get_config(ctx, params, KINDS["website"])

    def delete_bucket_website(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._delete_config(ctx, params, KINDS["website"])


def _policy_is_public(text: str | None) -> bool:
    try:
        document = json.loads(text or "{}")
    except ValueError:
        return False
    statements = document.get("Statement") or []
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal")
        anyone = principal == "*" or (isinstance(principal, dict) and principal.get("AWS") in ("*", ["*"]))
        if statement.get("Effect") == "Allow" and anyone and not statement.get("Condition"):
            return True
    return False


def check_tags(tags: list[dict[str, Any]], limit: int, what: str) -> None:
    """https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html"""
    if len(tags) > limit:
        raise ServiceError(
            "BadRequest" if what == "Bucket" else "InvalidTag",
            f"{what} tag count cannot be greater than {limit}",
            400,
        )
    seen = set()
    for tag in tags:
        key = str(tag.get("Key", ""))
        value = str(tag.get("Value", ""))
        if key in seen:
            raise ServiceError("InvalidTag", "Cannot provide multiple Tags with the same key", 400)
        seen.add(key)
        if not key or len(key) > 128:
            raise ServiceError("InvalidTag", "The TagKey you have provided is invalid", 400)
        if len(value) > 256:
            raise ServiceError("InvalidTag", "The TagValue you have provided is invalid", 400)
