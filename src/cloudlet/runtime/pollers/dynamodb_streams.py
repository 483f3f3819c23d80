"""A DynamoDB Streams event source mapping: read the stream through the internal API
(DescribeStream, GetShardIterator, GetRecords), invoke the function with batches in order,
checkpoint what is done (durably, through the provider's callback).

https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html and
https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
- A failing batch is retried (MaximumRetryAttempts, -1: until the records expire) with
  backoff on the clock; BisectBatchOnFunctionError splits it in two first (a split does not
  count as a retry); records older than MaximumRecordAgeInSeconds are given up. What is
  given up goes to DestinationConfig.OnFailure as AWS's failure record; the shard moves on.
- ReportBatchItemFailures: the batch resumes at the lowest failed sequence number.
- ParallelizationFactor: a batch is split by item key into up to that many batches that
  are invoked concurrently (order per item kept); the next read waits for all of them.
- Records FilterCriteria rejects are skipped; the checkpoint moves past them.
- The poller sleeps until the dynamodb provider's outbox event for a new record wakes it."""

from __future__ import annotations

import asyncio
import json
import logging
import zlib
from datetime import UTC, datetime
from itertools import groupby
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.runtime.pollers.base import MappingPoller
from cloudlet.runtime.pollers.invoke import Outcome, failed_identifiers, invoke
from cloudlet.runtime.pollers.records import created_at, stream_failure, stream_record
from cloudlet.runtime.pollers.tumbling import TumblingWindow, window_start
from cloudlet.runtime.targets import Message, deliver

log = logging.getLogger("cloudlet.pollers")

IDLE_RECHECK = 60.0  # seconds on the clock between reads of an idle shard (a backstop only)
MAX_BACKOFF = 60.0


