"""The platform's log lines around each invocation -- START, END, REPORT, the timeout
line -- in the Text or JSON log format, and the error objects the platform itself returns
(pure).

Docs: "Working with Lambda function logs" / "Using the Lambda JSON log format" (platform.start,
platform.report); billing of the INIT phase for managed runtimes since 2025-08-01 ("AWS Lambda
standardizes billing for the INIT phase"), so Billed Duration includes Init Duration."""

from __future__ import annotations

import json
import math
import signal
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cloudlet.services.awslambda.invoking import FunctionSpec

TAIL_BYTES = 4096  # LogType=Tail: "the last 4 KB of the execution log"


@dataclass(frozen=True)
class Report:
    request_id: str
    version: str
    duration_ms: float
    memory_size: int
    max_memory_mb: int
    init_ms: float | None = None  # cold starts only
    status: str = "success"  # success | error | timeout
    error_type: str = ""


def iso_ms(epoch_ms: float) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def billed_ms(report: Report) -> int:
    return math.ceil(report.duration_ms + (report.init_ms or 0.0))


def _platform_lines(spec: FunctionSpec) -> bool:
    # JSON format: platform events are INFO records, dropped by SystemLogLevel WARN.
    return not (spec.log_format == "JSON" and spec.system_log_level.upper() == "WARN")


def start_lines(spec: FunctionSpec, request_id: str, version: str, now_ms: float) -> list[str]:
    if not _platform_lines(spec):
        return []
    if spec.log_format == "JSON":
        record = {"requestId": request_id, "version": version}
        return [_json_event("platform.start", now_ms, record)]
    return [f"START RequestId: {request_id} Version: {version}"]


def end_lines(spec: FunctionSpec, report: Report, now_ms: float) -> list[str]:
    if not _platform_lines(spec):
        return []
    if spec.log_format == "JSON":
        metrics: dict[str, Any] = {
            "durationMs": round(report.duration_ms, 3),
            "billedDurationMs": billed_ms(report),
            "memorySizeMB": report.memory_size,
            "maxMemoryUsedMB": report.max_memory_mb,
        }
        if report.init_ms is not None:
            metrics["initDurationMs"] = round(report.init_ms, 3)
        record: dict[str, Any] = {"requestId": report.request_id, "metrics": metrics, "status": report.status}
        if report.error_type:
            record["errorType"] = report.error_type
        return [_json_event("platform.report", now_ms, record)]
    parts = [
        f"REPORT RequestId: {report.request_id}",
        f"Duration: {report.duration_ms:.2f} ms",
        f"Billed Duration: {billed_ms(report)} ms",
        f"Memory Size: {report.memory_size} MB",
        f"Max Memory Used: {report.max_memory_mb} MB",
    ]
    if report.init_ms is not None:
        parts.append(f"Init Duration: {report.init_ms:.2f} ms")
    if report.status != "success":
        parts.append(f"Status: {report.status}")
    if report.error_type:
        parts.append(f"Error Type: {report.error_type}")
    return [f"END RequestId: {report.request_id}", "\t".join(parts) + "\t"]


def _json_event(kind: str, now_ms: float, record: dict[str, Any]) -> str:
    return json.dumps({"time": iso_ms(now_ms), "type": kind, "record": record}, separators=(",", ":"))


def timeout_line(request_id: str, timeout: int, now_ms: float) -> str:
    return f"{iso_ms(now_ms)} {request_id} Task timed out after {float(timeout):.2f} seconds"


def timeout_error(request_id: str, timeout: int) -> dict[str, str]:
    # What Invoke returns when the deadline passes (the execution environment is reset).
    return {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {request_id} Error: Task timed out after {float(timeout):.2f} seconds",
    }


def exit_error(request_id: str, returncode: int | None) -> dict[str, str]:
    """A worker that died mid-invocation (os._exit, a crash, the OOM killer)."""
    if returncode is not None and returncode < 0:
        how = "signal: killed" if returncode == -9 else f"signal: {_signal_name(-returncode)}"
    else:
        how = f"exit status {returncode or 0}"
    return {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: {how}",
    }


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name.removeprefix("SIG").lower()
    except ValueError:
        return str(number)


def log_tail(lines: list[str]) -> str:
    """The last 4 KB of an invocation's log text (START..REPORT)."""
    data = "".join(line + "\n" for line in lines).encode()
    return data[-TAIL_BYTES:].decode("utf-8", "ignore")
