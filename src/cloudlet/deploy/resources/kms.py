"""Resource handlers: AWS::KMS::Key and AWS::KMS::Alias.

Deleting a key schedules its deletion (PendingWindowInDays, 7-30, default 30), as
CloudFormation does. Key policy, rotation and description changes go through PutKeyPolicy,
EnableKeyRotation/DisableKeyRotation and UpdateKeyDescription; while cloudlet's KMS does not
implement one of those (its 501 NotImplemented), the property is kept in the template only."""

from __future__ import annotations

from typing import Any

from cloudlet.deploy.resources.base import Provisioned, Replace, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.property_values import as_bool, as_int, changed, json_text, tag_list, tag_map
from cloudlet.deploy.resources.service_errors import is_error, is_missing
from cloudlet.deploy.values import to_text


async def _optional(ctx: ResourceContext, operation: str, params: dict[str, Any]) -> None:
    """An operation cloudlet's KMS may not implement yet: NotImplemented leaves it unapplied."""
    try:
        await ctx.call("kms", operation, params)
    except Exception as error:
        if not is_error(error, "NotImplemented"):
            raise


class KeyHandler(ResourceHandler):
    type_name = "AWS::KMS::Key"
    replace_on = frozenset({"KeySpec", "KeyUsage", "MultiRegion", "Origin"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        params: dict[str, Any] = {}
        if properties.get("KeyPolicy") is not None:
            params["Policy"] = json_text(properties["KeyPolicy"])
        for member in ("Description", "KeySpec", "KeyUsage", "Origin"):
            if properties.get(member) is not None:
                params[member] = to_text(properties[member])
        if properties.get("MultiRegion") is not None:
            params["MultiRegion"] = as_bool(properties["MultiRegion"])
        tags = tag_list(properties.get("Tags"), "TagKey", "TagValue")
        if tags:
            params["Tags"] = tags
        metadata = (await ctx.call("kms", "CreateKey", params))["KeyMetadata"]
        key_id = str(metadata["KeyId"])
        if not as_bool(properties.get("Enabled"), default=True):
            await ctx.call("kms", "DisableKey", {"KeyId": key_id})
        if as_bool(properties.get("EnableKeyRotation")):
            await _optional(ctx, "EnableKeyRotation", self._rotation(key_id, properties))
        return Provisioned(key_id, {"Arn": metadata["Arn"], "KeyId": key_id})

    def _rotation(self, key_id: str, properties: dict[str, Any]) -> dict[str, Any]:
        params: dict[str, Any] = {"KeyId": key_id}
        period = as_int(properties.get("RotationPeriodInDays"))
        if period:
            params["RotationPeriodInDays"] = period
        return params

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        if changed(properties, old, *self.replace_on):
            raise Replace()
        key_id = physical_id
        if changed(properties, old, "Enabled"):
            enabled = as_bool(properties.get("Enabled"), default=True)
            await ctx.call("kms", "EnableKey" if enabled else "DisableKey", {"KeyId": key_id})
        if changed(properties, old, "KeyPolicy") and properties.get("KeyPolicy") is not None:
            params = {"KeyId": key_id, "PolicyName": "default", "Policy": json_text(properties["KeyPolicy"])}
            await _optional(ctx, "PutKeyPolicy", params)
        if changed(properties, old, "Description"):
            params = {"KeyId": key_id, "Description": to_text(properties.get("Description"))}
            await _optional(ctx, "UpdateKeyDescription", params)
        if changed(properties, old, "EnableKeyRotation", "RotationPeriodInDays"):
            if as_bool(properties.get("EnableKeyRotation")):
                await _optional(ctx, "EnableKeyRotation", self._rotation(key_id, properties))
            else:
                await _optional(ctx, "DisableKeyRotation", {"KeyId": key_id})
        new_tags, old_tags = tag_map(properties.get("Tags")), tag_map(old.get("Tags"))
        gone = [k for k in old_tags if k not in new_tags]
        if gone:
            await ctx.call("kms", "UntagResource", {"KeyId": key_id, "TagKeys": gone})
        if new_tags and new_tags != old_tags:
            await ctx.call(
                "kms", "TagResource", {"KeyId": key_id, "Tags": tag_list(new_tags, "TagKey", "TagValue")}
            )
        metadata = (await ctx.call("kms", "DescribeKey", {"KeyId": key_id}))["KeyMetadata"]
        return Provisioned(key_id, {"Arn": metadata["Arn"], "KeyId": key_id})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        params: dict[str, Any] = {"KeyId": physical_id}
        window = as_int(properties.get("PendingWindowInDays"))
        if window:
            params["PendingWindowInDays"] = window
        try:
            await ctx.call("kms", "ScheduleKeyDeletion", params)
        except Exception as error:
            # already pending deletion (KMSInvalidStateException) or gone: nothing left to do
            if not (is_missing(error) or is_error(error, "KMSInvalidStateException")):
                raise


class AliasHandler(ResourceHandler):
    """Ref is the alias name."""

    type_name = "AWS::KMS::Alias"
    replace_on = frozenset({"AliasName"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = to_text(properties["AliasName"])
        await ctx.call(
            "kms", "CreateAlias", {"AliasName": name, "TargetKeyId": to_text(properties["TargetKeyId"])}
        )
        return Provisioned(name)

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        if changed(properties, old, *self.replace_on):
            raise Replace()
        params = {"AliasName": physical_id, "TargetKeyId": to_text(properties["TargetKeyId"])}
        await ctx.call("kms", "UpdateAlias", params)
        return Provisioned(physical_id)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        try:
            await ctx.call("kms", "DeleteAlias", {"AliasName": physical_id})
        except Exception as error:
            if not is_missing(error):
                raise


HANDLERS: list[ResourceHandler] = [KeyHandler(), AliasHandler()]
