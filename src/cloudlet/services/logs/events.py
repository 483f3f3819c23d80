"""Log events: PutLogEvents, GetLogEvents, FilterLogEvents."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.logs import names, store
from cloudlet.services.logs.core import LogsCore, decode_token, encode_token, sequence_token
from cloudlet.services.logs.filter_patterns import FilterPatternError, Matcher, compile_pattern
from cloudlet.services.logs.store import Position, Row

MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD = 26  # bytes counted per event (PutLogEvents)
MAX_RESPONSE_BYTES = 1_048_576  # GetLogEvents / FilterLogEvents: "up to 1 MB"
BIGGEST = 2**62  # SQLite integers are 64-bit; positions and times are clamped to this
END_OF_TIME: Position = (BIGGEST, 0)
SCAN_BUDGET = 100_000  # rows a FilterLogEvents call reads before answering with a nextToken
_TOKEN = re.compile(r"^([fb])/(\d{20})(\d{36})(?:/s)?$")


class EventOperations(LogsCore):
    def put_log_events(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group_named(ctx, params.get("logGroupName"))
        stream = self.stream_of(group, params.get("logStreamName"))
        events = _checked_batch(params.get("logEvents"))
        now = self.now()
        too_old_before = now - 14 * names.DAY_MS
        expired_before = group.oldest_kept(now)
        too_new_after = now + 2 * names.HOUR_MS
        rejected: dict[str, int] = {}
        accepted: list[tuple[int, str]] = []
        # The batch is in time order, so rejected events form a prefix (too old, expired) and a
        # suffix (too new). RejectedLogEventsInfo: the end indexes are exclusive, the start one
        # inclusive.
        for index, (timestamp, message) in enumerate(events):
            if timestamp < too_old_before or timestamp < expired_before:
                if timestamp < too_old_before:
                    rejected["tooOldLogEventEndIndex"] = index + 1
                if timestamp < expired_before:
                    rejected["expiredLogEventEndIndex"] = index + 1
            elif timestamp > too_new_after:
                rejected.setdefault("tooNewLogEventStartIndex", index)
            else:
                accepted.append((timestamp, message))
        if accepted and accepted[-1][0] - accepted[0][0] > 24 * names.HOUR_MS:
            raise names.invalid(
                "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
            )
        last_id = 0
        if accepted:
            with self.db.write() as tx:
                last_id = store.insert_events(tx, group.id, int(stream["id"]), accepted, now)
        out: dict[str, Any] = {"nextSequenceToken": sequence_token(last_id or now)}
        if rejected:
            out["rejectedLogEventsInfo"] = rejected
        return out

    def get_log_events(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group_of(ctx, params)
        stream = self.stream_of(group, params.get("logStreamName"))
        limit = names.check_limit(params.get("limit"), MAX_BATCH_EVENTS, MAX_BATCH_EVENTS)
        lower, upper = self._window(group.oldest_kept(self.now()), params)
        token = params.get("nextToken")
        if token is not None:
            forward, position = _parse_position(token)
        else:
            forward, position = bool(params.get("startFromHead")), None
        if forward:
            start = lower if position is None else max(lower, position)
            rows = store.stream_events(self.db, int(stream["id"]), start, upper, False, limit)
            rows = _cap(rows, keep_newest=False)
        else:
            end = upper if position is None else min(upper, position)
            rows = store.stream_events(self.db, int(stream["id"]), lower, end, True, limit)
            rows = _cap(rows[::-1], keep_newest=True)
        events = [
            {"timestamp": r["timestamp"], "message": r["message"], "ingestionTime": r["ingested_ms"]}
            for r in rows
        ]
        # Paging ends when the token you get back is the one you sent (AWS documents this quirk).
        if rows:
            after_last: Position = (int(rows[-1]["timestamp"]), int(rows[-1]["id"]))
            before_first: Position = (int(rows[0]["timestamp"]), int(rows[0]["id"]))
        elif position is None:
            after_last, before_first = _step_back(lower), upper
        elif forward:
            after_last, before_first = position, (position[0], position[1] + 1)
        else:
            after_last, before_first = _step_back(position), position
        return {
            "events": events,
            "nextForwardToken": _token("f", after_last),
            "nextBackwardToken": _token("b", before_first),
        }

    def filter_log_events(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group_of(ctx, params)
        stream_names = params.get("logStreamNames")
        prefix = params.get("logStreamNamePrefix")
        if stream_names is not None and prefix is not None:
            raise names.invalid("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
        try:
            matches = compile_pattern(params.get("filterPattern"))
        except FilterPatternError as exc:
            raise names.invalid("Invalid filter pattern") from exc
        limit = names.check_limit(params.get("limit"), MAX_BATCH_EVENTS, MAX_BATCH_EVENTS)
        lower, upper = self._window(group.oldest_kept(self.now()), params)
        if params.get("nextToken") is not None:
            decoded = decode_token(params["nextToken"])
            if not (
                isinstance(decoded, list) and len(decoded) == 2 and all(isinstance(v, int) for v in decoded)
            ):
                raise names.bad_token()
            lower = max(lower, (_clamp(decoded[0]), _clamp(decoded[1])))
        streams = store.stream_ids(self.db, group.id, stream_names, prefix)
        only = None
        if stream_names is not None or prefix:
            if stream_names is not None and len(streams) < len(set(stream_names)):
                raise names.stream_not_found()  # as AWS answers for a named stream it lacks
            if not streams:
                return {"events": [], "searchedLogStreams": []}
            only = list(streams)
        found, position, stopped = self._scan(group.id, only, lower, upper, matches, limit, streams)
        out: dict[str, Any] = {"events": found, "searchedLogStreams": []}
        if stopped and store.group_events(self.db, group.id, only, position, upper, 1):
            out["nextToken"] = encode_token(list(position))
        return out

    def _scan(
        self,
        group_id: int,
        only: list[int] | None,
        lower: Position,
        upper: Position,
        matches: Matcher,
        limit: int,
        streams: dict[int, str],
    ) -> tuple[list[dict[str, Any]], Position, bool]:
        """Matching events after `lower`, the position of the last one read, and whether the
        scan stopped early (limit, response size or scan budget) rather than at the end."""
        found: list[dict[str, Any]] = []
        size = scanned = 0
        position = lower
        while True:
            rows = store.group_events(self.db, group_id, only, position, upper, 1000)
            for row in rows:
                message = str(row["message"])
                if matches(message):
                    size += len(message.encode()) + EVENT_OVERHEAD
                    if found and size > MAX_RESPONSE_BYTES:
                        return found, position, True
                    found.append(_filtered(row, streams))
                position = (int(row["timestamp"]), int(row["id"]))
                scanned += 1
                if len(found) >= limit or scanned >= SCAN_BUDGET:
                    return found, position, True
            if len(rows) < 1000:
                return found, position, False

    @staticmethod
    def _window(oldest_kept: int, params: dict[str, Any]) -> tuple[Position, Position]:
        """startTime (inclusive) .. endTime (exclusive), within retention, as positions."""
        start = _clamp(max(int(params.get("startTime") or 0), oldest_kept))
        end = params.get("endTime")
        upper = END_OF_TIME if end is None else (_clamp(int(end)), 0)
        return (start, 0), upper


def _checked_batch(events: Any) -> list[tuple[int, str]]:
    if not isinstance(events, list) or not events:
        raise names.constraint(events, "logEvents", "Member must have length greater than or equal to 1")
    if len(events) > MAX_BATCH_EVENTS:
        raise names.constraint(
            "[...]", "logEvents", f"Member must have length less than or equal to {MAX_BATCH_EVENTS}"
        )
    batch: list[tuple[int, str]] = []
    size = 0
    for index, event in enumerate(events, 1):
        message = event.get("message") if isinstance(event, dict) else None
        timestamp = event.get("timestamp") if isinstance(event, dict) else None
        if not isinstance(message, str) or not message:
            at = f"logEvents.{index}.member.message"
            raise names.constraint(message, at, "Member must have length greater than or equal to 1")
        if not isinstance(timestamp, int) or timestamp < 0:
            at = f"logEvents.{index}.member.timestamp"
            raise names.constraint(timestamp, at, "Member must have value greater than or equal to 0")
        if batch and timestamp < batch[-1][0]:
            raise names.invalid("Log events in a single PutLogEvents request must be in chronological order.")
        size += len(message.encode()) + EVENT_OVERHEAD
        batch.append((timestamp, message))
    if size > MAX_BATCH_BYTES:
        raise names.invalid(f"Upload too large: {size} bytes exceeds limit of {MAX_BATCH_BYTES}")
    return batch


def _token(direction: str, position: Position) -> str:
    """ "f/<56 digits>/s" as AWS has formed them since 2021 (older ones lack "/s"; both parse)."""
    timestamp, event_id = position
    return f"{direction}/{max(timestamp, 0):020d}{max(event_id, 0):036d}/s"


def _parse_position(token: Any) -> tuple[bool, Position]:
    match = _TOKEN.match(str(token))
    if match is None:
        raise names.bad_token()
    return match.group(1) == "f", (_clamp(int(match.group(2))), _clamp(int(match.group(3))))


def _clamp(value: int) -> int:
    return min(max(value, 0), BIGGEST)


def _step_back(position: Position) -> Position:
    """The position just before `position`, so that going forward from it includes it."""
    timestamp, event_id = position
    if event_id > 0:
        return timestamp, event_id - 1
    return (timestamp - 1, BIGGEST) if timestamp > 0 else (0, 0)


def _cap(rows: Sequence[Row], keep_newest: bool) -> list[Row]:
    """At most MAX_RESPONSE_BYTES of events (AWS counts 26 bytes per event here too)."""
    ordered = rows[::-1] if keep_newest else rows
    kept: list[Row] = []
    size = 0
    for row in ordered:
        size += len(str(row["message"]).encode()) + EVENT_OVERHEAD
        if size > MAX_RESPONSE_BYTES and kept:
            break
        kept.append(row)
    return kept[::-1] if keep_newest else kept


def _filtered(row: Row, streams: dict[int, str]) -> dict[str, Any]:
    timestamp, event_id = int(row["timestamp"]), int(row["id"])
    return {
        "logStreamName": streams.get(int(row["stream_id"]), ""),
        "timestamp": timestamp,
        "message": row["message"],
        "ingestionTime": row["ingested_ms"],
        "eventId": f"{timestamp:020d}{event_id:036d}",
    }
