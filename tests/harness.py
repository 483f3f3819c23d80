"""A real cloudlet server in a subprocess on a free port, and clients pointed at it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

ACCESS_KEY = "test"
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, data_dir: Path | None = None, port: int | None = None) -> None:
        self.port = port or free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._own_dir = data_dir is None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="cloudlet-test-"))
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = self.data_dir / "server.log"

    def start(self) -> Server:
        env = {**os.environ, "CLOUDLET_LOG_REQUESTS": "0"}
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cloudlet",
                "up",
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"cloudlet exited: {self.log_path.read_text()}")
            try:
                self.internal("GET", "/_cloudlet/health", timeout=1)
                return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("cloudlet did not start in 20 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()  # SIGKILL
        self.process.wait()

    def cleanup(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    # -- internal API ------------------------------------------------------------------------
    def internal(
        self, method: str, path: str, body: dict[str, Any] | None = None, timeout: float = 120
    ) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.endpoint + path, data=data, method=method)
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"null")

    def reset(self) -> None:
        self.internal("POST", "/_cloudlet/reset", {})

    def advance(self, seconds: float) -> Any:
        return self.internal("POST", "/_cloudlet/clock/advance", {"seconds": seconds})

    def settle(self, timeout: float = 10) -> bool:
        return bool(self.internal("POST", "/_cloudlet/settle", {"timeout": timeout})["settled"])

    # -- clients -------------------------------------------------------------------------------
    def client(self, service: str, access_key: str = ACCESS_KEY, region: str = REGION, **config: Any) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 1}, **config),
        )

    def aws(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run the AWS CLI against this server; JSON output."""
        aws = shutil.which("aws", path=str(Path(sys.executable).parent)) or "aws"
        env = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_PAGER": "",
        }
        # --endpoint-url as well as AWS_ENDPOINT_URL: the CLI v1's SQS customization
        # otherwise sends requests to the host of the QueueUrl argument.
        command = [aws, "--output", "json", "--endpoint-url", self.endpoint, *args]
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        if check and result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed: {result.stderr}")
        return result
