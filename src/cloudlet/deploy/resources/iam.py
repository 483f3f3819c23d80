"""Resource handlers: AWS::IAM::Role, AWS::IAM::Policy, AWS::IAM::ManagedPolicy,
AWS::IAM::InstanceProfile, through the IAM service (stored, not enforced).

AWS managed policy ARNs (arn:aws:iam::aws:policy/...) attach without existing in cloudlet's
IAM. IAM has no groups in cloudlet: a policy naming Groups fails with the 501 the
unimplemented group operations answer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cloudlet.deploy.names import generate_name
from cloudlet.deploy.resources.base import Provisioned, Replace, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.iam_documents import (
    delete_inline,
    detach,
    inline_policies,
    sync_attached,
    sync_inline,
    texts,
)
from cloudlet.deploy.resources.property_values import as_int, changed, json_text, tag_list, tag_map
from cloudlet.deploy.resources.service_errors import is_missing
from cloudlet.deploy.values import to_text


class RoleHandler(ResourceHandler):
    type_name = "AWS::IAM::Role"
    replace_on = frozenset({"RoleName", "Path"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = ctx.physical_name(properties)
        params: dict[str, Any] = {
            "RoleName": name,
            "AssumeRolePolicyDocument": json_text(properties["AssumeRolePolicyDocument"]),
        }
        if properties.get("Path"):
            params["Path"] = to_text(properties["Path"])
        if properties.get("Description") is not None:
            params["Description"] = to_text(properties["Description"])
        if properties.get("MaxSessionDuration") is not None:
            params["MaxSessionDuration"] = as_int(properties["MaxSessionDuration"])
        if properties.get("PermissionsBoundary"):
            params["PermissionsBoundary"] = to_text(properties["PermissionsBoundary"])
        tags = tag_list(properties.get("Tags"))
        if tags:
            params["Tags"] = tags
        role = (await ctx.call("iam", "CreateRole", params))["Role"]
        try:
            await sync_inline(ctx, "Role", name, inline_policies(properties.get("Policies")), {})
            await sync_attached(ctx, "Role", name, texts(properties.get("ManagedPolicyArns")), [])
        except Exception:
            await self.delete(ctx, name, properties)
            raise
        return Provisioned(name, {"Arn": role["Arn"], "RoleId": role["RoleId"]})

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        if changed(properties, old, *self.replace_on):
            raise Replace()
        name = physical_id
        if changed(properties, old, "AssumeRolePolicyDocument"):
            document = json_text(properties["AssumeRolePolicyDocument"])
            await ctx.call("iam", "UpdateAssumeRolePolicy", {"RoleName": name, "PolicyDocument": document})
        if changed(properties, old, "Description", "MaxSessionDuration"):
            params: dict[str, Any] = {"RoleName": name, "Description": to_text(properties.get("Description"))}
            params["MaxSessionDuration"] = as_int(properties.get("MaxSessionDuration")) or 3600
            await ctx.call("iam", "UpdateRole", params)
        if changed(properties, old, "PermissionsBoundary"):
            if properties.get("PermissionsBoundary"):
                boundary = to_text(properties["PermissionsBoundary"])
                await ctx.call(
                    "iam", "PutRolePermissionsBoundary", {"RoleName": name, "PermissionsBoundary": boundary}
                )
            else:
                await ctx.call("iam", "DeleteRolePermissionsBoundary", {"RoleName": name})
        await sync_inline(
            ctx,
            "Role",
            name,
            inline_policies(properties.get("Policies")),
            inline_policies(old.get("Policies")),
        )
        await sync_attached(
            ctx, "Role", name, texts(properties.get("ManagedPolicyArns")), texts(old.get("ManagedPolicyArns"))
        )
        new_tags, old_tags = tag_map(properties.get("Tags")), tag_map(old.get("Tags"))
        gone = [k for k in old_tags if k not in new_tags]
        if gone:
            await ctx.call("iam", "UntagRole", {"RoleName": name, "TagKeys": gone})
        if new_tags and new_tags != old_tags:
            await ctx.call("iam", "TagRole", {"RoleName": name, "Tags": tag_list(new_tags)})
        role = (await ctx.call("iam", "GetRole", {"RoleName": name}))["Role"]
        return Provisioned(name, {"Arn": role["Arn"], "RoleId": role["RoleId"]})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        """IAM refuses to delete a role with policies (DeleteConflict): empty it first,
        including what other resources (AWS::IAM::Policy) attached."""
        name = physical_id
        try:
            listed = await ctx.call("iam", "ListRolePolicies", {"RoleName": name})
        except Exception as error:
            if is_missing(error):
                return
            raise
        for policy in listed.get("PolicyNames") or []:
            await delete_inline(ctx, "Role", name, str(policy))
        attached = await ctx.call("iam", "ListAttachedRolePolicies", {"RoleName": name})
        for policy in attached.get("AttachedPolicies") or []:
            await detach(ctx, "Role", name, str(policy["PolicyArn"]))
        profiles = await ctx.call("iam", "ListInstanceProfilesForRole", {"RoleName": name})
        for profile in profiles.get("InstanceProfiles") or []:
            params = {"InstanceProfileName": profile["InstanceProfileName"], "RoleName": name}
            await ctx.call("iam", "RemoveRoleFromInstanceProfile", params)
        try:
            await ctx.call("iam", "DeleteRole", {"RoleName": name})
        except Exception as error:
            if not is_missing(error):
                raise


def _timestamp(value: Any) -> str:
    """IAM's dates as CloudFormation shows them (ISO 8601), whether the caller returns a
    datetime (boto3) or an epoch number (the internal API)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).isoformat()
    return to_text(value)


