"""Outbox subscriber: SNS deliveries to subscriptions: SQS, Lambda, HTTP/S.

Each "sns.delivery" event carries the rendered body (envelope, raw message or Lambda event)
for one subscription; this module only sends it, retries, and dead-letters.

Retries ("Amazon SNS message delivery retries", simplified, on the virtual clock):
- SQS and Lambda: a client-side error (the queue or function is gone, a ServiceError with
  sender_fault, an unknown target) is not retried: the message goes to the subscription's
  dead-letter queue at once. A server-side error is retried 3 times at once, then after
  1, 1, 1, 2, 4, 8, 16, 20, 20, 20, 20, 20 seconds (AWS goes on for 100,000 more attempts
  over 23 days; cloudlet gives up after these 15 retries), then dead-lettered.
- HTTP/S: any failure (connection, non-2xx) is retried numRetries times (default 3),
  minDelayTarget seconds apart (default 20), from the topic's or subscription's
  DeliveryPolicy; then a notification is dead-lettered.
Without a RedrivePolicy a message that cannot be delivered is dropped with a log line.

SQS and Lambda deliveries run in the outbox's order (FIFO topics stay in order). HTTP/S POSTs
run as background work, so a slow endpoint delays nothing else; a crash during one loses it."""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import json
import logging
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from cloudlet.client import InternalClients
from cloudlet.clock import Clock
from cloudlet.errors import ServiceError
from cloudlet.runtime.targets import Message, TargetError, deliver
from cloudlet.services.base import Background
from cloudlet.storage.outbox import Outbox

log = logging.getLogger("cloudlet.sns")

TOPIC = "sns.delivery"
SERVER_ERROR_DELAYS = (0, 0, 0, 1, 1, 1, 2, 4, 8, 16, 20, 20, 20, 20, 20)
HTTP_TIMEOUT_S = 15.0


class DeliveryFailed(Exception):
    """An attempt failed; `client_side` failures are not retried."""

    def __init__(self, reason: str, client_side: bool) -> None:
        super().__init__(reason)
        self.client_side = client_side


def is_loopback(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    context = ssl._create_unverified_context() if url.lower().startswith("https") else None  # noqa: S323
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S, context=context) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _sqs_attributes(mapped: dict[str, dict[str, str]]) -> dict[str, dict[str, Any]]:
    decoded: dict[str, dict[str, Any]] = {}
    for name, attribute in mapped.items():
        if "BinaryValue" in attribute:
            decoded[name] = {
                "DataType": attribute["DataType"],
                "BinaryValue": base64.b64decode(attribute["BinaryValue"]),
            }
        else:
            decoded[name] = dict(attribute)
    return decoded


def _dead_letter_body(payload: dict[str, Any]) -> str:
    """What a DLQ gets: the message as the subscriber would have (a Lambda subscription's is
    the notification envelope, not the Lambda event)."""
    body = str(payload["body"])
    if payload["protocol"] != "lambda":
        return body
    sns = dict(json.loads(body)["Records"][0]["Sns"])
    renamed = {"SigningCertUrl": "SigningCertURL", "UnsubscribeUrl": "UnsubscribeURL"}
    note = {renamed.get(k, k): v for k, v in sns.items() if v is not None and k != "MessageAttributes"}
    if sns.get("MessageAttributes"):
        note["MessageAttributes"] = sns["MessageAttributes"]
    return json.dumps(note, indent=2, separators=(",", " : "), ensure_ascii=False)


