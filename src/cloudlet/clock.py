"""The one clock: now() is wall time plus an offset that only moves forward.

Everything time-based (visibility, delays, retention, dedup windows, schedules, retries)
reads now() from here, and waits with `wait()`, so advancing the clock wakes every waiter
and fires due timers in time order."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

TimerCallback = Callable[[], Awaitable[None] | None]


class Timer:
    __slots__ = ("at", "callback", "cancelled")

    def __init__(self, at: float, callback: TimerCallback) -> None:
        self.at = at
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Clock:
    def __init__(self, offset: float = 0.0) -> None:
        self._offset = offset
        self._timers: list[tuple[float, int, Timer]] = []
        self._order = itertools.count()
        self._waiters: set[asyncio.Event] = set()
        self._on_change: list[Callable[[], None]] = []

    # -- reading -------------------------------------------------------------------------
    def now(self) -> float:
        """Seconds since the epoch, on the virtual clock."""
        return time.time() + self._offset

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    @property
    def offset(self) -> float:
        return self._offset

    # -- moving ----------------------------------------------------------------------------
    def set_offset(self, offset: float) -> None:
        self._offset = offset
        self._changed()

    def jump_to(self, moment: float) -> None:
        """Move forward so that now() == moment (never backwards)."""
        delta = moment - self.now()
        if delta > 0:
            self._offset += delta
            self._changed()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Called after every move (the runtime persists the offset, the timer loop re-arms)."""
        self._on_change.append(listener)

    def _changed(self) -> None:
        for event in self._waiters:
            event.set()
        for listener in self._on_change:
            listener()

    # -- waiting ---------------------------------------------------------------------------
    async def wait(self, event: asyncio.Event, until: float) -> bool:
        """Wait until `event` is set (True) or the clock reaches `until` (False).

        The event is also set when the clock moves, so callers re-check their condition
        after a True return and clear the event before waiting again."""
        self._waiters.add(event)
        try:
            while not event.is_set():
                remaining = until - self.now()
                if remaining <= 0:
                    return False
                try:
                    await asyncio.wait_for(event.wait(), remaining)
                except TimeoutError:
                    continue
            return True
        finally:
            self._waiters.discard(event)

    async def sleep_until(self, until: float) -> None:
        event = asyncio.Event()
        while await self.wait(event, until):
            event.clear()

    # -- timers ----------------------------------------------------------------------------
    def call_at(self, at: float, callback: TimerCallback) -> Timer:
        timer = Timer(at, callback)
        heapq.heappush(self._timers, (at, next(self._order), timer))
        for listener in self._on_change:
            listener()
        return timer

    def next_timer_at(self) -> float | None:
        while self._timers and self._timers[0][2].cancelled:
            heapq.heappop(self._timers)
        return self._timers[0][0] if self._timers else None

    def pop_due(self) -> list[Timer]:
        """Timers due at now(), earliest first."""
        now = self.now()
        due: list[Timer] = []
        while self._timers and self._timers[0][0] <= now:
            timer = heapq.heappop(self._timers)[2]
            if not timer.cancelled:
                due.append(timer)
        return due

    def clear_timers(self) -> None:
        self._timers.clear()
