"""The `cloudlet` command."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from cloudlet import __version__
from cloudlet.cli import control, demo, deploy, logs, stacks
from cloudlet.cli.remote import ServerUnreachable, default_endpoint

endpoint_option = click.option(
    "--endpoint", default=default_endpoint, show_default="$CLOUDLET_ENDPOINT, $AWS_ENDPOINT_URL or :4566"
)


@click.group()
@click.version_option(__version__, prog_name="cloudlet")
def cli() -> None:
    """cloudlet: the AWS event-driven serverless stack on one machine."""


@cli.command()
@click.option("--host", default=None, help="Interface to bind [127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port for every service [4566].")
@click.option(
    "--data-dir", type=click.Path(path_type=Path), default=None, help="State directory [.cloudlet]."
)
@click.option("--ephemeral", is_flag=True, help="Keep state in a temporary directory, removed on exit.")
def up(host: str | None, port: int | None, data_dir: Path | None, ephemeral: bool) -> None:
    """Serve every service on one port."""
    from cloudlet.cli.up import run_up

    run_up(host, port, data_dir, ephemeral)


@cli.command()
@endpoint_option
def status(endpoint: str) -> None:
    """Health, services and clock of a running server."""
    _print(control.run_status(endpoint))


@cli.command()
@endpoint_option
def reset(endpoint: str) -> None:
    """Wipe all state of a running server."""
    _print(control.run_reset(endpoint))


@cli.group(invoke_without_command=True)
@endpoint_option
@click.pass_context
def clock(ctx: click.Context, endpoint: str) -> None:
    """Show the virtual clock (or advance it)."""
    if ctx.invoked_subcommand is None:
        _print(control.run_clock_show(endpoint))


@clock.command("advance")
@click.argument("duration")
@endpoint_option
def clock_advance(duration: str, endpoint: str) -> None:
    """Move the clock forward (90s, 5m, 1h30m, 2d); due work fires in order."""
    try:
        _print(control.run_clock_advance(endpoint, duration))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="DURATION") from error


@cli.command()
@endpoint_option
@click.option("--timeout", type=float, default=10.0, show_default=True)
def settle(endpoint: str, timeout: float) -> None:
    """Wait until no work is due at the current time."""
    result = control.run_settle(endpoint, timeout)
    _print(result)
    if not result.get("settled"):
        sys.exit(1)


cli.add_command(logs.command)
cli.add_command(deploy.command)
cli.add_command(stacks.destroy_command)
cli.add_command(stacks.stacks_command)
cli.add_command(demo.command)


def _print(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2))


def main() -> None:
    try:
        cli()
    except ServerUnreachable as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
