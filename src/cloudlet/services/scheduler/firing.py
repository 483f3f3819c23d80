"""When a schedule fires, and what it sends (pure).

Fire times come from cloudlet.schedules (rate, cron and at with IANA time zones and daylight
saving as AWS documents). The delivery is an "events.target" outbox event, whose payload
contract is runtime/event_targets.py's docstring."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from cloudlet.schedules.expressions import AtSchedule, RateSchedule, parse_schedule
from cloudlet.schedules.expressions import Schedule as Expression
from cloudlet.services.scheduler.store import Schedule

TOPIC = "events.target"

_TICK = timedelta(microseconds=1)

# The DLQ message's attributes (Scheduler guide, "Configuring a dead-letter queue").
ATTEMPT = "X-Amz-Scheduler-Attempt"
SCHEDULE_ARN = "X-Amz-Scheduler-Schedule-Arn"
GROUP = "X-Amz-Scheduler-Group"
TARGET_ARN = "X-Amz-Scheduler-Target-Arn"
ERROR_CODE = "X-Amz-Scheduler-Error-Code"
ERROR_MESSAGE = "X-Amz-Scheduler-Error-Message"

# "If you do not specify anything for this field, EventBridge Scheduler delivers a default
# notification to the target." (API reference, Target.Input). The docs don't show it; an
# empty JSON object is what a Lambda handler gets.
DEFAULT_INPUT = "{}"


_RATE = re.compile(r"rate\(([0-9]+) (minute|hour|day)s?\)")


def parse_expression(expression: str, timezone: str, anchor: datetime | None = None) -> Expression:
    """cloudlet.schedules' parse, after Scheduler's leniency: it accepts "rate(2 minute)" and
    stores it as given (recorded against AWS in LocalStack's Scheduler snapshot tests), where
    EventBridge rules insist on "minutes". Raises ScheduleError."""
    if rate := _RATE.fullmatch(expression):
        value, unit = rate.group(1), rate.group(2)
        expression = f"rate({value} {unit}{'' if value == '1' else 's'})"
    return parse_schedule(expression, timezone, anchor=anchor)


def _datetime(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def next_fire(schedule: Schedule, after: float) -> float | None:
    """The schedule's first fire strictly after `after` (epoch seconds), or None when none is
    left. Rate grids start at StartDate, else at the creation: "If you do not provide a
    StartDate ... your schedule starts invoking the target immediately" (Schedule types).
    StartDate and EndDate bound rate and cron schedules, inclusive; at() ignores them."""
    spec = schedule.spec
    start, end = spec.get("StartDate"), spec.get("EndDate")
    anchor = _datetime(start if start is not None else schedule.created)
    parsed = parse_expression(spec["ScheduleExpression"], spec["ScheduleExpressionTimezone"], anchor)
    moment = _datetime(after)
    if isinstance(parsed, AtSchedule):
        at = parsed.next_after(moment)
        return None if at is None else at.timestamp()
    if isinstance(parsed, RateSchedule):
        moment = max(moment, anchor - _TICK)
    elif start is not None:
        moment = max(moment, _datetime(start) - _TICK)
    fire = parsed.next_after(moment)
    if fire is None or (end is not None and fire.timestamp() > end):
        return None
    return fire.timestamp()


def scheduled_time_text(at: float) -> str:
    return _datetime(at).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_input(text: str, schedule: Schedule, at: float, execution_id: str) -> str:
    """Context attributes in Input (Scheduler guide, "Adding context attributes"). The attempt
    number is 1: retries are the delivery's, which sends the same text again."""
    return (
        text.replace("<aws.scheduler.schedule-arn>", schedule.arn)
        .replace("<aws.scheduler.scheduled-time>", scheduled_time_text(at))
        .replace("<aws.scheduler.execution-id>", execution_id)
        .replace("<aws.scheduler.attempt-number>", "1")
    )


def delivery(schedule: Schedule, at: float, execution_id: str, now_ms: int) -> dict[str, Any]:
    """The "events.target" payload of one invocation of `schedule` scheduled for `at`."""
    target = schedule.spec["Target"]
    arn = str(target["Arn"])
    text = render_input(target.get("Input") or DEFAULT_INPUT, schedule, at, execution_id)
    body = text
    bus = target.get("EventBridgeParameters")
    if bus is not None and arn.split(":")[2] == "events":
        # The templated PutEvents target: Detail is the Input, DetailType and Source come from
        # EventBridgeParameters, and the schedule is the event's resource.
        event = {
            "source": bus["Source"],
            "detail-type": bus["DetailType"],
            "detail": json.loads(text),
            "resources": [schedule.arn],
        }
        body = json.dumps(event, separators=(",", ":"))
    dlq = (target.get("DeadLetterConfig") or {}).get("Arn")
    payload: dict[str, Any] = {
        "arn": arn,
        "body": body,
        "message_group_id": (target.get("SqsParameters") or {}).get("MessageGroupId"),
        "retry": dict(target["RetryPolicy"]),
        "dead_letter_arn": dlq,
        "dead_letter_body": text,
        "dead_letter_attributes": {SCHEDULE_ARN: schedule.arn, GROUP: schedule.group_name, TARGET_ARN: arn},
        "error_attributes": {"code": ERROR_CODE, "message": ERROR_MESSAGE, "attempt_number": ATTEMPT},
        "first_attempt_ms": now_ms,
    }
    return payload
