"""`cloudlet demo [SYSTEM ...] [--keep] [--data-dir] [--port] [--samples-dir]`: the CLI
starts its own embedded server, deploys the samples' committed assemblies, drives them and
reports; exit status 1 when a system misbehaves."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SYSTEMS = ["inventory", "orders", "scheduled-events", "stream-relay", "backpressure"]


def demo(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "CLOUDLET_SAMPLES"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "cloudlet", "demo", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=timeout,
    )


def verdicts(output: str) -> dict[str, str]:
    """system -> 'behaved' / 'MISBEHAVED ...' from the reports' headings."""
    found = {}
    for line in output.splitlines():
        match = re.match(r"^([a-z-]+) — .*: (behaved|MISBEHAVED \(\d+ problem\(s\)\)) in [0-9.]+s$", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def test_all_five_systems_behave_on_an_embedded_server() -> None:
    started = time.monotonic()
    result = demo()
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdicts(result.stdout) == dict.fromkeys(SYSTEMS, "behaved")
    out = result.stdout
    # Plain progress lines (stdout is not a terminal), one per step, then the reports.
    assert "[1/5] inventory: deploying InventoryStack" in out
    assert "✔ [5/5] backpressure: behaved" in out
    # What each report shows: items written, DLQ messages with reasons, deliveries in order,
    # jobs per run.
    assert "SKU-1004 @ STORE-LYON, BACKROOM: +12" in out
    assert "line 9 'SKU-1005,,8': location is empty (stage parse)" in out
    assert "price_per_item 'err' is not a price" in out
    assert "items in orders now: 20 (3 priced from the catalog)" in out
    assert "10 items written to LambdaTriggeredEvents" in out
    assert "accepted, in order: bob#1, alice#1, alice#2" in out
    assert "run 1: 5 jobs started downstream, 7 left queued" in out
    assert out.rstrip().splitlines()[-1].startswith("all 5 system(s) behaved")
    assert elapsed < 60, f"the demo took {elapsed:.1f}s"


def test_one_system_named_runs_alone() -> None:
    result = demo("scheduled-events")
    assert result.returncode == 0, result.stdout + result.stderr
    assert verdicts(result.stdout) == {"scheduled-events": "behaved"}
    assert "[1/1] scheduled-events: deploying ScheduledEventsStack" in result.stdout


def test_a_misbehaving_system_fails_the_demo_with_its_problem(tmp_path: Path) -> None:
    samples = tmp_path / "samples"
    shutil.copytree(ROOT / "samples" / "inventory", samples / "inventory")
    driver = samples / "inventory" / "demo.py"
    text = driver.read_text()
    # The driver now expects a level the sample does not produce.
    driver.write_text(text.replace('("SKU-1001", "WH-PARIS"): 40,', '("SKU-1001", "WH-PARIS"): 41,'))
    result = demo("inventory", "--samples-dir", str(samples))
    assert result.returncode == 1, result.stdout + result.stderr
    assert verdicts(result.stdout) == {"inventory": "MISBEHAVED (1 problem(s))"}
    assert "  ✘ inventory levels added: expected " in result.stdout
    assert "1 of 1 system(s) misbehaved: inventory" in result.stdout


def test_a_driver_that_raises_is_reported_as_a_problem(tmp_path: Path) -> None:
    (tmp_path / "orders").mkdir()
    (tmp_path / "orders" / "demo.py").write_text(
        "from cloudlet.cli.demo_support import drive\n"
        "def broken(session, report):\n"
        "    session.progress('about to fail')\n"
        "    raise RuntimeError('the sample is broken')\n"
        "def run(endpoint, progress=print):\n"
        "    return drive('orders', 'broken', endpoint, progress, broken)\n"
    )
    result = demo("orders", timeout=60, CLOUDLET_SAMPLES=str(tmp_path))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "✘ the driver stopped: RuntimeError: the sample is broken (demo.py:4)" in result.stdout


def test_unknown_system_and_missing_samples_are_clear_errors(tmp_path: Path) -> None:
    result = demo("nosuch")
    assert result.returncode == 2
    assert "unknown system(s) nosuch; choose from inventory, orders" in result.stderr

    result = demo("--samples-dir", str(tmp_path))
    assert result.returncode == 2
    assert f"no samples found (looked in {tmp_path})" in result.stderr
    assert "--samples-dir" in result.stderr


def test_a_data_dir_keeps_state_and_a_second_run_behaves_too(tmp_path: Path) -> None:
    data = tmp_path / "state"
    first = demo("inventory", "orders", "--data-dir", str(data))
    assert first.returncode == 0, first.stdout + first.stderr
    again = demo("inventory", "orders", "--data-dir", str(data))
    assert again.returncode == 0, again.stdout + again.stderr
    assert verdicts(again.stdout) == {"inventory": "behaved", "orders": "behaved"}
    assert "emptying table orders (orders of an earlier run)" in again.stdout  # the first run's
    assert any(data.iterdir())


def test_keep_leaves_the_server_running_until_interrupted() -> None:
    environment = {k: v for k, v in os.environ.items() if k != "CLOUDLET_SAMPLES"}
    process = subprocess.Popen(
        [sys.executable, "-m", "cloudlet", "demo", "inventory", "--keep"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Ctrl-C stops it."):
                break
        output = "".join(lines)
        match = re.search(r"export AWS_ENDPOINT_URL=(http://127\.0\.0\.1:\d+)\n", output)
        assert match, output
        endpoint = match.group(1)
        assert "cloudlet keeps running on " + endpoint in output
        with urllib.request.urlopen(endpoint + "/_cloudlet/health", timeout=5) as response:
            assert json.loads(response.read())["status"] == "ok"
        stacks = subprocess.run(
            [sys.executable, "-m", "cloudlet", "stacks", "--endpoint", endpoint],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"},
        )
        assert "InventoryStack  CREATE_COMPLETE" in stacks.stdout, stacks.stdout + stacks.stderr

        process.send_signal(signal.SIGINT)  # Ctrl-C
        rest, _ = process.communicate(timeout=30)
        assert process.returncode == 0
        assert "stopping the server" in rest
        try:
            urllib.request.urlopen(endpoint + "/_cloudlet/health", timeout=2)
        except OSError:
            pass
        else:
            raise AssertionError("the server still answers after Ctrl-C")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
