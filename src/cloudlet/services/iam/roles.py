"""IAM roles: the role itself, its tags, inline policies, attached managed policies, boundary."""

from __future__ import annotations

import json
from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.iam import store
from cloudlet.services.iam.attachments import AttachmentOperations
from cloudlet.services.iam.core import (
    already_exists,
    check_document,
    check_name,
    check_path,
    check_tags,
    constraint,
    delete_conflict,
    encoded,
    merge_tags,
    moment,
    paged_list,
    required,
    unique_id,
)
from cloudlet.services.iam.store import Row

TRUST_POLICY_QUOTA = ("ACLSizePerRole", 2048)


class RoleOperations(AttachmentOperations):
    @staticmethod
    def render_role(row: Row, full: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "Path": row["path"],
            "RoleName": row["name"],
            "RoleId": row["id"],
            "Arn": f"arn:aws:iam::{row['account']}:role{row['path']}{row['name']}",
            "CreateDate": moment(int(row["created"])),
            "AssumeRolePolicyDocument": encoded(str(row["trust_policy"])),
            "MaxSessionDuration": int(row["max_session"]),
        }
        if row["description"] is not None:
            out["Description"] = row["description"]
        if full:
            if row["boundary"]:
                out["PermissionsBoundary"] = {
                    "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                    "PermissionsBoundaryArn": row["boundary"],
                }
            tags = store.tags_of(row)
            if tags:
                out["Tags"] = tags
            out["RoleLastUsed"] = {}
        return out

    # -- roles ------------------------------------------------------------------------------
    def create_role(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = check_name(required(params, "RoleName"), "roleName")
        path = check_path(params.get("Path"))
        trust = check_document(required(params, "AssumeRolePolicyDocument"), *TRUST_POLICY_QUOTA)
        max_session = self._max_session(params.get("MaxSessionDuration"), 3600)
        boundary = params.get("PermissionsBoundary")
        if boundary is not None:
            self.attachable(ctx, str(boundary))
        tags = merge_tags([], check_tags(params.get("Tags")), "TagsPerRole")
        with self.db.write() as tx:
            created = store.insert(
                tx,
                "iam_roles",
                {
                    "account": ctx.account,
                    "name_key": name.lower(),
                    "name": name,
                    "id": unique_id("AROA"),
                    "path": path,
                    "created": self.now(),
                    "trust_policy": trust,
                    "description": params.get("Description"),
                    "max_session": max_session,
                    "boundary": boundary,
                    "tags": json.dumps(tags),
                },
            )
            if not created:
                raise already_exists(f"Role with name {name} already exists.")
        return {"Role": self.render_role(self.role_named(ctx, name))}

    @staticmethod
    def _max_session(value: Any, default: int) -> int:
        seconds = default if value is None else int(value)
        if seconds < 3600:
            raise constraint(seconds, "maxSessionDuration", "have value greater than or equal to 3600")
        if seconds > 43200:
            raise constraint(seconds, "maxSessionDuration", "have value less than or equal to 43200")
        return seconds

    def get_role(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return {"Role": self.render_role(self.role_named(ctx, required(params, "RoleName")))}

    def list_roles(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.list_page(
            ctx, "iam_roles", "Roles", params, lambda row: self.render_role(row, full=False)
        )

    def delete_role(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        role = self.role_named(ctx, required(params, "RoleName"))
        name = str(role["name"])
        with self.db.write() as tx:
            if store.attached(tx, ctx.account, "role", name):
                raise delete_conflict("Cannot delete entity, must detach all policies first.")
            if store.inline_policy_names(tx, ctx.account, "role", name):
                raise delete_conflict("Cannot delete entity, must delete policies first.")
            if tx.one(
                "SELECT 1 FROM iam_instance_profiles WHERE account = ? AND role_key = ?",
                (ctx.account, name.lower()),
            ):
                raise delete_conflict("Cannot delete entity, must remove roles from instance profile first.")
            store.delete(tx, "iam_roles", ctx.account, name)
        return {}

    def update_role(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        role = self.role_named(ctx, required(params, "RoleName"))
        values: dict[str, Any] = {}
        if params.get("Description") is not None:
            values["description"] = params["Description"]
        if params.get("MaxSessionDuration") is not None:
            values["max_session"] = self._max_session(params["MaxSessionDuration"], 3600)
        if values:
            with self.db.write() as tx:
                store.update(tx, "iam_roles", ctx.account, str(role["name"]), values)
        return {}

    def update_role_description(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        role = self.role_named(ctx, required(params, "RoleName"))
        with self.db.write() as tx:
            store.update(
                tx, "iam_roles", ctx.account, str(role["name"]), {"description": params["Description"]}
            )
        return {"Role": self.render_role(self.role_named(ctx, role["name"]))}

    def update_assume_role_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        role = self.role_named(ctx, required(params, "RoleName"))
        trust = check_document(required(params, "PolicyDocument"), *TRUST_POLICY_QUOTA)
        with self.db.write() as tx:
            store.update(tx, "iam_roles", ctx.account, str(role["name"]), {"trust_policy": trust})
        return {}

    # -- tags -------------------------------------------------------------------------------
    def tag_role(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.tag(
            ctx, "iam_roles", self.role_named(ctx, required(params, "RoleName")), params, "TagsPerRole"
        )

    def untag_role(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.untag(ctx, "iam_roles", self.role_named(ctx, required(params, "RoleName")), params)

    def list_role_tags(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        role = self.role_named(ctx, required(params, "RoleName"))
        return paged_list("Tags", store.tags_of(role), params)

    # -- inline and managed policies (attachments.py) ---------------------------------------
    def put_role_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.put_inline(ctx, "role", params)

    def get_role_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.get_inline(ctx, "role", params)

    def delete_role_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.delete_inline(ctx, "role", params)

    def list_role_policies(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.list_inline(ctx, "role", params)

    def attach_role_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.attach(ctx, "role", params)

    def detach_role_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.detach(ctx, "role", params)

    def list_attached_role_policies(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.list_attached(ctx, "role", params)

    def put_role_permissions_boundary(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        role = self.role_named(ctx, required(params, "RoleName"))
        arn = self.attachable(ctx, str(required(params, "PermissionsBoundary")))
        with self.db.write() as tx:
            store.update(tx, "iam_roles", ctx.account, str(role["name"]), {"boundary": arn})
        return {}

    def delete_role_permissions_boundary(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        role = self.role_named(ctx, required(params, "RoleName"))
        with self.db.write() as tx:
            store.update(tx, "iam_roles", ctx.account, str(role["name"]), {"boundary": None})
        return {}
