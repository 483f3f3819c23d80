"""PutEvents (entry validation, matching every enabled rule on the bus, fan-out to targets in
the same transaction) and TestEventPattern."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from functools import lru_cache
from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.patterns import Pattern, PatternError, compile_pattern, eventbridge_error
from cloudlet.services.events import store
from cloudlet.services.events.core import iso_seconds, validation
from cloudlet.services.events.targets import TargetOperations
from cloudlet.storage.db import Transaction

MAX_ENTRIES = 10
MAX_REQUEST_BYTES = 256 * 1024


@lru_cache(maxsize=1024)
def cached_pattern(text: str) -> Pattern:
    return compile_pattern(text)


def entry_size(entry: dict[str, Any]) -> int:
    """An entry's size as AWS counts it ("Calculating PutEvents event entry size": Time is
    14 bytes, then the UTF-8 bytes of Source, DetailType, Detail and each Resource)."""
    size = 14 if entry.get("Time") is not None else 0
    for key in ("Source", "DetailType", "Detail"):
        if entry.get(key):
            size += len(str(entry[key]).encode("utf-8"))
    size += sum(len(str(r).encode("utf-8")) for r in entry.get("Resources") or [])
    return size


def entry_text(entry: dict[str, Any]) -> str:
    """An entry as AWS's validation messages print it (Java's toString of the request entry)."""
    detail = (
        json.dumps(json.loads(entry["Detail"]), separators=(", ", ": "))
        if _is_json(entry.get("Detail"))
        else "null"
    )
    fields = {
        "time": entry.get("Time"), "source": entry.get("Source"), "resources": entry.get("Resources"),
        "detailType": entry.get("DetailType"), "detail": detail, "eventBusName": entry.get("EventBusName"),
        "traceHeader": entry.get("TraceHeader"), "kmsKeyIdentifier": None, "internalMetadata": None,
    }  # fmt: skip
    return (
        "PutEventsRequestEntry("
        + ", ".join(f"{k}={'null' if v is None else v}" for k, v in fields.items())
        + ")"
    )


def _is_json(text: Any) -> bool:
    try:
        json.loads(text)
    except (TypeError, ValueError):
        return False
    return True


def _error(code: str, message: str) -> dict[str, str]:
    return {"ErrorCode": code, "ErrorMessage": message}


class PutEventsOperations(TargetOperations):
    def put_events(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        entries = list(params.get("Entries") or [])
        if len(entries) > MAX_ENTRIES:
            listed = ", ".join(entry_text(entry) for entry in entries)
            raise validation(
                f"1 validation error detected: Value '[{listed}]' at 'entries' failed to satisfy constraint: "
                "Member must have length less than or equal to 10"
            )
        if sum(entry_size(entry) for entry in entries) > MAX_REQUEST_BYTES:
            raise validation("Total size of the entries in the request is over the limit.")
        results: list[dict[str, Any]] = []
        now = self.clock.now()
        with self.db.write() as tx:
            for entry in entries:
                outcome = self._check_entry(ctx, entry)
                if "ErrorCode" in outcome:
                    results.append(outcome)
                    continue
                event, event_ms = self._event(ctx, entry, now)
                account, region, bus = self._destination(ctx, entry.get("EventBusName"))
                # A bus that does not exist takes the event and drops it: AWS answers with an
                # EventId and no error (aws/aws-cli#9186, aws/aws-sdk#186).
                self.to_rules(tx, account, region, bus, event, event_ms)
                self.to_archives(tx, account, region, bus, event, event_ms)
                results.append({"EventId": event["id"]})
        failed = sum(1 for result in results if "ErrorCode" in result)
        return {"FailedEntryCount": failed, "Entries": results}

    def to_rules(
        self,
        tx: Transaction,
        account: str,
        region: str,
        bus: str,
        event: dict[str, Any],
        event_ms: int,
        only: Collection[str] | None = None,
    ) -> None:
        """Queue `event` for the targets of every enabled rule on `bus` it matches (of the
        rules whose ARNs are `only`, when given)."""
        for rule in store.list_rules(tx, account, region, bus):
            if only is not None and rule.arn not in only:
                continue
            if rule.enabled and rule.event_pattern and cached_pattern(rule.event_pattern).matches(event):
                self.emit_to_targets(tx, rule, event, event_ms)

    def _check_entry(self, ctx: RequestContext, entry: dict[str, Any]) -> dict[str, Any]:
        # Per-entry errors, in the order AWS checks them (PutEventsResultEntry).
        for key in ("Source", "DetailType", "Detail"):
            if not entry.get(key):
                return _error(
                    "InvalidArgument", f"Parameter {key} is not valid. Reason: {key} is a required argument."
                )
        try:
            detail = json.loads(entry["Detail"])
        except ValueError:
            detail = None
        if not isinstance(detail, dict):
            return _error("MalformedDetail", "Detail is malformed.")
        source = str(entry["Source"])
        if source.startswith("aws.") and not ctx.internal:
            return _error("NotAuthorizedForSourceException", "Not authorized for the source.")
        try:
            self.bus_name(ctx, entry.get("EventBusName"))
        except ServiceError:
            return _error("InvalidArgument", "Parameter EventBusName is not valid.")
        for resource in entry.get("Resources") or []:
            if not isinstance(resource, str) or ids.parse_arn(resource) is None:
                return _error(
                    "InvalidArgument",
                    f"Parameter Resources is not valid. Reason: {resource} is not a valid ARN.",
                )
        return {}

    def _destination(self, ctx: RequestContext, value: str | None) -> tuple[str, str, str]:
        """(account, region, bus) an EventBusName names: a bus ARN may be another account's or
        region's bus (whose policy is not checked); the event keeps the sender's account."""
        bus = self.bus_name(ctx, value)
        parts = ids.parse_arn(value) if value and value.startswith("arn:") else None
        if parts is None:
            return ctx.account, ctx.region, bus
        return parts["account"], parts["region"], bus

    def _event(self, ctx: RequestContext, entry: dict[str, Any], now: float) -> tuple[dict[str, Any], int]:
        when = entry.get("Time")
        if isinstance(when, datetime):
            seconds = when.timestamp()
        elif isinstance(when, int | float):
            seconds = float(when)
        else:
            seconds = now
        event = {
            "version": "0",
            "id": ids.uuid4(),
            "detail-type": entry["DetailType"],
            "source": entry["Source"],
            "account": ctx.account,
            "time": iso_seconds(seconds),
            "region": ctx.region,
            "resources": list(entry.get("Resources") or []),
            "detail": json.loads(entry["Detail"]),
        }
        return event, int(seconds) * 1000  # the event's time: whole seconds

    def test_event_pattern(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        try:
            pattern = compile_pattern(str(params["EventPattern"]))
        except PatternError as error:
            raise eventbridge_error(error) from None
        try:
            event = json.loads(str(params["Event"]))
        except ValueError:
            raise validation("Parameter Event is not valid.") from None
        if not isinstance(event, dict):
            raise validation("Parameter Event is not valid.")
        # AWS requires the envelope fields of an event (TestEventPattern reference).
        for key in ("id", "account", "source", "time", "region", "detail-type"):
            if key not in event:
                raise validation("Parameter Event is not valid.")
        return {"Result": pattern.matches(event)}
