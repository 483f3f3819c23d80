"""Outbox: events written inside a transaction (tx.emit) and delivered after COMMIT.

Rows stay in _outbox until a subscriber has handled them, so an event emitted before a
crash is delivered after the restart. Delivery is at least once, in emission order."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from cloudlet.storage.db import Database
from cloudlet.wake import wake

log = logging.getLogger("cloudlet.outbox")

Subscriber = Callable[[str, dict[str, Any]], Awaitable[None] | None]


class Outbox:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._subscribers: list[tuple[str, Subscriber]] = []
        self._wake = asyncio.Event()
        self._busy = False
        db.on_outbox_commit(self.kick)
        self._loop: asyncio.AbstractEventLoop | None = None

    def subscribe(self, topic_prefix: str, handler: Subscriber) -> None:
        self._subscribers.append((topic_prefix, handler))

    def kick(self) -> None:
        wake(self._loop, self._wake)

    def pending(self) -> int:
        row = self.db.one("SELECT count(*) AS n FROM _outbox")
        return int(row["n"]) if row else 0

    @property
    def idle(self) -> bool:
        return not self._busy and not self._wake.is_set() and self.pending() == 0

    async def run(self) -> None:
        """Deliver forever; started by the runtime."""
        self._loop = asyncio.get_running_loop()
        self._wake.set()  # deliver what a previous run left behind
        while True:
            await self._wake.wait()
            self._busy = True
            self._wake.clear()
            try:
                await self.deliver_pending()
            finally:
                self._busy = False

    async def deliver_pending(self) -> None:
        while True:
            rows = self.db.all("SELECT id, topic, payload FROM _outbox ORDER BY id LIMIT 100")
            if not rows:
                return
            for row in rows:
                await self._deliver(str(row["topic"]), json.loads(row["payload"]))
                with self.db.write() as tx:
                    tx.execute("DELETE FROM _outbox WHERE id = ?", (row["id"],))

    async def _deliver(self, topic: str, payload: dict[str, Any]) -> None:
        for prefix, handler in self._subscribers:
            if not topic.startswith(prefix):
                continue
            try:
                outcome = handler(topic, payload)
                if outcome is not None:
                    await outcome
            except Exception:
                # A subscriber's failure is its own to retry (it has the event); the outbox
                # must not stall every later event behind it.
                log.exception("outbox subscriber for %s failed", topic)
