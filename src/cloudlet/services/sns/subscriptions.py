"""Subscriptions: Subscribe, ConfirmSubscription, Unsubscribe, the two List operations and
Get/SetSubscriptionAttributes."""

from __future__ import annotations

import json
from typing import Any

from cloudlet import ids
from cloudlet.gateway.context import RequestContext
from cloudlet.patterns import PatternError, compile_filter_policy, sns_filter_policy_error
from cloudlet.services.sns import envelope, outgoing, store
from cloudlet.services.sns.core import SnsCore
from cloudlet.services.sns.errors import invalid_attributes, invalid_parameter, not_supported
from cloudlet.services.sns.topics import DEFAULT_EFFECTIVE_DELIVERY_POLICY, effective_delivery_policy

PAGE = 100
DELIVERED = ("sqs", "lambda", "http", "https")
NOT_DELIVERED = ("email", "email-json", "sms", "application", "firehose")
SUBSCRIPTION_ATTRIBUTES = frozenset(
    ("DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy",
     "SubscriptionRoleArn", "ReplayPolicy")
)  # fmt: skip


def validate_subscription_attributes(attributes: dict[str, str], protocol: str, subscribe: bool) -> None:
    """Raises InvalidParameter for what AWS refuses; `attributes` is the complete set."""
    for name, value in attributes.items():
        if name not in SUBSCRIPTION_ATTRIBUTES:
            raise (
                invalid_attributes(f"Unknown attribute {name}")
                if subscribe
                else invalid_parameter("AttributeName")
            )
        if name == "RawMessageDelivery":
            if value.lower() not in ("true", "false"):
                raise invalid_parameter(
                    "Attributes Reason: RawMessageDelivery: Invalid value ["
                    + value
                    + "]. Must be true or false."
                )
            if protocol == "lambda" and value.lower() == "true":
                raise invalid_parameter(
                    "Attributes Reason: Delivery protocol [lambda] does not support raw message delivery."
                )
        elif name == "FilterPolicyScope" and value not in ("MessageAttributes", "MessageBody"):
            raise invalid_parameter(
                "Attributes Reason: FilterPolicyScope: Invalid value [" + value
                + "]. Please use either MessageBody or MessageAttributes"
            )  # fmt: skip
        elif name in ("RedrivePolicy", "DeliveryPolicy", "ReplayPolicy") and value:
            try:
                parsed = json.loads(value)
            except ValueError:
                raise invalid_parameter(f"{name}: failed to parse JSON.") from None
            if name == "RedrivePolicy":
                target = parsed.get("deadLetterTargetArn") if isinstance(parsed, dict) else None
                arn = ids.parse_arn(str(target or ""))
                if arn is None or arn["service"] != "sqs":
                    raise invalid_parameter("RedrivePolicy: deadLetterTargetArn is invalid")
    policy = attributes.get("FilterPolicy")
    if policy:
        scope = attributes.get("FilterPolicyScope", "MessageAttributes")
        try:
            compile_filter_policy(policy, scope)  # type: ignore[arg-type]
        except PatternError as error:
            raise sns_filter_policy_error(error, subscribe=subscribe) from None


