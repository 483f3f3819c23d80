"""Runs event source mappings: one poller task per enabled mapping (SQS, DynamoDB Streams).
The Lambda provider hands mappings over through services/awslambda/mapping_types.py's
MappingRunner protocol, which this class implements.

Wake-ups, so that an idle mapping costs nothing and settle sees work the moment it exists:
- SQS: the queue's long poll wakes on a send; every clock move (visibility timeouts and
  delays ending) wakes each SQS poller for an immediate receive.
- DynamoDB Streams: the dynamodb provider's outbox event "dynamodb.stream" for each new
  record wakes the pollers of that stream (the runtime subscribes `stream_changed`)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from cloudlet.client import InternalClients
from cloudlet.clock import Clock
from cloudlet.runtime.pollers.base import MappingPoller
from cloudlet.runtime.pollers.dynamodb_streams import StreamPoller
from cloudlet.runtime.pollers.sqs import SqsPoller
from cloudlet.services.awslambda.mapping_types import SQS, MappingSpec
from cloudlet.services.base import Background

log = logging.getLogger("cloudlet.pollers")

STREAM_RECORD = "dynamodb.stream"
RESTART_DELAY = 5.0


class Pollers:
    def __init__(self, clock: Clock, clients: InternalClients, background: Background) -> None:
        self.clock = clock
        self.clients = clients
        self.background = background
        self._pollers: dict[str, MappingPoller] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        clock.on_change(self._clock_moved)

    # -- MappingRunner ---------------------------------------------------------------------------
    def run(self, mapping: MappingSpec) -> None:
        self.stop_mapping(mapping.uuid)
        poller = self._poller(mapping)  # registered now, so busy() sees it before it first runs
        self._pollers[mapping.uuid] = poller
        task = self.background.start_loop(self._supervise(mapping, poller), f"mapping-{mapping.uuid}")
        self._tasks[mapping.uuid] = task

    def _poller(self, mapping: MappingSpec) -> MappingPoller:
        if mapping.source == SQS:
            return SqsPoller(mapping, self.clock, self.clients, self.background)
        return StreamPoller(mapping, self.clock, self.clients, self.background)

    async def _supervise(self, mapping: MappingSpec, poller: MappingPoller) -> None:
        """Run the mapping's poller; one that dies of a bug is logged and started afresh
        (streams from their last checkpoint) after a few seconds on the clock."""
        while True:
            try:
                await poller.run()
                return
            except Exception:
                log.exception("poller of mapping %s failed; restarting it", mapping.uuid)
            poller.ready = False
            await self.clock.sleep_until(self.clock.now() + RESTART_DELAY)
            poller = self._poller(mapping)
            self._pollers[mapping.uuid] = poller

    def stop_mapping(self, uuid: str) -> None:
        self._pollers.pop(uuid, None)
        task = self._tasks.pop(uuid, None)
        if task is not None:
            task.cancel()

    # -- the runtime's side ------------------------------------------------------------------------
    def busy(self) -> bool:
        """True while a mapping has records it can take now, or a batch in flight (settle waits)."""
        for uuid, poller in self._pollers.items():
            task = self._tasks.get(uuid)
            if task is not None and not task.done() and poller.busy():
                return True
        return False

    async def stop(self) -> None:
        """Stop every poller (server shutdown, reset)."""
        tasks = list(self._tasks.values())
        self._pollers.clear()
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def stream_changed(self, topic: str, payload: dict[str, Any]) -> None:
        """Outbox subscriber for "dynamodb.stream": a record was appended to a stream."""
        arn = str(payload.get("StreamArn") or "")
        for poller in self._pollers.values():
            if poller.mapping.source_arn == arn:
                poller.wake()

    def _clock_moved(self) -> None:
        for poller in self._pollers.values():
            if isinstance(poller, SqsPoller):
                poller.wake()
