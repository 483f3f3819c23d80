"""Runtime: owns the database, the clock, the outbox, the providers and background work."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from cloudlet.client import InternalClients
from cloudlet.clock import Clock, Timer
from cloudlet.gateway.chain import Gateway
from cloudlet.runtime import dispatch
from cloudlet.runtime.invoker import WorkerInvoker
from cloudlet.runtime.memory import release_freed_memory
from cloudlet.runtime.pollers.supervisor import Pollers
from cloudlet.services import registry
from cloudlet.services.base import Provider, ServiceEnv
from cloudlet.settings import Settings
from cloudlet.storage import Database
from cloudlet.storage.migrations import migrate
from cloudlet.storage.outbox import Outbox

log = logging.getLogger("cloudlet.runtime")

_CLOCK_OFFSET = "clock_offset"


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._temp_dir: str | None = None
        if settings.ephemeral:
            self._temp_dir = tempfile.mkdtemp(prefix="cloudlet-")
            self.data_dir = Path(self._temp_dir)
        else:
            self.data_dir = settings.data_dir
        self.db = Database(self.data_dir / "cloudlet.db")
        migrate(self.db, registry.packages())
        self.clock = Clock(float(self.db.get_meta(_CLOCK_OFFSET) or 0.0))
        self.outbox = Outbox(self.db)
        self.loop: asyncio.AbstractEventLoop | None = None
        self._work: set[asyncio.Task[None]] = set()
        self._loops: set[asyncio.Task[None]] = set()
        self._timer_wake = asyncio.Event()
        self._advance_lock = asyncio.Lock()
        env = ServiceEnv(
            db=self.db, clock=self.clock, settings=settings, background=self, data_dir=self.data_dir
        )
        self.providers: dict[str, Provider] = {
            name: registry.provider_class(name)(env) for name in registry.service_names()
        }
        self.gateway = Gateway(settings, self.providers)
        self.clients = InternalClients(
            self.gateway.handle, lambda: self.loop, settings.endpoint, self.gateway.call
        )
        env.extras["clients"] = self.clients  # S3 validates notification destinations through them
        # What providers need from the runtime, injected (DESIGN rule 3): Lambda runs code on
        # the invoker's workers and hands its event source mappings to the pollers.
        self.invoker = WorkerInvoker(settings, self.clock, self.clients, self, self.data_dir)
        self.pollers = Pollers(self.clock, self.clients, self)
        env.extras["invoker"] = self.invoker
        env.extras["pollers"] = self.pollers
        dispatch.register(self.outbox, self.clients, self.clock, self)
        self.outbox.subscribe("dynamodb.stream", self.pollers.stream_changed)  # wakes stream mappings
        self.clock.on_change(self._clock_changed)

    # -- life ------------------------------------------------------------------------------
    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.start_loop(self.outbox.run(), "outbox")
        self.start_loop(self._fire_timers_forever(), "timers")
        for provider in self.providers.values():
            await provider.start()
        self.spawn(asyncio.to_thread(self.gateway.router.warm), "warm-routing")
        self.start_loop(self._release_startup_memory(), "release-startup-memory")

    async def _release_startup_memory(self) -> None:
        await self.settle(timeout=60)  # the routing models warmed, the bootstrap resources made
        release_freed_memory()

    async def stop(self) -> None:
        await self.pollers.stop()
        await self.invoker.stop()
        for task in list(self._loops | self._work):
            task.cancel()
        await asyncio.gather(*self._loops, *self._work, return_exceptions=True)
        self.db.close()
        if self._temp_dir:
            shutil.rmtree(self._temp_dir, ignore_errors=True)

    # -- background work (services.base.Background) ------------------------------------------
    def spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._work.add(task)
        task.add_done_callback(self._work_done)
        return task

    def _work_done(self, task: asyncio.Task[None]) -> None:
        self._work.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    def start_loop(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._loops.add(task)
        task.add_done_callback(self._loop_done)
        return task

    def _loop_done(self, task: asyncio.Task[None]) -> None:
        self._loops.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("loop %s died", task.get_name(), exc_info=task.exception())

    # -- time ------------------------------------------------------------------------------
    def _clock_changed(self) -> None:
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self._timer_wake.set)

    async def _fire_timers_forever(self) -> None:
        while True:
            self._timer_wake.clear()
            for timer in self.clock.pop_due():
                await self._fire(timer)
            next_at = self.clock.next_timer_at()
            timeout = None if next_at is None else max(0.0, next_at - self.clock.now())
            try:
                await asyncio.wait_for(self._timer_wake.wait(), timeout)
            except TimeoutError:
                pass

    async def _fire(self, timer: Timer) -> None:
        try:
            outcome = timer.callback()
            if outcome is not None:
                await outcome
        except Exception:
            log.exception("timer callback failed")

    async def advance(self, seconds: float, settle_timeout: float = 60.0) -> None:
        """Move the clock forward; timers due on the way fire in time order, each settled."""
        async with self._advance_lock:
            # Work already handed over (an outbox event just committed) may arm timers before
            # the target: let it run first so those timers fire within this advance.
            await self.settle(settle_timeout)
            target_offset = self.clock.offset + seconds
            target = self.clock.now() + seconds
            while (next_at := self.clock.next_timer_at()) is not None and next_at <= target:
                self.clock.jump_to(next_at)
                for timer in self.clock.pop_due():
                    await self._fire(timer)
                await self.settle(settle_timeout)
            # The offset moves by exactly `seconds` (wall time also passed meanwhile).
            self.clock.set_offset(max(self.clock.offset, target_offset))
            self.db.set_meta(_CLOCK_OFFSET, repr(self.clock.offset))
            await self.settle(settle_timeout)

    # -- settle ----------------------------------------------------------------------------
    def busy(self) -> bool:
        if self._work or not self.outbox.idle:
            return True
        next_at = self.clock.next_timer_at()
        if next_at is not None and next_at <= self.clock.now():
            return True
        if self.invoker.busy() or self.pollers.busy():
            return True
        return any(provider.busy() for provider in self.providers.values())

    async def settle(self, timeout: float) -> bool:
        """Wait until no work is due at the current time; False if still busy at the timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet = 0
        while True:
            await asyncio.sleep(0)
            if self.busy():
                quiet = 0
                if loop.time() >= deadline:
                    return False
                await asyncio.sleep(0.002)
                continue
            # Idle twice, a few loop turns apart: work that was just handed over has started.
            quiet += 1
            if quiet >= 2:
                return True
            for _ in range(3):
                await asyncio.sleep(0)

    # -- reset -----------------------------------------------------------------------------
    async def reset(self) -> None:
        await self.pollers.stop()
        await self.invoker.stop()
        for task in list(self._work):
            task.cancel()
        self.db.wipe()
        self.clock.clear_timers()
        self.clock.set_offset(0.0)
        for provider in self.providers.values():
            provider.reset()
