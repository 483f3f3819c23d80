"""Resource handlers: AWS::SQS::Queue, AWS::SQS::QueuePolicy, AWS::SQS::QueueInlinePolicy.

Every queue property but QueueName and Tags is an SQS attribute of the same name; JSON
ones (RedrivePolicy, RedriveAllowPolicy) are encoded. An update sets the changed attributes
in place and puts a dropped attribute back to its default, as CloudFormation does."""

from __future__ import annotations

from typing import Any

from cloudlet.deploy.names import generate_name
from cloudlet.deploy.resources.base import Provisioned, Replace, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.property_values import as_bool, changed, json_text, tag_map
from cloudlet.deploy.resources.service_errors import is_missing
from cloudlet.deploy.values import to_text

_JSON_ATTRIBUTES = ("RedrivePolicy", "RedriveAllowPolicy")
_NOT_ATTRIBUTES = ("QueueName", "Tags")
# What a dropped attribute goes back to (the SQS defaults; "" removes a redrive policy).
_DEFAULTS = {
    "DelaySeconds": "0",
    "MaximumMessageSize": "1048576",
    "MessageRetentionPeriod": "345600",
    "ReceiveMessageWaitTimeSeconds": "0",
    "VisibilityTimeout": "30",
    "KmsDataKeyReusePeriodSeconds": "300",
    "RedrivePolicy": "",
    "RedriveAllowPolicy": "",
    "KmsMasterKeyId": "",
    "SqsManagedSseEnabled": "true",
    "ContentBasedDeduplication": "false",
}


def queue_attributes(properties: dict[str, Any]) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for name, value in properties.items():
        if name in _NOT_ATTRIBUTES or value is None:
            continue
        if name == "FifoQueue" and not as_bool(value):
            continue  # SQS refuses FifoQueue=false on create
        attributes[name] = json_text(value) if name in _JSON_ATTRIBUTES else to_text(value)
    return attributes


def queue_name_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


class QueueHandler(ResourceHandler):
    type_name = "AWS::SQS::Queue"
    replace_on = frozenset({"QueueName", "FifoQueue"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = ctx.physical_name(properties)
        params: dict[str, Any] = {"QueueName": name, "Attributes": queue_attributes(properties)}
        tags = tag_map(properties.get("Tags"))
        if tags:
            params["tags"] = tags
        result = await ctx.call("sqs", "CreateQueue", params)
        return await self._provisioned(ctx, str(result["QueueUrl"]))

    async def _provisioned(self, ctx: ResourceContext, url: str) -> Provisioned:
        found = await ctx.call("sqs", "GetQueueAttributes", {"QueueUrl": url, "AttributeNames": ["QueueArn"]})
        arn = str(found["Attributes"]["QueueArn"])
        return Provisioned(url, {"Arn": arn, "QueueName": queue_name_of(url), "QueueUrl": url})

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        if changed(properties, old, *self.replace_on):
            raise Replace()
        new_attributes = queue_attributes(properties)
        old_attributes = queue_attributes(old)
        updates = {k: v for k, v in new_attributes.items() if old_attributes.get(k) != v}
        for name in old_attributes.keys() - new_attributes.keys():
            if name in _DEFAULTS:
                updates[name] = _DEFAULTS[name]
        if updates:
            await ctx.call("sqs", "SetQueueAttributes", {"QueueUrl": physical_id, "Attributes": updates})
        new_tags, old_tags = tag_map(properties.get("Tags")), tag_map(old.get("Tags"))
        gone = [k for k in old_tags if k not in new_tags]
        if gone:
            await ctx.call("sqs", "UntagQueue", {"QueueUrl": physical_id, "TagKeys": gone})
        if new_tags and new_tags != old_tags:
            await ctx.call("sqs", "TagQueue", {"QueueUrl": physical_id, "Tags": new_tags})
        return await self._provisioned(ctx, physical_id)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        try:
            await ctx.call("sqs", "DeleteQueue", {"QueueUrl": physical_id})
        except Exception as error:
            if not is_missing(error):
                raise


class QueuePolicyHandler(ResourceHandler):
    """Sets each queue's Policy attribute; Ref is a generated id (the stack's
    "<stack>-<logical id>-<suffix>" form, as CloudFormation's Id)."""

    type_name = "AWS::SQS::QueuePolicy"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        await self._put(ctx, properties)
        return Provisioned(generate_name(ctx.stack_name, ctx.logical_id, 255))

    async def _put(self, ctx: ResourceContext, properties: dict[str, Any]) -> None:
        policy = json_text(properties["PolicyDocument"])
        for url in properties.get("Queues") or []:
            await ctx.call(
                "sqs", "SetQueueAttributes", {"QueueUrl": str(url), "Attributes": {"Policy": policy}}
            )

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        await self._put(ctx, properties)
        kept = {str(u) for u in properties.get("Queues") or []}
        await _clear_policies(ctx, [str(u) for u in old.get("Queues") or [] if str(u) not in kept])
        return Provisioned(physical_id)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        await _clear_policies(ctx, [str(u) for u in properties.get("Queues") or []])


async def _clear_policies(ctx: ResourceContext, urls: list[str]) -> None:
    for url in urls:
        try:
            await ctx.call("sqs", "SetQueueAttributes", {"QueueUrl": url, "Attributes": {"Policy": ""}})
        except Exception as error:
            if not is_missing(error):
                raise


class QueueInlinePolicyHandler(ResourceHandler):
    """One queue's policy; Ref is the queue's URL."""

    type_name = "AWS::SQS::QueueInlinePolicy"
    replace_on = frozenset({"Queue"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        url = str(properties["Queue"])
        policy = json_text(properties["PolicyDocument"])
        await ctx.call("sqs", "SetQueueAttributes", {"QueueUrl": url, "Attributes": {"Policy": policy}})
        return Provisioned(url)

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        return await self.create(ctx, properties)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        await _clear_policies(ctx, [str(properties.get("Queue") or physical_id)])


HANDLERS: list[ResourceHandler] = [QueueHandler(), QueuePolicyHandler(), QueueInlinePolicyHandler()]