class StreamPoller(MappingPoller):
    async def run(self) -> None:
        self.bind()
        self.tumbling = int(self.config.get("TumblingWindowInSeconds") or 0)
        self.open_window: TumblingWindow | None = None
        shard_id, iterator = await self._open()
        while True:
            generation = self.generation
            self._wake.clear()
            try:
                result = await self._call(
                    "GetRecords", {"ShardIterator": iterator, "Limit": min(self.batch_size, 1000)}
                )
            except ServiceError as error:  # expired or trimmed: start again from the checkpoint
                log.info("mapping %s reopens its shard: %s", self.mapping.uuid, error.code)
                shard_id, iterator = await self._open()
                continue
            records = list(result.get("Records") or [])
            next_iterator = result.get("NextShardIterator")
            if records and len(records) < self.batch_size and self.window > 0:
                more, next_iterator = await self._fill(records, next_iterator)
                records += more
            if not records and self.open_window and self.clock.now() >= self.open_window.end:
                self.in_flight += 1
                try:
                    await self._close_window(shard_id)
                finally:
                    self.in_flight -= 1
            if not records:
                if self.generation == generation:
                    self.ready = False
                if next_iterator is None:
                    return  # the shard is closed (the stream was disabled) and read to its end
                iterator = next_iterator
                await self.clock.wait(self._wake, self.clock.now() + IDLE_RECHECK)
                continue
            self.in_flight += 1
            try:
                await self._batch(shard_id, records)
            finally:
                self.in_flight -= 1
                self.ready = True  # more may be there: the next read tells
            iterator = next_iterator or iterator

    async def _call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        return await self.clients.call(
            "dynamodbstreams", operation, params, self.source_account, self.source_region
        )

    async def _open(self) -> tuple[str, str]:
        """(shard id, an iterator after the checkpoint, or at the starting position)."""
        while True:
            try:
                described = await self._call("DescribeStream", {"StreamArn": self.mapping.source_arn})
                shards = described["StreamDescription"]["Shards"]
                if shards:
                    break
            except ServiceError as error:
                log.warning("mapping %s cannot read its stream: %s", self.mapping.uuid, error)
            self.ready = False
            await self.clock.wait(self._wake, self.clock.now() + IDLE_RECHECK)
        shard_id = str(shards[-1]["ShardId"])
        params: dict[str, Any] = {"StreamArn": self.mapping.source_arn, "ShardId": shard_id}
        checkpoint = self.mapping.checkpoints.get(shard_id)
        if checkpoint:
            params.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=checkpoint)
        elif self.config.get("StartingPosition") == "LATEST" and self.mapping.resume_after is not None:
            moment = datetime.fromtimestamp(self.mapping.resume_after, UTC)
            params.update(ShardIteratorType="AT_TIMESTAMP", Timestamp=moment)
        else:
            params["ShardIteratorType"] = str(self.config.get("StartingPosition") or "LATEST")
        try:
            result = await self._call("GetShardIterator", params)
        except ServiceError:  # the checkpoint was trimmed away: the oldest record left
            params = {
                "StreamArn": self.mapping.source_arn,
                "ShardId": shard_id,
                "ShardIteratorType": "TRIM_HORIZON",
            }
            result = await self._call("GetShardIterator", params)
        return shard_id, str(result["ShardIterator"])

    async def _fill(
        self, records: list[dict[str, Any]], after: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """MaximumBatchingWindowInSeconds: gather more records until the batch is full or the
        window (on the clock) ends; also the iterator to go on with."""
        more: list[dict[str, Any]] = []
        deadline = self.clock.now() + self.window
        self.clock.call_at(deadline, self.wake)
        while after is not None and len(records) + len(more) < self.batch_size:
            generation = self.generation
            self._wake.clear()
            want = min(self.batch_size - len(records) - len(more), 1000)
            result = await self._call("GetRecords", {"ShardIterator": after, "Limit": want})
            got = list(result.get("Records") or [])
            after = result.get("NextShardIterator")
            more += got
            if got:
                continue
            if self.clock.now() >= deadline:
                break
            if self.generation == generation:
                self.ready = False
            await self.clock.wait(self._wake, deadline)
        return more, after

    # -- one batch ---------------------------------------------------------------------------------
    async def _batch(self, shard_id: str, records: list[dict[str, Any]]) -> None:
        region = self.source_region
        events = [stream_record(r, self.mapping.source_arn, region) for r in records]
        kept = [e for e in events if self.passes(e, "")]
        max_age = int(self.config.get("MaximumRecordAgeInSeconds", -1))
        if kept and max_age >= 0:
            now = self.clock.now()
            old = [e for e in kept if now - created_at(e) > max_age]
            if old:
                await self._give_up(shard_id, old, "RecordAgeExceeded", 0, None)
                kept = [e for e in kept if now - created_at(e) <= max_age]
        if kept and self.tumbling:
            await self._windowed(shard_id, kept)
        elif kept:
            await asyncio.gather(*(self._deliver(shard_id, part) for part in self._partitions(kept)))
        done = str(records[-1]["dynamodb"]["SequenceNumber"])
        self.mapping.checkpoints[shard_id] = done  # a restarted poller resumes here
        self.mapping.save_checkpoint(shard_id, done)

    def _partitions(self, events: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
        """ParallelizationFactor: batches by item key that run concurrently; the records of
        one item stay in one batch, in order."""
        factor = int(self.config.get("ParallelizationFactor") or 1)
        if factor <= 1:
            return [events]
        parts: dict[int, list[dict[str, Any]]] = {}
        for event in events:
            keys = json.dumps(event["dynamodb"].get("Keys"), sort_keys=True, default=str)
            parts.setdefault(zlib.crc32(keys.encode("utf-8")) % factor, []).append(event)
        return list(parts.values())

    async def _windowed(self, shard_id: str, events: list[dict[str, Any]]) -> None:
        """TumblingWindowInSeconds: invoke per window with the state carried along."""
        arn = self.mapping.source_arn
        for start, grouped in groupby(events, key=lambda e: window_start(created_at(e), self.tumbling)):
            group = list(grouped)
            if self.open_window is not None and self.open_window.start != start:
                await self._close_window(shard_id)
            if self.open_window is None:
                self.open_window = TumblingWindow(start, self.tumbling)
                self.clock.call_at(self.open_window.end, self.wake)
            window = self.open_window
            outcome = await self._deliver(shard_id, group, window.event_fields(shard_id, arn, False))
            if outcome is not None:
                window.absorb(outcome.response)

    async def _close_window(self, shard_id: str) -> None:
        window, self.open_window = self.open_window, None
        if window is None:
            return
        event = {"Records": [], **window.event_fields(shard_id, self.mapping.source_arn, True)}
        await invoke(
            self.clients, self.mapping.account, self.mapping.region, self.mapping.function_arn, event
        )

    async def _deliver(
        self, shard_id: str, batch: list[dict[str, Any]], extra: dict[str, Any] | None = None
    ) -> Outcome | None:
        """Invoke until the batch succeeds, bisecting and retrying as configured; the last
        successful outcome (None when the batch was given up)."""
        max_retries = int(self.config.get("MaximumRetryAttempts", -1))
        max_age = int(self.config.get("MaximumRecordAgeInSeconds", -1))
        bisect = bool(self.config.get("BisectBatchOnFunctionError"))
        retries = 0
        if not batch:
            return None
        while True:
            outcome = await invoke(
                self.clients,
                self.mapping.account,
                self.mapping.region,
                self.mapping.function_arn,
                {"Records": batch, **(extra or {})},
            )
            failed_from = self._failed_from(outcome, batch)
            if failed_from is None:
                self.mapping.report("OK")
                return outcome
            self.mapping.report("PROBLEM: Function call failed")
            batch = batch[failed_from:]
            if bisect and len(batch) > 1 and not outcome.ok:
                half = len(batch) // 2
                await self._deliver(shard_id, batch[:half], extra)
                return await self._deliver(shard_id, batch[half:], extra)
            retries += 1
            if max_retries >= 0 and retries > max_retries:
                await self._give_up(shard_id, batch, "RetryAttemptsExhausted", retries, outcome)
                return None
            if max_age >= 0 and self.clock.now() - created_at(batch[0]) > max_age:
                await self._give_up(shard_id, batch, "RecordAgeExceeded", retries, outcome)
                return None
            await self.sleep(min(MAX_BACKOFF, 2.0 ** (retries - 1)))

    def _failed_from(self, outcome: Outcome, batch: list[dict[str, Any]]) -> int | None:
        """Where the batch must resume (None: all done)."""
        if not outcome.ok:
            return 0
        if not self.report_failures:
            return None
        numbers = [str(e["dynamodb"]["SequenceNumber"]) for e in batch]
        reported = failed_identifiers(outcome, numbers)
        if reported is None:
            return 0
        if not reported:
            return None
        return numbers.index(reported[0])

    async def _give_up(
        self,
        shard_id: str,
        batch: list[dict[str, Any]],
        condition: str,
        invokes: int,
        outcome: Outcome | None,
    ) -> None:
        destination = ((self.config.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        if not destination:
            return
        record = stream_failure(
            request_id=outcome.request_id if outcome else "",
            function_arn=self.mapping.function_arn,
            condition=condition,
            invoke_count=invokes,
            function_error=outcome.function_error if outcome else None,
            executed_version=outcome.executed_version if outcome else "$LATEST",
            now=self.clock.now(),
            shard_id=shard_id,
            stream_arn=self.mapping.source_arn,
            records=batch,
        )
        try:
            await deliver(self.clients, str(destination), Message(body=json.dumps(record)))
        except Exception as error:
            log.warning("mapping %s could not deliver to %s: %s", self.mapping.uuid, destination, error)
