"""One worker: a child process running bootstrap.py for one function version, spoken to over
its stdin/stdout pipes (the frames are described in bootstrap.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cloudlet.runtime.workers.environment import BOOTSTRAP

_LENGTH = struct.Struct(">I")
_RESULT = struct.Struct(">cI")
_PIPE_LIMIT = 2**27  # the StreamReader buffer: results and log lines up to 128 MiB

LogSink = Callable[[str], None]


class WorkerDied(Exception):
    """The child exited (or closed its pipe) before answering."""


@dataclass(frozen=True)
class Outcome:
    ok: bool
    payload: bytes
    max_memory_mb: int


class WorkerProcess:
    def __init__(self, process: asyncio.subprocess.Process, stream: str, started: float) -> None:
        self.process = process
        self.stream = stream  # the log stream of this execution environment
        self.started = started  # perf_counter at spawn
        self.init_ms: float | None = None  # reported with the first invocation only
        self.sink: LogSink | None = None  # where log events go (the current invocation)
        self.pending: list[str] = []  # events that arrived with no invocation running
        self.invocations = 0
        self.max_memory_mb = 0  # the last measurement (reported when a timeout cuts one short)
        self.killed = False
        self.idle_timer: asyncio.TimerHandle | None = None
        self._stray = asyncio.get_running_loop().create_task(self._read_stray())

    @classmethod
    async def spawn(cls, env: dict[str, str], cwd: str, paths: list[str], stream: str) -> WorkerProcess:
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-s",  # no user site-packages
            "-P",  # no script directory on sys.path (the bootstrap sets it)
            str(BOOTSTRAP),
            json.dumps(paths),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=cwd,
            env=env,
            start_new_session=True,  # its own process group: a timeout kills what it started too
            limit=_PIPE_LIMIT,
        )
        return cls(process, stream, started)

    @property
    def pid(self) -> int:
        return self.process.pid

    # -- protocol ----------------------------------------------------------------------------
    async def initialized(self) -> dict[str, Any] | None:
        """Wait for the handler's import: None when it worked, else AWS's error object."""
        while True:
            kind, body = await self._frame()
            if kind == b"L":
                self._log(body.decode("utf-8", "replace"))
            elif kind == b"I":
                self.init_ms = (time.perf_counter() - self.started) * 1000
                error: dict[str, Any] | None = json.loads(body).get("error")
                return error

    async def invoke(self, header: dict[str, Any], payload: bytes, timeout: float) -> Outcome:
        assert self.process.stdin is not None
        # The handler's get_remaining_time_in_millis() counts down in real time, as the
        # deadline is enforced (the child reads time.time()).
        header["deadline"] = time.time() * 1000 + timeout * 1000
        message = json.dumps(header, separators=(",", ":")).encode() + b"\n" + payload
        self.process.stdin.write(_LENGTH.pack(len(message)) + message)
        self.invocations += 1
        while True:
            kind, body = await self._frame()
            if kind == b"L":
                self._log(body.decode("utf-8", "replace"))
            elif kind == b"R":
                status, max_rss_kib = _RESULT.unpack_from(body)
                return Outcome(status == b"0", body[_RESULT.size :], -(-max_rss_kib // 1024))

    async def _frame(self) -> tuple[bytes, bytes]:
        assert self.process.stdout is not None
        try:
            head = await self.process.stdout.readexactly(4)
            body = await self.process.stdout.readexactly(_LENGTH.unpack(head)[0])
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise WorkerDied() from exc
        return body[:1], body[1:]

    # -- logs ----------------------------------------------------------------------------------
    def attach(self, sink: LogSink) -> None:
        self.sink = sink
        pending, self.pending = self.pending, []
        for line in pending:
            sink(line)

    def detach(self) -> None:
        self.sink = None

    def _log(self, line: str) -> None:
        if self.sink is not None:
            self.sink(line)
        else:
            self.pending.append(line)

    async def _read_stray(self) -> None:
        """Whatever reaches the child's fd 1/2 below Python (C extensions, subprocesses, a
        crashing interpreter): log lines of the running invocation."""
        stream = self.process.stderr
        assert stream is not None
        with contextlib.suppress(Exception):
            while line := await stream.readline():
                self._log(line.decode("utf-8", "replace").rstrip("\n"))

    async def drain_stray(self) -> None:
        """After the child died: let its last words reach the log."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(self._stray), 0.5)

    # -- life ----------------------------------------------------------------------------------
    @property
    def alive(self) -> bool:
        return not self.killed and self.process.returncode is None

    def kill(self) -> None:
        self.killed = True
        if self.idle_timer is not None:
            self.idle_timer.cancel()
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        if self.process.stdin is not None:
            with contextlib.suppress(Exception):
                self.process.stdin.close()

    async def wait(self) -> int | None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.process.wait(), 5)
        return self.process.returncode

    async def stop(self) -> None:
        self.kill()
        await self.wait()
        self._stray.cancel()
