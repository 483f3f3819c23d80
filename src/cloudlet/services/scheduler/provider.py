"""EventBridge Scheduler: schedule groups and schedules on SQLite, fired on the clock.

The operations live in groups.py (groups and their tags) and schedules.py; the input checks in
specs.py; fire times and the delivery payload in firing.py; the timers in core.py. A schedule
fires by emitting an "events.target" outbox event, which runtime/event_targets.py delivers with
the target's retry policy and dead-letter queue.

LIMITATIONS:
    - Targets: templated SQS (SendMessage, SqsParameters.MessageGroupId), SNS (Publish), Lambda
      (asynchronous Invoke) and EventBridge (PutEvents, EventBridgeParameters) targets are
      delivered. Universal targets (arn:aws:scheduler:::aws-sdk:...) and the other templated
      targets (ECS, Kinesis, Firehose, Step Functions, SageMaker, CodeBuild, CodePipeline,
      Inspector) are refused with 501 NotImplemented at CreateSchedule/UpdateSchedule.
    - Target.RoleArn and KmsKeyArn are checked, stored and returned; no role is assumed and
      nothing is encrypted.
    - FlexibleTimeWindow FLEXIBLE fires at the start of the window (the scheduled time), not at
      a random moment within it; OFF fires at the exact scheduled instant (AWS: within the minute).
    - A rate schedule's grid starts at its StartDate, else its creation time (so it fires once
      at creation); UpdateSchedule keeps the creation time as the grid's start.
    - An at() time already past when the schedule is created or updated never fires.
    - Fires missed while the server was down are not replayed; pending delivery retries live in
      memory (see runtime/event_targets.py).
    - <aws.scheduler.attempt-number> in Input is always 1 (retries resend the same text).
    - Input left out delivers "{}" (AWS's "default notification" is undocumented).
    - Retries and dead-letter queues are runtime/event_targets.py's: exponential backoff from
      1 s; the DLQ message's body is the rendered Input, with the attributes
      X-Amz-Scheduler-Schedule-Arn, -Group, -Target-Arn, -Error-Code (EventBridge's codes,
      e.g. RESOURCE_NOT_FOUND), -Error-Message and -Attempt (the number of retries made).
    - SQS FIFO targets need content-based deduplication on the queue (as AWS documents for
      SqsParameters); no deduplication id is sent.
    - DeleteScheduleGroup removes the group and its schedules at once (AWS: DELETING, then gone).
    - ClientToken results are remembered forever (AWS: for a limited time).
    - No service quotas (ServiceQuotaExceededException) and no throttling.

Peek (internal API): GET /_cloudlet/scheduler/fire-times?ScheduleArn=...&After=ISO&Count=N lists
the instants a schedule fires at after `After` (default now), the armed timer's first.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.services.base import InternalHandler
from cloudlet.services.scheduler import firing, store
from cloudlet.services.scheduler.groups import GroupOperations
from cloudlet.services.scheduler.schedules import ScheduleOperations

MAX_PEEK = 1000


class SchedulerProvider(GroupOperations, ScheduleOperations):
    service = "scheduler"

    def internal_routes(self) -> dict[tuple[str, str], InternalHandler]:
        return {("GET", "/_cloudlet/scheduler/fire-times"): self.peek_fire_times}

    def peek_fire_times(self, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        """The next fire instants of a schedule (ISO 8601, UTC), for tooling and tests."""
        arn = str(query.get("ScheduleArn") or body.get("ScheduleArn") or "")
        parts = ids.parse_arn(arn)
        path = [] if parts is None else parts["resource"].split("/")
        if parts is None or parts["service"] != "scheduler" or len(path) != 3 or path[0] != "schedule":
            raise ServiceError("ValidationException", f"Not a schedule ARN: {arn!r}", 400)
        schedule = store.find_schedule(self.db, parts["account"], parts["region"], path[1], path[2])
        if schedule is None:
            raise ServiceError("ResourceNotFoundException", f"Schedule {path[2]} does not exist.", 404)
        after_text = query.get("After") or body.get("After")
        after = self.clock.now()
        if after_text:
            moment = datetime.fromisoformat(str(after_text))
            after = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()
        count = min(int(query.get("Count") or body.get("Count") or 10), MAX_PEEK)
        times: list[str] = []
        while len(times) < count and (at := firing.next_fire(schedule, after)) is not None:
            times.append(datetime.fromtimestamp(at, UTC).isoformat().replace("+00:00", "Z"))
            after = at
        return {"ScheduleArn": arn, "State": schedule.state, "FireTimes": times}
