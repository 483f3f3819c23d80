"""next_after against a brute force: random valid cron expressions, every minute of a bounded
window checked by a naive reading of each field written here, independently of the engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from cloudlet.schedules.expressions import parse_schedule

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]


@dataclass(frozen=True)
class Field:
    text: str
    allows: Callable[[int], bool]


def in_item(item: str, value: int, low: int, high: int, names: list[str]) -> bool:
    def number(text: str) -> int:
        return names.index(text) + low if text in names else int(text)

    def within(v: int, start: int, end: int) -> bool:
        return start <= v <= end if start <= end else v >= start or v <= end

    base, slash, step = item.partition("/")
    if base == "*":
        start, end = low, high
    elif "-" in base:
        start, end = (number(part) for part in base.split("-"))
    else:
        start = number(base)
        end = high if slash else start
    if not within(value, start, end):
        return False
    return not slash or (value - start) % (high - low + 1) % int(step) == 0


def plain_field(low: int, high: int, names: list[str] | None = None) -> st.SearchStrategy[Field]:
    spelled = names or []

    def spell(v: int) -> st.SearchStrategy[str]:
        return st.sampled_from([str(v), spelled[v - low]]) if spelled else st.just(str(v))

    value = st.integers(low, high).flatmap(spell)
    span = st.tuples(value, value).map("-".join)
    step = st.tuples(st.just("*") | value | span, st.integers(1, high - low + 1)).map(
        lambda t: f"{t[0]}/{t[1]}"
    )
    items = st.lists(value | span | step, min_size=1, max_size=3).map(",".join)
    text = st.just("*") | items
    return text.map(
        lambda t: Field(t, lambda v: any(in_item(i, v, low, high, spelled) for i in t.split(",")))
    )


def last_day(d: date) -> bool:
    return (d + timedelta(days=1)).month != d.month


def weekday(d: date) -> int:  # 1 = Sunday ... 7 = Saturday
    return d.isoweekday() % 7 + 1


def nearest_weekday_to(n: int, d: date) -> bool:
    month_days = [date(d.year, d.month, 1) + timedelta(days=i) for i in range(31)]
    weekdays = [x for x in month_days if x.month == d.month and weekday(x) not in (1, 7)]
    if n > max(x.day for x in month_days if x.month == d.month):
        return False
    return d == min(weekdays, key=lambda x: abs(x.day - n))


DayField = tuple[str, Callable[[date], bool]]


def later_in_month(d: date) -> list[date]:
    return [x for x in (d + timedelta(days=k) for k in range(1, 31)) if x.month == d.month]


def day_of_month() -> st.SearchStrategy[DayField]:
    plain = plain_field(1, 31).map(lambda f: (f.text, lambda d: f.allows(d.day)))
    special: list[st.SearchStrategy[DayField]] = [
        st.just(("L", last_day)),
        st.just(
            (
                "LW",
                lambda d: weekday(d) not in (1, 7) and all(weekday(x) in (1, 7) for x in later_in_month(d)),
            )
        ),
        st.integers(1, 31).map(lambda n: (f"{n}W", lambda d: nearest_weekday_to(n, d))),
    ]
    return st.one_of(plain, *special)


def day_of_week() -> st.SearchStrategy[DayField]:
    plain = plain_field(1, 7, DAYS).map(lambda f: (f.text, lambda d: f.allows(weekday(d))))
    special: list[st.SearchStrategy[DayField]] = [
        st.just(("L", lambda d: weekday(d) == 7)),
        st.integers(1, 7).map(
            lambda n: (f"{n}L", lambda d: weekday(d) == n and (d + timedelta(days=7)).month != d.month)
        ),
        st.tuples(st.integers(1, 7), st.integers(1, 5)).map(
            lambda t: (f"{t[0]}#{t[1]}", lambda d: weekday(d) == t[0] and (d.day - 1) // 7 + 1 == t[1])
        ),
    ]
    return st.one_of(plain, *special)


def years() -> st.SearchStrategy[Field]:
    # Near the windows, so they matter; a year range can't wrap, and */n would start at 1970.
    value = st.integers(2025, 2029)
    span = st.tuples(value, value).map(sorted).map(lambda t: f"{t[0]}-{t[1]}")
    step = st.tuples(value | span, st.integers(1, 4)).map(lambda t: f"{t[0]}/{t[1]}")
    items = st.lists(value.map(str) | span | step, min_size=1, max_size=2).map(",".join)
    return (st.just("*") | items).map(
        lambda t: Field(t, lambda v: any(in_item(i, v, 1970, 2199, []) for i in t.split(",")))
    )


@dataclass(frozen=True)
class Cron:
    expression: str
    matches: Callable[[datetime], bool]


@st.composite
def crons(draw: st.DrawFn) -> Cron:
    minute, hour = draw(plain_field(0, 59)), draw(plain_field(0, 23))
    month = draw(plain_field(1, 12, MONTHS))
    year = draw(years())
    if draw(st.booleans()):
        dom_text, day_ok = draw(day_of_month())
        dow_text = "?"
    else:
        dow_text, day_ok = draw(day_of_week())
        dom_text = "?"
    text = f"cron({minute.text} {hour.text} {dom_text} {month.text} {dow_text} {year.text})"

    def matches(wall: datetime) -> bool:
        return (
            minute.allows(wall.minute)
            and hour.allows(wall.hour)
            and month.allows(wall.month)
            and year.allows(wall.year)
            and day_ok(wall.date())
        )

    return Cron(text, matches)


WINDOW = timedelta(days=3)
starts = st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31)).map(lambda d: d.replace(tzinfo=UTC))


def brute_force(cron: Cron, after: datetime, window: timedelta, zone: ZoneInfo | None) -> datetime | None:
    moment = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
    while moment <= after + window:
        wall = moment.astimezone(zone) if zone else moment
        # fold 1 is a repeated wall time's second occurrence: Scheduler fires once, at the first
        if wall.fold == 0 and cron.matches(wall.replace(tzinfo=None)):
            return moment
        moment += timedelta(minutes=1)
    return None


def agrees(cron: Cron, after: datetime, window: timedelta, timezone: str) -> None:
    zone = None if timezone == "UTC" else ZoneInfo(timezone)
    expected = brute_force(cron, after, window, zone)
    got = parse_schedule(cron.expression, timezone).next_after(after)
    if expected is not None:
        assert got == expected, cron.expression
    else:
        assert got is None or got > after + window, cron.expression


@settings(max_examples=150, deadline=None)
@given(crons(), starts)
def test_next_after_matches_brute_force_in_utc(cron: Cron, after: datetime) -> None:
    agrees(cron, after, WINDOW, "UTC")


# Windows around 2026's changes in zones that move by an hour, by half an hour, and at midnight.
TRANSITIONS = [
    ("America/New_York", datetime(2026, 3, 8, 7, tzinfo=UTC)),
    ("America/New_York", datetime(2026, 11, 1, 6, tzinfo=UTC)),
    ("Europe/London", datetime(2026, 10, 25, 1, tzinfo=UTC)),
    ("Australia/Lord_Howe", datetime(2026, 4, 4, 15, tzinfo=UTC)),
    ("Australia/Lord_Howe", datetime(2026, 10, 3, 15, 30, tzinfo=UTC)),
    ("America/Santiago", datetime(2026, 9, 6, 4, tzinfo=UTC)),
]


@settings(max_examples=120, deadline=None)
@given(crons(), st.sampled_from(TRANSITIONS), st.integers(-36 * 60, 2 * 60))
def test_next_after_matches_brute_force_across_daylight_saving(
    cron: Cron, transition: tuple[str, datetime], offset_minutes: int
) -> None:
    timezone, moment = transition
    after = moment + timedelta(minutes=offset_minutes, seconds=offset_minutes % 60)
    agrees(cron, after, timedelta(days=2), timezone)


@settings(max_examples=60, deadline=None)
@given(crons(), starts)
def test_fire_times_are_increasing_matches(cron: Cron, start: datetime) -> None:
    fires = list(parse_schedule(cron.expression).fire_times(start, start + timedelta(days=1)))
    assert fires == sorted(set(fires))
    assert all(cron.matches(f.replace(tzinfo=None)) for f in fires)