_OWNER_KINDS = (("Roles", "Role"), ("Users", "User"), ("Groups", "Group"))


class PolicyHandler(ResourceHandler):
    """An inline policy put on each of Roles, Users and Groups; Ref is a generated id."""

    type_name = "AWS::IAM::Policy"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        await self._put(ctx, properties, {})
        return Provisioned(generate_name(ctx.stack_name, ctx.logical_id, 64))

    async def _put(self, ctx: ResourceContext, properties: dict[str, Any], old: dict[str, Any]) -> None:
        name = to_text(properties["PolicyName"])
        document = json_text(properties["PolicyDocument"])
        old_name = to_text(old.get("PolicyName")) if old else None
        for member, kind in _OWNER_KINDS:
            owners, had = texts(properties.get(member)), texts(old.get(member))
            for owner in owners:
                await sync_inline(ctx, kind, owner, {name: document}, {})
            for owner in had:
                if owner not in owners or (old_name and old_name != name):
                    await delete_inline(ctx, kind, owner, old_name or name)

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        await self._put(ctx, properties, old)
        return Provisioned(physical_id)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        name = to_text(properties.get("PolicyName"))
        for member, kind in _OWNER_KINDS:
            for owner in texts(properties.get(member)):
                await delete_inline(ctx, kind, owner, name)


