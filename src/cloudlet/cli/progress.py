"""A stack operation followed to its end, one line per resource event as the cdk CLI prints
them ("AppStack | 3/7 | 12:00:01 | CREATE_COMPLETE | AWS::SQS::Queue | Queue"), from
DescribeStackEvents polled until DescribeStacks shows a status that is not *_IN_PROGRESS."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import click

POLL_SECONDS = 0.2  # real time between polls of the server (the server does the work)
STATUS_WIDTH = 20
FAILED_STACK_STATUSES = frozenset(
    {
        "CREATE_FAILED",
        "ROLLBACK_COMPLETE",
        "ROLLBACK_FAILED",
        "DELETE_FAILED",
        "UPDATE_FAILED",
        "UPDATE_ROLLBACK_COMPLETE",
        "UPDATE_ROLLBACK_FAILED",
        "IMPORT_ROLLBACK_COMPLETE",
        "IMPORT_ROLLBACK_FAILED",
    }
)


def is_missing(error: Any) -> bool:
    """CloudFormation's answer for a stack that is not there: ValidationError 'does not exist'."""
    return "does not exist" in str(getattr(error, "response", {}).get("Error", {}).get("Message", ""))


def latest_event_id(cfn: Any, stack: str) -> str | None:
    """The newest event of the stack before an operation starts (events come newest first)."""
    try:
        events = cfn.describe_stack_events(StackName=stack).get("StackEvents", [])
    except cfn.exceptions.ClientError as error:
        if is_missing(error):
            return None
        raise
    return str(events[0]["EventId"]) if events else None


@dataclass
class StackProgress:
    """Prints the events of one operation on one stack (those after `since_event_id`)."""

    cfn: Any
    stack_name: str
    stack_id: str
    total: int | None  # resources + the stack itself; None when unknown (a transformed template)
    echo: Callable[[str], None]
    since_event_id: str | None = None
    type_width: int = 26
    names: dict[str, str] = field(default_factory=dict)  # logical id -> what to show (cdk_names)
    failures: list[dict[str, Any]] = field(default_factory=list)
    _done: set[str] = field(default_factory=set)
    _seen: set[str] = field(default_factory=set)

    def poll(self) -> None:
        for event in self._new_events():
            self._seen.add(event["EventId"])
            status = str(event.get("ResourceStatus", ""))
            if status.endswith(("_COMPLETE", "_SKIPPED")) and event.get("LogicalResourceId"):
                self._done.add(str(event["LogicalResourceId"]))
            if status.endswith("_FAILED") and event.get("ResourceType") != "AWS::CloudFormation::Stack":
                self.failures.append(event)
            self.echo(self.format(event))

    def format(self, event: dict[str, Any]) -> str:
        done = len(self._done)
        counter = f"{done:>{len(str(self.total))}}/{self.total}" if self.total else str(done)
        when = event.get("Timestamp")
        clock = when.astimezone().strftime("%H:%M:%S") if isinstance(when, datetime) else ""
        status = str(event.get("ResourceStatus", ""))
        line = (
            f"{self.stack_name} | {counter} | {clock} | {status:<{STATUS_WIDTH}} | "
            f"{event.get('ResourceType', ''):<{self.type_width}} | "
            f"{self.names.get(str(event.get('LogicalResourceId')), event.get('LogicalResourceId', ''))}"
        )
        reason = event.get("ResourceStatusReason")
        if reason and (status.endswith("_FAILED") or "ROLLBACK" in status):
            line += f" {reason}"
        return line.rstrip()

    def _new_events(self) -> list[dict[str, Any]]:
        """Unseen events of this operation, oldest first."""
        fresh: list[dict[str, Any]] = []
        params: dict[str, Any] = {"StackName": self.stack_id}
        while True:
            try:
                page = self.cfn.describe_stack_events(**params)
            except self.cfn.exceptions.ClientError as error:
                if is_missing(error):
                    break
                raise
            for event in page.get("StackEvents", []):
                if event["EventId"] == self.since_event_id or event["EventId"] in self._seen:
                    return list(reversed(fresh))
                fresh.append(event)
            if not page.get("NextToken"):
                break
            params["NextToken"] = page["NextToken"]
        return list(reversed(fresh))


def cdk_names(template: dict[str, Any]) -> dict[str, str]:
    """Resources of a CDK stack as the cdk CLI names them in its progress: the construct path
    without the stack and the trailing /Resource, then the logical id ("WorkQueue (WorkQueue0B5D5D6E)")."""
    names: dict[str, str] = {}
    for logical_id, resource in (template.get("Resources") or {}).items():
        metadata = resource.get("Metadata") if isinstance(resource, dict) else None
        path = metadata.get("aws:cdk:path") if isinstance(metadata, dict) else None
        if not isinstance(path, str) or "/" not in path:
            continue
        short = path.split("/", 1)[1].removesuffix("/Resource")
        names[logical_id] = short if short == logical_id else f"{short} ({logical_id})"
    return names


def describe(cfn: Any, stack: str) -> dict[str, Any] | None:
    try:
        stacks = cfn.describe_stacks(StackName=stack).get("Stacks", [])
    except cfn.exceptions.ClientError as error:
        if is_missing(error):
            return None
        raise
    return stacks[0] if stacks else None


def wait_for_stack(
    progress: StackProgress, poll_seconds: float = POLL_SECONDS, stop: threading.Event | None = None
) -> dict[str, Any] | None:
    """Polls until the stack's status is final; returns its description (None once deleted
    and no longer described)."""
    stop = stop or threading.Event()
    while True:
        progress.poll()
        stack = describe(progress.cfn, progress.stack_id)
        if stack is None or not str(stack.get("StackStatus", "")).endswith("_IN_PROGRESS"):
            progress.poll()  # the events written with the final status
            return stack
        if stop.wait(poll_seconds):
            return stack


def failure_lines(progress: StackProgress) -> list[str]:
    """The failed resources and why (the first cause first, as the events show them)."""
    lines = []
    for event in progress.failures:
        reason = event.get("ResourceStatusReason") or "(no reason given)"
        lines.append(
            f"  {event.get('LogicalResourceId')} ({event.get('ResourceType')}) "
            f"{event.get('ResourceStatus')}: {reason}"
        )
    return lines


@contextmanager
def server_errors(endpoint: str) -> Iterator[None]:
    """A server that is not there, or an AWS error nobody expected: one line, not a traceback."""
    from botocore.exceptions import ClientError, EndpointConnectionError

    from cloudlet.cli.remote import ServerUnreachable

    try:
        yield
    except EndpointConnectionError as error:
        raise ServerUnreachable(f"no cloudlet server at {endpoint} ({error})") from error
    except ClientError as error:
        detail = error.response.get("Error", {})
        click.echo(f"error: {detail.get('Code')}: {detail.get('Message')}", err=True)
        sys.exit(1)
