"""An SQS event source mapping: long-poll the queue through the internal API, invoke the
function with batches, delete what succeeded.

https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
- A function error (or an invoke failure) fails the whole batch; with
  ReportBatchItemFailures only the reported messages fail. Failed messages are left
  alone: they come back after the queue's visibility timeout, and the queue's redrive
  policy moves them to its dead-letter queue after maxReceiveCount receives.
- Messages FilterCriteria rejects are deleted without an invoke.
- FIFO: SQS hands a message group to one receiver at a time, so a failing group blocks
  only itself; with ReportBatchItemFailures the messages after a failed one in its group
  count as failed too (AWS asks handlers to report them; this keeps the order anyway).
- The long poll awaits without a thread and wakes on a send; a clock move (visibility
  timeouts ending) or a batching window's end interrupts it for an immediate receive."""

from __future__ import annotations

import asyncio
import logging
import math
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.runtime.pollers.base import MappingPoller
from cloudlet.runtime.pollers.invoke import failed_identifiers, invoke
from cloudlet.runtime.pollers.records import sqs_record

log = logging.getLogger("cloudlet.pollers")

DEFAULT_CONCURRENCY = 5  # Lambda starts with five concurrent batches per queue
LONG_POLL = 20
MAX_PAYLOAD = 6 * 1024 * 1024


class SqsPoller(MappingPoller):
    def start(self) -> None:
        parts = self.mapping.source_arn.split(":")
        self.queue_url = f"/{self.source_account}/{parts[-1]}"
        self.fifo = parts[-1].endswith(".fifo")
        scaling = self.config.get("ScalingConfig") or {}
        self.concurrency = int(scaling.get("MaximumConcurrency") or DEFAULT_CONCURRENCY)
        self.visibility = 30
        self._answered: asyncio.Future[list[dict[str, Any]]] | None = None

    def busy(self) -> bool:
        # A long poll that has taken messages, before this loop picks them up, is work too.
        return super().busy() or (self._answered is not None and self._answered.done())

    async def _call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        params = {"QueueUrl": self.queue_url, **params}
        return await self.clients.call("sqs", operation, params, self.source_account, self.source_region)

    async def run(self) -> None:
        self.bind()
        self.start()
        try:
            attributes = await self._call("GetQueueAttributes", {"AttributeNames": ["VisibilityTimeout"]})
            self.visibility = int(attributes.get("Attributes", {}).get("VisibilityTimeout", 30))
        except ServiceError:
            pass
        slots = asyncio.Semaphore(self.concurrency)
        while True:
            await slots.acquire()
            try:
                messages = await self._collect()
            except ServiceError as error:  # the queue is gone: wait for it to come back
                log.warning("mapping %s cannot receive: %s", self.mapping.uuid, error)
                slots.release()
                self.ready = False
                await self._wait(self.clock.now() + LONG_POLL)
                continue
            self.in_flight += 1
            # Background work: a batch in flight finishes even when the mapping stops meanwhile
            # (an update or delete), and settle waits for it.
            task = self.background.spawn(self._handle(messages), f"mapping-batch-{self.mapping.uuid}")
            task.add_done_callback(lambda _: self._finished(slots))

    def _finished(self, slots: asyncio.Semaphore) -> None:
        self.in_flight -= 1
        slots.release()
        self.wake()  # a slot is free: the poll loop looks for the next batch right away

    # -- receiving -------------------------------------------------------------------------------
    async def _receive(self, wait: int, count: int) -> list[dict[str, Any]]:
        result = await self._call(
            "ReceiveMessage",
            {
                "MaxNumberOfMessages": max(1, min(10, count)),
                "WaitTimeSeconds": wait,
                "AttributeNames": ["All"],
                "MessageSystemAttributeNames": ["All"],
                "MessageAttributeNames": ["All"],
            },
        )
        return list(result.get("Messages") or [])

    async def _collect(self) -> list[dict[str, Any]]:
        """One batch: what is there now, or the first messages to arrive and, with a batching
        window, more until the window ends, the batch is full or it reaches 6 MB."""
        messages: list[dict[str, Any]] = []
        size = 0
        deadline: float | None = None
        while True:
            if messages and deadline is None and self.window > 0:
                deadline = self.clock.now() + self.window  # the window opens with the first message
                self.clock.call_at(deadline, self.wake)
            generation = self.generation
            self._wake.clear()
            got = await self._receive(0, self.batch_size - len(messages))
            messages += got
            size += sum(len(m.get("Body", "")) for m in got)
            if len(messages) >= self.batch_size or size >= MAX_PAYLOAD:
                return messages
            if got:
                continue  # take what else is there now
            if self.generation == generation:
                self.ready = False
            if messages and (deadline is None or self.clock.now() >= deadline):
                return messages
            got = await self._long_poll(deadline)
            messages += got
            size += sum(len(m.get("Body", "")) for m in got)

    async def _long_poll(self, deadline: float | None) -> list[dict[str, Any]]:
        """A long poll that a wake() interrupts (then the caller receives again at once)."""
        wait = LONG_POLL if deadline is None else min(LONG_POLL, math.ceil(deadline - self.clock.now()))
        if wait <= 0 or self._wake.is_set():
            return []
        receive = asyncio.ensure_future(self._receive(wait, self.batch_size))
        self._answered = receive
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({receive, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            if not receive.done():
                receive.cancel()
            await asyncio.wait({receive})
            self._answered = None
        if receive.cancelled():
            return []
        messages = receive.result()
        if messages:
            self.ready = True
        return messages

    async def _wait(self, until: float) -> None:
        await self.clock.wait(self._wake, until)

    # -- handling a batch ------------------------------------------------------------------------
    async def _handle(self, messages: list[dict[str, Any]]) -> None:
        records = [sqs_record(m, self.mapping.source_arn, self.source_region) for m in messages]
        kept = [r for r in records if self.passes(r, "body")]
        failed: set[str] = set()
        if kept:
            outcome = await invoke(
                self.clients,
                self.mapping.account,
                self.mapping.region,
                self.mapping.function_arn,
                {"Records": kept},
            )
            ids = [r["messageId"] for r in kept]
            if not outcome.ok:
                failed = set(ids)
            elif self.report_failures:
                reported = failed_identifiers(outcome, ids)
                failed = set(ids) if reported is None else self._with_group_followers(kept, set(reported))
        done = [r for r in records if r["messageId"] not in failed]
        await self._delete(done)
        if failed:
            # They come back after the visibility timeout: wake then (a timer, so advance stops).
            self.clock.call_at(self.clock.now() + self.visibility, self.wake)

    def _with_group_followers(self, records: list[dict[str, Any]], failed: set[str]) -> set[str]:
        if not self.fifo or not failed:
            return failed
        blocked: set[str] = set()
        result = set(failed)
        for record in records:
            group = record["attributes"].get("MessageGroupId", "")
            if group in blocked or record["messageId"] in failed:
                blocked.add(group)
                result.add(record["messageId"])
        return result

    async def _delete(self, records: list[dict[str, Any]]) -> None:
        for start in range(0, len(records), 10):
            chunk = records[start : start + 10]
            entries = [{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(chunk)]
            try:
                await self._call("DeleteMessageBatch", {"Entries": entries})
            except ServiceError as error:
                log.warning("mapping %s could not delete messages: %s", self.mapping.uuid, error)
