"""Scheduled rules fire on the virtual clock: rate and cron, the Scheduled Event's shape,
disable/enable, and re-arming after a restart."""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from events_support import bodies, make_queue

from harness import Server


def scheduled(events: Any, sqs: Any, expression: str, name: str = "tick") -> str:
    url, arn = make_queue(sqs, f"{name}-q")
    events.put_rule(Name=name, ScheduleExpression=expression)
    events.put_targets(Rule=name, Targets=[{"Id": "q", "Arn": arn}])
    return url


def parse(time: str) -> datetime:
    return datetime.strptime(time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def test_rate_one_minute_fires_sixty_times_an_hour(server: Server, events: Any, sqs: Any) -> None:
    url = scheduled(events, sqs, "rate(1 minute)")
    server.advance(3600)
    fired = bodies(sqs, url)
    assert len(fired) == 60
    times = [parse(event["time"]) for event in fired]
    assert len(set(times)) == 60
    assert all((b - a).total_seconds() == 60 for a, b in zip(sorted(times), sorted(times)[1:], strict=False))
    event = fired[0]
    assert list(event) == [
        "version",
        "id",
        "detail-type",
        "source",
        "account",
        "time",
        "region",
        "resources",
        "detail",
    ]
    assert event["version"] == "0" and event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events" and event["detail"] == {}
    assert event["account"] == "000000000000" and event["region"] == "us-east-1"
    assert event["resources"] == ["arn:aws:events:us-east-1:000000000000:rule/tick"]
    assert len({e["id"] for e in fired}) == 60


def test_rate_starts_at_creation(server: Server, events: Any, sqs: Any) -> None:
    url = scheduled(events, sqs, "rate(5 minutes)")
    server.advance(299)
    assert bodies(sqs, url) == []
    server.advance(2)
    assert len(bodies(sqs, url)) == 1


def test_cron_fires_at_the_utc_minutes(server: Server, events: Any, sqs: Any) -> None:
    url = scheduled(events, sqs, "cron(0/15 * * * ? *)")
    server.advance(3600)
    times = [parse(event["time"]) for event in bodies(sqs, url)]
    assert len(times) == 4
    assert sorted(t.minute for t in times) == sorted({0, 15, 30, 45})
    assert all(t.second == 0 for t in times)


def test_cron_day_of_week(server: Server, events: Any, sqs: Any) -> None:
    # 1-7 = SUN-SAT: 2,4 is Monday and Wednesday, at 06:30 UTC.
    url = scheduled(events, sqs, "cron(30 6 ? * 2,4 *)")
    server.advance(7 * 86400)
    times = [parse(event["time"]) for event in bodies(sqs, url)]
    assert len(times) == 2
    assert sorted(t.strftime("%a %H:%M:%S") for t in times) == ["Mon 06:30:00", "Wed 06:30:00"]


def test_disabled_rule_does_not_fire(server: Server, events: Any, sqs: Any) -> None:
    url = scheduled(events, sqs, "rate(1 minute)")
    server.advance(120)
    assert len(bodies(sqs, url)) == 2
    events.disable_rule(Name="tick")
    server.advance(300)
    assert bodies(sqs, url) == []
    events.enable_rule(Name="tick")
    server.advance(120)
    assert len(bodies(sqs, url)) == 2


def test_deleted_rule_stops_and_expression_change_rearms(server: Server, events: Any, sqs: Any) -> None:
    url = scheduled(events, sqs, "rate(1 minute)")
    events.put_rule(Name="tick", ScheduleExpression="rate(10 minutes)")
    server.advance(1200)
    assert len(bodies(sqs, url)) == 2
    events.remove_targets(Rule="tick", Ids=["q"])
    events.delete_rule(Name="tick")
    server.advance(1200)
    assert bodies(sqs, url) == []


def test_schedule_rearmed_after_restart() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="cloudlet-events-"))
    try:
        first = Server(data_dir=data_dir).start()
        try:
            url = scheduled(first.client("events"), first.client("sqs"), "rate(5 minutes)")
            first.advance(300)
            assert len(bodies(first.client("sqs"), url)) == 1
        finally:
            first.stop()
        second = Server(data_dir=data_dir, port=first.port).start()
        try:
            second.advance(600)
            assert len(bodies(second.client("sqs"), url)) == 2
        finally:
            second.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
