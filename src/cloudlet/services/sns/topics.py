"""Topics: CreateTopic, DeleteTopic, ListTopics, Get/SetTopicAttributes, and tags."""

from __future__ import annotations

import json
import re
from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.sns import store
from cloudlet.services.sns.core import SnsCore
from cloudlet.services.sns.errors import invalid_parameter, resource_not_found

PAGE = 100
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_FIFO_NAME = re.compile(r"^[A-Za-z0-9_-]{1,251}\.fifo$")

# Attributes CreateTopic / SetTopicAttributes accept (API reference, SetTopicAttributes).
_FEEDBACK = tuple(
    f"{proto}{kind}"
    for proto in ("Application", "Firehose", "HTTP", "Lambda", "SQS")
    for kind in ("SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate", "FailureFeedbackRoleArn")
)
SETTABLE = frozenset(
    ("DeliveryPolicy", "DisplayName", "Policy", "TracingConfig", "KmsMasterKeyId", "SignatureVersion",
     "ContentBasedDeduplication", "ArchivePolicy", "FifoThroughputScope", *_FEEDBACK)
)  # fmt: skip
CREATE_ONLY = frozenset(("FifoTopic", "DataProtectionPolicy"))

DEFAULT_EFFECTIVE_DELIVERY_POLICY = {
    "http": {
        "defaultHealthyRetryPolicy": {
            "minDelayTarget": 20,
            "maxDelayTarget": 20,
            "numRetries": 3,
            "numMaxDelayRetries": 0,
            "numNoDelayRetries": 0,
            "numMinDelayRetries": 0,
            "backoffFunction": "linear",
        },
        "disableSubscriptionOverrides": False,
        "defaultRequestPolicy": {"headerContentType": "text/plain; charset=UTF-8"},
    }
}


def default_policy(arn: str, account: str) -> str:
    """The access policy AWS gives a new topic."""
    actions = ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
               "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
               "SNS:ListSubscriptionsByTopic", "SNS:Publish"]  # fmt: skip
    statement = {
        "Sid": "__default_statement_ID",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": actions,
        "Resource": arn,
        "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
    }
    policy = {"Version": "2008-10-17", "Id": "__default_policy_ID", "Statement": [statement]}
    return json.dumps(policy, separators=(",", ":"))


def validate_attribute(name: str, value: str, fifo: bool) -> None:
    if name in ("Policy", "DeliveryPolicy", "ArchivePolicy", "DataProtectionPolicy") and value:
        try:
            parsed = json.loads(value)
        except ValueError:
            raise invalid_parameter(f"{name}: failed to parse JSON") from None
        if not isinstance(parsed, dict):
            raise invalid_parameter(f"{name}: must be a JSON object")
    elif name == "SignatureVersion" and value not in ("1", "2"):
        raise invalid_parameter("SignatureVersion")
    elif name in ("FifoTopic", "ContentBasedDeduplication") and value.lower() not in ("true", "false"):
        raise invalid_parameter(name)
    elif name == "ContentBasedDeduplication" and not fifo and value.lower() == "true":
        raise invalid_parameter(
            "ContentBasedDeduplication Reason: Content based deduplication can only be set for FIFO topics"
        )
    elif name == "DisplayName" and len(value) > 100:
        raise invalid_parameter("DisplayName")


