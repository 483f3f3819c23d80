"""Cron expressions as EventBridge defines them: six fields read on a wall clock. Pure.

    cron = parse_cron("0/15 8-17 ? * MON-FRI *")     # the text inside cron(...); raises ScheduleError
    cron.next_at_or_after(datetime(2026, 3, 9, 8, 7))  # -> datetime(2026, 3, 9, 8, 15)

The grammar is the EventBridge user guide's "Cron expressions reference"
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html), repeated by
the Scheduler guide's "Schedule types" page. Times here are naive wall-clock minutes; which
instant a wall time is in a time zone is schedule_expressions.py's business.

The search jumps field by field (year, month, day, hour, minute), so a sparse expression such as
cron(0 0 29 2 ? *) costs a few dozen steps, not a minute-by-minute walk."""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = ["CronExpression", "ScheduleError", "parse_cron"]


class ScheduleError(ValueError):
    """An invalid schedule expression or time zone. Callers map it to their own error:
    EventBridge rules answer ValidationException "Parameter ScheduleExpression is not valid."."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: Mapping[str, int]


_MONTH_NAMES = {name.upper(): i for i, name in enumerate(calendar.month_abbr) if name}
_DAY_NAMES = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}

MINUTES = _Field("minutes", 0, 59, {})
HOURS = _Field("hours", 0, 23, {})
DAY_OF_MONTH = _Field("day-of-month", 1, 31, {})
MONTHS = _Field("month", 1, 12, _MONTH_NAMES)
DAY_OF_WEEK = _Field("day-of-week", 1, 7, _DAY_NAMES)
YEARS = _Field("year", 1970, 2199, {})

# (year, month) -> the days of that month the day fields select.
DaysOf = Callable[[int, int], frozenset[int]]

_NUMBER = re.compile(r"[0-9]{1,9}")
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class CronExpression:
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    months: tuple[int, ...]
    years: tuple[int, ...]
    days: DaysOf

    def matches(self, wall: datetime) -> bool:
        return (
            wall.minute in self.minutes
            and wall.hour in self.hours
            and wall.month in self.months
            and wall.year in self.years
            and wall.day in self.days(wall.year, wall.month)
        )

    def next_at_or_after(self, start: datetime) -> datetime | None:
        """The first matching wall-clock minute at or after the naive `start` (a start with
        seconds counts from the next minute), or None past the last year the fields allow."""
        if start.second or start.microsecond:
            start = start.replace(second=0, microsecond=0) + _MINUTE
        year, month, day, hour, minute = start.year, start.month, start.day, start.hour, start.minute
        while True:
            y = _first_at_least(self.years, year)
            if y is None:
                return None
            if y != year:
                year, month, day, hour, minute = y, 1, 1, 0, 0
            mo = _first_at_least(self.months, month)
            if mo is None:
                year, month, day, hour, minute = year + 1, 1, 1, 0, 0
                continue
            if mo != month:
                month, day, hour, minute = mo, 1, 0, 0
            d = min((x for x in self.days(year, month) if x >= day), default=None)
            if d is None:
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
                day, hour, minute = 1, 0, 0
                continue
            if d != day:
                day, hour, minute = d, 0, 0
            h = _first_at_least(self.hours, hour)
            if h is None:  # past the day's last hour; days() drops a day past the month's end
                day, hour, minute = day + 1, 0, 0
                continue
            if h != hour:
                hour, minute = h, 0
            mi = _first_at_least(self.minutes, minute)
            if mi is None:
                hour, minute = hour + 1, 0
                continue
            return datetime(year, month, day, hour, mi)


def parse_cron(text: str) -> CronExpression:
    fields = text.upper().split()
    if len(fields) != 6:
        raise ScheduleError(f"A cron expression has six fields; got {len(fields)}.")
    minutes, hours, day_of_month, month, day_of_week, year = fields
    # "You can't specify the Day-of-month and Day-of-week fields in the same cron expression.
    # If you specify a value or a * (asterisk) in one of the fields, you must use a ? (question
    # mark) in the other." (Cron expressions reference, Limitations)
    if (day_of_month == "?") == (day_of_week == "?"):
        raise ScheduleError("Exactly one of day-of-month and day-of-week must be '?'.")
    days = _day_of_week(day_of_week) if day_of_month == "?" else _day_of_month(day_of_month)
    return CronExpression(
        minutes=_values(minutes, MINUTES),
        hours=_values(hours, HOURS),
        months=_values(month, MONTHS),
        years=_values(year, YEARS),
        days=days,
    )


def _values(text: str, field: _Field) -> tuple[int, ...]:
    found: set[int] = set()
    for item in text.split(","):
        found.update(_item(item, field))
    return tuple(sorted(found))


def _item(item: str, field: _Field) -> list[int]:
    base, slash, step_text = item.partition("/")
    step = _number(step_text, field) if slash else 1
    if step < 1:
        raise ScheduleError(f"The {field.name} increment must be positive: {item!r}.")
    if base == "*":
        start, end = field.low, field.high
    elif "-" in base:
        first, _, last = base.partition("-")
        start, end = _value(first, field), _value(last, field)
    else:
        start = _value(base, field)
        end = field.high if slash else start  # "1/10": from 1, every tenth, to the field's end
    span = field.high - field.low + 1
    length = end - start
    if length < 0:
        # AWS's own example cron(0/30 20-2 ? * MON-FRI *) runs from 20:00 through 2:00 the
        # next morning (Cron expressions reference, Examples): a reversed range wraps around.
        # A year range can't wrap: there is no year after 2199.
        if field is YEARS:
            raise ScheduleError(f"A {field.name} range must not be reversed: {item!r}.")
        length += span
    return [field.low + (start - field.low + k) % span for k in range(0, length + 1, step)]


def _value(text: str, field: _Field) -> int:
    if text in field.names:
        return field.names[text]
    value = _number(text, field)
    if not field.low <= value <= field.high:
        raise ScheduleError(f"{text} is outside {field.name} {field.low}-{field.high}.")
    return value


def _number(text: str, field: _Field) -> int:
    if not _NUMBER.fullmatch(text):
        raise ScheduleError(f"{text!r} is not a valid {field.name} value.")
    return int(text)


def _day_of_month(text: str) -> DaysOf:
    # L is the month's last day, nW the weekday nearest day n (never leaving the month), LW
    # the month's last weekday (Cron expressions reference, Wildcards). They stand alone.
    if text == "L":
        return lambda y, m: frozenset({_days_in(y, m)})
    if text == "LW":
        return lambda y, m: frozenset({_nearest_weekday(y, m, _days_in(y, m))})
    if text.endswith("W"):
        day = _value(text[:-1], DAY_OF_MONTH)
        return lambda y, m: frozenset({_nearest_weekday(y, m, day)} if day <= _days_in(y, m) else ())
    days = _values(text, DAY_OF_MONTH)
    return lambda y, m: frozenset(d for d in days if d <= _days_in(y, m))


def _day_of_week(text: str) -> DaysOf:
    # Days of the week are 1-7 = SUN-SAT. A lone L is the week's last day, Saturday; nL is the
    # month's last day n; n#k its k-th day n, and "If you use a '#' character, you can define
    # only one expression in the day-of-week field" (Cron expressions reference, Wildcards).
    if text == "L":
        return _weekdays((7,))
    if "#" in text:
        weekday_text, _, nth_text = text.partition("#")
        weekday = _value(weekday_text, DAY_OF_WEEK)
        nth = _number(nth_text, DAY_OF_WEEK)
        if not 1 <= nth <= 5:
            raise ScheduleError(f"The week of the month after '#' must be 1-5: {text!r}.")
        return lambda y, m: frozenset(d for d in _all_of_weekday(y, m, weekday)[nth - 1 : nth])
    if text.endswith("L"):
        weekday = _value(text[:-1], DAY_OF_WEEK)
        return lambda y, m: frozenset(_all_of_weekday(y, m, weekday)[-1:])
    return _weekdays(_values(text, DAY_OF_WEEK))


def _weekdays(weekdays: tuple[int, ...]) -> DaysOf:
    return lambda y, m: frozenset(d for w in weekdays for d in _all_of_weekday(y, m, w))


def _all_of_weekday(year: int, month: int, weekday: int) -> list[int]:
    """The days of the month falling on `weekday` (1 = Sunday ... 7 = Saturday)."""
    first = _aws_weekday(date(year, month, 1))
    return list(range(1 + (weekday - first) % 7, _days_in(year, month) + 1, 7))


def _nearest_weekday(year: int, month: int, day: int) -> int:
    weekday = date(year, month, day).weekday()  # Monday 0 ... Sunday 6
    if weekday == 5:  # Saturday: the Friday before, unless that leaves the month
        return day - 1 if day > 1 else day + 2
    if weekday == 6:  # Sunday: the Monday after, unless that leaves the month
        return day + 1 if day < _days_in(year, month) else day - 2
    return day


def _aws_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7 + 1


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _first_at_least(values: tuple[int, ...], floor: int) -> int | None:
    i = bisect_left(values, floor)
    return values[i] if i < len(values) else None
