"""What every sample's demo driver (samples/<name>/demo.py) shares: the Report it returns, a
Session on a running server (boto3 clients, the virtual clock, settle, a look into queues and
tables, the committed cloud assembly deployed in-process) and the script entry point.

A driver is `run(endpoint, progress) -> Report`: it deploys its system, drives it with its
sample input, checks the outcomes as its end-to-end test does and writes what it saw into
the report; a wrong outcome, or an error on the way, is a problem in the report, never an
exception."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cloudlet.cli import remote

Progress = Callable[[str], None]


class DemoError(Exception):
    """A step of a driver that cannot go on (a failed deploy): becomes the report's problem."""


@dataclass
class Report:
    system: str
    title: str = ""
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def behaved(self) -> bool:
        return not self.problems

    def add(self, line: str) -> None:
        self.lines.append(line)

    def check(self, ok: bool, problem: str) -> bool:
        if not ok:
            self.problems.append(problem)
        return ok

    def expect(self, what: str, actual: object, expected: object) -> bool:
        """A problem unless actual == expected (both shown)."""
        return self.check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


def format_report(report: Report) -> list[str]:
    verdict = "behaved" if report.behaved else f"MISBEHAVED ({len(report.problems)} problem(s))"
    title = f" — {report.title}" if report.title else ""
    lines = [f"{report.system}{title}: {verdict} in {report.seconds:.1f}s"]
    lines += [f"  {line}" for line in report.lines]
    lines += [f"  ✘ {problem}" for problem in report.problems]
    return lines


class Session:
    """A driver's connection to a running server."""

    def __init__(self, endpoint: str, progress: Progress) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.progress = progress
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            from cloudlet.client import http_client

            self._clients[service] = http_client(service, self.endpoint)
        return self._clients[service]

    # -- the virtual clock -----------------------------------------------------------------------
    def advance(self, seconds: float) -> None:
        """Move the clock forward; the server fires what falls due on the way, each settled."""
        remote.call(self.endpoint, "POST", "/_cloudlet/clock/advance", {"seconds": seconds}, timeout=300)

    def settle(self, timeout: float = 60) -> bool:
        body = {"timeout": timeout}
        return bool(
            remote.call(self.endpoint, "POST", "/_cloudlet/settle", body, timeout=timeout + 30)["settled"]
        )

    def now(self) -> datetime:
        stamp = str(remote.call(self.endpoint, "GET", "/_cloudlet/clock")["now"])
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)

    # -- deploying -------------------------------------------------------------------------------
    def deploy(self, assembly: Path, stack: str, parameters: dict[str, str] | None = None) -> dict[str, str]:
        """`cloudlet deploy <assembly> --parameters K=V ...`, in-process; the stack's Outputs."""
        from cloudlet.cli.deploy import DeployOptions, run_deploy

        said: list[str] = []
        options = DeployOptions(
            path=assembly,
            parameters=[f"{key}={value}" for key, value in (parameters or {}).items()],
            endpoint=self.endpoint,
            echo=said.append,
            poll_seconds=0.05,
        )
        if run_deploy(options) != 0:
            tail = [line.strip() for line in said if line.strip()][-4:]
            raise DemoError(f"deploying {stack} failed: " + " / ".join(tail))
        self.settle()
        return self.outputs(stack)

    def outputs(self, stack: str) -> dict[str, str]:
        described = self.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
        return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}

    # -- looking -------------------------------------------------------------------------------
    def peek(self, queue_url: str) -> list[dict[str, Any]]:
        """Every message of a queue (visible, in flight or delayed), none received."""
        found = remote.call(
            self.endpoint, "GET", f"/_cloudlet/sqs/messages?QueueUrl={quote(queue_url, safe='')}"
        )
        return list(found["messages"])

    def queue_counts(self, queue_url: str) -> tuple[int, int]:
        """(visible, in flight)"""
        attributes = self.client("sqs").get_queue_attributes(
            QueueUrl=queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]), int(
            attributes["ApproximateNumberOfMessagesNotVisible"]
        )

    def scan(self, table: str) -> list[dict[str, Any]]:
        """Every item of a table, in DynamoDB's JSON."""
        items: list[dict[str, Any]] = []
        for page in self.client("dynamodb").get_paginator("scan").paginate(TableName=table):
            items.extend(page["Items"])
        return items

    def log_lines(self, function_name: str) -> list[str]:
        """Every line a function logged, oldest first."""
        logs = self.client("logs")
        lines: list[str] = []
        try:
            for page in logs.get_paginator("filter_log_events").paginate(
                logGroupName=f"/aws/lambda/{function_name}"
            ):
                lines.extend(event["message"].rstrip("\n") for event in page["events"])
        except logs.exceptions.ResourceNotFoundException:
            return []  # the function has not run yet
        return lines


def drive(
    system: str, title: str, endpoint: str, progress: Progress, body: Callable[[Session, Report], None]
) -> Report:
    """Run a driver's body; whatever it raises becomes a problem of the report."""
    report = Report(system, title)
    started = time.monotonic()
    try:
        body(Session(endpoint, progress), report)
    except DemoError as error:
        report.problems.append(str(error))
    except Exception as error:  # a driver reports, never raises: the demo goes on to the next system
        where = traceback.extract_tb(error.__traceback__)[-1]
        report.problems.append(
            f"the driver stopped: {type(error).__name__}: {error} "
            f"({Path(where.filename).name}:{where.lineno})"
        )
    report.seconds = time.monotonic() - started
    return report


def script(run: Callable[[str, Progress], Report], doc: str | None) -> None:
    """`python samples/<name>/demo.py [--endpoint URL]`: progress lines, the report, and exit
    status 1 when the system misbehaved."""
    parser = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0] if doc else None)
    parser.add_argument("--endpoint", default=remote.default_endpoint())
    endpoint = parser.parse_args().endpoint
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    report = run(endpoint, lambda step: print(f"... {step}", flush=True))
    print()
    print("\n".join(format_report(report)))
    sys.exit(0 if report.behaved else 1)
