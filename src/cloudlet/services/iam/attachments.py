"""What roles and users share: inline policies and attached managed policies, by owner kind."""

from __future__ import annotations

from typing import Any, Literal

from cloudlet.gateway.context import RequestContext
from cloudlet.services.iam import store
from cloudlet.services.iam.core import (
    check_document,
    check_name,
    encoded,
    limit_exceeded,
    no_such_entity,
    paged_list,
    policy_name_of,
    required,
)
from cloudlet.services.iam.policies import PolicyOperations
from cloudlet.services.iam.store import Row

Kind = Literal["role", "user"]

# IAM quotas: managed policies attached per role / user; inline policy characters per role / user
MAX_ATTACHED = {"role": (10, "PoliciesPerRole"), "user": (10, "PoliciesPerUser")}
INLINE_QUOTA = {"role": 10240, "user": 2048}


class AttachmentOperations(PolicyOperations):
    def role_named(self, ctx: RequestContext, name: Any) -> Row:
        return self.named(ctx, "iam_roles", name, f"The role with name {name} cannot be found.")

    def user_named(self, ctx: RequestContext, name: Any) -> Row:
        return self.named(ctx, "iam_users", name, f"The user with name {name} cannot be found.")

    def owner(self, ctx: RequestContext, kind: Kind, params: dict[str, Any]) -> str:
        """The name of the role or user the request names (RoleName / UserName)."""
        if kind == "role":
            return str(self.role_named(ctx, required(params, "RoleName"))["name"])
        return str(self.user_named(ctx, required(params, "UserName"))["name"])

    # -- inline policies --------------------------------------------------------------------
    def put_inline(self, ctx: RequestContext, kind: Kind, params: dict[str, Any]) -> dict[str, Any]:
        owner = self.owner(ctx, kind, params)
        name = check_name(required(params, "PolicyName"), "policyName", 128)
        document = check_document(required(params, "PolicyDocument"))
        with self.db.write() as tx:
            store.put_inline_policy(tx, ctx.account, kind, owner, name, document)
            if store.inline_policies_size(tx, ctx.account, kind, owner) > INLINE_QUOTA[kind]:
                raise limit_exceeded(
                    f"Maximum policy size of {INLINE_QUOTA[kind]} bytes exceeded for {kind} {owner}"
                )
        return {}

    def get_inline(self, ctx: RequestContext, kind: Kind, params: dict[str, Any]) -> dict[str, Any]:
        owner = self.owner(ctx, kind, params)
        name = str(required(params, "PolicyName"))
        document = store.inline_policy(self.db, ctx.account, kind, owner, name)
        if document is None:
            raise no_such_entity(f"The {kind} policy with name {name} cannot be found.")
        owner_key = "RoleName" if kind == "role" else "UserName"
        return {owner_key: owner, "PolicyName": name, "PolicyDocument": encoded(document)}

    def delete_inline(self, ctx: RequestContext, kind: Kind, params: dict[str, Any]) -> dict[str, Any]:
        owner = self.owner(ctx, kind, params)
        name = str(required(params, "PolicyName"))
        with self.db.write() as tx:
            if not store.delete_inline_policy(tx, ctx.account, kind, owner, name):
                raise no_such_entity(f"The {kind} policy with name {name} cannot be found.")
        return {}

    def list_inline(self, ctx: RequestContext, kind: Kind, params: dict[str, Any]) -> dict[str, Any]:
        owner = self.owner(ctx, kind, params)
        return paged_list("PolicyNames", store.inline_policy_names(self.db, ctx.account, kind, owner), params)

    # -- managed policies -------------------------------------------------------------------
    def attach(self, ctx: RequestContext, kind: Kind, params: dict[str, Any]) -> dict[str, Any]:
        owner = self.owner(ctx, kind, params)
        arn = self.attachable(ctx, str(required(params, "PolicyArn")))
        limit, quota = MAX_ATTACHED[kind]
        with self.db.write() as tx:
            current = store.attached(tx, ctx.account, kind, owner)
            if arn not in current and len(current) >= limit:
                raise limit_exceeded(f"Cannot exceed quota for {quota}: {limit}")
            store.attach(tx, ctx.account, kind, owner, arn)
        return {}

    def detach(self, ctx: RequestContext, kind: Kind, params: dict[str, Any]) -> dict[str, Any]:
        owner = self.owner(ctx, kind, params)
        arn = str(required(params, "PolicyArn"))
        with self.db.write() as tx:
            if not store.detach(tx, ctx.account, kind, owner, arn):
                raise no_such_entity(f"Policy {arn} was not found.")
        return {}

    def list_attached(self, ctx: RequestContext, kind: Kind, params: dict[str, Any]) -> dict[str, Any]:
        owner = self.owner(ctx, kind, params)
        prefix = str(params.get("PathPrefix") or "/")
        attached = [
            {"PolicyName": policy_name_of(arn), "PolicyArn": arn}
            for arn in store.attached(self.db, ctx.account, kind, owner)
            # the policy's path: arn:aws:iam::aws:policy/service-role/X -> /service-role/X
            if arn.split(":", 5)[-1][len("policy") :].startswith(prefix)
        ]
        return paged_list("AttachedPolicies", attached, params)

    def list_entities_for_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        arn = str(required(params, "PolicyArn"))
        if not arn.startswith("arn:aws:iam::aws:policy/"):
            self.policy_at(ctx, arn)
        wanted = params.get("EntityFilter")
        prefix = str(params.get("PathPrefix") or "/")
        out: dict[str, Any] = {"PolicyGroups": [], "PolicyUsers": [], "PolicyRoles": [], "IsTruncated": False}
        for kind, table, key, id_key, label in (
            ("role", "iam_roles", "PolicyRoles", "RoleId", "RoleName"),
            ("user", "iam_users", "PolicyUsers", "UserId", "UserName"),
        ):
            if wanted not in (None, "LocalManagedPolicy", "AWSManagedPolicy", kind.capitalize()):
                continue
            rows = self.db.all(
                f"SELECT e.name, e.id, e.path FROM {table} e JOIN iam_attachments a ON a.account = e.account"
                " AND a.owner_key = e.name_key AND a.kind = ? WHERE e.account = ? AND a.policy_arn = ?"
                " ORDER BY e.name_key",
                (kind, ctx.account, arn),
            )
            out[key] = [
                {label: row["name"], id_key: row["id"]} for row in rows if str(row["path"]).startswith(prefix)
            ]
        return out
