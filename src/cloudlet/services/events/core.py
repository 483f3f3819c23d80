"""What every EventBridge operation module shares: naming buses, errors, paging, and handing
a matched event to a rule's targets (one "events.target" outbox event per target; the
payload is documented in cloudlet/runtime/event_targets.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.base import Provider
from cloudlet.services.events import store
from cloudlet.services.events.transformer import compact, render_input
from cloudlet.storage.db import Transaction

TARGET_TOPIC = "events.target"  # cloudlet.runtime.event_targets.TOPIC (services don't import runtime)

BUS_NAME = re.compile(r"[/.\-_A-Za-z0-9]{1,256}")
RULE_NAME = re.compile(r"[.\-_A-Za-z0-9]{1,64}")

T = TypeVar("T")


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message, 400)


def iso_seconds(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def page(items: Sequence[T], params: dict[str, Any], default_limit: int = 100) -> tuple[list[T], str | None]:
    """Limit / NextToken paging over an ordered list (the token is the next offset)."""
    token = params.get("NextToken")
    try:
        start = int(token) if token else 0
    except ValueError:
        raise validation("The provided NextToken is not valid.") from None
    limit = int(params.get("Limit") or default_limit)
    chunk = list(items[start : start + limit])
    more = start + limit < len(items)
    return chunk, str(start + limit) if more else None


class EventsBase(Provider):
    """Helpers for the operation mixins (buses, rules, targets, put_events)."""

    def bus_name(self, ctx: RequestContext, value: str | None) -> str:
        """EventBusName as a name or an ARN; the default bus when absent."""
        if not value:
            return store.DEFAULT_BUS
        if value.startswith("arn:"):
            parts = ids.parse_arn(value)
            if parts is None or not parts["resource"].startswith("event-bus/"):
                raise validation(
                    f"Parameter {value} is not valid. Reason: Provided Arn is not in correct format."
                )
            return parts["resource"].removeprefix("event-bus/")
        return value

    def bus_exists(self, account: str, region: str, name: str) -> bool:
        return name == store.DEFAULT_BUS or store.get_bus(self.db, account, region, name) is not None

    def require_bus(self, ctx: RequestContext, value: str | None) -> str:
        name = self.bus_name(ctx, value)
        if not self.bus_exists(ctx.account, ctx.region, name):
            raise not_found(f"Event bus {name} does not exist.")
        return name

    def require_rule(self, ctx: RequestContext, name: str, bus: str) -> store.Rule:
        rule = store.get_rule(self.db, ctx.account, ctx.region, bus, name)
        if rule is None:
            raise not_found(f"Rule {name} does not exist on EventBus {bus}.")
        return rule

    def to_archives(
        self, tx: Transaction, account: str, region: str, bus: str, event: dict[str, Any], event_ms: int
    ) -> None:
        """Keep `event` in the bus's archives that want it (archives.py)."""

    # -- fan-out ---------------------------------------------------------------------------
    def emit_to_targets(self, tx: Transaction, rule: store.Rule, event: dict[str, Any], event_ms: int) -> int:
        """Queue `event` for each of `rule`'s targets; returns how many."""
        targets = store.targets_of(tx, rule.id)
        now = self.clock.now()
        ingestion = iso_seconds(now)
        for target in targets:
            tx.emit(
                TARGET_TOPIC, self.target_payload(rule, target, event, event_ms, ingestion, int(now * 1000))
            )
        return len(targets)

    @staticmethod
    def target_payload(
        rule: store.Rule,
        target: dict[str, Any],
        event: dict[str, Any],
        event_ms: int,
        ingestion: str,
        now_ms: int,
    ) -> dict[str, Any]:
        arn = str(target["Arn"])
        body = render_input(target, event, rule.arn, rule.name, ingestion)
        group = (target.get("SqsParameters") or {}).get("MessageGroupId")
        fifo = arn.endswith(".fifo")
        payload: dict[str, Any] = {
            "arn": arn,
            "body": body,
            "message_group_id": group,
            "deduplication_id": event["id"] if fifo else None,
            "timestamp_ms": event_ms,
            "dead_letter_arn": (target.get("DeadLetterConfig") or {}).get("Arn"),
            # The DLQ keeps the event itself, whatever the target's input was.
            "dead_letter_body": compact(event),
            "dead_letter_attributes": {"RULE_ARN": rule.arn, "TARGET_ARN": arn},
            "error_attributes": {
                "code": "ERROR_CODE",
                "message": "ERROR_MESSAGE",
                "exhausted": "EXHAUSTED_RETRY_CONDITION",
                "attempts": "RETRY_ATTEMPTS",
            },
            "first_attempt_ms": now_ms,
        }
        retry = target.get("RetryPolicy")
        if retry:
            payload["retry"] = {k: v for k, v in retry.items() if v is not None}
        return payload
