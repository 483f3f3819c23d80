"""Time to live on the clock: a timer at the earliest expiry deletes every expired item
(each delete through the write path, so it reaches indexes and the stream, attributed to the
service), then re-arms at the next one. Also the hourly stream-retention and token sweep.

AWS deletes expired items "within a few days"; here they go the moment the clock passes
their expiry, so tests can advance the clock and see them gone."""

from __future__ import annotations

import logging

from cloudlet.clock import Timer
from cloudlet.services.base import ServiceEnv
from cloudlet.services.dynamodb import item_json, store, stream_store
from cloudlet.services.dynamodb.tables import Table
from cloudlet.services.dynamodb.writes import WritePath

log = logging.getLogger("cloudlet.dynamodb")

SWEEP_BATCH = 200
RETENTION_SWEEP_S = 3600.0
RETRY_S = 60.0


class Expiry(WritePath):
    def __init__(self, env: ServiceEnv) -> None:
        super().__init__(env)
        self._ttl_timer: Timer | None = None
        self._ttl_at: float | None = None

    async def start(self) -> None:
        await super().start()
        self._arm_from_store()
        self.env.background.start_loop(self._retention_loop(), "dynamodb-retention")

    def reset(self) -> None:
        super().reset()
        if self._ttl_timer is not None:
            self._ttl_timer.cancel()
        self._ttl_timer = None
        self._ttl_at = None

    def busy(self) -> bool:
        return self._ttl_at is not None and self._ttl_at <= self.clock.now()

    # -- the TTL timer -------------------------------------------------------------------------
    def expiry_scheduled(self, at: float) -> None:
        if self._ttl_at is not None and self._ttl_at <= at:
            return
        if self._ttl_timer is not None:
            self._ttl_timer.cancel()
        self._ttl_at = at
        self._ttl_timer = self.clock.call_at(at, self._expire_due)

    def _arm_from_store(self) -> None:
        at = store.next_expiry(self.db)
        if at is not None:
            self.expiry_scheduled(at)

    def _expire_due(self) -> None:
        self._ttl_timer = None
        self._ttl_at = None
        try:
            while self.expire_batch():
                pass
        except Exception:
            log.exception("TTL sweep failed")
            # Retry later rather than at once: the rows that failed are still due.
            self.expiry_scheduled(self.clock.now() + RETRY_S)
            return
        self._arm_from_store()

    def expire_batch(self) -> bool:
        """Delete up to SWEEP_BATCH expired items in one transaction; False when none were due."""
        now = self.clock.now()
        rows = store.expired_items(self.db, now, SWEEP_BATCH)
        if not rows:
            return False
        with self.db.write() as tx:
            for row in rows:
                table = self._table_by_id(int(row["table_id"]))
                if table is None:
                    continue
                address = (int(row["hash"]), bytes(row["pk"]), bytes(row["sk"]))
                old = item_json.loads(row["item"])
                self.apply(tx, table, address, old, None, by_service=True)
        return True

    def _table_by_id(self, table_id: int) -> Table | None:
        scope = store.table_scope(self.db, table_id)
        return None if scope is None else self.load_table(*scope)

    # -- stream retention and transaction tokens -------------------------------------------------
    async def _retention_loop(self) -> None:
        while True:
            try:
                with self.db.write() as tx:
                    now = self.clock.now()
                    stream_store.trim(tx, now)
                    store.forget_tokens(tx, now)
            except Exception:
                log.exception("stream retention sweep failed")
            await self.clock.sleep_until(self.clock.now() + RETENTION_SWEEP_S)
