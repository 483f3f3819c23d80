"""IAM users with their access keys and attached policies, and instance profiles."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.iam import store
from cloudlet.services.iam.core import (
    already_exists,
    check_name,
    check_path,
    check_tags,
    delete_conflict,
    limit_exceeded,
    merge_tags,
    moment,
    no_such_entity,
    paged_list,
    required,
    unique_id,
    validation,
)
from cloudlet.services.iam.roles import RoleOperations
from cloudlet.services.iam.store import Row

MAX_ACCESS_KEYS = 2


class UserOperations(RoleOperations):
    @staticmethod
    def render_user(row: Row, full: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "Path": row["path"],
            "UserName": row["name"],
            "UserId": row["id"],
            "Arn": f"arn:aws:iam::{row['account']}:user{row['path']}{row['name']}",
            "CreateDate": moment(int(row["created"])),
        }
        if full:
            if row["boundary"]:
                out["PermissionsBoundary"] = {
                    "PermissionsBoundaryType": "PermissionsBoundaryPolicy",
                    "PermissionsBoundaryArn": row["boundary"],
                }
            tags = store.tags_of(row)
            if tags:
                out["Tags"] = tags
        return out

    # -- users ------------------------------------------------------------------------------
    def create_user(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = check_name(required(params, "UserName"), "userName")
        path = check_path(params.get("Path"))
        boundary = params.get("PermissionsBoundary")
        if boundary is not None:
            self.attachable(ctx, str(boundary))
        tags = merge_tags([], check_tags(params.get("Tags")), "TagsPerUser")
        with self.db.write() as tx:
            values = {
                "account": ctx.account,
                "name_key": name.lower(),
                "name": name,
                "id": unique_id("AIDA"),
                "path": path,
                "created": self.now(),
                "boundary": boundary,
                "tags": json.dumps(tags),
            }
            if not store.insert(tx, "iam_users", values):
                raise already_exists(f"User with name {name} already exists.")
        return {"User": self.render_user(self.user_named(ctx, name))}

    def get_user(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = params.get("UserName")
        if name is None:
            # Without UserName, the caller; a root key answers the account's root user.
            return {
                "User": {
                    "UserId": ctx.account,
                    "Arn": f"arn:aws:iam::{ctx.account}:root",
                    "CreateDate": moment(0),
                }
            }
        return {"User": self.render_user(self.user_named(ctx, name))}

    def list_users(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.list_page(
            ctx, "iam_users", "Users", params, lambda row: self.render_user(row, full=False)
        )

    def delete_user(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        user = self.user_named(ctx, required(params, "UserName"))
        name = str(user["name"])
        with self.db.write() as tx:
            if store.access_keys(tx, ctx.account, name):
                raise delete_conflict("Cannot delete entity, must delete access keys first.")
            if store.attached(tx, ctx.account, "user", name):
                raise delete_conflict("Cannot delete entity, must detach all policies first.")
            if store.inline_policy_names(tx, ctx.account, "user", name):
                raise delete_conflict("Cannot delete entity, must delete policies first.")
            store.delete(tx, "iam_users", ctx.account, name)
        return {}

    def update_user(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        user = self.user_named(ctx, required(params, "UserName"))
        values: dict[str, Any] = {}
        new_name = params.get("NewUserName")
        if new_name is not None:
            new_name = check_name(new_name, "newUserName")
            values.update(name=new_name, name_key=new_name.lower())
        if params.get("NewPath") is not None:
            values["path"] = check_path(params["NewPath"], "newPath")
        if not values:
            return {}
        with self.db.write() as tx:
            old_key = str(user["name_key"])
            if (
                new_name
                and new_name.lower() != old_key
                and store.find(tx, "iam_users", ctx.account, new_name)
            ):
                raise already_exists(f"User with name {new_name} already exists.")
            store.update(tx, "iam_users", ctx.account, old_key, values)
            if new_name:
                for table, column in (("iam_access_keys", "user_key"), ("iam_attachments", "owner_key")):
                    extra = " AND kind = 'user'" if table == "iam_attachments" else ""
                    tx.execute(
                        f"UPDATE {table} SET {column} = ? WHERE account = ? AND {column} = ?{extra}",
                        (new_name.lower(), ctx.account, old_key),
                    )
                tx.execute(
                    "UPDATE iam_inline_policies SET owner_key = ? WHERE account = ? AND kind = 'user'"
                    " AND owner_key = ?",
                    (new_name.lower(), ctx.account, old_key),
                )
        return {}

    # -- tags -------------------------------------------------------------------------------
    def tag_user(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.tag(
            ctx, "iam_users", self.user_named(ctx, required(params, "UserName")), params, "TagsPerUser"
        )

    def untag_user(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.untag(ctx, "iam_users", self.user_named(ctx, required(params, "UserName")), params)

    def list_user_tags(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return paged_list("Tags", store.tags_of(self.user_named(ctx, required(params, "UserName"))), params)

    # -- inline and managed policies (attachments.py) ---------------------------------------
    def put_user_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.put_inline(ctx, "user", params)

    def get_user_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.get_inline(ctx, "user", params)

    def delete_user_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.delete_inline(ctx, "user", params)

    def list_user_policies(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.list_inline(ctx, "user", params)

    def attach_user_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.attach(ctx, "user", params)

    def detach_user_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.detach(ctx, "user", params)

    def list_attached_user_policies(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.list_attached(ctx, "user", params)

    # -- access keys ------------------------------------------------------------------------
    def create_access_key(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        user = self.user_named(ctx, required(params, "UserName"))
        name = str(user["name"])
        key_id = unique_id("AKIA", 20)
        secret = base64.b64encode(secrets.token_bytes(30)).decode()
        now = self.now()
        with self.db.write() as tx:
            if len(store.access_keys(tx, ctx.account, name)) >= MAX_ACCESS_KEYS:
                raise limit_exceeded(f"Cannot exceed quota for AccessKeysPerUser: {MAX_ACCESS_KEYS}")
            tx.execute(
                "INSERT INTO iam_access_keys (key_id, account, user_key, secret, status, created)"
                " VALUES (?, ?, ?, ?, 'Active', ?)",
                (key_id, ctx.account, name.lower(), secret, now),
            )
        return {
            "AccessKey": {
                "UserName": name,
                "AccessKeyId": key_id,
                "Status": "Active",
                "SecretAccessKey": secret,
                "CreateDate": moment(now),
            }
        }

    def list_access_keys(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        user = self.user_named(ctx, required(params, "UserName"))
        keys = [
            {
                "UserName": user["name"],
                "AccessKeyId": row["key_id"],
                "Status": row["status"],
                "CreateDate": moment(int(row["created"])),
            }
            for row in store.access_keys(self.db, ctx.account, str(user["name"]))
        ]
        return paged_list("AccessKeyMetadata", keys, params)

    def _key_of(self, ctx: RequestContext, params: dict[str, Any]) -> tuple[Row, str]:
        user = self.user_named(ctx, required(params, "UserName"))
        key_id = str(required(params, "AccessKeyId"))
        if key_id not in {
            str(row["key_id"]) for row in store.access_keys(self.db, ctx.account, str(user["name"]))
        }:
            raise no_such_entity(f"The Access Key with id {key_id} cannot be found.")
        return user, key_id

    def update_access_key(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        _, key_id = self._key_of(ctx, params)
        status = str(required(params, "Status"))
        if status not in ("Active", "Inactive"):
            raise validation(
                f"Value '{status}' at 'status' failed to satisfy constraint: Member must satisfy enum"
            )
        with self.db.write() as tx:
            tx.execute("UPDATE iam_access_keys SET status = ? WHERE key_id = ?", (status, key_id))
        return {}

    def delete_access_key(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        _, key_id = self._key_of(ctx, params)
        with self.db.write() as tx:
            tx.execute("DELETE FROM iam_access_keys WHERE key_id = ?", (key_id,))
        return {}
