"""Warm workers of one function version: idle ones are reused (most recent first), new ones
spawned when none is idle, idle ones recycled after IDLE_SECONDS of real time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from cloudlet.runtime.workers.process import WorkerProcess

IDLE_SECONDS = 300.0  # real seconds an idle worker is kept (AWS keeps environments ~5-15 min)


class Pool:
    def __init__(self, revision: str, on_expired: Callable[[WorkerProcess], None]) -> None:
        self.revision = revision
        self.retired = False  # the function changed or was deleted: no worker goes back idle
        self.idle: list[WorkerProcess] = []
        self.running: set[WorkerProcess] = set()
        self._on_expired = on_expired

    def take(self) -> WorkerProcess | None:
        while self.idle:
            worker = self.idle.pop()
            if worker.idle_timer is not None:
                worker.idle_timer.cancel()
                worker.idle_timer = None
            if worker.alive:
                self.running.add(worker)
                return worker
            self._on_expired(worker)
        return None

    def add_running(self, worker: WorkerProcess) -> None:
        self.running.add(worker)

    def release(self, worker: WorkerProcess) -> bool:
        """Back to idle; False when the worker must go (dead, killed, or the pool retired)."""
        self.running.discard(worker)
        if self.retired or not worker.alive:
            return False
        self.idle.append(worker)
        worker.idle_timer = asyncio.get_running_loop().call_later(IDLE_SECONDS, self._expire, worker)
        return True

    def _expire(self, worker: WorkerProcess) -> None:
        if worker in self.idle:
            self.idle.remove(worker)
            worker.idle_timer = None
            self._on_expired(worker)

    def retire(self) -> list[WorkerProcess]:
        """Mark retired; the idle workers, to be stopped now."""
        self.retired = True
        idle, self.idle = self.idle, []
        for worker in idle:
            if worker.idle_timer is not None:
                worker.idle_timer.cancel()
        return idle
