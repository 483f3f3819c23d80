"""Schedule expressions: AWS's documented cron and rate examples, the wildcards, what AWS rejects."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from cloudlet.schedules.expressions import (
    AtSchedule,
    RateSchedule,
    ScheduleError,
    parse_schedule,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def fires(expression: str, start: datetime, count: int, timezone: str = "UTC") -> list[datetime]:
    schedule = parse_schedule(expression, timezone)
    out: list[datetime] = []
    for fire in schedule.fire_times(start):
        out.append(fire)
        if len(out) == count:
            break
    return out


FRIDAY_5PM = utc(2026, 3, 6, 17, 0)  # 2026-03-06 is a Friday


# The examples table of the EventBridge "Cron expressions reference", repeated in the Scheduler
# guide's "Schedule types" page, and the put-rule examples below it.
@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("cron(0 10 * * ? *)", FRIDAY_5PM, [utc(2026, 3, 7, 10), utc(2026, 3, 8, 10)]),
        ("cron(15 12 * * ? *)", FRIDAY_5PM, [utc(2026, 3, 7, 12, 15), utc(2026, 3, 8, 12, 15)]),
        ("cron(0 18 ? * MON-FRI *)", FRIDAY_5PM, [utc(2026, 3, 6, 18), utc(2026, 3, 9, 18)]),
        ("cron(0 8 1 * ? *)", FRIDAY_5PM, [utc(2026, 4, 1, 8), utc(2026, 5, 1, 8)]),
        ("cron(0/15 * * * ? *)", FRIDAY_5PM, [utc(2026, 3, 6, 17, 15), utc(2026, 3, 6, 17, 30)]),
        ("cron(0/10 * ? * MON-FRI *)", utc(2026, 3, 6, 23, 50), [utc(2026, 3, 9, 0, 0)]),
        ("cron(0/5 8-17 ? * MON-FRI *)", utc(2026, 3, 6, 17, 55), [utc(2026, 3, 9, 8, 0)]),
        ("cron(0 12 * * ? *)", FRIDAY_5PM, [utc(2026, 3, 7, 12)]),
        ("cron(5,35 14 * * ? *)", FRIDAY_5PM, [utc(2026, 3, 7, 14, 5), utc(2026, 3, 7, 14, 35)]),
        # "at 10:15am UTC+0 on the last Friday of each month during the years 2019 to 2022"
        (
            "cron(15 10 ? * 6L 2019-2022)",
            utc(2018, 6, 1),
            [utc(2019, 1, 25, 10, 15), utc(2019, 2, 22, 10, 15)],
        ),
        ("cron(15 10 ? * 6L 2019-2022)", utc(2022, 12, 1), [utc(2022, 12, 30, 10, 15)]),
    ],
)
def test_documented_examples(expression: str, after: datetime, expected: list[datetime]) -> None:
    assert (
        fires(expression, after + timedelta(microseconds=1), len(expected) + 1)[: len(expected)] == expected
    )


def test_last_friday_rule_ends_with_its_years() -> None:
    assert parse_schedule("cron(15 10 ? * 6L 2019-2022)").next_after(utc(2022, 12, 30, 10, 15)) is None


def test_hours_range_wraps_past_midnight_as_the_docs_example_shows() -> None:
    # "Run every 30 minutes Monday through Friday between 10:00 pm on the starting day to 2:00 am
    # on the following day (UTC). Run from 12:00 am to 2:00 am on Monday morning (UTC)."
    schedule = parse_schedule("cron(0/30 20-2 ? * MON-FRI *)")
    friday_evening, monday_morning = utc(2026, 11, 27, 19), utc(2026, 11, 30, 3)
    got = list(schedule.fire_times(friday_evening, monday_morning))
    friday = [utc(2026, 11, 27, h, m) for h in range(20, 24) for m in (0, 30)]
    monday = [utc(2026, 11, 30, h, m) for h in range(0, 3) for m in (0, 30)]
    assert got == friday + monday  # Saturday's and Sunday's early hours are not MON-FRI


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("cron(0 8 ? * 3#2 *)", utc(2026, 3, 1), utc(2026, 3, 10, 8)),  # second Tuesday
        ("cron(0 8 ? * MON#5 *)", utc(2026, 3, 31), utc(2026, 6, 29, 8)),  # months with a 5th Monday
        ("cron(0 8 ? * FRIL *)", utc(2026, 2, 1), utc(2026, 2, 27, 8)),
        ("cron(0 8 ? * L *)", utc(2026, 3, 2), utc(2026, 3, 7, 8)),  # a lone L is Saturday
        ("cron(0 9 15W * ? *)", utc(2026, 3, 1), utc(2026, 3, 16, 9)),  # Sunday 15th -> Monday
        ("cron(0 9 15W * ? *)", utc(2026, 8, 1), utc(2026, 8, 14, 9)),  # Saturday 15th -> Friday
        ("cron(0 9 1W * ? *)", utc(2026, 7, 2), utc(2026, 8, 3, 9)),  # Saturday 1st -> Monday 3rd
        ("cron(0 9 31W * ? *)", utc(2026, 5, 1), utc(2026, 5, 29, 9)),  # Sunday 31st -> Friday
        ("cron(0 9 LW * ? *)", utc(2026, 1, 1), utc(2026, 1, 30, 9)),  # the 31st is a Saturday
        ("cron(0 9 L * ? *)", utc(2028, 2, 1), utc(2028, 2, 29, 9)),
        ("cron(0 9 L * ? *)", utc(2027, 2, 1), utc(2027, 2, 28, 9)),
        ("cron(0 9 31 * ? *)", utc(2026, 4, 1), utc(2026, 5, 31, 9)),  # April has no 31st
        ("cron(0 0 ? JAN-MAR SUN 2027)", utc(2026, 3, 1), utc(2027, 1, 3)),
        ("cron(0 1 ? * FRI-MON *)", utc(2026, 3, 3), utc(2026, 3, 6, 1)),  # weekday range wraps
        ("cron(0 20-2/2 * * ? *)", utc(2026, 3, 6, 22, 30), utc(2026, 3, 7, 0)),
        ("cron(0 0 1 NOV-FEB ? *)", utc(2026, 3, 1), utc(2026, 11, 1)),
        ("cron(7 * * * ? *)", utc(2026, 12, 31, 23, 8), utc(2027, 1, 1, 0, 7)),
        ("cron(0/20 * * * ? *)", utc(2026, 3, 6, 10, 0, 30), utc(2026, 3, 6, 10, 20)),
    ],
)
def test_wildcards(expression: str, after: datetime, expected: datetime) -> None:
    assert parse_schedule(expression).next_after(after) == expected


def test_next_after_is_strict() -> None:
    schedule = parse_schedule("cron(0 10 * * ? *)")
    assert schedule.next_after(utc(2026, 3, 7, 10)) == utc(2026, 3, 8, 10)
    assert schedule.next_after(utc(2026, 3, 7, 9, 59, 59)) == utc(2026, 3, 7, 10)


def test_fire_times_is_half_open() -> None:
    schedule = parse_schedule("cron(0 * * * ? *)")
    assert list(schedule.fire_times(utc(2026, 1, 1, 1), utc(2026, 1, 1, 4))) == [
        utc(2026, 1, 1, 1),
        utc(2026, 1, 1, 2),
        utc(2026, 1, 1, 3),
    ]


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("cron(0 0 29 2 ? *)", utc(2028, 3, 1), utc(2032, 2, 29)),
        ("cron(0 0 29 FEB ? 2100-2199)", utc(1970, 1, 1), utc(2104, 2, 29)),  # 2100 is no leap year
        ("cron(0 0 1 1 ? 2199)", utc(1970, 1, 1), utc(2199, 1, 1)),
        ("cron(59 23 31 12 ? 2199)", utc(2199, 12, 31, 23, 59), None),
        ("cron(0 0 ? 2 6#5 *)", utc(2026, 1, 1), utc(2036, 2, 29)),  # Feb with five Fridays
        ("cron(0 0 30 2 ? *)", utc(2026, 1, 1), None),
    ],
)
def test_sparse_expressions_jump_instead_of_walking(
    expression: str, after: datetime, expected: datetime | None
) -> None:
    schedule = parse_schedule(expression)
    began = time.perf_counter()
    assert schedule.next_after(after) == expected
    assert time.perf_counter() - began < 0.5


# -- rate ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "interval"),
    [
        ("rate(1 minute)", timedelta(minutes=1)),
        ("rate(5 minutes)", timedelta(minutes=5)),
        ("rate(1 hour)", timedelta(hours=1)),
        ("rate(12 hours)", timedelta(hours=12)),
        ("rate(1 day)", timedelta(days=1)),
        ("rate(7 days)", timedelta(days=7)),
    ],
)
def test_rate_expressions(expression: str, interval: timedelta) -> None:
    schedule = parse_schedule(expression)
    assert isinstance(schedule, RateSchedule)
    assert schedule.interval == interval


def test_a_rule_rate_first_fires_one_interval_after_creation() -> None:
    created = utc(2026, 3, 6, 10, 3, 27)
    schedule = parse_schedule("rate(5 minutes)", anchor=created)
    assert schedule.next_after(created) == created + timedelta(minutes=5)
    advanced_an_hour = list(
        schedule.fire_times(created + timedelta(microseconds=1), created + timedelta(hours=1, seconds=1))
    )
    assert len(advanced_an_hour) == 12
    assert advanced_an_hour[-1] == created + timedelta(hours=1)


def test_a_scheduler_rate_first_fires_at_its_start_date() -> None:
    start, end = utc(2026, 3, 6, 10), utc(2026, 3, 6, 11)
    rate = parse_schedule("rate(20 minutes)")
    assert isinstance(rate, RateSchedule)
    schedule = rate.starting_at(start)
    assert list(schedule.fire_times(start, end)) == [start, utc(2026, 3, 6, 10, 20), utc(2026, 3, 6, 10, 40)]


def test_a_rate_without_anchor_runs_on_the_epoch_grid() -> None:
    assert parse_schedule("rate(1 hour)").next_after(utc(2026, 3, 6, 10, 30)) == utc(2026, 3, 6, 11)
    assert parse_schedule("rate(1 hour)").next_after(utc(2026, 3, 6, 11)) == utc(2026, 3, 6, 12)


# -- at --------------------------------------------------------------------------------------


def test_at_fires_once_in_its_time_zone() -> None:
    # The Scheduler guide's example: "runs once at 1pm UTC-8 on November 20, 2022".
    schedule = parse_schedule("at(2022-11-20T13:00:00)", "America/Los_Angeles")
    assert isinstance(schedule, AtSchedule)
    assert schedule.next_after(utc(2022, 11, 1)) == utc(2022, 11, 20, 21)
    assert schedule.next_after(utc(2022, 11, 20, 21)) is None
    assert list(schedule.fire_times(utc(2022, 1, 1))) == [utc(2022, 11, 20, 21)]


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_schedule("rate(1 minute)").next_after(datetime(2026, 1, 1))


# -- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        # "rate(1 hours) and rate(5 hour) aren't valid" (Rate expressions reference)
        "rate(1 hours)",
        "rate(5 hour)",
        "rate(1 minutes)",
        "rate(5 minute)",
        "rate(2 day)",
        "rate(0 minutes)",
        "rate(-1 minutes)",
        "rate(1.5 hours)",
        "rate(5 seconds)",
        "rate(2 weeks)",
        "rate(minutes)",
        "rate(5minutes)",
        "rate(99999999999999 days)",
        "rate 5 minutes",
        "5 minutes",
        "",
        # six fields, no more, no fewer
        "cron(0 10 * * ?)",
        "cron(0 10 * * ? * *)",
        "cron()",
        "cron(0 10 * * ? *",
        # exactly one of day-of-month and day-of-week is '?' (Limitations)
        "cron(0 10 ? * ? *)",
        "cron(0 10 * * MON *)",
        "cron(0 10 1 * * *)",
        "cron(0 10 * * * *)",
        # out of range
        "cron(60 10 * * ? *)",
        "cron(0 24 * * ? *)",
        "cron(0 10 0 * ? *)",
        "cron(0 10 32 * ? *)",
        "cron(0 10 * 0 ? *)",
        "cron(0 10 * 13 ? *)",
        "cron(0 10 ? * 0 *)",
        "cron(0 10 ? * 8 *)",
        "cron(0 10 * * ? 1969)",
        "cron(0 10 * * ? 2200)",
        "cron(0 10 * JANUARY ? *)",
        "cron(0 10 ? * SUNDAY *)",
        # wildcards where the field doesn't take them
        "cron(L 10 * * ? *)",
        "cron(0 ? * * ? *)",
        "cron(0 10 * * ? ?)",
        "cron(0 10 ? * 2W *)",
        "cron(0 10 3#2 * ? *)",
        "cron(0 10 * L ? *)",
        "cron(0 10 L-2 * ? *)",
        # "3#1,6#3 is not valid because it is interpreted as two expressions" (Wildcards)
        "cron(0 10 ? * 3#1,6#3 *)",
        "cron(0 10 ? * 3#0 *)",
        "cron(0 10 ? * 3#6 *)",
        "cron(0 10 ? * 8#1 *)",
        # malformed lists, ranges and increments
        "cron(0/0 10 * * ? *)",
        "cron(1- 10 * * ? *)",
        "cron(-1 10 * * ? *)",
        "cron(1,,2 10 * * ? *)",
        "cron(0 10 * * ? 2030-2020)",
        "cron(0 10 * * ? */)",
        # at(yyyy-mm-ddThh:mm:ss)
        "at(2026-02-30T10:00:00)",
        "at(2026-13-01T00:00:00)",
        "at(2026-01-01T24:00:00)",
        "at(2026-01-01 10:00:00)",
        "at(2026-01-01T10:00)",
        "at(2026-01-01T10:00:00Z)",
    ],
)
def test_rejected_expressions(expression: str) -> None:
    with pytest.raises(ScheduleError):
        parse_schedule(expression)


@pytest.mark.parametrize("timezone", ["Mars/Olympus_Mons", "", "America", "../../etc/passwd"])
def test_rejected_time_zones(timezone: str) -> None:
    with pytest.raises(ScheduleError, match="time zone"):
        parse_schedule("cron(0 10 * * ? *)", timezone)
