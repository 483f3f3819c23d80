"""Invocation logs to CloudWatch Logs, off the critical path: events queue per log stream and
one background task per stream writes them in order (creating the group and the stream
when missing, as Lambda does)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from cloudlet.client import InternalClients
from cloudlet.errors import ServiceError
from cloudlet.services.base import Background

log = logging.getLogger("cloudlet.lambda.logs")

StreamKey = tuple[str, str, str, str]  # account, region, group, stream
MAX_EVENT_BYTES = 256 * 1024 - 26  # CloudWatch Logs' event size limit, its 26-byte overhead included
MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
# Events of a stream gather this long before a write: one transaction for a burst of
# invocations instead of one each (settle waits for the write).
GATHER_SECONDS = 0.01


class LogShipper:
    def __init__(self, clients: InternalClients, background: Background) -> None:
        self.clients = clients
        self.background = background
        self._ready: set[StreamKey] = set()  # streams known to exist
        self._queues: dict[StreamKey, list[tuple[int, str]]] = {}
        self._last: dict[StreamKey, int] = {}  # a batch must be in time order
        self._flushing: set[StreamKey] = set()

    def ship(self, key: StreamKey, events: list[tuple[int, str]]) -> None:
        queue = self._queues.setdefault(key, [])
        last = self._last.get(key, 0)
        for timestamp, message in events:
            if not message:
                continue  # CloudWatch Logs rejects empty messages
            last = max(last, timestamp)
            queue.append((last, _truncated(message)))
        self._last[key] = last
        if key not in self._flushing and queue:
            self._flushing.add(key)
            self.background.spawn(self._flush(key), "lambda-logs")

    def busy(self) -> bool:
        return bool(self._flushing)

    def reset(self) -> None:
        self._ready.clear()
        self._queues.clear()
        self._last.clear()

    async def _flush(self, key: StreamKey) -> None:
        try:
            await asyncio.sleep(GATHER_SECONDS)
            while batch := self._queues.pop(key, None):
                for chunk in _chunks(batch):
                    await self._put(key, chunk)
        except Exception:
            log.exception("writing Lambda logs to %s %s failed", key[2], key[3])
        finally:
            self._flushing.discard(key)

    async def _put(self, key: StreamKey, events: list[tuple[int, str]]) -> None:
        account, region, group, stream = key
        params: dict[str, Any] = {
            "logGroupName": group,
            "logStreamName": stream,
            "logEvents": [{"timestamp": timestamp, "message": message} for timestamp, message in events],
        }
        for attempt in range(2):
            if key not in self._ready:
                await self._create(key)
            try:
                await self.clients.call("logs", "PutLogEvents", params, account, region)
                return
            except ServiceError as error:
                # The group or stream was deleted meanwhile: make them again, once.
                if error.code != "ResourceNotFoundException" or attempt:
                    raise
                self._ready.discard(key)

    async def _create(self, key: StreamKey) -> None:
        account, region, group, stream = key
        for operation, params in (
            ("CreateLogGroup", {"logGroupName": group}),
            ("CreateLogStream", {"logGroupName": group, "logStreamName": stream}),
        ):
            try:
                await self.clients.call("logs", operation, params, account, region)
            except ServiceError as error:
                if error.code != "ResourceAlreadyExistsException":
                    raise
        self._ready.add(key)


def _truncated(message: str) -> str:
    data = message.encode()
    if len(data) <= MAX_EVENT_BYTES:
        return message
    return data[:MAX_EVENT_BYTES].decode("utf-8", "ignore")


def _chunks(events: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """PutLogEvents batches: at most 10,000 events and 1 MiB (26 bytes counted per event)."""
    chunks: list[list[tuple[int, str]]] = [[]]
    size = 0
    for event in events:
        cost = len(event[1].encode()) + 26
        if len(chunks[-1]) >= MAX_BATCH_EVENTS or size + cost > MAX_BATCH_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(event)
        size += cost
    return [chunk for chunk in chunks if chunk]