class SubscriptionOperations(SnsCore):
    def subscribe(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic = self.topic(params.get("TopicArn"))
        protocol = str(params.get("Protocol") or "").lower()
        endpoint = str(params.get("Endpoint") or "")
        if protocol in NOT_DELIVERED:
            raise not_supported(f"Protocol {protocol}")
        if protocol not in DELIVERED:
            raise invalid_parameter(f"Amazon SNS does not support this protocol string: {protocol}")
        self._check_endpoint(topic, protocol, endpoint)
        attributes = {str(k): str(v) for k, v in (params.get("Attributes") or {}).items()}
        validate_subscription_attributes(attributes, protocol, subscribe=True)
        existing = store.find_by_endpoint(self.db, topic.arn, protocol, endpoint)
        if existing is not None:
            if any(existing.attributes.get(k) != v for k, v in attributes.items()):
                raise invalid_attributes("Subscription already exists with different attributes")
            return {"SubscriptionArn": self._answer(existing, params)}
        pending = protocol in ("http", "https")
        sub = store.Subscription(
            arn=f"{topic.arn}:{ids.uuid4()}",
            topic_arn=topic.arn,
            owner=ctx.account,
            region=topic.region,
            protocol=protocol,
            endpoint=endpoint,
            attributes=attributes,
            confirmed=not pending,
            token=ids.token(64).replace("-", "a").replace("_", "b") if pending else None,
        )
        with self.db.write() as tx:
            store.insert_subscription(tx, sub, self.now())
            if pending:
                self._send_confirmation(tx, topic, sub, "SubscriptionConfirmation")
        return {"SubscriptionArn": self._answer(sub, params)}

    @staticmethod
    def _answer(sub: store.Subscription, params: dict[str, Any]) -> str:
        if sub.confirmed or params.get("ReturnSubscriptionArn"):
            return sub.arn
        return "pending confirmation"

    @staticmethod
    def _check_endpoint(topic: store.Topic, protocol: str, endpoint: str) -> None:
        if protocol in ("sqs", "lambda"):
            arn = ids.parse_arn(endpoint)
            if arn is None or arn["service"] != protocol:
                raise invalid_parameter("SQS endpoint ARN" if protocol == "sqs" else "Lambda endpoint ARN")
            if protocol == "sqs" and arn["resource"].endswith(".fifo") and not topic.fifo:
                raise invalid_parameter(
                    "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics"
                )
        elif not endpoint.lower().startswith(f"{protocol}://"):
            raise invalid_parameter("Endpoint must match the specified protocol")
        if topic.fifo and protocol != "sqs":
            raise invalid_parameter(f"Invalid protocol type: {protocol}")

    def _send_confirmation(self, tx: Any, topic: store.Topic, sub: store.Subscription, kind: str) -> None:
        assert sub.token is not None
        fields = envelope.confirmation(
            kind=kind, message_id=ids.uuid4(), token=sub.token, topic_arn=topic.arn,
            timestamp_ms=self.now(), endpoint=self.endpoint,
        )  # fmt: skip
        version = topic.attributes.get("SignatureVersion", "1")
        message = envelope.signed(fields, version, self.signer.sign, self.endpoint)
        outgoing.emit_confirmation(tx, topic, sub, kind, message)

    def confirm_subscription(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic = self.topic(params.get("TopicArn"))
        token = str(params.get("Token") or "")
        sub = store.find_by_token(self.db, topic.arn, token) if token else None
        if sub is None:
            raise invalid_parameter("Token")
        if not sub.confirmed:
            with self.db.write() as tx:
                store.confirm_subscription(tx, sub.arn)
        return {"SubscriptionArn": sub.arn}

    def unsubscribe(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        sub = self.subscription(params.get("SubscriptionArn"))
        topic = store.find_topic(self.db, sub.topic_arn)
        with self.db.write() as tx:
            store.delete_subscription(tx, sub)
            if topic is not None and sub.protocol in ("http", "https") and sub.token and sub.confirmed:
                self._send_confirmation(tx, topic, sub, "UnsubscribeConfirmation")
        return {}

    # -- listing -------------------------------------------------------------------------------------
    def list_subscriptions(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self._page(params, owner=(ctx.account, ctx.region))

    def list_subscriptions_by_topic(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic = self.topic(params.get("TopicArn"))
        return self._page(params, topic_arn=topic.arn)

    def _page(self, params: dict[str, Any], **where: Any) -> dict[str, Any]:
        token = str(params.get("NextToken") or "0")
        if not token.isdigit():
            raise invalid_parameter("NextToken")
        rows = store.page_subscriptions(self.db, int(token), PAGE + 1, **where)
        result: dict[str, Any] = {
            "Subscriptions": [
                {
                    "SubscriptionArn": sub.listed_arn,
                    "Owner": sub.owner,
                    "Protocol": sub.protocol,
                    "Endpoint": sub.endpoint,
                    "TopicArn": sub.topic_arn,
                }
                for _, sub in rows[:PAGE]
            ]
        }
        if len(rows) > PAGE:
            result["NextToken"] = str(rows[PAGE - 1][0])
        return result

    # -- attributes ----------------------------------------------------------------------------------
    def get_subscription_attributes(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        sub = self.subscription(params.get("SubscriptionArn"))
        attributes = {
            "Owner": sub.owner,
            "RawMessageDelivery": "false",
            "TopicArn": sub.topic_arn,
            "Endpoint": sub.endpoint,
            "Protocol": sub.protocol,
            "PendingConfirmation": "false" if sub.confirmed else "true",
            "ConfirmationWasAuthenticated": "true" if sub.confirmed else "false",
            "SubscriptionArn": sub.arn,
        }
        if sub.protocol in ("http", "https"):
            topic = store.find_topic(self.db, sub.topic_arn)
            policy = (topic.attributes.get("DeliveryPolicy") if topic else None) or sub.attributes.get(
                "DeliveryPolicy"
            )
            attributes["EffectiveDeliveryPolicy"] = (
                effective_delivery_policy(policy) if policy
                else json.dumps(DEFAULT_EFFECTIVE_DELIVERY_POLICY, separators=(",", ":"))
            )  # fmt: skip
        attributes.update(sub.attributes)
        if "FilterPolicy" in sub.attributes:
            attributes.setdefault("FilterPolicyScope", "MessageAttributes")
        return {"Attributes": attributes}

    def set_subscription_attributes(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        sub = self.subscription(params.get("SubscriptionArn"))
        name = str(params.get("AttributeName") or "")
        value = str(params.get("AttributeValue") or "")
        if name not in SUBSCRIPTION_ATTRIBUTES:
            raise invalid_parameter("AttributeName")
        attributes = dict(sub.attributes)
        if value == "" and name in ("FilterPolicy", "RedrivePolicy", "DeliveryPolicy", "ReplayPolicy"):
            attributes.pop(name, None)
        else:
            attributes[name] = value
        validate_subscription_attributes(attributes, sub.protocol, subscribe=False)
        with self.db.write() as tx:
            store.set_subscription_attributes(tx, sub.arn, attributes)
        return {}