class ManagedPolicyHandler(ResourceHandler):
    """Ref is the policy's ARN. A document change makes a new default version (the oldest
    non-default one goes when IAM's five are used)."""

    type_name = "AWS::IAM::ManagedPolicy"
    replace_on = frozenset({"ManagedPolicyName", "Path", "Description"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = ctx.physical_name(properties)
        params: dict[str, Any] = {
            "PolicyName": name,
            "PolicyDocument": json_text(properties["PolicyDocument"]),
        }
        if properties.get("Path"):
            params["Path"] = to_text(properties["Path"])
        if properties.get("Description") is not None:
            params["Description"] = to_text(properties["Description"])
        policy = (await ctx.call("iam", "CreatePolicy", params))["Policy"]
        arn = str(policy["Arn"])
        await self._attach(ctx, arn, properties, {})
        return Provisioned(arn, self._attributes(policy))

    def _attributes(self, policy: dict[str, Any]) -> dict[str, Any]:
        return {
            "PolicyArn": policy["Arn"],
            "PolicyId": policy.get("PolicyId"),
            "DefaultVersionId": policy.get("DefaultVersionId"),
            "AttachmentCount": policy.get("AttachmentCount"),
            "IsAttachable": policy.get("IsAttachable"),
            "PermissionsBoundaryUsageCount": policy.get("PermissionsBoundaryUsageCount"),
            "CreateDate": _timestamp(policy.get("CreateDate")),
            "UpdateDate": _timestamp(policy.get("UpdateDate")),
        }

    async def _attach(
        self, ctx: ResourceContext, arn: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> None:
        for member, kind in _OWNER_KINDS:
            wanted, had = texts(properties.get(member)), texts(old.get(member))
            for owner in wanted:
                if owner not in had:
                    await ctx.call("iam", f"Attach{kind}Policy", {f"{kind}Name": owner, "PolicyArn": arn})
            for owner in had:
                if owner not in wanted:
                    await detach(ctx, kind, owner, arn)

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        if changed(properties, old, *self.replace_on):
            raise Replace()
        arn = physical_id
        if changed(properties, old, "PolicyDocument"):
            versions = (await ctx.call("iam", "ListPolicyVersions", {"PolicyArn": arn}))["Versions"]
            if len(versions) >= 5:
                oldest = min(
                    (v for v in versions if not v["IsDefaultVersion"]), key=lambda v: v["CreateDate"]
                )
                await ctx.call(
                    "iam", "DeletePolicyVersion", {"PolicyArn": arn, "VersionId": oldest["VersionId"]}
                )
            params = {
                "PolicyArn": arn,
                "PolicyDocument": json_text(properties["PolicyDocument"]),
                "SetAsDefault": True,
            }
            await ctx.call("iam", "CreatePolicyVersion", params)
        await self._attach(ctx, arn, properties, old)
        policy = (await ctx.call("iam", "GetPolicy", {"PolicyArn": arn}))["Policy"]
        return Provisioned(arn, self._attributes(policy))

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        arn = physical_id
        try:
            entities = await ctx.call("iam", "ListEntitiesForPolicy", {"PolicyArn": arn})
        except Exception as error:
            if is_missing(error):
                return
            raise
        for key, kind in (("PolicyRoles", "Role"), ("PolicyUsers", "User"), ("PolicyGroups", "Group")):
            for entity in entities.get(key) or []:
                await detach(ctx, kind, str(entity[f"{kind}Name"]), arn)
        versions = (await ctx.call("iam", "ListPolicyVersions", {"PolicyArn": arn}))["Versions"]
        for version in versions:
            if not version["IsDefaultVersion"]:
                await ctx.call(
                    "iam", "DeletePolicyVersion", {"PolicyArn": arn, "VersionId": version["VersionId"]}
                )
        try:
            await ctx.call("iam", "DeletePolicy", {"PolicyArn": arn})
        except Exception as error:
            if not is_missing(error):
                raise


class InstanceProfileHandler(ResourceHandler):
    type_name = "AWS::IAM::InstanceProfile"
    replace_on = frozenset({"InstanceProfileName", "Path"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = ctx.physical_name(properties)
        params: dict[str, Any] = {"InstanceProfileName": name}
        if properties.get("Path"):
            params["Path"] = to_text(properties["Path"])
        profile = (await ctx.call("iam", "CreateInstanceProfile", params))["InstanceProfile"]
        for role in texts(properties.get("Roles")):
            await ctx.call("iam", "AddRoleToInstanceProfile", {"InstanceProfileName": name, "RoleName": role})
        return Provisioned(name, {"Arn": profile["Arn"]})

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        if changed(properties, old, *self.replace_on):
            raise Replace()
        wanted, had = texts(properties.get("Roles")), texts(old.get("Roles"))
        for role in had:
            if role not in wanted:
                params = {"InstanceProfileName": physical_id, "RoleName": role}
                await ctx.call("iam", "RemoveRoleFromInstanceProfile", params)
        for role in wanted:
            if role not in had:
                await ctx.call(
                    "iam", "AddRoleToInstanceProfile", {"InstanceProfileName": physical_id, "RoleName": role}
                )
        profile = (await ctx.call("iam", "GetInstanceProfile", {"InstanceProfileName": physical_id}))[
            "InstanceProfile"
        ]
        return Provisioned(physical_id, {"Arn": profile["Arn"]})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        try:
            found = await ctx.call("iam", "GetInstanceProfile", {"InstanceProfileName": physical_id})
        except Exception as error:
            if is_missing(error):
                return
            raise
        for role in found["InstanceProfile"].get("Roles") or []:
            params = {"InstanceProfileName": physical_id, "RoleName": role["RoleName"]}
            await ctx.call("iam", "RemoveRoleFromInstanceProfile", params)
        await ctx.call("iam", "DeleteInstanceProfile", {"InstanceProfileName": physical_id})


HANDLERS: list[ResourceHandler] = [
    RoleHandler(),
    PolicyHandler(),
    ManagedPolicyHandler(),
    InstanceProfileHandler(),
]