class TopicOperations(SnsCore):
    def create_topic(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = str(params.get("Name", ""))
        attributes = {str(k): str(v) for k, v in (params.get("Attributes") or {}).items()}
        fifo = attributes.get("FifoTopic", "false").lower() == "true"
        if fifo:
            if not _FIFO_NAME.match(name):
                raise invalid_parameter(
                    "Fifo Topic names must end with .fifo and must be made up of only uppercase and"
                    " lowercase ASCII letters, numbers, underscores, and hyphens, and must be between"
                    " 1 and 256 characters long."
                )
        elif not _NAME.match(name):
            raise invalid_parameter("Topic Name")
        for key, value in attributes.items():
            if key not in SETTABLE and key not in CREATE_ONLY:
                raise invalid_parameter(f"Attributes Reason: Unknown attribute {key}")
            validate_attribute(key, value, fifo)
        if not fifo:
            attributes.pop("FifoTopic", None)
        else:
            attributes["FifoTopic"] = "true"
            attributes.setdefault("ContentBasedDeduplication", "false")
        tags = {str(t["Key"]): str(t["Value"]) for t in params.get("Tags") or []}
        arn = self.topic_arn(ctx, name)
        with self.db.write() as tx:
            existing = store.find_topic(tx, arn)
            if existing is not None:
                # CreateTopic is idempotent: same name, same attributes (and tags) -> the same ARN.
                given = {
                    k: v for k, v in attributes.items() if k not in ("FifoTopic", "ContentBasedDeduplication")
                }
                if any(existing.attributes.get(k) != v for k, v in given.items()) or (
                    fifo
                    and existing.attributes.get("ContentBasedDeduplication")
                    != attributes["ContentBasedDeduplication"]
                ):
                    raise invalid_parameter(
                        "Attributes Reason: Topic already exists with different attributes"
                    )
                if tags and any(existing.tags.get(k) != v for k, v in tags.items()):
                    raise invalid_parameter("Tags Reason: Topic already exists with different tags")
                return {"TopicArn": arn}
            self._check_tags(tags)
            store.insert_topic(tx, arn, ctx.account, ctx.region, name, fifo, attributes, tags, self.now())
        return {"TopicArn": arn}

    def delete_topic(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        arn = params.get("TopicArn")
        try:
            topic = self.topic(arn)
        except ServiceError as error:
            if error.code == "NotFoundException":
                return {}  # AWS: deleting a topic that does not exist succeeds
            raise
        with self.db.write() as tx:
            store.delete_topic(tx, topic.arn)
        return {}

    def list_topics(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        after = str(params.get("NextToken") or "")
        arns = store.list_topics(self.db, ctx.account, ctx.region, after, PAGE + 1)
        result: dict[str, Any] = {"Topics": [{"TopicArn": arn} for arn in arns[:PAGE]]}
        if len(arns) > PAGE:
            result["NextToken"] = arns[PAGE - 1]
        return result

    def get_topic_attributes(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic = self.topic(params.get("TopicArn"))
        confirmed, pending = store.subscription_counts(self.db, topic.arn)
        attributes: dict[str, str] = {
            "Policy": default_policy(topic.arn, topic.account),
            "Owner": topic.account,
            "TopicArn": topic.arn,
            "DisplayName": "",
            "SubscriptionsConfirmed": str(confirmed),
            "SubscriptionsPending": str(pending),
            "SubscriptionsDeleted": str(topic.subscriptions_deleted),
            "EffectiveDeliveryPolicy": json.dumps(DEFAULT_EFFECTIVE_DELIVERY_POLICY, separators=(",", ":")),
        }
        attributes.update(topic.attributes)
        attributes.pop("DataProtectionPolicy", None)  # GetDataProtectionPolicy returns it
        if "DeliveryPolicy" in topic.attributes:
            attributes["EffectiveDeliveryPolicy"] = effective_delivery_policy(
                topic.attributes["DeliveryPolicy"]
            )
        return {"Attributes": attributes}

    def set_topic_attributes(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic = self.topic(params.get("TopicArn"))
        name = str(params.get("AttributeName", ""))
        value = str(params.get("AttributeValue") or "")
        if name not in SETTABLE:
            raise invalid_parameter("AttributeName")
        validate_attribute(name, value, topic.fifo)
        attributes = dict(topic.attributes)
        if value == "" and name != "DisplayName":
            attributes.pop(name, None)
        else:
            attributes[name] = value
        with self.db.write() as tx:
            store.update_topic(tx, topic.arn, attributes=attributes)
        return {}

    # -- tags --------------------------------------------------------------------------------------
    def _tagged(self, arn: Any) -> store.Topic:
        parts = ids.parse_arn(str(arn or ""))
        if parts is None or parts["service"] != "sns":
            raise invalid_parameter("ResourceArn")
        topic = store.find_topic(self.db, str(arn))
        if topic is None:
            raise resource_not_found()
        return topic

    @staticmethod
    def _check_tags(tags: dict[str, str]) -> None:
        if len(tags) > 50:
            raise ServiceError(
                "TagLimitExceededException", "Could not complete request: tag quota of per resource exceeded"
            )
        for key, value in tags.items():
            if not 1 <= len(key) <= 128 or len(value) > 256 or key.lower().startswith("aws:"):
                raise invalid_parameter("Tags")

    def tag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic = self._tagged(params.get("ResourceArn"))
        tags = dict(topic.tags)
        tags.update({str(t["Key"]): str(t["Value"]) for t in params.get("Tags") or []})
        self._check_tags(tags)
        with self.db.write() as tx:
            store.update_topic(tx, topic.arn, tags=tags)
        return {}

    def untag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic = self._tagged(params.get("ResourceArn"))
        tags = {k: v for k, v in topic.tags.items() if k not in set(params.get("TagKeys") or [])}
        with self.db.write() as tx:
            store.update_topic(tx, topic.arn, tags=tags)
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic = self._tagged(params.get("ResourceArn"))
        return {"Tags": [{"Key": k, "Value": v} for k, v in topic.tags.items()]}


def effective_delivery_policy(delivery_policy: str) -> str:
    """The default policy with the topic's DeliveryPolicy laid over it."""
    effective = json.loads(json.dumps(DEFAULT_EFFECTIVE_DELIVERY_POLICY))
    for protocol, section in json.loads(delivery_policy).items():
        if isinstance(section, dict):
            effective.setdefault(protocol, {}).update(section)
    return json.dumps(effective, separators=(",", ":"))
