"""Schedules survive a restart: the timers are re-armed from the stored schedules."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from scheduler_support import OFF, drain, target

from harness import Server


def test_schedule_rearmed_after_restart() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="cloudlet-scheduler-"))
    try:
        first = Server(data_dir=data_dir).start()
        sqs = first.client("sqs")
        url = sqs.create_queue(QueueName="ticks")["QueueUrl"]
        queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        first.client("scheduler").create_schedule(
            Name="ticker",
            ScheduleExpression="rate(10 minutes)",
            FlexibleTimeWindow=OFF,
            Target=target(queue, Input="t"),
        )
        first.settle()
        first.stop()

        second = Server(data_dir=data_dir, port=first.port).start()
        try:
            sqs = second.client("sqs")
            assert len(drain(sqs, url)) == 1  # the fire at creation, before the restart
            assert second.client("scheduler").get_schedule(Name="ticker")["State"] == "ENABLED"
            second.advance(3600)
            assert len(drain(sqs, url)) == 6
        finally:
            second.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
