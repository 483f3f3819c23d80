"""IAM managed policies and their versions. AWS managed policies (arn:aws:iam::aws:policy/...)
are not stored: they may be attached and read back (GetPolicy) by ARN without existing here."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.iam import store
from cloudlet.services.iam.core import (
    IamCore,
    already_exists,
    check_document,
    check_name,
    check_path,
    check_prefix,
    check_tags,
    delete_conflict,
    encoded,
    invalid_input,
    limit_exceeded,
    merge_tags,
    moment,
    no_such_entity,
    paged_list,
    path_of_arn,
    policy_name_of,
    required,
    unique_id,
)
from cloudlet.services.iam.store import Row

_POLICY_ARN = re.compile(r"^arn:aws:iam::(aws|\d{12}):policy/(.+/)?[\w+=,.@-]+$")
POLICY_SIZE = ("PolicySize", 6144)
MAX_VERSIONS = 5
AWS_MANAGED_CREATED = 1423958400  # 2015-02-15, a date AWS's older managed policies carry


class PolicyOperations(IamCore):
    def attachable(self, ctx: RequestContext, arn: str) -> str:
        """The ARN of a policy that may be attached: an AWS managed one, or one of this account's."""
        match = _POLICY_ARN.match(arn)
        if match is None:
            raise invalid_input(f"ARN {arn} is not valid.")
        if match.group(1) != "aws" and store.policy_by_arn(self.db, ctx.account, arn) is None:
            raise no_such_entity(f"Policy {arn} does not exist or is not attachable.")
        return arn

    def policy_at(self, ctx: RequestContext, arn: Any) -> Row:
        row = store.policy_by_arn(self.db, ctx.account, str(arn))
        if row is None:
            if not _POLICY_ARN.match(str(arn)):
                raise invalid_input(f"ARN {arn} is not valid.")
            raise no_such_entity(f"Policy {arn} was not found.")
        return row

    def render_policy(self, row: Row, full: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "PolicyName": row["name"],
            "PolicyId": row["id"],
            "Arn": row["arn"],
            "Path": row["path"],
            "DefaultVersionId": row["default_version"],
            "AttachmentCount": store.attachment_count(self.db, str(row["account"]), str(row["arn"])),
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True,
            "CreateDate": moment(int(row["created"])),
            "UpdateDate": moment(int(row["updated"])),
        }
        if full and row["description"] is not None:
            out["Description"] = row["description"]
        tags = store.tags_of(row)
        if full and tags:
            out["Tags"] = tags
        return out

    def render_aws_policy(self, ctx: RequestContext, arn: str) -> dict[str, Any]:
        digest = hashlib.sha256(arn.encode()).hexdigest().upper()
        return {
            "PolicyName": policy_name_of(arn),
            "PolicyId": "ANPA" + re.sub(r"[^A-Z2-7]", "A", digest)[:17],
            "Arn": arn,
            "Path": path_of_arn(arn),
            "DefaultVersionId": "v1",
            "AttachmentCount": store.attachment_count(self.db, ctx.account, arn),
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True,
            "CreateDate": moment(AWS_MANAGED_CREATED),
            "UpdateDate": moment(AWS_MANAGED_CREATED),
        }

    # -- policies ---------------------------------------------------------------------------
    def create_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = check_name(required(params, "PolicyName"), "policyName", 128)
        path = check_path(params.get("Path"))
        document = check_document(required(params, "PolicyDocument"), *POLICY_SIZE)
        tags = merge_tags([], check_tags(params.get("Tags")), "TagsPerPolicy")
        arn = f"arn:aws:iam::{ctx.account}:policy{path}{name}"
        now = self.now()
        with self.db.write() as tx:
            created = store.insert(
                tx,
                "iam_policies",
                {
                    "account": ctx.account,
                    "name_key": name.lower(),
                    "name": name,
                    "arn": arn,
                    "id": unique_id("ANPA"),
                    "path": path,
                    "description": params.get("Description"),
                    "created": now,
                    "updated": now,
                    "default_version": "v1",
                    "next_version": 2,
                    "tags": json.dumps(tags),
                },
            )
            if not created:
                raise already_exists(
                    f"A policy called {name} already exists. Duplicate names are not allowed."
                )
            store.add_version(tx, ctx.account, arn, "v1", document, now)
        return {"Policy": self.render_policy(self.policy_at(ctx, arn))}

    def get_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        arn = str(required(params, "PolicyArn"))
        if arn.startswith("arn:aws:iam::aws:policy/") and _POLICY_ARN.match(arn):
            return {"Policy": self.render_aws_policy(ctx, arn)}
        return {"Policy": self.render_policy(self.policy_at(ctx, arn))}

    def delete_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        policy = self.policy_at(ctx, required(params, "PolicyArn"))
        arn = str(policy["arn"])
        with self.db.write() as tx:
            if store.attachment_count(tx, ctx.account, arn):
                raise delete_conflict("Cannot delete a policy attached to entities.")
            if len(store.versions(tx, ctx.account, arn)) > 1:
                raise delete_conflict(
                    "This policy has more than one version. Before you delete a policy, you must delete the"
                    " policy's versions. The default version is deleted with the policy."
                )
            store.delete_versions(tx, ctx.account, arn)
            store.delete(tx, "iam_policies", ctx.account, str(policy["name"]))
        return {}

    def list_policies(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        scope = str(params.get("Scope") or "All")
        prefix = check_prefix(params)
        only_attached = bool(params.get("OnlyAttached"))
        found: list[dict[str, Any]] = []
        if scope in ("All", "AWS"):
            found += [
                self.render_aws_policy(ctx, arn) for arn in store.attached_aws_policies(self.db, ctx.account)
            ]
        if scope in ("All", "Local"):
            found += [self.render_policy(row, full=False) for row in store.policies(self.db, ctx.account)]
        found = [
            policy
            for policy in found
            if policy["Path"].startswith(prefix) and (policy["AttachmentCount"] or not only_attached)
        ]
        return paged_list("Policies", found, params)

    def tag_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.tag(
            ctx, "iam_policies", self.policy_at(ctx, required(params, "PolicyArn")), params, "TagsPerPolicy"
        )

    def untag_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.untag(ctx, "iam_policies", self.policy_at(ctx, required(params, "PolicyArn")), params)

    def list_policy_tags(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return paged_list("Tags", store.tags_of(self.policy_at(ctx, required(params, "PolicyArn"))), params)

    # -- versions ---------------------------------------------------------------------------
    @staticmethod
    def render_version(row: Row, default: str, document: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "VersionId": row["version_id"],
            "IsDefaultVersion": row["version_id"] == default,
            "CreateDate": moment(int(row["created"])),
        }
        if document:
            out["Document"] = encoded(str(row["document"]))
        return out

    def create_policy_version(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        policy = self.policy_at(ctx, required(params, "PolicyArn"))
        document = check_document(required(params, "PolicyDocument"), *POLICY_SIZE)
        arn, now = str(policy["arn"]), self.now()
        version_id = f"v{policy['next_version']}"
        default = version_id if params.get("SetAsDefault") else str(policy["default_version"])
        with self.db.write() as tx:
            if len(store.versions(tx, ctx.account, arn)) >= MAX_VERSIONS:
                raise limit_exceeded(
                    f"A managed policy can have up to {MAX_VERSIONS} versions. Before you create a new version,"
                    " you must delete an existing version."
                )
            store.add_version(tx, ctx.account, arn, version_id, document, now)
            store.update(
                tx,
                "iam_policies",
                ctx.account,
                str(policy["name"]),
                {"next_version": int(policy["next_version"]) + 1, "default_version": default, "updated": now},
            )
            row = store.version(tx, ctx.account, arn, version_id)
        assert row is not None
        return {"PolicyVersion": self.render_version(row, default, document=False)}

    def _version(self, ctx: RequestContext, policy: Row, version_id: Any) -> Row:
        row = store.version(self.db, ctx.account, str(policy["arn"]), str(version_id))
        if row is None:
            raise no_such_entity(
                f"Policy {policy['arn']} version {version_id} does not exist or is not attachable."
            )
        return row

    def get_policy_version(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        policy = self.policy_at(ctx, required(params, "PolicyArn"))
        row = self._version(ctx, policy, required(params, "VersionId"))
        return {"PolicyVersion": self.render_version(row, str(policy["default_version"]), document=True)}

    def list_policy_versions(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        policy = self.policy_at(ctx, required(params, "PolicyArn"))
        default = str(policy["default_version"])
        rows = store.versions(self.db, ctx.account, str(policy["arn"]))
        return paged_list(
            "Versions", [self.render_version(row, default, document=False) for row in rows], params
        )

    def delete_policy_version(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        policy = self.policy_at(ctx, required(params, "PolicyArn"))
        row = self._version(ctx, policy, required(params, "VersionId"))
        if row["version_id"] == policy["default_version"]:
            raise delete_conflict("Cannot delete the default version of a policy.")
        with self.db.write() as tx:
            store.delete_versions(tx, ctx.account, str(policy["arn"]), str(row["version_id"]))
        return {}

    def set_default_policy_version(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        policy = self.policy_at(ctx, required(params, "PolicyArn"))
        version_id = str(required(params, "VersionId"))
        if not re.fullmatch(r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?", version_id):
            raise ServiceError("InvalidInputException", f"Invalid version id: {version_id}")
        row = self._version(ctx, policy, version_id)
        with self.db.write() as tx:
            store.update(
                tx,
                "iam_policies",
                ctx.account,
                str(policy["name"]),
                {"default_version": row["version_id"], "updated": self.now()},
            )
        return {}
