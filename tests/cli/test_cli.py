"""The `cloudlet` command against a running server."""

import json
import os
import subprocess
import sys

from harness import Server


def cloudlet(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLOUDLET_ENDPOINT": server.endpoint}
    return subprocess.run([sys.executable, "-m", "cloudlet", *args], capture_output=True, text=True, env=env)


def test_status(server: Server) -> None:
    result = cloudlet(server, "status")
    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert status["status"] == "ok" and "now" in status["clock"]


def test_clock_advance_and_reset(server: Server) -> None:
    result = cloudlet(server, "clock", "advance", "90s")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["offset_seconds"] >= 90
    assert cloudlet(server, "reset").returncode == 0
    assert json.loads(cloudlet(server, "clock").stdout)["offset_seconds"] == 0


def test_bad_duration_is_a_usage_error(server: Server) -> None:
    result = cloudlet(server, "clock", "advance", "soon")
    assert result.returncode == 2
    assert "not a duration" in result.stderr


def test_settle(server: Server) -> None:
    result = cloudlet(server, "settle", "--timeout", "5")
    assert result.returncode == 0 and json.loads(result.stdout) == {"settled": True}


def test_unreachable_server_is_a_clear_error() -> None:
    env = {**os.environ, "CLOUDLET_ENDPOINT": "http://127.0.0.1:9"}
    result = subprocess.run(
        [sys.executable, "-m", "cloudlet", "status"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 2
    assert "no cloudlet server" in result.stderr


def test_up_prints_endpoint_and_stops_gracefully_on_sigterm() -> None:
    server = Server().start()
    server.stop()
    assert server.process is not None
    # uvicorn shuts down gracefully, then re-raises the signal it caught, as a shell expects.
    assert server.process.returncode in (0, -15)
    log = server.log_path.read_text()
    assert "export AWS_ENDPOINT_URL=" + server.endpoint in log
    assert "Application shutdown complete" in log
    server.cleanup()
