"""The Invoker (services.awslambda.invoking.Invoker): runs each invocation on a warm worker
process of its function version (runtime/workers/), enforces the timeout and concurrency
limits, and writes START / output / END / REPORT to CloudWatch Logs after answering.

LIMITATIONS:
    - Timeouts are measured in real time (a virtual-clock jump does not expire a running
      handler); Duration and Max Memory Used are real measurements of the worker.
    - Memory Size is reported, not enforced; ephemeral storage is not limited.
    - Concurrency: reserved concurrency and one account-wide limit (Settings.lambda_concurrency,
      1000 by default); the unreserved pool is not reduced by other functions' reservations,
      and there is no burst limit or provisioned concurrency.
    - Init failures are retried on every invoke (a new worker each time), like an on-demand
      environment whose init failed; INIT_START / INIT_REPORT lines are not written.
    - The JSON log format writes platform.start and platform.report (no platform.runtimeDone).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from cloudlet.client import InternalClients
from cloudlet.clock import Clock
from cloudlet.errors import ServiceError
from cloudlet.runtime.workers import reports
from cloudlet.runtime.workers.environment import log_stream_name, python_path, worker_environment
from cloudlet.runtime.workers.log_shipping import LogShipper
from cloudlet.runtime.workers.pool import Pool
from cloudlet.runtime.workers.process import WorkerDied, WorkerProcess
from cloudlet.services.awslambda.invoking import FunctionSpec, InvokeResult
from cloudlet.services.base import Background
from cloudlet.settings import Settings

INIT_TIMEOUT = 10.0  # seconds: Lambda's limit on the INIT phase of an on-demand environment
PoolKey = tuple[str, str]  # (unqualified function ARN, version)


def throttled(reason: str) -> ServiceError:
    # Lambda's TooManyRequestsException carries Type and Reason (API reference: Invoke errors).
    return ServiceError(
        "TooManyRequestsException", "Rate Exceeded.", 429, fields={"Type": "User", "Reason": reason}
    )


class WorkerInvoker:
    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        clients: InternalClients,
        background: Background,
        data_dir: Path,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.clients = clients
        self.background = background
        self.data_dir = data_dir
        self.account_limit = settings.lambda_concurrency
        self._pools: dict[PoolKey, Pool] = {}
        self._by_function: Counter[str] = Counter()
        self._by_account: Counter[str] = Counter()
        self._running = 0
        self._logs = LogShipper(clients, background)
        self._generation = 0  # bumped by stop(): invocations cut short by a reset write no logs

    # -- Invoker -----------------------------------------------------------------------------
    async def invoke(
        self,
        spec: FunctionSpec,
        payload: bytes,
        *,
        request_id: str,
        invoked_arn: str,
        client_context: str | None = None,
        identity: dict[str, str] | None = None,
    ) -> InvokeResult:
        reserved = spec.reserved_concurrency
        if reserved is not None and self._by_function[spec.function_arn] >= reserved:
            raise throttled("ReservedFunctionConcurrentInvocationLimitExceeded")
        if self._by_account[spec.account] >= self.account_limit:
            raise throttled("ConcurrentInvocationLimitExceeded")
        self._by_function[spec.function_arn] += 1
        self._by_account[spec.account] += 1
        self._running += 1
        try:
            header = {"id": request_id, "arn": invoked_arn, "cc": client_context, "identity": identity}
            return await self._run(spec, payload, header, self._generation)
        finally:
            self._running -= 1
            self._by_function[spec.function_arn] -= 1
            self._by_account[spec.account] -= 1

    def retire(self, function_arn: str) -> None:
        for key in [key for key in self._pools if key[0] == function_arn]:
            for worker in self._pools.pop(key).retire():
                self._stop_later(worker)

    def busy(self) -> bool:
        """True while an invocation runs or its logs are being written (settle waits)."""
        return self._running > 0 or self._logs.busy()

    async def stop(self) -> None:
        """Kill every worker (server shutdown, reset)."""
        self._generation += 1
        pools, self._pools = self._pools, {}
        workers: list[WorkerProcess] = []
        for pool in pools.values():
            workers += pool.retire()
            workers += pool.running
        await asyncio.gather(*(worker.stop() for worker in workers), return_exceptions=True)
        self._logs.reset()

    # -- one invocation ------------------------------------------------------------------------
    def _pool(self, spec: FunctionSpec) -> Pool:
        key = (spec.function_arn, spec.version)
        pool = self._pools.get(key)
        if pool is not None and pool.revision != spec.revision:
            for worker in pool.retire():  # code or configuration changed: old workers go
                self._stop_later(worker)
            pool = None
        if pool is None:
            pool = self._pools[key] = Pool(spec.revision, self._stop_later)
        return pool

    async def _run(
        self, spec: FunctionSpec, payload: bytes, header: dict[str, Any], generation: int
    ) -> InvokeResult:
        request_id: str = header["id"]
        lines: list[tuple[int, str]] = []
        now_ms = self.clock.now_ms

        def sink(line: str) -> None:
            lines.append((now_ms(), line))

        pool = self._pool(spec)
        worker = pool.take()
        init_ms: float | None = None
        if worker is None:
            worker, init_error = await self._spawn(spec, sink)
            if init_error is not None:
                return self._init_failed(spec, worker, init_error, lines, request_id, generation)
            pool.add_running(worker)
            init_ms = worker.init_ms
        else:
            worker.attach(sink)
        for line in reports.start_lines(spec, request_id, spec.version, now_ms()):
            lines.append((now_ms(), line))
        status, error_type, max_memory = "success", "", worker.max_memory_mb
        started = time.perf_counter()
        try:
            async with asyncio.timeout(spec.timeout):
                outcome = await worker.invoke(header, payload, spec.timeout)
            body, failed = outcome.payload, not outcome.ok
            max_memory = worker.max_memory_mb = outcome.max_memory_mb
        except TimeoutError:
            worker.kill()
            lines.append((now_ms(), reports.timeout_line(request_id, spec.timeout, now_ms())))
            body, failed, status = (
                json.dumps(reports.timeout_error(request_id, spec.timeout)).encode(),
                True,
                "timeout",
            )
        except WorkerDied:
            returncode = await worker.wait()
            await worker.drain_stray()
            error = reports.exit_error(request_id, returncode)
            lines.append((now_ms(), f"{error['errorMessage']} {error['errorType']}"))
            body, failed, status, error_type = json.dumps(error).encode(), True, "error", error["errorType"]
        except BaseException:  # the caller went away: the worker's state is unknown
            worker.kill()
            pool.release(worker)  # killed: not back to idle
            self._stop_later(worker)
            raise
        duration_ms = (time.perf_counter() - started) * 1000
        worker.detach()
        if not pool.release(worker):
            self._stop_later(worker)
        report = reports.Report(
            request_id, spec.version, duration_ms, spec.memory_size, max_memory, init_ms, status, error_type
        )
        for line in reports.end_lines(spec, report, now_ms()):
            lines.append((now_ms(), line))
        return self._finish(spec, worker.stream, lines, body, failed, generation)

    async def _spawn(self, spec: FunctionSpec, sink: Any) -> tuple[WorkerProcess, dict[str, Any] | None]:
        stream = log_stream_name(spec.version, self.clock.now_datetime())
        env = worker_environment(spec, stream, self.settings.endpoint)
        try:
            worker = await WorkerProcess.spawn(env, str(spec.code_dir), python_path(spec), stream)
        except OSError as exc:
            raise ServiceError(
                "ServiceException", f"Could not start the function's worker: {exc}", 500
            ) from exc
        worker.attach(sink)
        try:
            async with asyncio.timeout(INIT_TIMEOUT):
                error = await worker.initialized()
        except TimeoutError:
            error = {"errorType": "Sandbox.Timedout", "errorMessage": "Init phase timed out"}
        except WorkerDied:
            error = reports.exit_error("", await worker.wait())
            await worker.drain_stray()
        except BaseException:
            await worker.stop()
            raise
        return worker, error

    def _init_failed(
        self,
        spec: FunctionSpec,
        worker: WorkerProcess,
        error: dict[str, Any],
        lines: list[tuple[int, str]],
        request_id: str,
        generation: int,
    ) -> InvokeResult:
        """The handler could not be loaded: the invoke answers the init error (requestId "",
        as AWS shows it) and the environment is dropped, so the next invoke retries init."""
        self._stop_later(worker)
        now = self.clock.now_ms()
        report = reports.Report(
            request_id,
            spec.version,
            0.0,
            spec.memory_size,
            0,
            worker.init_ms,
            "error",
            str(error.get("errorType", "")),
        )
        lines += [(now, line) for line in reports.start_lines(spec, request_id, spec.version, now)]
        lines += [(now, line) for line in reports.end_lines(spec, report, now)]
        return self._finish(spec, worker.stream, lines, json.dumps(error).encode(), True, generation)

    def _finish(
        self,
        spec: FunctionSpec,
        stream: str,
        lines: list[tuple[int, str]],
        body: bytes,
        failed: bool,
        generation: int,
    ) -> InvokeResult:
        if generation == self._generation:  # else a reset wiped the state it would log into
            group = spec.log_group or f"/aws/lambda/{spec.name}"
            self._logs.ship((spec.account, spec.region, group, stream), lines)
        return InvokeResult(
            payload=body,
            function_error="Unhandled" if failed else None,
            log_tail=reports.log_tail([line for _, line in lines]),
            executed_version=spec.version,
        )

    def _stop_later(self, worker: WorkerProcess) -> None:
        worker.kill()
        with contextlib.suppress(RuntimeError):  # no running loop: the process is gone anyway
            self.background.spawn(worker.stop(), "lambda-worker-stop")
