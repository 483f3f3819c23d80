"""Event (asynchronous) invocations: a durable queue, retries on the clock, destinations and
the DLQ; and the Put/Get/Update/Delete/ListFunctionEventInvokeConfig(s) operations.

Invoke(Event) commits a row and answers 202. A loop takes due rows (a bounded number at
once) and runs them on the invoker; a function error is retried MaximumRetryAttempts times
(default 2), one minute after the first run and two after the second; throttles and system
errors go back on the queue with a backoff from 1 s doubling to 5 minutes, for as long as
the event is younger than MaximumEventAgeInSeconds (default 6 hours). Future due times are
clock timers, so advancing the clock fires retries in order. Rows survive restarts.
https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html

Finished invocations emit outbox events (async_records.DESTINATION_TOPIC): the invocation
record for OnSuccess / OnFailure destinations, and the original event for the function's
dead-letter queue. AWS sends a failed event to both when both are configured ("You can
configure destinations in addition to or instead of a dead-letter queue", the
PutFunctionEventInvokeConfig reference).

LIMITATIONS:
    - The dead-letter target is read from $LATEST's configuration (in AWS it is locked into
      each published version).
    - S3 and Kafka on-failure destinations are accepted and stored; their records are dropped.
    - A record or DLQ message a destination refuses (deleted, FIFO, too large) is dropped
      with a log line; no CloudWatch metrics (DestinationDeliveryFailures, DeadLetterErrors,
      AsyncEventAge, AsyncEventsDropped) are kept.
    - At most 16 invocations run at once across all functions; the throttle backoff does not
      grow with the queue's length; events are not delivered twice except after a crash
      mid-run (at least once).
    - A function deleted while events wait drops them; one deleted and created again under
      the same name runs them."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cloudlet import ids
from cloudlet.clock import Timer
from cloudlet.errors import ServiceError
from cloudlet.services.awslambda import async_records as records
from cloudlet.services.awslambda import async_store as store
from cloudlet.services.awslambda import names
from cloudlet.services.awslambda.async_configs import EventInvokeConfigOps
from cloudlet.services.awslambda.async_store import EventInvokeConfig, QueuedInvoke

if TYPE_CHECKING:
    from cloudlet.services.awslambda.invoking import FunctionSpec, InvokeResult
    from cloudlet.services.base import ServiceEnv
    from cloudlet.storage.db import Transaction

log = logging.getLogger("cloudlet.lambda.async")

MAX_RUNNING = 16  # invocations the queue runs at once (the invoker bounds each function)
_THROTTLED = {"TooManyRequestsException", "ServiceException", "ResourceNotReadyException"}


@dataclass
class _QueueState:
    """In-memory companions of the queue table (the table is the truth)."""

    wake: asyncio.Event = field(default_factory=asyncio.Event)
    running: set[int] = field(default_factory=set)
    timer: Timer | None = None
    timer_at: float | None = None


class AsyncInvokeOps(EventInvokeConfigOps):
    if TYPE_CHECKING:
        env: ServiceEnv

    def _aq(self) -> _QueueState:
        state: _QueueState | None = getattr(self, "_async_queue_state", None)
        if state is None:
            state = _QueueState()
            self._async_queue_state = state
        return state

    # -- the provider's hooks -------------------------------------------------------------------
    async def start_async_invokes(self) -> None:
        """Resume queued invocations left by a previous run."""
        store.release_all(self.db)
        self.env.background.start_loop(self._async_loop(), "lambda-async-invokes")

    def async_invokes_busy(self) -> bool:
        state = self._aq()
        return bool(state.running) or store.has_due(self.db, self.clock.now())

    def reset_async_invokes(self) -> None:
        """The database was wiped (its timers went with the clock's): forget our own."""
        state = self._aq()
        if state.timer is not None:
            state.timer.cancel()
        state.timer = None
        state.timer_at = None
        state.wake.set()

    # -- Invoke(Event) ----------------------------------------------------------------------------
    async def enqueue_async(
        self, ctx: Any, spec: FunctionSpec, payload: bytes, invoked_arn: str
    ) -> dict[str, Any]:
        """Store the invocation durably; Invoke answers 202 once this returns."""
        request_id = str(getattr(ctx, "request_id", "") or ids.request_id())
        qualifier = _qualifier_of(invoked_arn) or spec.version
        with self.db.write() as tx:
            store.enqueue(
                tx,
                spec.account,
                spec.region,
                spec.name,
                qualifier,
                invoked_arn,
                request_id,
                payload,
                self.clock.now(),
            )
        self._aq().wake.set()
        return {"StatusCode": 202}

    # -- the loop ---------------------------------------------------------------------------------
    async def _async_loop(self) -> None:
        state = self._aq()
        while True:
            state.wake.clear()
            try:
                self._async_claim()
                self._async_arm()
            except Exception:
                log.exception("async invoke queue pass failed")
            await state.wake.wait()

    def _async_claim(self) -> None:
        state = self._aq()
        free = MAX_RUNNING - len(state.running)
        if free <= 0:
            return
        with self.db.write() as tx:
            due = store.claim_due(tx, self.clock.now(), free)
        for queued in due:
            state.running.add(queued.id)
            self.env.background.spawn(self._async_attempt(queued), f"lambda-async-{queued.id}")

    def _async_arm(self) -> None:
        """One clock timer at the earliest future due time."""
        state = self._aq()
        at = store.next_due(self.db)
        if at is None or at == state.timer_at:
            return
        if state.timer is not None:
            state.timer.cancel()
        state.timer_at = at
        state.timer = self.clock.call_at(at, state.wake.set)

    async def _async_attempt(self, queued: QueuedInvoke) -> None:
        state = self._aq()
        try:
            await self._async_run(queued)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("async invocation %s failed unexpectedly", queued.request_id)
            throttles = queued.throttles + 1
            with self.db.write() as tx:
                store.reschedule(
                    tx,
                    queued.id,
                    self.clock.now() + records.throttle_delay(throttles),
                    queued.attempts,
                    throttles,
                    queued.last_response,
                )
        finally:
            state.running.discard(queued.id)
            state.wake.set()

    async def _async_run(self, queued: QueuedInvoke) -> None:
        try:
            spec = self.resolve(queued.account, queued.region, queued.name, queued.qualifier)
        except ServiceError:
            # The function (or the alias or version invoked) is gone: Lambda drops its events.
            with self.db.write() as tx:
                store.remove(tx, queued.id)
            return
        config = store.get_config(self.db, queued.account, queued.region, queued.name, queued.qualifier)
        config = config or EventInvokeConfig(queued.account, queued.region, queued.name, queued.qualifier)
        now = self.clock.now()
        if now - queued.enqueued_at >= config.event_age:
            self._async_fail(
                queued, spec, config, records.EVENT_AGE_EXCEEDED, queued.attempts, queued.last_response
            )
            return
        if spec.reserved_concurrency == 0:
            # Reserved concurrency 0: events go to the DLQ / on-failure destination without
            # running or retrying (the invocation-async page's note).
            self._async_fail(queued, spec, config, records.ZERO_RESERVED_CONCURRENCY, queued.attempts, None)
            return
        invoker = self.env.extras["invoker"]
        try:
            result: InvokeResult = await invoker.invoke(
                spec, queued.payload, request_id=queued.request_id, invoked_arn=queued.invoked_arn
            )
        except ServiceError as exc:
            if exc.code not in _THROTTLED and exc.status < 500:
                log.warning("async invocation %s dropped: %s", queued.request_id, exc)
                with self.db.write() as tx:
                    store.remove(tx, queued.id)
                return
            self._async_throttled(queued, spec, config)
            return
        attempts = queued.attempts + 1
        last = records.response(200, result.executed_version, result.function_error, result.payload)
        if result.function_error is None:
            with self.db.write() as tx:
                store.remove(tx, queued.id)
                if config.on_success:
                    self._async_emit_record(
                        tx, queued, spec, config.on_success, records.SUCCESS, attempts, last
                    )
            return
        now = self.clock.now()
        delay = records.function_error_delay(attempts)
        if attempts - 1 >= config.retries:
            self._async_fail(queued, spec, config, records.RETRIES_EXHAUSTED, attempts, last)
        elif records.retry_outlives_event(queued.enqueued_at, now, delay, config.event_age):
            self._async_fail(queued, spec, config, records.EVENT_AGE_EXCEEDED, attempts, last)
        else:
            with self.db.write() as tx:
                store.reschedule(tx, queued.id, now + delay, attempts, 0, last)

    def _async_throttled(self, queued: QueuedInvoke, spec: FunctionSpec, config: EventInvokeConfig) -> None:
        """Throttles and system errors: back on the queue, not counted as a run, until the
        next try would come after the maximum event age."""
        throttles = queued.throttles + 1
        due = self.clock.now() + records.throttle_delay(throttles)
        if due - queued.enqueued_at >= config.event_age:
            self._async_fail(
                queued, spec, config, records.EVENT_AGE_EXCEEDED, queued.attempts, queued.last_response
            )
            return
        with self.db.write() as tx:
            store.reschedule(tx, queued.id, due, queued.attempts, throttles, queued.last_response)

    def _async_fail(
        self,
        queued: QueuedInvoke,
        spec: FunctionSpec,
        config: EventInvokeConfig,
        condition: str,
        attempts: int,
        last: dict[str, Any] | None,
    ) -> None:
        """The event is discarded: a record to OnFailure, the event to the DLQ, in one commit."""
        row = self.function_row(queued.account, queued.region, queued.name) or {}
        dead_letter = row.get("dead_letter_target_arn")
        with self.db.write() as tx:
            store.remove(tx, queued.id)
            if config.on_failure:
                self._async_emit_record(tx, queued, spec, config.on_failure, condition, attempts, last)
            if dead_letter:
                tx.emit(
                    records.DESTINATION_TOPIC,
                    records.dead_letter_message(str(dead_letter), queued.request_id, queued.payload, last),
                )

    def _async_emit_record(
        self,
        tx: Transaction,
        queued: QueuedInvoke,
        spec: FunctionSpec,
        destination: str,
        condition: str,
        attempts: int,
        last: dict[str, Any] | None,
    ) -> None:
        function_arn = names.function_arn(spec.region, spec.account, spec.name, spec.version)
        record = records.invocation_record(
            now=self.clock.now(),
            request_id=queued.request_id,
            function_arn=function_arn,
            condition=condition,
            invoke_count=attempts,
            request_payload=queued.payload,
            last=last,
        )
        tx.emit(records.DESTINATION_TOPIC, records.destination_message(destination, function_arn, record))


def _qualifier_of(arn: str) -> str | None:
    """The qualifier of a qualified function ARN (arn:aws:lambda:r:a:function:name:qualifier)."""
    parts = arn.split(":")
    return parts[7] if len(parts) == 8 and parts[7] else None
