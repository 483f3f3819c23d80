"""Event (asynchronous) invocations: a durable queue, retries on the clock, destinations and
the DLQ; and the Put/Get/Update/Delete/ListFunctionEventInvokeConfig(s) operations."""

from __future__ import annotations


class AsyncInvokeOps:
    async def start_async_invokes(self) -> None:
        """Resume queued invocations left by a previous run."""

    def async_invokes_busy(self) -> bool:
        return False
