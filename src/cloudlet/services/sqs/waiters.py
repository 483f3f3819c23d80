"""Long polls parked on a queue: one asyncio.Event each, no thread, no polling.

A send wakes as many waiters as it made messages visible, oldest first, so a thousand
parked polls cost nothing until there is something for them; a change that may free
several messages at once (a visibility change, a FIFO group unlocking) wakes them all.
Clock moves wake every waiter through Clock.wait."""

from __future__ import annotations

import asyncio
from collections import defaultdict


class Waiters:
    def __init__(self) -> None:
        self._by_queue: defaultdict[int, dict[asyncio.Event, None]] = defaultdict(dict)

    def add(self, queue_id: int) -> asyncio.Event:
        event = asyncio.Event()
        self._by_queue[queue_id][event] = None  # dicts keep insertion order: oldest first
        return event

    def remove(self, queue_id: int, event: asyncio.Event) -> None:
        waiting = self._by_queue.get(queue_id)
        if waiting is not None:
            waiting.pop(event, None)
            if not waiting:
                del self._by_queue[queue_id]

    def wake(self, queue_id: int, count: int) -> None:
        waiting = self._by_queue.get(queue_id)
        if not waiting:
            return
        for event in waiting:
            if count <= 0:
                break
            if not event.is_set():
                event.set()
                count -= 1

    def wake_all(self, queue_id: int) -> None:
        for event in self._by_queue.get(queue_id, {}):
            event.set()

    def woken(self) -> bool:
        """A parked poll was woken and has not taken its messages yet (settle waits for it)."""
        return any(event.is_set() for waiting in self._by_queue.values() for event in waiting)

    def count(self, queue_id: int) -> int:
        return len(self._by_queue.get(queue_id, {}))

    def clear(self) -> None:
        for waiting in self._by_queue.values():
            for event in waiting:
                event.set()
        self._by_queue.clear()
