"""Run the scheduled-events sample against a running cloudlet server, start to finish:

    python samples/scheduled-events/demo.py [--endpoint http://127.0.0.1:4566]

Deploys the committed cloud assembly (no node needed) and moves the virtual clock 5 minutes:
each of the two rate(1 minute) rules fires 5 times, one through the SQS queue and one
invoking the recorder directly, and each scheduled event becomes one item of
LambdaTriggeredEvents, a minute apart per route, with nothing in the dead-letter queue.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from cloudlet.cli.demo_support import Progress, Report, Session, drive, script

HERE = Path(__file__).resolve().parent
SYSTEM = "scheduled-events"
TITLE = "two rate(1 minute) rules, via SQS and direct, to DynamoDB"
STACK = "ScheduledEventsStack"
MINUTES = 5
MESSAGE = "Lambda function triggered"


def seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def drive_scheduled_events(session: Session, report: Report) -> None:
    session.progress(f"deploying {STACK}")
    outputs = session.deploy(HERE / "cdk.out", STACK)
    table, dead_url = outputs["TableName"], outputs["DeadLetterQueueUrl"]
    known = {item["id"]["S"] for item in session.scan(table)}
    dead_before = len(session.peek(dead_url))

    session.progress(f"advancing the clock {MINUTES} minutes (each rule fires every minute)")
    session.advance(MINUTES * 60)
    report.check(session.settle(), "the server did not settle after the clock moved")

    items = [
        {key: value.get("S", "") for key, value in item.items()}
        for item in session.scan(table)
        if item["id"]["S"] not in known
    ]
    items.sort(key=lambda item: (item["timestamp"], item.get("route", "")))
    report.add(f"clock advanced {MINUTES} minutes: {len(items)} items written to {table}")
    report.expect("items written", len(items), 2 * MINUTES)
    for route, rule in (("queue", outputs["QueueRuleName"]), ("direct", outputs["DirectRuleName"])):
        mine = [item for item in items if item.get("route") == route]
        times = ", ".join(item["timestamp"][11:19] for item in mine)
        report.add(f"  via {route} (rule {rule}): {len(mine)} at {times}")
        report.expect(f"items via {route}", len(mine), MINUTES)
        report.expect(f"messages via {route}", {item.get("message") for item in mine}, {MESSAGE})
        report.expect(
            f"rule of the items via {route}",
            {item.get("rule", "").rsplit("/", 1)[-1] for item in mine},
            {rule},
        )
        stamps = [seconds(item["timestamp"]) for item in mine]
        gaps = [later - earlier for earlier, later in zip(stamps, stamps[1:], strict=False)]
        report.expect(f"seconds between the items via {route}", gaps, [60.0] * (len(stamps) - 1))
    report.expect("distinct event ids", len({item["id"] for item in items}), len(items))
    report.expect(
        "events queue (visible, in flight)", session.queue_counts(outputs["EventsQueueUrl"]), (0, 0)
    )
    dead = len(session.peek(dead_url)) - dead_before
    report.add(f"dead-letter queue: {dead} message(s)")
    report.expect("messages dead-lettered", dead, 0)


def run(endpoint: str, progress: Progress = print) -> Report:
    return drive(SYSTEM, TITLE, endpoint, progress, drive_scheduled_events)


if __name__ == "__main__":
    script(run, __doc__)
