"""AddPermission / RemovePermission: statements of the queue's Policy attribute, as SQS writes them."""

from __future__ import annotations

import json
from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.sqs import store
from cloudlet.services.sqs.core import SqsCore
from cloudlet.services.sqs.errors import invalid_value, missing_parameter
from cloudlet.services.sqs.queues import Queue

# AddPermission grants these; SendMessage, DeleteMessage and ChangeMessageVisibility also
# cover their batch forms (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html).
ACTIONS = frozenset(
    {
        "*",
        "ChangeMessageVisibility",
        "DeleteMessage",
        "GetQueueAttributes",
        "GetQueueUrl",
        "ListDeadLetterSourceQueues",
        "ListQueueTags",
        "PurgeQueue",
        "ReceiveMessage",
        "SendMessage",
        "ChangeMessageVisibilityBatch",
        "DeleteMessageBatch",
        "SendMessageBatch",
    }
)


def _one_or_many(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else values


class PermissionOperations(SqsCore):
    def add_permission(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        label = params.get("Label")
        accounts = list(params.get("AWSAccountIds") or [])
        actions = list(params.get("Actions") or [])
        if not label:
            raise missing_parameter("Label")
        if not accounts:
            raise missing_parameter("AWSAccountId")
        if not actions:
            raise missing_parameter("ActionName")
        for action in actions:
            if action not in ACTIONS:
                raise invalid_value(
                    "ActionName",
                    f"SQS:{action}",
                    "Please refer to the appropriate WSDL for a list of valid actions. ",
                )
        policy = self._policy(queue)
        statements: list[dict[str, Any]] = policy.setdefault("Statement", [])
        if any(statement.get("Sid") == label for statement in statements):
            raise invalid_value("Label", label, "Already exists.")
        statements.append(
            {
                "Sid": label,
                "Effect": "Allow",
                "Principal": {"AWS": _one_or_many([f"arn:aws:iam::{account}:root" for account in accounts])},
                "Action": _one_or_many([f"SQS:{action}" for action in actions]),
                "Resource": queue.arn,
            }
        )
        self._save_policy(queue, policy)
        return {}

    def remove_permission(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        label = params.get("Label")
        if not label:
            raise missing_parameter("Label")
        policy = self._policy(queue)
        statements = policy.get("Statement", [])
        kept = [statement for statement in statements if statement.get("Sid") != label]
        if len(kept) == len(statements):
            raise invalid_value("Label", label, "can't find label.")
        policy["Statement"] = kept
        self._save_policy(queue, policy if kept else None)
        return {}

    @staticmethod
    def _policy(queue: Queue) -> dict[str, Any]:
        text = queue.explicit.get("Policy")
        if text:
            document = json.loads(text)
            if isinstance(document.get("Statement"), dict):
                document["Statement"] = [document["Statement"]]
            return dict(document)
        return {"Version": "2008-10-17", "Id": f"{queue.arn}/SQSDefaultPolicy", "Statement": []}

    def _save_policy(self, queue: Queue, policy: dict[str, Any] | None) -> None:
        explicit = dict(queue.explicit)
        if policy is None:
            explicit.pop("Policy", None)
        else:
            explicit["Policy"] = json.dumps(policy, separators=(",", ":"))
        now_s = self.clock.now_ms() // 1000
        with self.db.write() as tx:
            store.update_queue_attributes(
                tx, queue.id, explicit, queue.redrive.target_arn if queue.redrive else None, now_s
            )
        self.queues.put(queue.with_changes(explicit=explicit, modified_s=now_s))
