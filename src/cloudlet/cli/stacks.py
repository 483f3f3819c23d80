"""`cloudlet destroy <stack>...` (DeleteStack, followed to the end like a deploy) and
`cloudlet stacks` (ListStacks: name, status, last updated)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

import click

from cloudlet.cli.progress import (
    StackProgress,
    cdk_names,
    describe,
    failure_lines,
    latest_event_id,
    server_errors,
    wait_for_stack,
)
from cloudlet.cli.remote import default_endpoint
from cloudlet.settings import DEFAULT_ACCOUNT

endpoint_option = click.option(
    "--endpoint", default=default_endpoint, show_default="$CLOUDLET_ENDPOINT, $AWS_ENDPOINT_URL or :4566"
)
region_option = click.option(
    "--region",
    default=lambda: os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
    show_default="$AWS_REGION or us-east-1",
)


def _cloudformation(endpoint: str, region: str) -> Any:
    from cloudlet.client import http_client  # here: boto3 is slow to import for other commands

    return http_client(
        "cloudformation", endpoint, os.environ.get("AWS_ACCESS_KEY_ID", DEFAULT_ACCOUNT), region
    )


def run_destroy(
    endpoint: str,
    stack_names: list[str],
    region: str = "us-east-1",
    echo: Callable[[str], None] = print,
    poll_seconds: float = 0.2,
) -> int:
    """Deletes each stack in turn; returns 1 when one is missing or fails to delete."""
    cfn = _cloudformation(endpoint, region)
    for name in stack_names:
        stack = describe(cfn, name)
        if stack is None:
            echo(f" ❌  {name}: Stack with id {name} does not exist")
            return 1
        stack_id = str(stack["StackId"])
        echo(f"{name}: destroying...")
        types = _resource_types(cfn, stack_id)
        since = latest_event_id(cfn, stack_id)
        try:
            cfn.delete_stack(StackName=stack_id)
        except cfn.exceptions.ClientError as error:
            echo(f"\n ❌  {name}: {error.response.get('Error', {}).get('Message', error)}")
            return 1
        progress = StackProgress(
            cfn,
            name,
            stack_id,
            len(types) + 1 if types is not None else None,
            echo,
            since,
            type_width=max([26, *(len(t) for t in types or [])]),
            names=_names(cfn, stack_id),
        )
        final = wait_for_stack(progress, poll_seconds)
        status = "DELETE_COMPLETE" if final is None else str(final.get("StackStatus"))
        if status != "DELETE_COMPLETE":
            reason = (final or {}).get("StackStatusReason")
            echo(f"\n ❌  {name}: destroy failed: {status}" + (f": {reason}" if reason else ""))
            for line in failure_lines(progress):
                echo(line)
            return 1
        echo(f"\n ✅  {name}: destroyed")
    return 0


def _resource_types(cfn: Any, stack_id: str) -> list[str] | None:
    """The type of each resource the stack holds (None when the server cannot list them)."""
    types: list[str] = []
    try:
        for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack_id):
            types += [str(r.get("ResourceType", "")) for r in page.get("StackResourceSummaries", [])]
    except cfn.exceptions.ClientError:
        return None
    return types


def _names(cfn: Any, stack_id: str) -> dict[str, str]:
    """Construct paths of a CDK stack's resources, from its template (GetTemplate)."""
    from cloudlet.deploy.errors import ValidationError
    from cloudlet.deploy.template import parse_template

    try:
        body = cfn.get_template(StackName=stack_id).get("TemplateBody")
        template = body if isinstance(body, dict) else parse_template(str(body))
    except (cfn.exceptions.ClientError, ValidationError):
        return {}
    return cdk_names(template)


def list_stacks(endpoint: str, region: str = "us-east-1") -> list[dict[str, Any]]:
    """Every stack not deleted, as ListStacks summarizes them, oldest first."""
    cfn = _cloudformation(endpoint, region)
    summaries: list[dict[str, Any]] = []
    for page in cfn.get_paginator("list_stacks").paginate():
        summaries += [s for s in page.get("StackSummaries", []) if s.get("StackStatus") != "DELETE_COMPLETE"]
    return sorted(summaries, key=lambda s: (s.get("CreationTime") or datetime.min, s["StackName"]))


def run_stacks(endpoint: str, region: str = "us-east-1", echo: Callable[[str], None] = print) -> int:
    rows = [
        (
            s["StackName"],
            str(s.get("StackStatus", "")),
            _when(s.get("LastUpdatedTime") or s.get("CreationTime")),
        )
        for s in list_stacks(endpoint, region)
    ]
    if not rows:
        echo("no stacks")
        return 0
    header = ("NAME", "STATUS", "LAST UPDATED")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(2)]
    for row in [header, *rows]:
        echo(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}".rstrip())
    return 0


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return str(value or "")


@click.command("destroy")
@click.argument("stacks", nargs=-1, required=True)
@click.option("--force", "-f", is_flag=True, help="Do not ask for confirmation.")
@region_option
@endpoint_option
def destroy_command(stacks: tuple[str, ...], force: bool, region: str, endpoint: str) -> None:
    """Delete stacks and every resource they hold (DeletionPolicy Retain aside)."""
    if not force and not click.confirm(f"Are you sure you want to delete: {', '.join(stacks)}?"):
        sys.exit(1)
    with server_errors(endpoint):
        status = run_destroy(endpoint, list(stacks), region, click.echo)
    sys.exit(status)


@click.command("stacks")
@region_option
@endpoint_option
def stacks_command(region: str, endpoint: str) -> None:
    """List the stacks of a running server: name, status, last updated."""
    with server_errors(endpoint):
        status = run_stacks(endpoint, region, click.echo)
    sys.exit(status)
