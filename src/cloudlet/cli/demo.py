"""`cloudlet demo [SYSTEM ...]`: start an embedded server, deploy the reference systems of
samples/ from their committed cloud assemblies (no node, no aws-cdk-lib), drive each with its
sample input (the virtual clock fast-forwarded for schedules and visibility timeouts) and
print a report per system; exit status 1 when one misbehaved. --keep leaves the server
running afterwards, with the stacks deployed, until Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

import click

from cloudlet.cli.demo_server import SYSTEMS, DemoSetupError, EmbeddedServer, find_samples, load_driver
from cloudlet.cli.demo_support import Report, format_report

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class ProgressDisplay:
    """One spinner line rewritten in place on a terminal; plain lines anywhere else."""

    def __init__(self, stream: TextIO, animate: bool) -> None:
        self.stream = stream
        self.animate = animate
        self._lock = threading.Lock()
        self._text = ""
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if animate:
            self._thread = threading.Thread(target=self._spin, name="demo-progress", daemon=True)
            self._thread.start()

    def step(self, prefix: str, text: str) -> None:
        with self._lock:
            self._text = f"{prefix} {text}"
            if not self.animate:
                self._write(f"{self._text}\n")

    def done(self, line: str) -> None:
        """A finished step: a permanent line (the spinner line, if any, is replaced)."""
        with self._lock:
            self._text = ""
            self._write(("\r\033[K" if self.animate else "") + line + "\n")

    def close(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            if self.animate:
                self._write("\r\033[K")

    def _spin(self) -> None:
        frame = 0
        while not self._stop.wait(0.1):
            with self._lock:
                if self._text:
                    width = max(20, _columns() - 2)
                    elapsed = time.monotonic() - self._started
                    line = f"{SPINNER[frame % len(SPINNER)]} {elapsed:5.1f}s {self._text}"
                    self._write("\r\033[K" + line[:width])
            frame += 1

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


def _columns() -> int:
    return shutil.get_terminal_size(fallback=(100, 24)).columns


def choose(systems: tuple[str, ...]) -> list[str]:
    """The named systems (all when none), in the demo's order."""
    unknown = [name for name in systems if name not in SYSTEMS]
    if unknown:
        raise click.BadParameter(
            f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}", param_hint="SYSTEM"
        )
    return [name for name in SYSTEMS if not systems or name in systems]


def run_demo(
    systems: list[str],
    samples: Path,
    keep: bool = False,
    data_dir: Path | None = None,
    port: int | None = None,
    echo: Any = click.echo,
    animate: bool = False,
) -> int:
    """Runs the demo; the exit status (0 all behaved, 1 one misbehaved, 2 could not start)."""
    try:
        drivers = {name: load_driver(samples, name) for name in systems}
        server = EmbeddedServer(port=port, data_dir=data_dir)
    except DemoSetupError as error:
        echo(f"error: {error}", err=True)
        return 2
    # The demo talks to its own server only: any account the environment names is not it.
    os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.pop("AWS_PROFILE", None)
    started = time.monotonic()
    display = ProgressDisplay(sys.stdout, animate)
    reports: list[Report] = []
    try:
        where = f"state in {data_dir}" if data_dir else "ephemeral"
        display.step("cloudlet:", f"starting a server on {server.endpoint} ({where})")
        try:
            server.start()
        except DemoSetupError as error:
            display.close()
            echo(f"error: {error}", err=True)
            return 2
        display.done(f"✔ cloudlet {server.endpoint} ({where}) up in {time.monotonic() - started:.1f}s")
        for index, name in enumerate(systems, 1):
            prefix = f"[{index}/{len(systems)}] {name}:"

            def progress(text: str, prefix: str = prefix) -> None:
                display.step(prefix, text)

            progress("starting")
            report: Report = drivers[name](server.endpoint, progress)
            reports.append(report)
            mark, verdict = (
                ("✔", "behaved") if report.behaved else ("✘", f"{len(report.problems)} problem(s)")
            )
            display.done(f"{mark} {prefix} {verdict} in {report.seconds:.1f}s")
        display.close()
        echo("")
        for report in reports:
            echo("\n".join(format_report(report)))
            echo("")
        if not server.alive():
            echo(f"the server exited during the demo; its log ({server.log_path}) ends:\n{server.log_tail()}")
        bad = [report.system for report in reports if not report.behaved]
        total = time.monotonic() - started
        if bad:
            echo(f"{len(bad)} of {len(reports)} system(s) misbehaved: {', '.join(bad)} ({total:.1f}s)")
        else:
            echo(f"all {len(reports)} system(s) behaved ({total:.1f}s)")
        if keep:
            _serve_until_interrupted(server, data_dir, echo)
        return 1 if bad else 0
    except KeyboardInterrupt:
        display.close()
        echo("\ninterrupted", err=True)
        return 130
    finally:
        display.close()
        server.stop()


def _serve_until_interrupted(server: EmbeddedServer, data_dir: Path | None, echo: Any) -> None:
    endpoint = server.endpoint
    state = f"state in {data_dir}" if data_dir else "ephemeral: the state goes when it stops"
    echo(
        "\n".join(
            [
                "",
                f"cloudlet keeps running on {endpoint} with the stacks deployed ({state}).",
                "Point the AWS CLI and SDKs at it:",
                f"  export AWS_ENDPOINT_URL={endpoint}",
                f"  export AWS_ENDPOINT_URL_SQS={endpoint}   # AWS CLI v1 ignores AWS_ENDPOINT_URL for SQS",
                "  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1",
                f"  cloudlet stacks --endpoint {endpoint}",
                f"Server log: {server.log_path}",
                "Ctrl-C stops it.",
            ]
        )
    )
    try:
        server.wait()  # until the server exits, or Ctrl-C
    except KeyboardInterrupt:
        echo("\nstopping the server")  # Ctrl-C is how --keep ends: not a failure
        return
    echo(f"the server stopped; see {server.log_path}", err=True)


@click.command("demo")
@click.argument("systems", nargs=-1, metavar="[SYSTEM]...")
@click.option("--keep", is_flag=True, help="Leave the server running afterwards (until Ctrl-C).")
@click.option(
    "--data-dir", type=click.Path(path_type=Path), default=None, help="Keep the state here [ephemeral]."
)
@click.option("--port", type=int, default=None, help="The server's port [a free one].")
@click.option(
    "--samples-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The samples/ directory [$CLOUDLET_SAMPLES, or the repository's].",
)
def command(
    systems: tuple[str, ...], keep: bool, data_dir: Path | None, port: int | None, samples_dir: Path | None
) -> None:
    """Deploy and drive the reference systems (samples/) on their own server.

    SYSTEM: any of inventory, orders, scheduled-events, stream-relay, backpressure (all by
    default). Exit status 1 when a system misbehaved."""
    chosen = choose(systems)
    try:
        samples = find_samples(samples_dir)
    except DemoSetupError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    # SIGTERM ends the demo as Ctrl-C does, so the server it started is stopped too.
    signal.signal(signal.SIGTERM, _interrupt)
    status = run_demo(chosen, samples, keep, data_dir, port, click.echo, animate=sys.stdout.isatty())
    sys.exit(status)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
