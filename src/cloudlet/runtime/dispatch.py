"""Outbox subscribers: effects one service has on another, delivered after the commit that
caused them, through internal clients (DESIGN rule 3). Internal clients block, so each
delivery runs in a worker thread.

- `s3.notification`: an S3 event notification (or test event) for an SQS queue. SNS topics
  and Lambda functions are not delivered yet (those services are not built)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from cloudlet import ids
from cloudlet.client import InternalClients
from cloudlet.storage.outbox import Outbox

log = logging.getLogger("cloudlet.dispatch")

S3_NOTIFICATION = "s3.notification"


class S3Notifications:
    def __init__(self, clients: InternalClients) -> None:
        self.clients = clients

    async def __call__(self, topic: str, payload: dict[str, Any]) -> None:
        if payload.get("kind") == "sqs":
            await asyncio.to_thread(self.to_queue, payload)
        else:
            log.info(
                "S3 notification to %s not delivered: %s is not built yet",
                payload.get("arn"),
                payload.get("kind"),
            )

    def to_queue(self, payload: dict[str, Any]) -> None:
        arn = ids.parse_arn(str(payload.get("arn") or ""))
        if arn is None:
            return
        sqs = self.clients.client("sqs", arn["account"], arn["region"])
        try:
            url = sqs.get_queue_url(QueueName=arn["resource"], QueueOwnerAWSAccountId=arn["account"])[
                "QueueUrl"
            ]
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps(payload["event"], separators=(",", ":")))
        except Exception as exc:  # a queue deleted since: S3 drops the event
            log.warning("S3 notification to %s dropped: %s", payload.get("arn"), exc)


def register(outbox: Outbox, clients: InternalClients) -> None:
    outbox.subscribe(S3_NOTIFICATION, S3Notifications(clients))
