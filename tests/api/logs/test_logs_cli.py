"""The AWS CLI against CloudWatch Logs (a CLI run costs ~1 s; boto3 tests cover the rest)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from harness import Server


def aws(server: Server, *args: str) -> Any:
    out = server.aws("logs", *args).stdout
    return json.loads(out) if out.strip() else None


def test_cli_round_trip(server: Server, now_ms: Callable[[], int]) -> None:
    aws(server, "create-log-group", "--log-group-name", "/cli/app", "--tags", "team=core")
    aws(server, "create-log-stream", "--log-group-name", "/cli/app", "--log-stream-name", "main")
    now = now_ms()
    events = json.dumps(
        [{"timestamp": now - 10 + i, "message": f"line {i} {'ERROR' if i % 2 else 'ok'}"} for i in range(4)]
    )
    put = aws(
        server,
        "put-log-events",
        "--log-group-name",
        "/cli/app",
        "--log-stream-name",
        "main",
        "--log-events",
        events,
    )
    assert "nextSequenceToken" in put
    got = aws(
        server,
        "get-log-events",
        "--log-group-name",
        "/cli/app",
        "--log-stream-name",
        "main",
        "--start-from-head",
    )
    assert [e["message"] for e in got["events"]] == ["line 0 ok", "line 1 ERROR", "line 2 ok", "line 3 ERROR"]
    # the CLI pages filter-log-events itself
    filtered = aws(
        server,
        "filter-log-events",
        "--log-group-name",
        "/cli/app",
        "--filter-pattern",
        "ERROR",
        "--page-size",
        "1",
    )
    assert [e["message"] for e in filtered["events"]] == ["line 1 ERROR", "line 3 ERROR"]


def test_cli_reports_aws_errors(server: Server) -> None:
    result = server.aws("logs", "describe-log-streams", "--log-group-name", "/missing", check=False)
    assert result.returncode != 0
    assert "ResourceNotFoundException" in result.stderr
    assert "The specified log group does not exist." in result.stderr