class SnsDeliveries:
    def __init__(self, clients: InternalClients, clock: Clock, background: Background) -> None:
        self.clients = clients
        self.clock = clock
        self.background = background

    async def __call__(self, topic: str, payload: dict[str, Any]) -> None:
        if payload["protocol"] in ("http", "https"):
            # A slow endpoint (up to 15 s per POST) must not hold up the outbox or the timers.
            self.background.spawn(self.attempt(payload, 0), "sns-http-delivery")
            return
        await self.attempt(payload, 0)

    async def attempt(self, payload: dict[str, Any], retries_done: int) -> None:
        """Try now; on failure retry at once, later (a clock timer) or dead-letter."""
        while True:
            try:
                await self.send(payload)
                return
            except DeliveryFailed as failure:
                delay = self._next_delay(payload, retries_done, failure)
                if delay is None:
                    await self.dead_letter(payload, str(failure))
                    return
                retries_done += 1
                if delay > 0:
                    self.clock.call_at(self.clock.now() + delay, self._retry(payload, retries_done))
                    return

    def _retry(self, payload: dict[str, Any], retries_done: int) -> Callable[[], Any]:
        if payload["protocol"] in ("http", "https"):

            def spawn() -> None:
                self.background.spawn(self.attempt(payload, retries_done), "sns-http-delivery")

            return spawn
        return lambda: self.attempt(payload, retries_done)

    @staticmethod
    def _next_delay(payload: dict[str, Any], retries_done: int, failure: DeliveryFailed) -> float | None:
        if payload["protocol"] in ("http", "https"):
            retry = payload.get("retry") or {}
            if retries_done >= int(retry.get("numRetries", 3)):
                return None
            return float(retry.get("minDelayTarget", 20))
        if failure.client_side or retries_done >= len(SERVER_ERROR_DELAYS):
            return None
        return float(SERVER_ERROR_DELAYS[retries_done])

    async def send(self, payload: dict[str, Any]) -> None:
        protocol = payload["protocol"]
        if protocol in ("http", "https"):
            await self._post(payload)
            return
        message = Message(
            body=str(payload["body"]),
            message_group_id=payload.get("group_id"),
            deduplication_id=payload.get("dedup_id"),
            sqs_attributes=_sqs_attributes(payload.get("sqs_attributes") or {}),
        )
        try:
            await deliver(self.clients, str(payload["endpoint"]), message)
        except ServiceError as error:
            raise DeliveryFailed(f"{error.code}: {error.message}", client_side=error.sender_fault) from None
        except TargetError as error:
            raise DeliveryFailed(str(error), client_side=True) from None

    async def _post(self, payload: dict[str, Any]) -> None:
        url = str(payload["endpoint"])
        if not is_loopback(url):
            log.warning("SNS delivery to %s dropped: cloudlet POSTs only to loopback hosts", url)
            return
        kind = str(payload["message_type"])
        headers = {
            "Content-Type": "text/plain; charset=UTF-8",
            "User-Agent": "Amazon Simple Notification Service Agent",
            "x-amz-sns-message-type": kind,
            "x-amz-sns-message-id": str(payload["message_id"]),
            "x-amz-sns-topic-arn": str(payload["topic_arn"]),
        }
        if kind != "SubscriptionConfirmation":
            headers["x-amz-sns-subscription-arn"] = str(payload["subscription_arn"])
        if payload.get("raw"):
            headers["x-amz-sns-rawdelivery"] = "true"
        try:
            status = await asyncio.to_thread(_post, url, str(payload["body"]).encode("utf-8"), headers)
        except OSError as error:
            raise DeliveryFailed(f"HTTP POST to {url} failed: {error}", client_side=False) from None
        if not 200 <= status < 300:
            raise DeliveryFailed(f"HTTP POST to {url} answered {status}", client_side=False)

    async def dead_letter(self, payload: dict[str, Any], reason: str) -> None:
        target = payload.get("dead_letter_arn")
        subscription = payload["subscription_arn"]
        if not target or payload["message_type"] != "Notification":
            log.warning("SNS message %s for %s dropped: %s", payload["message_id"], subscription, reason)
            return
        message = Message(
            body=_dead_letter_body(payload),
            message_group_id=payload.get("group_id"),
            deduplication_id=payload.get("dedup_id"),
            sqs_attributes=_sqs_attributes(payload.get("sqs_attributes") or {}),
        )
        try:
            await deliver(self.clients, str(target), message)
        except Exception as error:
            log.warning("SNS message %s for %s dropped (%s); its DLQ failed too: %s",
                        payload["message_id"], subscription, reason, error)  # fmt: skip


def register(outbox: Outbox, clients: InternalClients, clock: Clock, background: Background) -> None:
    """Subscribe this module's delivery to the outbox."""
    outbox.subscribe(TOPIC, SnsDeliveries(clients, clock, background))
