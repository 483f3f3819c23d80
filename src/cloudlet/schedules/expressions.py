"""Schedule expressions: rate(...), cron(...) and at(...). One engine for EventBridge rules
(ScheduleExpression, always UTC) and EventBridge Scheduler (ScheduleExpression with
ScheduleExpressionTimezone). Pure: callers pass every time in, aware; times come out in UTC.

    schedule = parse_schedule("cron(30 8 ? * MON-FRI *)", "Europe/Paris")  # raises ScheduleError
    schedule.next_after(now)             # the first fire strictly after `now`, or None
    schedule.fire_times(start, end)      # every fire in [start, end), in order

Rate expressions fire every `interval` on a grid through `anchor` (default 1970-01-01T00:00Z):
    - rules: "A rate expression starts when you create the scheduled event rule" (Rate
      expressions reference), so pass the creation time as anchor; next_after(created) is then
      created + interval, the rule's first fire.
    - Scheduler: "you use the StartDate property to set the first occurrence of the schedule. If
      you do not provide a StartDate ... your schedule starts invoking the target immediately"
      (Schedule types, Rate-based), so pass StartDate (or the creation time) as anchor and read
      fire_times(anchor, EndDate), which starts with the anchor itself.
    Days are 24 hours on the clock whatever the time zone: Scheduler "evaluates the rate
    expression 24 hours after the schedule's last invocation" across daylight saving changes
    (re:Post knowledge center, "eventbridge-scheduler-adjust-dst").

Cron and at expressions are read on the wall clock of the schedule's time zone. Daylight saving,
as AWS states it (re:Post knowledge center, "eventbridge-scheduler-adjust-dst"; the Scheduler
guide's "Daylight savings time" section says the same): "When the time shifts forward in Spring,
your schedule invocation gets skipped if the cron expression falls on a non-existent date and
time. When the time shifts back in the Fall, your schedule runs only once and doesn't repeat its
invocation." A repeated wall time fires at its first occurrence.

An at(...) time that a spring-forward skips is a case the docs don't cover. It is read with the
offset in force before the change (zoneinfo's fold=0), so 02:30 in a 02:00->03:00 gap fires at
03:30 rather than never."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cloudlet.schedules.cron import CronExpression, ScheduleError, parse_cron

__all__ = [
    "EPOCH",
    "AtSchedule",
    "CronSchedule",
    "RateSchedule",
    "Schedule",
    "ScheduleError",
    "parse_schedule",
]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_RATE = re.compile(r"rate\(([0-9]+) +(minute|minutes|hour|hours|day|days)\)")
_AT = re.compile(r"at\(([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\)")
_CRON = re.compile(r"cron\((.*)\)", re.DOTALL)
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_TICK = timedelta(microseconds=1)
_MINUTE = timedelta(minutes=1)


class Schedule(ABC):
    expression: str

    @abstractmethod
    def next_after(self, after: datetime) -> datetime | None:
        """The first fire strictly after the aware `after`, in UTC; None when none is left."""

    def fire_times(self, start: datetime, end: datetime | None = None) -> Iterator[datetime]:
        """Fires at or after `start` and before `end` (never-ending without one), in order."""
        fire = self.next_after(start - _TICK)
        while fire is not None and (end is None or fire < end):
            yield fire
            fire = self.next_after(fire)


@dataclass(frozen=True)
class RateSchedule(Schedule):
    expression: str
    interval: timedelta
    anchor: datetime = EPOCH

    def starting_at(self, anchor: datetime) -> RateSchedule:
        return replace(self, anchor=_utc(anchor))

    def next_after(self, after: datetime) -> datetime | None:
        periods = (_utc(after) - self.anchor) // self.interval + 1
        try:
            return self.anchor + periods * self.interval
        except OverflowError:
            return None


@dataclass(frozen=True)
class CronSchedule(Schedule):
    expression: str
    cron: CronExpression
    zone: tzinfo = UTC

    def next_after(self, after: datetime) -> datetime | None:
        after = _utc(after)
        wall = after.astimezone(self.zone).replace(tzinfo=None, fold=0)
        candidate = self.cron.next_at_or_after(wall.replace(second=0, microsecond=0) + _MINUTE)
        while candidate is not None:
            # Skipped (None) in a spring-forward gap; a repeated time's first occurrence only,
            # which is at or before `after` when `after` is inside the repeat.
            fire = _instant(candidate, self.zone)
            if fire is not None and fire > after:
                return fire
            candidate = self.cron.next_at_or_after(candidate + _MINUTE)
        return None


@dataclass(frozen=True)
class AtSchedule(Schedule):
    expression: str
    at: datetime

    def next_after(self, after: datetime) -> datetime | None:
        return self.at if self.at > _utc(after) else None


def parse_schedule(expression: str, timezone: str = "UTC", *, anchor: datetime | None = None) -> Schedule:
    """Parse a rate(...), cron(...) or at(...) expression evaluated in the IANA `timezone`.
    `anchor` places a rate's grid (see the module docstring); other kinds ignore it.
    Raises ScheduleError for an invalid expression or time zone."""
    zone = _zone(timezone)
    if rate := _RATE.fullmatch(expression):
        value, unit = int(rate.group(1)), rate.group(2)
        # "If the value is equal to 1, then the unit must be singular. If the value is greater
        # than 1, the unit must be plural." (Rate expressions reference, Limitations)
        if value == 0 or (value == 1) != (not unit.endswith("s")):
            raise ScheduleError(f"Invalid rate expression: {expression!r}.")
        try:
            interval = timedelta(seconds=value * _UNIT_SECONDS[unit.rstrip("s")])
        except OverflowError:
            raise ScheduleError(f"The rate is too large: {expression!r}.") from None
        return RateSchedule(expression, interval, _utc(anchor) if anchor else EPOCH)
    if cron := _CRON.fullmatch(expression):
        return CronSchedule(expression, parse_cron(cron.group(1)), zone)
    if at := _AT.fullmatch(expression):
        try:
            year, month, day, hour, minute, second = (int(part) for part in at.groups())
            wall = datetime(year, month, day, hour, minute, second)
        except ValueError:
            raise ScheduleError(f"Invalid date and time: {expression!r}.") from None
        return AtSchedule(expression, wall.replace(tzinfo=zone).astimezone(UTC))
    raise ScheduleError(f"Invalid schedule expression: {expression!r}.")


def _instant(wall: datetime, zone: tzinfo) -> datetime | None:
    """The first instant the zone's clocks read `wall`; None if they skip it."""
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != wall:
        return None
    return instant


def _zone(name: str) -> tzinfo:
    if name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ScheduleError(f"Invalid time zone: {name!r}.") from None


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("schedule times must be timezone-aware")
    return moment.astimezone(UTC)
