"""Resource handlers: AWS::Logs::LogGroup and AWS::Logs::LogStream.

A log group that already exists when the stack creates it is adopted (its retention, key and
tags set from the template) instead of failing: in cloudlet a function that logged before
the stack reached its group has already made it, which does not happen on AWS's ordering."""

from __future__ import annotations

from typing import Any

from cloudlet.deploy.names import generate_name
from cloudlet.deploy.resources.base import Provisioned, Replace, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.property_values import as_int, changed, tag_map
from cloudlet.deploy.resources.service_errors import is_error, is_missing
from cloudlet.deploy.values import to_text

_EXISTS = "ResourceAlreadyExistsException"


def group_arn(ctx: ResourceContext, name: str) -> str:
    return ctx.arn("logs", f"log-group:{name}:*")


async def ensure_log_group(ctx: ResourceContext, name: str, retention: Any) -> None:
    """Create the group unless it exists, then set (or clear) its retention."""
    try:
        await ctx.call("logs", "CreateLogGroup", {"logGroupName": name})
    except Exception as error:
        if not is_error(error, _EXISTS):
            raise
    await set_retention(ctx, name, retention)


async def set_retention(ctx: ResourceContext, name: str, retention: Any) -> None:
    days = as_int(retention)
    if days:
        await ctx.call("logs", "PutRetentionPolicy", {"logGroupName": name, "retentionInDays": days})
    else:
        await ctx.call("logs", "DeleteRetentionPolicy", {"logGroupName": name})


class LogGroupHandler(ResourceHandler):
    type_name = "AWS::Logs::LogGroup"
    replace_on = frozenset({"LogGroupName", "LogGroupClass"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = ctx.physical_name(properties)
        params: dict[str, Any] = {"logGroupName": name}
        if properties.get("KmsKeyId"):
            params["kmsKeyId"] = to_text(properties["KmsKeyId"])
        if properties.get("LogGroupClass"):
            params["logGroupClass"] = to_text(properties["LogGroupClass"])
        tags = tag_map(properties.get("Tags"))
        if tags:
            params["tags"] = tags
        try:
            await ctx.call("logs", "CreateLogGroup", params)
        except Exception as error:
            if not is_error(error, _EXISTS):
                raise
            if tags:  # adopted: give it the template's tags
                await ctx.call("logs", "TagResource", {"resourceArn": _tag_arn(ctx, name), "tags": tags})
        if as_int(properties.get("RetentionInDays")):
            await set_retention(ctx, name, properties["RetentionInDays"])
        return Provisioned(name, {"Arn": group_arn(ctx, name)})

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        if changed(properties, old, *self.replace_on):
            raise Replace()
        if changed(properties, old, "RetentionInDays"):
            await set_retention(ctx, physical_id, properties.get("RetentionInDays"))
        if changed(properties, old, "KmsKeyId"):
            if properties.get("KmsKeyId"):
                params = {"logGroupName": physical_id, "kmsKeyId": to_text(properties["KmsKeyId"])}
                await ctx.call("logs", "AssociateKmsKey", params)
            else:
                await ctx.call("logs", "DisassociateKmsKey", {"logGroupName": physical_id})
        new_tags, old_tags = tag_map(properties.get("Tags")), tag_map(old.get("Tags"))
        arn = _tag_arn(ctx, physical_id)
        gone = [k for k in old_tags if k not in new_tags]
        if gone:
            await ctx.call("logs", "UntagResource", {"resourceArn": arn, "tagKeys": gone})
        if new_tags and new_tags != old_tags:
            await ctx.call("logs", "TagResource", {"resourceArn": arn, "tags": new_tags})
        return Provisioned(physical_id, {"Arn": group_arn(ctx, physical_id)})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        try:
            await ctx.call("logs", "DeleteLogGroup", {"logGroupName": physical_id})
        except Exception as error:
            if not is_missing(error):
                raise


def _tag_arn(ctx: ResourceContext, name: str) -> str:
    # TagResource names a log group by its ARN without the trailing ":*"
    return ctx.arn("logs", f"log-group:{name}")


class LogStreamHandler(ResourceHandler):
    type_name = "AWS::Logs::LogStream"
    replace_on = frozenset({"LogGroupName", "LogStreamName"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        group = to_text(properties["LogGroupName"])
        name = to_text(properties.get("LogStreamName") or generate_name(ctx.stack_name, ctx.logical_id, 512))
        await ctx.call("logs", "CreateLogStream", {"logGroupName": group, "logStreamName": name})
        return Provisioned(name)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        params = {"logGroupName": to_text(properties.get("LogGroupName")), "logStreamName": physical_id}
        try:
            await ctx.call("logs", "DeleteLogStream", params)
        except Exception as error:
            if not is_missing(error):
                raise


HANDLERS: list[ResourceHandler] = [LogGroupHandler(), LogStreamHandler()]
