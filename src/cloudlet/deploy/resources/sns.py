"""Resource handlers: AWS::SNS::Topic, AWS::SNS::Subscription, AWS::SNS::TopicPolicy.

A topic's properties become CreateTopic attributes (JSON ones encoded); its Subscription
list is subscribed after creation and diffed on update. A subscription's FilterPolicy (an
object in templates) and RedrivePolicy/DeliveryPolicy are sent as JSON strings."""

from __future__ import annotations

from typing import Any

from cloudlet.deploy.names import generate_name
from cloudlet.deploy.resources.base import Provisioned, Replace, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.property_values import as_bool, changed, json_text, tag_list, tag_map
from cloudlet.deploy.resources.service_errors import is_missing
from cloudlet.deploy.values import to_text

_TOPIC_ATTRIBUTES = (
    "DisplayName",
    "KmsMasterKeyId",
    "ContentBasedDeduplication",
    "SignatureVersion",
    "TracingConfig",
    "FifoThroughputScope",
)
_TOPIC_JSON_ATTRIBUTES = ("ArchivePolicy", "DataProtectionPolicy", "DeliveryPolicy")
# DeliveryStatusLogging's protocols -> the attribute-name prefixes SetTopicAttributes uses
_FEEDBACK_PREFIX = {
    "http/s": "HTTP",
    "http": "HTTP",
    "https": "HTTP",
    "sqs": "SQS",
    "lambda": "Lambda",
    "firehose": "Firehose",
    "application": "Application",
}
_SUBSCRIPTION_JSON = ("FilterPolicy", "RedrivePolicy", "DeliveryPolicy", "ReplayPolicy")
_SUBSCRIPTION_TEXT = ("FilterPolicyScope", "SubscriptionRoleArn")


def topic_attributes(properties: dict[str, Any]) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for name in _TOPIC_ATTRIBUTES:
        if properties.get(name) is not None:
            attributes[name] = to_text(properties[name])
    for name in _TOPIC_JSON_ATTRIBUTES:
        if properties.get(name) is not None:
            attributes[name] = json_text(properties[name])
    for entry in properties.get("DeliveryStatusLogging") or []:
        prefix = _FEEDBACK_PREFIX.get(str(entry.get("Protocol", "")).lower())
        if prefix is None:
            continue
        for member in ("SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate", "FailureFeedbackRoleArn"):
            if entry.get(member) is not None:
                attributes[prefix + member] = to_text(entry[member])
    return attributes


