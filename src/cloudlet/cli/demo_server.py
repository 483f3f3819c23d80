"""What `cloudlet demo` runs on: an embedded server (`cloudlet up` in a child process, on a
free port, ephemeral unless given a data directory) and the samples directory with the
drivers (samples/<name>/demo.py), found from the installed package or given."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from cloudlet.cli import remote

# The order the demo runs them in: advancing the clock fires every deployed stack's
# schedules, so the systems with none come first, and those whose empty scheduled runs cost
# real time (a 1-second long poll each) are deployed as late as possible.
SYSTEMS = ("inventory", "orders", "scheduled-events", "stream-relay", "backpressure")
START_TIMEOUT = 30.0


class DemoSetupError(Exception):
    """The demo cannot start: no samples, a busy port, a server that did not come up."""


def find_samples(given: Path | None) -> Path:
    """--samples-dir, else $CLOUDLET_SAMPLES, else the repository the package runs from (an
    editable install: src/cloudlet/../../samples), else ./samples."""
    if given is not None:
        candidates = [given]
    elif os.environ.get("CLOUDLET_SAMPLES"):
        candidates = [Path(os.environ["CLOUDLET_SAMPLES"])]
    else:
        import cloudlet

        package = Path(cloudlet.__file__).resolve().parent
        candidates = [package.parents[1] / "samples", Path.cwd() / "samples"]
    for candidate in candidates:
        if any((candidate / name / "demo.py").is_file() for name in SYSTEMS):
            return candidate.resolve()
    tried = ", ".join(str(c) for c in candidates)
    raise DemoSetupError(
        f"no samples found (looked in {tried}): run from a clone of the repository "
        "(pip install -e .), or pass --samples-dir / set CLOUDLET_SAMPLES to its samples/ directory"
    )


def load_driver(samples: Path, system: str) -> Callable[..., Any]:
    """samples/<system>/demo.py's run(endpoint, progress) -> Report."""
    path = samples / system / "demo.py"
    if not path.is_file():
        raise DemoSetupError(f"{path} is missing: the {system} sample has no demo driver")
    name = "cloudlet_demo_" + system.replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise DemoSetupError(f"cannot load {path}")
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    run = getattr(module, "run", None)
    if not callable(run):
        raise DemoSetupError(f"{path} has no run(endpoint, progress) function")
    return run  # type: ignore[no-any-return]


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_in_use(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


class EmbeddedServer:
    """`cloudlet up` in a child process, its output in a log file."""

    def __init__(
        self, port: int | None = None, data_dir: Path | None = None, host: str = "127.0.0.1"
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.data_dir = data_dir
        self.endpoint = f"http://{host}:{self.port}"
        self._scratch = Path(tempfile.mkdtemp(prefix="cloudlet-demo-"))
        self.log_path = (data_dir or self._scratch) / "demo-server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> EmbeddedServer:
        if port_in_use(self.host, self.port):
            raise DemoSetupError(f"port {self.port} is in use: choose another with --port, or omit it")
        command = [sys.executable, "-m", "cloudlet", "up", "--host", self.host, "--port", str(self.port)]
        if self.data_dir is None:
            command.append("--ephemeral")
        else:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            command += ["--data-dir", str(self.data_dir)]
        env = {**os.environ, "CLOUDLET_LOG_REQUESTS": "0"}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - the child writes it until stop()
        self.process = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise DemoSetupError(f"the server exited at start ({self.log_path}):\n{self.log_tail()}")
            try:
                remote.call(self.endpoint, "GET", "/_cloudlet/health", timeout=1)
                return self
            except remote.ServerUnreachable:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=0.05)  # not up yet: a moment, or its exit
        tail = self.log_tail()
        self.stop()
        raise DemoSetupError(f"the server did not answer within {START_TIMEOUT:.0f}s:\n{tail}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait(self) -> None:
        """Block until the server process exits (Ctrl-C interrupts it)."""
        if self.process is not None:
            self.process.wait()

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        shutil.rmtree(self._scratch, ignore_errors=True)
