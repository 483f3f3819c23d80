"""Message move tasks: redrive a dead-letter queue back to its sources (or elsewhere), on the clock.

A task moves the messages that were in the dead-letter queue when it started, oldest first.
With MaxNumberOfMessagesPerSecond R, message k moves at start + k/R on the virtual clock,
so advancing the clock drives it; without one it moves everything at once. One loop runs
every task; busy() is True while a task has messages due now (settle waits on it).
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html"""

from __future__ import annotations

import asyncio
import logging
import math
import uuid
from collections import defaultdict
from typing import Any

from cloudlet import ids
from cloudlet.gateway.context import RequestContext
from cloudlet.services.sqs import fifo, names, store, task_store
from cloudlet.services.sqs.core import SqsCore
from cloudlet.services.sqs.errors import invalid_parameter, invalid_value, sqs_error
from cloudlet.services.sqs.queues import Queue, key_of_arn
from cloudlet.services.sqs.store import Row

log = logging.getLogger("cloudlet.sqs")

MAX_RATE = 500
CHUNK = 500  # messages moved per transaction
IDLE_WAIT_S = 3600.0
NON_EXISTENT_QUEUE = "AWS.SimpleQueueService.NonExistentQueue"


class MoveTaskOperations(SqsCore):
    _move_event: asyncio.Event | None = None
    _move_due: int | None = None

    async def start(self) -> None:
        await super().start()
        self._move_event = asyncio.Event()
        self._move_due = self.now()
        self.env.background.start_loop(self._move_loop(), "sqs-move-tasks")

    def busy(self) -> bool:
        return self._move_due is not None and self._move_due <= self.now()

    def reset(self) -> None:
        super().reset()
        self._kick()

    # -- API -----------------------------------------------------------------------------------
    def start_message_move_task(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        source_arn = str(params.get("SourceArn") or "")
        source = self._task_queue(ctx, source_arn, "SourceArn")
        if not task_store.is_dead_letter_target(self.db, source.arn):
            raise invalid_parameter("Source queue must be configured as a Dead Letter Queue.")
        destination_arn = params.get("DestinationArn")
        if destination_arn:
            self._task_queue(ctx, str(destination_arn), "DestinationArn")
        rate = params.get("MaxNumberOfMessagesPerSecond")
        if rate is not None and not 1 <= int(rate) <= MAX_RATE:
            raise invalid_value("MaxNumberOfMessagesPerSecond", rate, f"Must be between 1 and {MAX_RATE}.")
        if task_store.active_task(self.db, ctx.account, ctx.region, source.arn) is not None:
            raise invalid_parameter(
                "There is already a task running. Only one active task is allowed for a source queue arn at a given time."
            )
        now = self.now()
        to_move, last_id = task_store.source_stats(self.db, source.id, now)
        task_id = str(uuid.uuid4())
        with self.db.write() as tx:
            task_store.insert_task(
                tx, task_id, ctx.account, ctx.region, source.arn, destination_arn or None,
                None if rate is None else int(rate), to_move, last_id, now,
            )  # fmt: skip
        self._kick()
        return {"TaskHandle": names.encode_task_handle(task_id, source.arn)}

    def list_message_move_tasks(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        source_arn = str(params.get("SourceArn") or "")
        source = self._task_queue(ctx, source_arn, "SourceArn")
        limit = params.get("MaxResults")
        if limit is not None and not 1 <= int(limit) <= 10:
            raise invalid_value("MaxResults", limit, "Must be between 1 and 10.")
        rows = task_store.tasks_of(self.db, ctx.account, ctx.region, source.arn, int(limit or 1))
        return {"Results": [_task_result(row) for row in rows]}

    def cancel_message_move_task(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        task_id, source_arn = names.decode_task_handle(str(params.get("TaskHandle") or ""))
        self._task_queue(ctx, source_arn, "SourceArn")
        row = task_store.task(self.db, task_id)
        if row is None or row["source_arn"] != source_arn or row["status"] != "RUNNING":
            raise sqs_error("ResourceNotFoundException", "Task does not exist.")
        with self.db.write() as tx:
            task_store.finish(tx, task_id, "CANCELLED")
        self._kick()
        return {"ApproximateNumberOfMessagesMoved": int(row["moved"])}

    def _task_queue(self, ctx: RequestContext, arn: str, parameter: str) -> Queue:
        if ids.parse_arn(arn) is None:
            raise invalid_parameter(
                f"You must use this format to specify the {parameter}: "
                "arn:<partition>:<service>:<region>:<account-id>:<resource-id>"
            )
        key = key_of_arn(arn)
        queue = self.load_queue(key) if key and key[:2] == (ctx.account, ctx.region) else None
        if queue is None:
            raise sqs_error(
                "ResourceNotFoundException",
                f"The resource that you specified for the {parameter} parameter doesn't exist.",
            )
        return queue

    # -- the loop ------------------------------------------------------------------------------
    def _kick(self) -> None:
        self._move_due = self.now()
        if self._move_event is not None:
            self._move_event.set()

    async def _move_loop(self) -> None:
        assert self._move_event is not None
        while True:
            self._move_event.clear()
            try:
                due = self.run_move_tasks()
            except Exception:
                # Keep the loop (and settle) alive; the task is retried on the next wake.
                log.exception("message move tasks failed")
                due = None
            self._move_due = due
            until = self.clock.now() + IDLE_WAIT_S if due is None else due / 1000
            await self.clock.wait(self._move_event, until)

    def run_move_tasks(self) -> int | None:
        """Move what is due now; when the next message of any running task is due (ms)."""
        next_due: int | None = None
        for task in task_store.running(self.db):
            due = self._step(task, self.now())
            if due is not None:
                next_due = due if next_due is None else min(next_due, due)
        return next_due

    def _step(self, task: Row, now: int) -> int | None:
        task_id, rate = str(task["task_id"]), task["rate"]
        moved, to_move = int(task["moved"]), int(task["to_move"])
        source = self.queue_by_arn(str(task["source_arn"]))
        if source is None:
            self._finish(task_id, "FAILED", NON_EXISTENT_QUEUE)
            return None
        allowed = to_move - moved
        if rate is not None:
            allowed = min(to_move, math.floor((now - int(task["started_at"])) * int(rate) / 1000)) - moved
        if moved >= to_move:
            self._finish(task_id, "COMPLETED")
            return None
        if allowed <= 0:
            return int(task["started_at"]) + math.ceil((moved + 1) * 1000 / int(rate))
        with self.db.write() as tx:
            rows = task_store.candidates(
                tx, source.id, int(task["cursor"]), int(task["last_id"]), now, min(allowed, CHUNK)
            )
            if not rows:
                task_store.finish(tx, task_id, "COMPLETED")
                return None
            by_target: defaultdict[int, list[Row]] = defaultdict(list)
            targets: dict[int, Queue] = {}
            for row in rows:
                if row["visible_at"] > now:
                    continue  # in flight in the dead-letter queue: not moved
                target = self.queue_by_arn(str(task["destination_arn"] or row["source_arn"] or ""))
                if target is None:
                    task_store.finish(tx, task_id, "FAILED", NON_EXISTENT_QUEUE)
                    return None
                targets[target.id] = target
                by_target[target.id].append(row)
            for target_id, batch in by_target.items():
                store.redrive_back(tx, [int(row["id"]) for row in batch], target_id, now)
                if source.fifo or targets[target_id].fifo:
                    groups = [row["group_id"] for row in batch]
                    fifo.refresh_groups(tx, source.id, groups)
                    fifo.refresh_groups(tx, target_id, groups)
            count = sum(len(batch) for batch in by_target.values())
            task_store.advance(tx, task_id, count, int(rows[-1]["id"]))
        for target_id, batch in by_target.items():
            self.waiters.wake(target_id, len(batch))
        return now  # more may be due at once; the loop comes straight back

    def _finish(self, task_id: str, status: str, reason: str | None = None) -> None:
        with self.db.write() as tx:
            task_store.finish(tx, task_id, status, reason)


def _task_result(row: Row) -> dict[str, Any]:
    result: dict[str, Any] = {
        "Status": row["status"],
        "SourceArn": row["source_arn"],
        "ApproximateNumberOfMessagesMoved": int(row["moved"]),
        "ApproximateNumberOfMessagesToMove": int(row["to_move"]),
        "StartedTimestamp": int(row["started_at"]),
    }
    if row["status"] == "RUNNING":
        result["TaskHandle"] = names.encode_task_handle(str(row["task_id"]), str(row["source_arn"]))
    if row["destination_arn"]:
        result["DestinationArn"] = row["destination_arn"]
    if row["rate"] is not None:
        result["MaxNumberOfMessagesPerSecond"] = int(row["rate"])
    if row["failure_reason"]:
        result["FailureReason"] = row["failure_reason"]
    return result
