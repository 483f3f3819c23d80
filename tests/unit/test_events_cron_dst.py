"""Scheduler time zones and daylight saving. The Scheduler guide (Schedule types, "Daylight
savings time"): a spring-forward skips an invocation whose wall time doesn't exist; at a
fall-back a schedule "runs only once and doesn't repeat its invocation"; rate days are 24 hours.

America/New_York in 2026: 02:00 -> 03:00 on Sunday 8 March, 02:00 -> 01:00 on Sunday 1 November.
Australia/Lord_Howe moves by half an hour: 02:00 -> 01:30 on 5 April, 02:00 -> 02:30 on 4 October."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cloudlet.schedules.expressions import parse_schedule


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def between(expression: str, timezone: str, start: datetime, end: datetime) -> list[datetime]:
    return list(parse_schedule(expression, timezone).fire_times(start, end))


def test_cron_runs_on_the_zones_wall_clock() -> None:
    # The guide's example: "every day at 8:30 a.m." in America/New_York.
    assert between("cron(30 8 * * ? *)", "America/New_York", utc(2026, 1, 5), utc(2026, 1, 6)) == [
        utc(2026, 1, 5, 13, 30)
    ]
    assert between("cron(30 8 * * ? *)", "America/New_York", utc(2026, 7, 5), utc(2026, 7, 6)) == [
        utc(2026, 7, 5, 12, 30)
    ]


def test_a_time_skipped_by_spring_forward_is_not_invoked_that_day() -> None:
    got = between("cron(30 2 * * ? *)", "America/New_York", utc(2026, 3, 6), utc(2026, 3, 11))
    assert got == [
        utc(2026, 3, 6, 7, 30),  # 02:30 EST
        utc(2026, 3, 7, 7, 30),
        # 8 March: no 02:30
        utc(2026, 3, 9, 6, 30),  # 02:30 EDT
        utc(2026, 3, 10, 6, 30),
    ]


def test_a_time_repeated_by_fall_back_runs_only_once() -> None:
    got = between("cron(30 1 * * ? *)", "America/New_York", utc(2026, 10, 31), utc(2026, 11, 3))
    assert got == [
        utc(2026, 10, 31, 5, 30),  # 01:30 EDT
        utc(2026, 11, 1, 5, 30),  # the first 01:30, EDT; not again at 06:30Z (01:30 EST)
        utc(2026, 11, 2, 6, 30),  # 01:30 EST
    ]


def test_hourly_across_both_changes() -> None:
    spring = between("cron(0 * * * ? *)", "America/New_York", utc(2026, 3, 8, 5), utc(2026, 3, 8, 9))
    assert spring == [utc(2026, 3, 8, 5), utc(2026, 3, 8, 6), utc(2026, 3, 8, 7), utc(2026, 3, 8, 8)]
    # 00:00 EST, 01:00 EST, (no 02:00), 03:00 EDT, 04:00 EDT: one fire per real hour either way.
    fall = between("cron(0 * * * ? *)", "America/New_York", utc(2026, 11, 1, 4), utc(2026, 11, 1, 9))
    assert fall == [utc(2026, 11, 1, 4), utc(2026, 11, 1, 5), utc(2026, 11, 1, 7), utc(2026, 11, 1, 8)]
    # 00:00 EDT, 01:00 EDT, then not 01:00 EST (06:00Z) again, 02:00 EST, 03:00 EST.


def test_the_repeated_hour_is_not_replayed_from_inside_it() -> None:
    schedule = parse_schedule("cron(0/15 * * * ? *)", "America/New_York")
    inside_the_second_one_oclock = utc(2026, 11, 1, 6, 10)  # 01:10 EST
    assert schedule.next_after(inside_the_second_one_oclock) == utc(2026, 11, 1, 7)  # 02:00 EST
    last_of_the_first = utc(2026, 11, 1, 5, 45)  # 01:45 EDT
    assert schedule.next_after(last_of_the_first) == utc(2026, 11, 1, 7)


def test_half_hour_changes() -> None:
    # 02:15 doesn't exist on 4 October in Lord Howe; 01:45 happens twice on 5 April.
    spring = between("cron(15 2 * * ? *)", "Australia/Lord_Howe", utc(2026, 10, 2), utc(2026, 10, 5))
    assert spring == [utc(2026, 10, 2, 15, 45), utc(2026, 10, 4, 15, 15)]  # 3rd at +10:30, 5th at +11:00
    fall = between("cron(45 1 * * ? *)", "Australia/Lord_Howe", utc(2026, 4, 4, 12), utc(2026, 4, 5, 15))
    assert fall == [utc(2026, 4, 4, 14, 45)]  # 01:45 +11:00, not 01:45 +10:30 (15:15Z)


def test_midnight_transitions_skip_the_days_first_minutes() -> None:
    # America/Santiago springs forward at 24:00: 6 September 2026 starts at 01:00.
    got = between("cron(30 0 * * ? *)", "America/Santiago", utc(2026, 9, 5), utc(2026, 9, 8))
    assert [f.astimezone(UTC).date().isoformat() for f in got] == ["2026-09-05", "2026-09-07"]


def test_utc_and_zones_without_daylight_saving_never_shift() -> None:
    for zone in ("UTC", "Asia/Tokyo"):
        got = between("cron(30 2 * * ? *)", zone, utc(2026, 3, 6), utc(2026, 3, 11))
        assert len(got) == 5
        assert all(b - a == timedelta(days=1) for a, b in zip(got, got[1:], strict=False))


def test_rate_days_are_24_hours_on_the_clock() -> None:
    start = utc(2026, 3, 7, 12)
    schedule = parse_schedule("rate(1 day)", "America/New_York", anchor=start)
    assert list(schedule.fire_times(start, utc(2026, 3, 10))) == [
        utc(2026, 3, 7, 12),  # 07:00 EST
        utc(2026, 3, 8, 12),  # 08:00 EDT: a rate doesn't follow the wall clock
        utc(2026, 3, 9, 12),
    ]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("at(2026-11-01T01:30:00)", utc(2026, 11, 1, 5, 30)),  # repeated: the first 01:30
        ("at(2026-03-08T02:30:00)", utc(2026, 3, 8, 7, 30)),  # skipped: read as 02:30 EST = 03:30 EDT
        ("at(2026-07-04T12:00:00)", utc(2026, 7, 4, 16)),
    ],
)
def test_at_in_a_time_zone(expression: str, expected: datetime) -> None:
    assert parse_schedule(expression, "America/New_York").next_after(utc(2026, 1, 1)) == expected