class TopicHandler(ResourceHandler):
    type_name = "AWS::SNS::Topic"
    replace_on = frozenset({"TopicName", "FifoTopic"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = ctx.physical_name(properties)
        attributes = topic_attributes(properties)
        if as_bool(properties.get("FifoTopic")):
            attributes["FifoTopic"] = "true"
        params: dict[str, Any] = {"Name": name, "Attributes": attributes}
        tags = tag_list(properties.get("Tags"))
        if tags:
            params["Tags"] = tags
        arn = str((await ctx.call("sns", "CreateTopic", params))["TopicArn"])
        for entry in properties.get("Subscription") or []:
            await _subscribe(ctx, arn, entry)
        return Provisioned(arn, {"TopicArn": arn, "TopicName": name})

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        if changed(properties, old, *self.replace_on):
            raise Replace()
        new, previous = topic_attributes(properties), topic_attributes(old)
        for name, value in new.items():
            if previous.get(name) != value:
                await _set_topic_attribute(ctx, physical_id, name, value)
        for name in previous.keys() - new.keys():
            if name != "DataProtectionPolicy":  # set with its own operation, not an attribute
                await _set_topic_attribute(ctx, physical_id, name, "")
        await self._update_subscriptions(ctx, physical_id, properties, old)
        await self._update_tags(ctx, physical_id, properties, old)
        return Provisioned(
            physical_id, {"TopicArn": physical_id, "TopicName": physical_id.rsplit(":", 1)[-1]}
        )

    async def _update_subscriptions(
        self, ctx: ResourceContext, arn: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> None:
        def keys(entries: Any) -> set[tuple[str, str]]:
            return {(str(e["Protocol"]).lower(), str(e["Endpoint"])) for e in entries or []}

        wanted, had = keys(properties.get("Subscription")), keys(old.get("Subscription"))
        if wanted == had:
            return
        listed = await ctx.call("sns", "ListSubscriptionsByTopic", {"TopicArn": arn})
        for sub in listed.get("Subscriptions") or []:
            key = (str(sub["Protocol"]).lower(), str(sub["Endpoint"]))
            if key in had - wanted and str(sub["SubscriptionArn"]).startswith("arn:"):
                await ctx.call("sns", "Unsubscribe", {"SubscriptionArn": sub["SubscriptionArn"]})
        for protocol, endpoint in wanted - had:
            await _subscribe(ctx, arn, {"Protocol": protocol, "Endpoint": endpoint})

    async def _update_tags(
        self, ctx: ResourceContext, arn: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> None:
        new_tags, old_tags = tag_map(properties.get("Tags")), tag_map(old.get("Tags"))
        gone = [k for k in old_tags if k not in new_tags]
        if gone:
            await ctx.call("sns", "UntagResource", {"ResourceArn": arn, "TagKeys": gone})
        if new_tags and new_tags != old_tags:
            await ctx.call("sns", "TagResource", {"ResourceArn": arn, "Tags": tag_list(new_tags)})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        try:
            listed = await ctx.call("sns", "ListSubscriptionsByTopic", {"TopicArn": physical_id})
        except Exception as error:
            if is_missing(error):
                return
            raise
        # DeleteTopic leaves subscriptions to be cleaned up asynchronously on AWS; the ones the
        # stack made go with it.
        for sub in listed.get("Subscriptions") or []:
            if str(sub["SubscriptionArn"]).startswith("arn:"):
                await ctx.call("sns", "Unsubscribe", {"SubscriptionArn": sub["SubscriptionArn"]})
        await ctx.call("sns", "DeleteTopic", {"TopicArn": physical_id})


async def _set_topic_attribute(ctx: ResourceContext, arn: str, name: str, value: str) -> None:
    params = {"TopicArn": arn, "AttributeName": name, "AttributeValue": value}
    await ctx.call("sns", "SetTopicAttributes", params)


async def _subscribe(ctx: ResourceContext, topic_arn: str, entry: dict[str, Any]) -> str:
    params = {
        "TopicArn": topic_arn,
        "Protocol": str(entry["Protocol"]),
        "Endpoint": str(entry["Endpoint"]),
        "ReturnSubscriptionArn": True,
    }
    attributes = subscription_attributes(entry)
    if attributes:
        params["Attributes"] = attributes
    return str((await ctx.call("sns", "Subscribe", params))["SubscriptionArn"])


def subscription_attributes(properties: dict[str, Any]) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for name in _SUBSCRIPTION_JSON:
        if properties.get(name) is not None:
            attributes[name] = json_text(properties[name])
    for name in _SUBSCRIPTION_TEXT:
        if properties.get(name) is not None:
            attributes[name] = to_text(properties[name])
    if properties.get("RawMessageDelivery") is not None:
        attributes["RawMessageDelivery"] = "true" if as_bool(properties["RawMessageDelivery"]) else "false"
    return attributes


class SubscriptionHandler(ResourceHandler):
    type_name = "AWS::SNS::Subscription"
    replace_on = frozenset({"Protocol", "Endpoint", "TopicArn", "Region"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        arn = await _subscribe(ctx, str(properties["TopicArn"]), properties)
        return Provisioned(arn)

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        if changed(properties, old, *self.replace_on):
            raise Replace()
        new, previous = subscription_attributes(properties), subscription_attributes(old)
        for name, value in new.items():
            if previous.get(name) != value:
                await self._set(ctx, physical_id, name, value)
        for name in previous.keys() - new.keys():
            await self._set(ctx, physical_id, name, "false" if name == "RawMessageDelivery" else "")
        return Provisioned(physical_id)

    async def _set(self, ctx: ResourceContext, arn: str, name: str, value: str) -> None:
        params = {"SubscriptionArn": arn, "AttributeName": name, "AttributeValue": value}
        await ctx.call("sns", "SetSubscriptionAttributes", params)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        if not physical_id.startswith("arn:"):
            return  # "pending confirmation": nothing to unsubscribe
        try:
            await ctx.call("sns", "Unsubscribe", {"SubscriptionArn": physical_id})
        except Exception as error:
            if not is_missing(error):
                raise


class TopicPolicyHandler(ResourceHandler):
    """Sets each topic's Policy attribute; Ref is a generated id. Deleting puts the topics'
    default policy back."""

    type_name = "AWS::SNS::TopicPolicy"

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        await self._put(ctx, properties)
        return Provisioned(generate_name(ctx.stack_name, ctx.logical_id, 255))

    async def _put(self, ctx: ResourceContext, properties: dict[str, Any]) -> None:
        policy = json_text(properties["PolicyDocument"])
        for arn in properties.get("Topics") or []:
            await _set_topic_attribute(ctx, str(arn), "Policy", policy)

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        await self._put(ctx, properties)
        kept = {str(a) for a in properties.get("Topics") or []}
        await self._clear(ctx, [str(a) for a in old.get("Topics") or [] if str(a) not in kept])
        return Provisioned(physical_id)

    async def _clear(self, ctx: ResourceContext, arns: list[str]) -> None:
        for arn in arns:
            try:
                await _set_topic_attribute(ctx, arn, "Policy", "")
            except Exception as error:
                if not is_missing(error):
                    raise

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        await self._clear(ctx, [str(a) for a in properties.get("Topics") or []])


HANDLERS: list[ResourceHandler] = [TopicHandler(), SubscriptionHandler(), TopicPolicyHandler()]
