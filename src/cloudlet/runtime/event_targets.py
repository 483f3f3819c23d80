"""Outbox subscriber: EventBridge rule targets and Scheduler schedule targets, with retry
policies and dead-letter queues.

Topic "events.target". One outbox event per (target, event); the emitter has already
applied Input / InputPath / InputTransformer. Payload (JSON object):

    {
      "arn": str,                      # target ARN: SQS queue, SNS topic, Lambda function
                                       # (asynchronous Invoke), event bus, log group
      "body": str,                     # the exact text to deliver (SQS body, SNS message,
                                       # Lambda payload, event JSON for a bus, log message)
      "message_group_id": str | null,  # FIFO queue / topic targets (SqsParameters.MessageGroupId)
      "deduplication_id": str | null,  # FIFO targets (EventBridge passes the event's id)
      "timestamp_ms": int | null,      # log group targets: the event's time
      "retry": {"MaximumRetryAttempts": int, "MaximumEventAgeInSeconds": int},
                                       # optional; defaults 185 and 86400 (AWS's defaults)
      "dead_letter_arn": str | null,   # SQS queue ARN, or null: drop after the last attempt
      "dead_letter_body": str | null,  # what the DLQ message carries; null: "body"
      "dead_letter_attributes": {name: str},   # static String attributes on the DLQ message
                                               # (EventBridge: RULE_ARN, TARGET_ARN)
      "error_attributes": {            # where the failure goes on the DLQ message; every key
        "code": name,                  # optional: the error code (e.g. "ERROR_CODE")
        "message": name,               # the error message ("ERROR_MESSAGE")
        "exhausted": name,             # "MaximumRetryAttemptsExhausted" or
                                       # "MaximumEventAgeExhausted" ("EXHAUSTED_RETRY_CONDITION")
        "attempts": name,              # how many retries were made ("RETRY_ATTEMPTS")
        "attempt_number": name         # how many attempts were made in all (retries + 1)
      },
      "first_attempt_ms": int          # when the event was emitted (virtual clock); the
                                       # event's age for MaximumEventAgeInSeconds counts from it
    }

Every key but "arn" and "body" may be absent. The first attempt is made when the outbox
delivers the event; a failure that may pass later (throttling, a function or service error)
is retried on clock timers with exponential backoff (1 s, 2 s, 4 s ... capped at 300 s)
until MaximumRetryAttempts retries were made or the next attempt would be older than
MaximumEventAgeInSeconds. A failure that cannot pass (the target does not exist, a
malformed ARN) is not retried, as AWS states: "for errors that result from missing
permissions to a target, or if a target resource that no longer exists, no retry attempts
will happen" (EventBridge user guide, "Using dead-letter queues to process undelivered
events"). Then the DLQ gets the message with its attributes, or the event is dropped.

Pending retries live in memory (clock timers): a restart or reset forgets them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from cloudlet.client import InternalClients
from cloudlet.clock import Clock
from cloudlet.errors import ServiceError
from cloudlet.runtime.targets import Message, TargetError, deliver
from cloudlet.services.base import Background
from cloudlet.storage.outbox import Outbox

log = logging.getLogger("cloudlet.event_targets")

TOPIC = "events.target"
DEFAULT_MAX_ATTEMPTS = 185
DEFAULT_MAX_AGE_S = 86400
BACKOFF_CAP_S = 300.0

# Error codes of the target services that retrying won't fix.
_MISSING = ("NotFound", "NonExistent", "DoesNotExist", "NoSuch")


@dataclass(frozen=True)
class Failure:
    code: str  # EventBridge's DLQ ERROR_CODE vocabulary
    message: str
    retryable: bool


def classify(exc: Exception) -> Failure:
    """A delivery failure as EventBridge reports it on the DLQ message."""
    if isinstance(exc, ServiceError):
        if any(word in exc.code for word in _MISSING):
            return Failure("RESOURCE_NOT_FOUND", exc.message or exc.code, False)
        if "Throttl" in exc.code or exc.code in ("TooManyRequestsException", "RequestLimitExceeded"):
            return Failure("THROTTLING", exc.message or exc.code, True)
        if exc.code in ("AccessDenied", "AccessDeniedException", "AuthorizationError"):
            return Failure("NO_PERMISSIONS", exc.message or exc.code, False)
        if exc.status >= 500:
            return Failure("INTERNAL_ERROR", exc.message or exc.code, True)
        return Failure("SDK_CLIENT_ERROR", exc.message or exc.code, True)
    if isinstance(exc, TargetError):
        return Failure("INVALID_PARAMETER", str(exc), False)
    return Failure("INTERNAL_ERROR", str(exc) or type(exc).__name__, True)


def backoff_seconds(retry: int) -> float:
    """Delay before retry number `retry` (1-based)."""
    return float(min(2.0 ** (retry - 1), BACKOFF_CAP_S))


class TargetDeliveries:
    def __init__(self, clients: InternalClients, clock: Clock) -> None:
        self.clients = clients
        self.clock = clock

    async def __call__(self, topic: str, payload: dict[str, Any]) -> None:
        if not payload.get("first_attempt_ms"):
            payload["first_attempt_ms"] = self.clock.now_ms()
        await self.attempt(payload, 0)

    async def attempt(self, payload: dict[str, Any], retries: int) -> None:
        arn = str(payload.get("arn") or "")
        message = Message(
            body=str(payload.get("body", "")),
            message_group_id=payload.get("message_group_id"),
            deduplication_id=payload.get("deduplication_id"),
            timestamp_ms=payload.get("timestamp_ms"),
        )
        try:
            await deliver(self.clients, arn, message)
            return
        except Exception as exc:
            failure = classify(exc)
        log.info("delivery to %s failed (%s: %s)", arn, failure.code, failure.message)
        if not failure.retryable:
            await self.dead_letter(payload, failure, retries, None)
            return
        retry = payload.get("retry") or {}
        attempts, age = retry.get("MaximumRetryAttempts"), retry.get("MaximumEventAgeInSeconds")
        max_retries = DEFAULT_MAX_ATTEMPTS if attempts is None else int(attempts)
        max_age_ms = (DEFAULT_MAX_AGE_S if age is None else int(age)) * 1000
        if retries >= max_retries:
            await self.dead_letter(payload, failure, retries, "MaximumRetryAttemptsExhausted")
            return
        at = self.clock.now() + backoff_seconds(retries + 1)
        if at * 1000 - int(payload["first_attempt_ms"]) > max_age_ms:
            await self.dead_letter(payload, failure, retries, "MaximumEventAgeExhausted")
            return

        async def again() -> None:
            await self.attempt(payload, retries + 1)

        self.clock.call_at(at, again)

    async def dead_letter(
        self, payload: dict[str, Any], failure: Failure, retries: int, exhausted: str | None
    ) -> None:
        dlq = payload.get("dead_letter_arn")
        if not dlq:
            log.warning("event for %s dropped: %s", payload.get("arn"), failure.message)
            return
        attributes: dict[str, str] = {
            str(k): str(v) for k, v in (payload.get("dead_letter_attributes") or {}).items()
        }
        names = payload.get("error_attributes") or {}
        values = {
            "code": failure.code,
            "message": failure.message,
            "exhausted": exhausted,
            "attempts": str(retries),
            "attempt_number": str(retries + 1),
        }
        for key, value in values.items():
            if names.get(key) and value is not None:
                attributes[str(names[key])] = value
        body = payload.get("dead_letter_body") or payload.get("body", "")
        message = Message(
            body=str(body),
            sqs_attributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items() if v},
        )
        try:
            await deliver(self.clients, str(dlq), message)
        except Exception as exc:  # AWS counts InvocationsFailedToBeSentToDLQ and drops it
            log.warning(
                "event for %s dropped: its dead-letter queue %s failed: %s", payload.get("arn"), dlq, exc
            )


def register(outbox: Outbox, clients: InternalClients, clock: Clock, background: Background) -> None:
    """Subscribe this module's delivery to the outbox."""
    outbox.subscribe(TOPIC, TargetDeliveries(clients, clock))
