"""AddPermission / RemovePermission (statements in the topic's Policy) and the data protection
policy. Stored and returned, never enforced."""

from __future__ import annotations

import json
from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.sns import store
from cloudlet.services.sns.core import SnsCore
from cloudlet.services.sns.errors import invalid_parameter
from cloudlet.services.sns.topics import default_policy


class PermissionOperations(SnsCore):
    def _policy(self, topic: store.Topic) -> dict[str, Any]:
        policy = json.loads(topic.attributes.get("Policy") or default_policy(topic.arn, topic.account))
        return policy if isinstance(policy, dict) else {}

    def _save_policy(self, topic: store.Topic, policy: dict[str, Any]) -> None:
        attributes = {**topic.attributes, "Policy": json.dumps(policy, separators=(",", ":"))}
        with self.db.write() as tx:
            store.update_topic(tx, topic.arn, attributes=attributes)

    def add_permission(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic = self.topic(params.get("TopicArn"))
        label = str(params.get("Label") or "")
        accounts = [str(a) for a in params.get("AWSAccountId") or []]
        actions = [str(a) for a in params.get("ActionName") or []]
        if not label or not accounts or not actions:
            raise invalid_parameter("Label, AWSAccountId and ActionName are required")
        policy = self._policy(topic)
        statements = policy.setdefault("Statement", [])
        if any(s.get("Sid") == label for s in statements):
            raise invalid_parameter("Statement already exists")
        principals = [f"arn:aws:iam::{a}:root" for a in accounts]
        statements.append(
            {
                "Sid": label,
                "Effect": "Allow",
                "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
                "Action": [f"SNS:{a}" for a in actions] if len(actions) > 1 else f"SNS:{actions[0]}",
                "Resource": topic.arn,
            }
        )
        self._save_policy(topic, policy)
        return {}

    def remove_permission(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic = self.topic(params.get("TopicArn"))
        label = str(params.get("Label") or "")
        policy = self._policy(topic)
        statements = policy.get("Statement", [])
        kept = [s for s in statements if s.get("Sid") != label]
        if len(kept) == len(statements):
            raise invalid_parameter("Statement with the label does not exist")
        policy["Statement"] = kept
        self._save_policy(topic, policy)
        return {}

    def get_data_protection_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic = self.topic(params.get("ResourceArn"), "ResourceArn")
        policy = topic.attributes.get("DataProtectionPolicy")
        return {"DataProtectionPolicy": policy} if policy else {}

    def put_data_protection_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic = self.topic(params.get("ResourceArn"), "ResourceArn")
        text = str(params.get("DataProtectionPolicy") or "")
        try:
            parsed = json.loads(text)
        except ValueError:
            raise invalid_parameter("DataProtectionPolicy: failed to parse JSON") from None
        if not isinstance(parsed, dict):
            raise invalid_parameter("DataProtectionPolicy: must be a JSON object")
        with self.db.write() as tx:
            store.update_topic(tx, topic.arn, attributes={**topic.attributes, "DataProtectionPolicy": text})
        return {}
