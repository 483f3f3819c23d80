"""`cloudlet logs <function> [--follow] [--since 10m]`: a function's log events
(FilterLogEvents on its log group), printed like `aws logs tail`: time, stream, message."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import click

from cloudlet.cli.durations import parse_duration
from cloudlet.cli.remote import call, default_endpoint
from cloudlet.settings import DEFAULT_ACCOUNT

POLL_SECONDS = 0.5


class NoLogGroup(Exception):
    pass


def _client(service: str, endpoint: str, region: str) -> Any:
    from cloudlet.client import http_client  # here: boto3 is slow to import for other commands

    return http_client(service, endpoint, os.environ.get("AWS_ACCESS_KEY_ID", DEFAULT_ACCOUNT), region)


def log_group_of(endpoint: str, function: str, region: str) -> str:
    """The function's LoggingConfig.LogGroup, else /aws/lambda/<name>; a /-name is a group."""
    if function.startswith("/"):
        return function
    name = function.split(":")[6] if function.startswith("arn:") else function
    client = _client("lambda", endpoint, region)
    try:
        config = client.get_function_configuration(FunctionName=function)
        group = config.get("LoggingConfig", {}).get("LogGroup")
        if group:
            return str(group)
    except client.exceptions.ClientError:
        pass  # not (yet) a function there: its default group may still hold logs
    return f"/aws/lambda/{name}"


def server_now_ms(endpoint: str) -> int:
    """The server's virtual clock: --since counts back from it."""
    now = datetime.fromisoformat(call(endpoint, "GET", "/_cloudlet/clock")["now"].replace("Z", "+00:00"))
    return int(now.timestamp() * 1000)


def format_event(event: dict[str, Any]) -> str:
    when = datetime.fromtimestamp(event["timestamp"] / 1000, UTC).isoformat(timespec="milliseconds")
    return f"{when} {event['logStreamName']} {event['message'].rstrip()}"


def _events(logs: Any, group: str, start_ms: int) -> Iterator[dict[str, Any]]:
    params: dict[str, Any] = {"logGroupName": group, "startTime": start_ms}
    while True:
        try:
            page = logs.filter_log_events(**params)
        except logs.exceptions.ResourceNotFoundException as error:
            raise NoLogGroup(group) from error
        yield from page.get("events", [])
        if not page.get("nextToken"):
            return
        params["nextToken"] = page["nextToken"]


def run_logs(
    endpoint: str,
    function: str,
    since: str = "10m",
    follow: bool = False,
    region: str = "us-east-1",
    echo: Callable[[str], None] = print,
    polls: int | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Print the events; with follow, poll until interrupted, `stop` is set or `polls` rounds
    are done. Returns the
    exit status: 1 when the log group does not exist and not following."""
    start = server_now_ms(endpoint) - int(parse_duration(since) * 1000)  # first: is it there?
    group = log_group_of(endpoint, function, region)
    logs = _client("logs", endpoint, region)
    stop = stop or threading.Event()
    seen: set[str] = set()  # event ids at the newest timestamp (startTime is inclusive)
    rounds = 0
    while True:
        try:
            for event in sorted(_events(logs, group, start), key=lambda e: (e["timestamp"], e["eventId"])):
                if event["eventId"] in seen:
                    continue
                if event["timestamp"] > start:
                    start, seen = event["timestamp"], set()
                seen.add(event["eventId"])
                echo(format_event(event))
        except NoLogGroup:
            if not follow:
                echo(f"no log group {group} (has the function run yet?)")
                return 1
        rounds += 1
        if not follow or (polls is not None and rounds >= polls):
            return 0
        if stop.wait(POLL_SECONDS):
            return 0


@click.command("logs")
@click.argument("function")
@click.option("--follow", "-f", is_flag=True, help="Keep polling for new events (Ctrl-C stops).")
@click.option("--since", default="10m", show_default=True, help="How far back to start (90s, 10m, 2h, 1d).")
@click.option(
    "--region",
    default=lambda: os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
)
@click.option(
    "--endpoint", default=default_endpoint, show_default="$CLOUDLET_ENDPOINT, $AWS_ENDPOINT_URL or :4566"
)
def command(function: str, follow: bool, since: str, region: str, endpoint: str) -> None:
    """Print a Lambda function's log events (name, ARN, or a /log/group)."""
    try:
        parse_duration(since)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--since") from error
    try:
        status = run_logs(endpoint, function, since, follow, region, click.echo)
    except KeyboardInterrupt:
        status = 0
    sys.exit(status)
