"""What every SNS operation shares: finding topics and subscriptions by ARN, the signer."""

from __future__ import annotations

from typing import Any

from cloudlet import ids
from cloudlet.gateway.context import RequestContext
from cloudlet.services.base import Provider, ServiceEnv
from cloudlet.services.sns import store
from cloudlet.services.sns.errors import invalid_parameter, subscription_not_found, topic_not_found
from cloudlet.services.sns.signing import Signer


class SnsCore(Provider):
    service = "sns"

    def __init__(self, env: ServiceEnv) -> None:
        super().__init__(env)
        self.signer = Signer(env.data_dir)

    @property
    def endpoint(self) -> str:
        """Where subscribers reach this server back (SigningCertURL, SubscribeURL, UnsubscribeURL)."""
        settings = self.env.settings
        host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
        return f"http://{host}:{settings.port}"

    def topic(self, arn: Any, param: str = "TopicArn") -> store.Topic:
        if not isinstance(arn, str) or not arn:
            raise invalid_parameter(param)
        parts = ids.parse_arn(arn)
        if parts is None or parts["service"] != "sns" or ":" in parts["resource"]:
            raise invalid_parameter(param)
        topic = store.find_topic(self.db, arn)
        if topic is None:
            raise topic_not_found()
        return topic

    def subscription(self, arn: Any) -> store.Subscription:
        if not isinstance(arn, str) or not arn:
            raise invalid_parameter("SubscriptionArn")
        parts = ids.parse_arn(arn)
        if parts is None or parts["service"] != "sns" or ":" not in parts["resource"]:
            raise invalid_parameter("SubscriptionArn")
        sub = store.find_subscription(self.db, arn)
        if sub is None:
            raise subscription_not_found()
        return sub

    @staticmethod
    def topic_arn(ctx: RequestContext, name: str) -> str:
        return ids.arn("sns", ctx.region, ctx.account, name)

    def now(self) -> int:
        return self.clock.now_ms()
