"""`cloudlet logs <function> [--follow] [--since]` against a running server."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from harness import Server


def cloudlet(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLOUDLET_ENDPOINT": server.endpoint}
    return subprocess.run(
        [sys.executable, "-m", "cloudlet", *args], capture_output=True, text=True, env=env, timeout=60
    )


def put(
    server: Server, messages: list[str], stream: str = "2026/01/01/[$LATEST]abc", at_ms: int | None = None
) -> None:
    logs = server.client("logs")
    try:
        logs.create_log_group(logGroupName="/aws/lambda/fn")
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    try:
        logs.create_log_stream(logGroupName="/aws/lambda/fn", logStreamName=stream)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    now = at_ms or int(time.time() * 1000)
    events = [{"timestamp": now + i, "message": message} for i, message in enumerate(messages)]
    logs.put_log_events(logGroupName="/aws/lambda/fn", logStreamName=stream, logEvents=events)


def test_logs_prints_a_functions_events(server: Server) -> None:
    put(server, ["START RequestId: r1 Version: $LATEST", "hello", "END RequestId: r1"])
    result = cloudlet(server, "logs", "fn")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert lines[1].endswith(" 2026/01/01/[$LATEST]abc hello")
    assert lines[1][:4].isdigit() and "T" in lines[1].split()[0]


def test_logs_since_limits_the_window(server: Server) -> None:
    put(server, ["old"], at_ms=int(time.time() * 1000) - 3_600_000)
    put(server, ["new"])
    assert [line.split()[-1] for line in cloudlet(server, "logs", "fn").stdout.splitlines()] == ["new"]
    both = cloudlet(server, "logs", "fn", "--since", "2h").stdout.splitlines()
    assert [line.split()[-1] for line in both] == ["old", "new"]


def test_logs_accepts_an_arn(server: Server) -> None:
    put(server, ["via arn"])
    result = cloudlet(server, "logs", "arn:aws:lambda:us-east-1:000000000000:function:fn")
    assert result.stdout.splitlines()[0].endswith("via arn")


def test_logs_of_a_function_that_never_ran(server: Server) -> None:
    result = cloudlet(server, "logs", "nothing")
    assert result.returncode == 1
    assert "no log group /aws/lambda/nothing" in result.stdout


def test_logs_bad_since_is_a_usage_error(server: Server) -> None:
    result = cloudlet(server, "logs", "fn", "--since", "soon")
    assert result.returncode == 2 and "not a duration" in result.stderr


def test_logs_follow_prints_new_events(server: Server) -> None:
    put(server, ["first"])
    env = {**os.environ, "CLOUDLET_ENDPOINT": server.endpoint}
    process = subprocess.Popen(
        [sys.executable, "-m", "cloudlet", "logs", "fn", "--follow"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().rstrip().endswith("first")
        put(server, ["second", "third"])
        assert process.stdout.readline().rstrip().endswith("second")
        assert process.stdout.readline().rstrip().endswith("third")
    finally:
        process.terminate()
        process.wait(10)
