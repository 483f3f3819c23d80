"""Resource handlers: AWS::SSM::Parameter.

CloudFormation creates String and StringList parameters only: "AWS CloudFormation doesn't
support creating a SecureString parameter type" (AWS::SSM::Parameter, Type), so a template
asking for one fails validation here too. Tags are a {key: value} map on this type."""

from __future__ import annotations

from typing import Any

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.resources.base import Provisioned, Replace, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.property_values import changed, tag_list, tag_map
from cloudlet.deploy.resources.service_errors import is_missing
from cloudlet.deploy.values import to_text

_TYPES = ("String", "StringList")
_OPTIONAL = ("Description", "AllowedPattern", "Tier", "DataType", "Policies")


def _value(properties: dict[str, Any]) -> str:
    value = properties.get("Value")
    if isinstance(value, list):  # a StringList given as a list
        return ",".join(to_text(v) for v in value)
    return to_text(value)


class ParameterHandler(ResourceHandler):
    type_name = "AWS::SSM::Parameter"
    replace_on = frozenset({"Name"})

    def _params(self, ctx: ResourceContext, name: str, properties: dict[str, Any]) -> dict[str, Any]:
        kind = to_text(properties.get("Type") or "")
        if kind not in _TYPES:
            raise ValidationError(
                f"Properties validation failed for resource {ctx.logical_id} with message: "
                f"#/Type: {kind or 'null'} is not a valid enum value"
                " (CloudFormation creates String and StringList parameters only)"
            )
        params: dict[str, Any] = {"Name": name, "Type": kind, "Value": _value(properties)}
        for member in _OPTIONAL:
            if properties.get(member) is not None:
                params[member] = to_text(properties[member])
        return params

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = ctx.physical_name(properties)
        params = self._params(ctx, name, properties)
        tags = tag_list(properties.get("Tags"))
        if tags:
            params["Tags"] = tags
        await ctx.call("ssm", "PutParameter", params)
        return Provisioned(name, {"Type": params["Type"], "Value": params["Value"]})

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        if changed(properties, old, *self.replace_on):
            raise Replace()
        params = self._params(ctx, physical_id, properties)
        if changed(properties, old, "Type", "Value", *_OPTIONAL):
            await ctx.call("ssm", "PutParameter", {**params, "Overwrite": True})
        new_tags, old_tags = tag_map(properties.get("Tags")), tag_map(old.get("Tags"))
        gone = [k for k in old_tags if k not in new_tags]
        target = {"ResourceType": "Parameter", "ResourceId": physical_id}
        if gone:
            await ctx.call("ssm", "RemoveTagsFromResource", {**target, "TagKeys": gone})
        if new_tags and new_tags != old_tags:
            await ctx.call("ssm", "AddTagsToResource", {**target, "Tags": tag_list(new_tags)})
        return Provisioned(physical_id, {"Type": params["Type"], "Value": params["Value"]})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        try:
            await ctx.call("ssm", "DeleteParameter", {"Name": physical_id})
        except Exception as error:
            if not is_missing(error):
                raise


HANDLERS: list[ResourceHandler] = [ParameterHandler()]
