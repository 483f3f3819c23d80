"""What every mapping poller shares: its mapping, a wake-up that is safe from any thread,
and waits on the virtual clock that `advance` stops at (timers)."""

from __future__ import annotations

import asyncio
from typing import Any

from cloudlet import ids
from cloudlet.client import InternalClients
from cloudlet.clock import Clock
from cloudlet.patterns import Pattern, PatternError, compile_lambda_filters
from cloudlet.runtime.pollers.records import filter_view
from cloudlet.services.awslambda.mapping_types import MappingSpec
from cloudlet.services.base import Background
from cloudlet.wake import wake


class MappingPoller:
    def __init__(
        self, mapping: MappingSpec, clock: Clock, clients: InternalClients, background: Background
    ) -> None:
        self.mapping = mapping
        self.background = background
        self.clock = clock
        self.clients = clients
        self.config = mapping.config
        parts = ids.parse_arn(mapping.source_arn) or {}
        self.source_account = parts.get("account", mapping.account)
        self.source_region = parts.get("region", mapping.region)
        self.batch_size = int(self.config.get("BatchSize") or 10)
        self.window = float(self.config.get("MaximumBatchingWindowInSeconds") or 0)
        self.report_failures = "ReportBatchItemFailures" in (self.config.get("FunctionResponseTypes") or [])
        try:
            self.filters: list[Pattern] = compile_lambda_filters(self.config.get("FilterCriteria") or {})
        except PatternError:  # validated at create; a stored bad pattern filters nothing out
            self.filters = []
        # `ready`: the source may have records to take now; `in_flight`: batches being handled.
        self.ready = True
        self.in_flight = 0
        self.generation = 0  # bumped by every wake; a poll that saw none clears `ready`
        self.paused = False  # backing off on the clock: nothing of this mapping is due now
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    async def run(self) -> None:
        """Poll the source and invoke the function until cancelled."""
        raise NotImplementedError

    def busy(self) -> bool:
        if self.paused:
            return False
        return self.ready or self.in_flight > 0

    def wake(self) -> None:
        """Something may be there to take now (a send, a clock move, a stream record)."""
        self.ready = True
        self.generation += 1
        wake(self._loop, self._wake)

    def bind(self) -> None:
        self._loop = asyncio.get_running_loop()

    def passes(self, record: dict[str, Any], body_key: str) -> bool:
        if not self.filters:
            return True
        view = filter_view(record, body_key)
        return any(pattern.matches(view) for pattern in self.filters)

    async def sleep(self, seconds: float) -> None:
        """Wait on the clock (a timer, so advance stops there); not busy meanwhile."""
        event = asyncio.Event()

        def fire() -> None:
            self.paused = False  # busy from the moment the timer fires until the retry is done
            event.set()

        timer = self.clock.call_at(self.clock.now() + seconds, fire)
        self.paused = True
        try:
            await event.wait()
        finally:
            self.paused = False
            timer.cancel()
