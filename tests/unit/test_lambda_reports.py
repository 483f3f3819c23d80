"""runtime/workers/reports.py and environment.py: the platform's log lines, errors, the
worker's environment and paths (pure)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from cloudlet.runtime.workers import reports
from cloudlet.runtime.workers.environment import log_stream_name, python_path, worker_environment
from cloudlet.runtime.workers.log_shipping import _chunks, _truncated
from cloudlet.services.awslambda.invoking import FunctionSpec

SPEC = FunctionSpec(
    account="123456789012",
    region="eu-west-1",
    name="fn",
    function_arn="arn:aws:lambda:eu-west-1:123456789012:function:fn",
    version="3",
    revision="r",
    runtime="python3.12",
    handler="pkg/app.main",
    code_dir=Path("/code"),
    layer_dirs=(Path("/layer1"),),
    environment={"A": "1"},
    memory_size=512,
    log_group="/custom/group",
)


def test_report_line_of_a_cold_start() -> None:
    report = reports.Report("id", "3", 1.234, 512, 41, init_ms=120.5)
    end, line = reports.end_lines(SPEC, report, 0)
    assert end == "END RequestId: id"
    assert line == (
        "REPORT RequestId: id\tDuration: 1.23 ms\tBilled Duration: 122 ms\tMemory Size: 512 MB\t"
        "Max Memory Used: 41 MB\tInit Duration: 120.50 ms\t"
    )


def test_report_line_of_a_timeout() -> None:
    report = reports.Report("id", "3", 3000.4, 128, 30, status="timeout")
    line = reports.end_lines(SPEC, report, 0)[1]
    assert "Billed Duration: 3001 ms" in line and line.endswith("\tStatus: timeout\t")


def test_start_line_names_the_version() -> None:
    assert reports.start_lines(SPEC, "id", "3", 0) == ["START RequestId: id Version: 3"]


def test_json_format_platform_records() -> None:
    spec = FunctionSpec(**{**SPEC.__dict__, "log_format": "JSON", "system_log_level": "INFO"})
    start = json.loads(reports.start_lines(spec, "id", "3", 1_700_000_000_000)[0])
    assert start == {
        "time": "2023-11-14T22:13:20.000Z",
        "type": "platform.start",
        "record": {"requestId": "id", "version": "3"},
    }
    report = json.loads(reports.end_lines(spec, reports.Report("id", "3", 2.5, 128, 40, 100.0), 0)[0])
    assert report["type"] == "platform.report" and report["record"]["status"] == "success"
    assert report["record"]["metrics"] == {
        "durationMs": 2.5,
        "billedDurationMs": 103,
        "memorySizeMB": 128,
        "maxMemoryUsedMB": 40,
        "initDurationMs": 100.0,
    }
    warn_only = FunctionSpec(**{**spec.__dict__, "system_log_level": "WARN"})
    assert reports.start_lines(warn_only, "id", "3", 0) == []


def test_timeout_and_exit_errors() -> None:
    assert reports.timeout_line("id", 3, 0) == "1970-01-01T00:00:00.000Z id Task timed out after 3.00 seconds"
    assert (
        reports.timeout_error("id", 3)["errorMessage"]
        == "RequestId: id Error: Task timed out after 3.00 seconds"
    )
    assert (
        reports.exit_error("id", 1)["errorMessage"]
        == "RequestId: id Error: Runtime exited with error: exit status 1"
    )
    assert reports.exit_error("id", -9)["errorMessage"].endswith("signal: killed")
    assert reports.exit_error("id", -11)["errorMessage"].endswith("signal: segv")


def test_log_tail_is_the_last_4_kb() -> None:
    lines = ["x" * 3000, "y" * 3000]
    tail = reports.log_tail(lines)
    assert len(tail.encode()) == 4096 and tail.endswith("y\n")
    assert reports.log_tail(["a", "b"]) == "a\nb\n"


def test_log_stream_name() -> None:
    name = log_stream_name("$LATEST", datetime(2026, 1, 2, tzinfo=UTC))
    assert re.fullmatch(r"2026/01/02/\[\$LATEST\][0-9a-f]{32}", name)


def test_python_path_puts_code_then_layers() -> None:
    assert python_path(SPEC) == ["/code", "/layer1/python/lib/python3.12/site-packages", "/layer1/python"]


def test_worker_environment() -> None:
    env = worker_environment(SPEC, "stream", "http://127.0.0.1:4566")
    assert env["A"] == "1"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "3" and env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "512"
    assert (
        env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/custom/group" and env["AWS_LAMBDA_LOG_STREAM_NAME"] == "stream"
    )
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert env["AWS_ACCESS_KEY_ID"] == "123456789012" and env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    assert env["_HANDLER"] == "pkg/app.main" and env["LAMBDA_TASK_ROOT"] == "/code"
    assert "AWS_LAMBDA_LOG_FORMAT" not in env


def test_log_batches_respect_cloudwatch_limits() -> None:
    events = [(i, "m" * 1000) for i in range(2000)]
    chunks = _chunks(events)
    assert sum(len(chunk) for chunk in chunks) == 2000
    assert all(sum(len(m) + 26 for _, m in chunk) <= 1_048_576 for chunk in chunks)
    assert len(_truncated("é" * 200_000).encode()) <= 256 * 1024 - 26
