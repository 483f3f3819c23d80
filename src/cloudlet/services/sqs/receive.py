"""ReceiveMessage: claim visible messages, redrive those past maxReceiveCount, long-poll.

A long poll parks on an asyncio.Event (see waiters.py) until a send wakes it, the clock
moves, or the earliest delayed / in-flight message of the queue becomes visible; it holds
no thread and never polls the database on a timer."""

from __future__ import annotations

import asyncio
from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.sqs import fifo, names, store
from cloudlet.services.sqs.core import Attempt, SqsCore
from cloudlet.services.sqs.errors import invalid_value
from cloudlet.services.sqs.queues import Queue
from cloudlet.services.sqs.render import MessageView
from cloudlet.services.sqs.store import Row
from cloudlet.storage.db import Transaction

MAX_MESSAGES = 10
MAX_WAIT = 20
MAX_VISIBILITY = 43_200
ATTEMPT_WINDOW_MS = 5 * 60 * 1000  # ReceiveRequestAttemptId deduplication interval


def _bounded(params: dict[str, Any], name: str, low: int, high: int, reason: str) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    number = int(value)
    if not low <= number <= high:
        raise invalid_value(name, number, reason)
    return number


class ReceiveOperations(SqsCore):
    async def receive_message(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        limit = _bounded(
            params, "MaxNumberOfMessages", 1, MAX_MESSAGES, "Must be between 1 and 10, if provided."
        )
        visibility = _bounded(
            params,
            "VisibilityTimeout",
            0,
            MAX_VISIBILITY,
            f"Must be >= 0 and <= {MAX_VISIBILITY}, if provided.",
        )
        wait = _bounded(
            params, "WaitTimeSeconds", 0, MAX_WAIT, f"Must be >= 0 and <= {MAX_WAIT}, if provided."
        )
        view = MessageView(
            [*(params.get("AttributeNames") or ()), *(params.get("MessageSystemAttributeNames") or ())],
            params.get("MessageAttributeNames"),
        )
        attempt = params.get("ReceiveRequestAttemptId") if queue.fifo else None
        request = (limit or 1, visibility, str(attempt) if attempt else None)
        messages = self._receive_now(queue, view, *request)
        wait_seconds = queue.wait_time if wait is None else wait
        if messages or wait_seconds == 0:
            return {"Messages": messages} if messages else {}
        return await self._long_poll(queue, view, request, self.clock.now() + wait_seconds)

    async def _long_poll(
        self, queue: Queue, view: MessageView, request: tuple[int, int | None, str | None], deadline: float
    ) -> dict[str, Any]:
        event = self.waiters.add(queue.id)
        try:
            while True:
                next_at = store.next_visible_at(self.db, queue.id, self.now())
                until = deadline if next_at is None else min(deadline, (next_at + 1) / 1000)
                await self.clock.wait(event, until)
                event.clear()
                current = self.load_queue(queue.key)
                if current is None or current.id != queue.id:
                    return {}
                messages = self._receive_now(current, view, *request)
                if messages:
                    return {"Messages": messages}
                if self.clock.now() >= deadline:
                    return {}
        except asyncio.CancelledError:
            if event.is_set():  # woken for a message this poll will not take: pass it on
                self.waiters.remove(queue.id, event)
                self.waiters.wake(queue.id, 1)
            raise
        finally:
            self.waiters.remove(queue.id, event)

    def _receive_now(
        self, queue: Queue, view: MessageView, limit: int, visibility: int | None, attempt: str | None
    ) -> list[dict[str, Any]]:
        now = self.now()
        until = now + (queue.visibility_timeout if visibility is None else visibility) * 1000
        moved: dict[int, int] = {}
        with self.db.write() as tx:
            retried = self._retry_attempt(tx, queue, attempt, now, until) if attempt else None
            if retried is not None:
                token, rows = retried
            else:
                token = names.new_token()
                rows = self._claim(tx, queue, now, until, token, limit, moved)
                if attempt and rows:
                    self._remember_attempt(queue.id, attempt, now, token, rows)
        for target_id, count in moved.items():
            self.waiters.wake(target_id, count)
        return [view.render(queue.id, queue.fifo, row, token) for row in rows]

    def _claim(
        self,
        tx: Transaction,
        queue: Queue,
        now: int,
        until: int,
        token: str,
        limit: int,
        moved: dict[int, int],
    ) -> list[Row]:
        kept: list[Row] = []
        taken: set[int] = set()
        target = self.queue_by_arn(queue.redrive.target_arn) if queue.redrive else None
        while len(kept) < limit:
            wanted = limit - len(kept)
            if queue.fifo:
                rows = fifo.claim(tx, queue.id, now, until, token, wanted, taken)
            else:
                rows = store.claim_visible(tx, queue.id, now, until, token, wanted, taken)
                rows.sort(key=lambda row: int(row["id"]))
            if target is None or queue.redrive is None:
                return rows
            # A message already received maxReceiveCount times goes to the dead-letter queue
            # on this attempt instead of being returned.
            limit_count = queue.redrive.max_receive_count
            dead = [row for row in rows if int(row["receive_count"]) > limit_count]
            if not dead:
                return kept + rows
            kept += [row for row in rows if int(row["receive_count"]) <= limit_count]
            taken.update(int(row["id"]) for row in kept)
            dead_ids = [int(row["id"]) for row in dead]
            store.move_to_dead_letter(
                tx, dead_ids, target.id, queue.arn, now, target.retention_ms, target.fifo
            )
            if queue.fifo:
                groups = [row["group_id"] for row in dead]
                fifo.refresh_groups(tx, queue.id, groups)
                fifo.refresh_groups(tx, target.id, groups)
            moved[target.id] = moved.get(target.id, 0) + len(dead)
            if len(rows) < wanted:  # the queue ran dry: nothing to fill the moved ones' places
                break
        return kept

    # -- ReceiveRequestAttemptId (FIFO) ----------------------------------------------------------
    def _retry_attempt(
        self, tx: Transaction, queue: Queue, attempt: str, now: int, until: int
    ) -> tuple[str, list[Row]] | None:
        """The messages of an earlier receive with this attempt id, their visibility timeout
        reset; None when there is no such receive (within 5 minutes) or nothing of it is left."""
        known = self.attempts.get((queue.id, attempt))
        if known is None or known.expires_at <= now:
            return None
        rows = store.rows_by_receipt(tx, queue.id, [(row_id, known.token) for row_id in known.row_ids])
        if not rows:
            return None
        for row in rows:
            store.set_visible_at(tx, int(row["id"]), until)
        fifo.refresh_groups(tx, queue.id, [row["group_id"] for row in rows])
        order = {row_id: index for index, row_id in enumerate(known.row_ids)}
        return known.token, sorted(rows, key=lambda row: order[int(row["id"])])

    def _remember_attempt(self, queue_id: int, attempt: str, now: int, token: str, rows: list[Row]) -> None:
        if len(self.attempts) > 10_000:
            for key in [k for k, v in self.attempts.items() if v.expires_at <= now]:
                del self.attempts[key]
        self.attempts[(queue_id, attempt)] = Attempt(
            now + ATTEMPT_WINDOW_MS, token, [int(r["id"]) for r in rows]
        )
