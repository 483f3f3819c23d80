"""SQS throughput and latency through boto3: cloudlet vs moto's server vs a do-nothing server.

Run: ``.venv/bin/python bench/sqs.py [--quick] [--json PATH] [--targets cloudlet,moto,null]``
(``make bench`` runs it with the defaults; about three minutes on a 2-core machine).

The benchmark starts each server itself, one after the other, as a subprocess on a free
loopback port, and measures it with boto3 clients in this process:

- cloudlet: ``python -m cloudlet up --port P --data-dir <tmp>`` with CLOUDLET_LOG_REQUESTS=0,
  ready when ``GET /_cloudlet/health`` answers 200;
- moto: ``python -m moto.server -p P``, ready when it answers HTTP;
- null: bench/null_server.py, canned answers on the same HTTP stack as cloudlet (uvicorn,
  uvloop, httptools), i.e. the ceiling the client allows.

Workloads, each with 1 and with 8 client threads (every thread has its own boto3 client):

- send: SendMessage, one message per call -> messages/s;
- batch: SendMessageBatch, 10 messages per call -> messages/s;
- drain: a queue pre-filled (untimed) with SendMessageBatch is emptied with
  ReceiveMessage(MaxNumberOfMessages=10, WaitTimeSeconds=0) + DeleteMessageBatch ->
  messages/s; the null server keeps no messages, so it serves a fixed number of rounds;
- latency: per pair, one thread long-polls ReceiveMessage(WaitTimeSeconds=20) while the other
  sends one message at a time, each once the previous one arrived and the receiver is polling
  again (after a short gap, 2 ms by default, so the poll is usually parked on the server);
  the time from just before SendMessage to the return of ReceiveMessage -> p50/p99 ms.
  With 8 threads, 8 pairs (16 threads). The null server hands a SendMessage body to a parked
  long poll on the same queue URL (see bench/null_server.py), so the client flow is the same.

Each cell runs a fixed number of requests or until its time budget ends, whichever comes
first; the rate is over what the server managed. moto is slow, so it hits the budget and its
drain pre-fill is capped. Clients and servers share the machine: on 2 cores the boto3 client
(one process, one GIL) is usually the bottleneck, which is what the null column shows.

Targets (printed with the tables): cloudlet >= 10x moto and >= 80% of null on every
workload. For latency, the ratios are moto/cloudlet and null/cloudlet, so that higher is
better everywhere.

All servers and temporary directories are cleaned up on exit, Ctrl-C and SIGTERM included.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import platform
import queue
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import boto3
import botocore
from botocore.config import Config

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BODY = "cloudlet bench message " + "x" * 105  # 128 bytes
STOP_BODY = "__bench_stop__"
LONG_POLL_SECONDS = 20
WAIT_TIMEOUT = 30.0  # the longest any worker waits for another thread or the server
MAX_FAILED_CALLS = 5  # per cell: sporadic server errors are counted and reported, more fail the cell
TARGET_VS_MOTO = 10.0
TARGET_VS_NULL = 0.8

T = TypeVar("T")
Stats = dict[str, Any]


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Plan:
    """How much work each cell does: the counts are totals over all threads of a cell."""

    send_calls: int
    batch_calls: int
    drain_messages: int
    latency_samples: int  # per sender/receiver pair
    budget_seconds: float  # per cell, for every server
    prefill_seconds: float  # cap on the untimed drain pre-fill
    latency_gap_ms: float = 2.0
    thread_counts: tuple[int, ...] = (1, 8)


FULL = Plan(
    send_calls=3000,
    batch_calls=600,
    drain_messages=5000,
    latency_samples=400,
    budget_seconds=6,
    prefill_seconds=20,
)
QUICK = Plan(
    send_calls=80,
    batch_calls=16,
    drain_messages=200,
    latency_samples=15,
    budget_seconds=0.5,
    prefill_seconds=2,
)


# --------------------------------------------------------------------------- targets


class Target:
    """A server under test, run as a subprocess on a free loopback port."""

    name = "?"
    health_path = "/"
    require_200 = False
    canned = False  # True for the null server: no state, so drain runs fixed rounds
    prefill_cap: int | None = None  # most messages the drain pre-fill puts in the queue

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir / self.name
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.workdir / "server.log"
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        return dict(os.environ)

    def start(self, timeout: float = 30.0) -> None:
        self.port = free_port()
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env(),
                cwd=REPO,
                start_new_session=True,  # its own process group: Ctrl-C reaches us, we stop it
            )
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"exited with code {self.proc.returncode}: {self.log_tail()}")
            if self._answers():
                return
            time.sleep(0.1)
        raise RuntimeError(f"not ready after {timeout:.0f}s: {self.log_tail()}")

    def _answers(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            conn.request("GET", self.health_path)
            status = conn.getresponse().status
        except OSError:
            return False
        finally:
            conn.close()
        return status == 200 or not self.require_200

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            if proc.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)  # the group we created at start, i.e. only our server
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=wait)
        self.proc = None

    def log_tail(self, lines: int = 5) -> str:
        try:
            text = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return " | ".join(text[-lines:]) or "(empty log)"


class Cloudlet(Target):
    name = "cloudlet"
    health_path = "/_cloudlet/health"
    require_200 = True

    def command(self) -> list[str]:
        data_dir = self.workdir / "data"
        return [sys.executable, "-m", "cloudlet", "up", "--port", str(self.port), "--data-dir", str(data_dir)]

    def env(self) -> dict[str, str]:
        return {**os.environ, "CLOUDLET_LOG_REQUESTS": "0"}


class Moto(Target):
    name = "moto"
    prefill_cap = 400  # moto drains a few dozen messages/s and slows down as the queue grows

    def command(self) -> list[str]:
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]


class Null(Target):
    name = "null"
    canned = True

    def command(self) -> list[str]:
        return [sys.executable, str(HERE / "null_server.py"), "--host", "127.0.0.1", "--port", str(self.port)]


TARGETS: dict[str, type[Target]] = {t.name: t for t in (Cloudlet, Moto, Null)}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_client(endpoint: str) -> Any:
    config = Config(
        retries={"total_max_attempts": 1},  # no hidden retries: an error fails the cell
        connect_timeout=5,
        read_timeout=LONG_POLL_SECONDS + 10,
        max_pool_connections=2,
    )
    return boto3.session.Session().client(
        "sqs",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=config,
    )


# --------------------------------------------------------------------------- running threads


@dataclass
class Gate:
    """Releases all workers of a cell at once and starts the cell's clock and budget."""

    parties: int
    budget: float
    start: float = 0.0
    deadline: float = 0.0
    barrier: threading.Barrier = field(init=False)

    def __post_init__(self) -> None:
        self.barrier = threading.Barrier(self.parties, action=self._release, timeout=WAIT_TIMEOUT)

    def _release(self) -> None:
        self.start = time.perf_counter()
        self.deadline = self.start + self.budget

    def wait(self) -> float:
        """Block until every worker is ready; returns the cell's deadline."""
        self.barrier.wait()
        return self.deadline

    def over(self) -> bool:
        return time.perf_counter() >= self.deadline


def run_workers(workers: list[Callable[[Gate], T]], budget: float) -> tuple[list[T], float]:
    """Run each worker in its own thread; returns their results and the seconds from the
    gate's release to the end of the last worker. A worker's exception fails the cell."""
    gate = Gate(len(workers), budget)
    results: list[Any] = [None] * len(workers)
    ends = [0.0] * len(workers)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = workers[i](gate)
            ends[i] = time.perf_counter()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            gate.barrier.abort()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    join_by = time.perf_counter() + budget + 2 * WAIT_TIMEOUT + LONG_POLL_SECONDS
    for thread in threads:
        thread.join(timeout=max(0.0, join_by - time.perf_counter()))
    real = [e for e in errors if not isinstance(e, threading.BrokenBarrierError)]
    if real or errors:
        raise (real or errors)[0]
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("a worker did not finish in time")
    return results, max(ends) - gate.start


def shares(total: int, parts: int) -> list[int]:
    """Split total into parts as evenly as possible."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


@contextlib.contextmanager
def fresh_queue(client: Any, label: str) -> Iterator[str]:
    """A new queue for one cell, deleted afterwards (best effort, untimed)."""
    url = client.create_queue(QueueName=f"bench-{label}-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    try:
        yield url
    finally:
        with contextlib.suppress(Exception):
            client.delete_queue(QueueUrl=url)


def rate(messages: int, seconds: float, **extra: Any) -> Stats:
    return {
        "messages": messages,
        "seconds": round(seconds, 4),
        "rate": messages / seconds if seconds > 0 else 0.0,
        **extra,
    }


class Failures:
    """The failed calls of one cell (shared by its threads).

    A few are tolerated -- moto answers an occasional 500 under concurrency -- and reported
    with the cell; more than MAX_FAILED_CALLS fail the cell. The same rule for every server.
    """

    def __init__(self) -> None:
        self.count = 0
        self.first = ""
        self._lock = threading.Lock()

    def call(self, method: Callable[..., dict[str, Any]], **params: Any) -> dict[str, Any] | None:
        """The response, or None when the call failed (and the cell may go on)."""
        try:
            response = method(**params)
        except Exception as exc:
            self._record(describe(exc))
            return None
        if response.get("Failed"):
            self._record(f"{len(response['Failed'])} failed entries, e.g. {response['Failed'][0]}")
        return response

    def _record(self, what: str) -> None:
        with self._lock:
            self.count += 1
            self.first = self.first or what
            if self.count > MAX_FAILED_CALLS:
                raise RuntimeError(f"{self.count} failed calls, the first: {self.first}")

    def stats(self) -> Stats:
        return {"failed_calls": self.count, "first_failure": self.first} if self.count else {}


# --------------------------------------------------------------------------- workloads


def bench_send(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """SendMessage, one message per call."""
    failures = Failures()
    with fresh_queue(clients[0], f"send{threads}") as url:

        def worker(client: Any, calls: int) -> Callable[[Gate], int]:
            def run(gate: Gate) -> int:
                client.get_queue_url(QueueName=url.rsplit("/", 1)[1])  # warm the connection
                gate.wait()
                sent = 0
                for _ in range(calls):
                    if gate.over():
                        break
                    if failures.call(client.send_message, QueueUrl=url, MessageBody=BODY) is not None:
                        sent += 1
                return sent

            return run

        workers = [worker(clients[i], n) for i, n in enumerate(shares(plan.send_calls, threads))]
        counts, seconds = run_workers(workers, plan.budget_seconds)
    return rate(sum(counts), seconds, **failures.stats())


def bench_batch(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """SendMessageBatch, 10 messages per call."""
    entries = [{"Id": str(i), "MessageBody": BODY} for i in range(10)]
    failures = Failures()
    with fresh_queue(clients[0], f"batch{threads}") as url:

        def worker(client: Any, calls: int) -> Callable[[Gate], int]:
            def run(gate: Gate) -> int:
                client.get_queue_url(QueueName=url.rsplit("/", 1)[1])
                gate.wait()
                sent = 0
                for _ in range(calls):
                    if gate.over():
                        break
                    response = failures.call(client.send_message_batch, QueueUrl=url, Entries=entries)
                    sent += len((response or {}).get("Successful", []))
                return sent

            return run

        workers = [worker(clients[i], n) for i, n in enumerate(shares(plan.batch_calls, threads))]
        counts, seconds = run_workers(workers, plan.budget_seconds)
    return rate(sum(counts), seconds, **failures.stats())


def prefill(client: Any, url: str, messages: int, budget: float) -> int:
    """Untimed: put up to `messages` messages in the queue, 10 per call, within `budget` s."""
    deadline = time.perf_counter() + budget
    filled = 0
    for first in range(0, messages, 10):
        if time.perf_counter() >= deadline:
            break
        count = min(10, messages - first)
        entries = [{"Id": str(i), "MessageBody": BODY} for i in range(count)]
        response = client.send_message_batch(QueueUrl=url, Entries=entries)
        filled += len(response.get("Successful", []))
    return filled


def bench_drain(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """ReceiveMessage(10, no wait) + DeleteMessageBatch until the pre-filled queue is empty."""
    failures = Failures()
    with fresh_queue(clients[0], f"drain{threads}") as url:
        if target.canned:
            filled = plan.drain_messages  # nothing to fill: every receive answers 10 messages
            rounds = shares(math.ceil(plan.drain_messages / 10), threads)
        else:
            wanted = min(plan.drain_messages, target.prefill_cap or plan.drain_messages)
            filled = prefill(clients[0], url, wanted, plan.prefill_seconds)
            rounds = [filled + 1] * threads  # a bound only: each thread stops at an empty receive

        def worker(client: Any, max_rounds: int) -> Callable[[Gate], int]:
            def run(gate: Gate) -> int:
                client.get_queue_url(QueueName=url.rsplit("/", 1)[1])
                gate.wait()
                deleted = 0
                for _ in range(max_rounds):
                    if gate.over():
                        break
                    received = failures.call(
                        client.receive_message,
                        QueueUrl=url,
                        MaxNumberOfMessages=10,
                        WaitTimeSeconds=0,
                        VisibilityTimeout=300,
                    )
                    if received is None:
                        continue
                    messages = received.get("Messages", [])
                    if not messages:
                        break
                    entries = [
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
                    ]
                    response = failures.call(client.delete_message_batch, QueueUrl=url, Entries=entries)
                    deleted += len((response or {}).get("Successful", []))
                return deleted

            return run

        workers = [worker(clients[i], n) for i, n in enumerate(rounds)]
        counts, seconds = run_workers(workers, plan.budget_seconds)
    drained = sum(counts)
    return rate(drained, seconds, prefilled=filled, complete=drained >= filled, **failures.stats())


@dataclass
class Pair:
    """The hand-shake between one sender and one receiver thread."""

    polling: threading.Event = field(default_factory=threading.Event)
    receipts: queue.Queue[tuple[str, float]] = field(default_factory=queue.Queue)


def bench_latency(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """Send-to-receive latency with `threads` sender/receiver pairs, each on its own queue."""
    gap = plan.latency_gap_ms / 1000
    failures = Failures()
    with contextlib.ExitStack() as stack:
        urls = [stack.enter_context(fresh_queue(clients[0], f"latency{threads}-{i}")) for i in range(threads)]
        pairs = [Pair() for _ in range(threads)]

        def sender(client: Any, url: str, pair: Pair) -> Callable[[Gate], list[float]]:
            def run(gate: Gate) -> list[float]:
                client.get_queue_url(QueueName=url.rsplit("/", 1)[1])
                gate.wait()
                latencies: list[float] = []
                try:
                    for i in range(plan.latency_samples):
                        if gate.over():
                            break
                        if not pair.polling.wait(timeout=WAIT_TIMEOUT):
                            raise RuntimeError("the receiver stopped polling")
                        pair.polling.clear()
                        time.sleep(gap)  # let the long poll reach the server and park
                        body = f"latency {i}"
                        sent_at = time.perf_counter()
                        if failures.call(client.send_message, QueueUrl=url, MessageBody=body) is None:
                            pair.polling.set()  # nothing was sent; the receiver is still polling
                            continue
                        received, received_at = pair.receipts.get(timeout=WAIT_TIMEOUT)
                        if received != body:
                            raise RuntimeError(f"expected {body!r}, received {received!r}")
                        latencies.append(received_at - sent_at)
                finally:
                    with contextlib.suppress(Exception):
                        client.send_message(QueueUrl=url, MessageBody=STOP_BODY)
                return latencies

            return run

        def receiver(client: Any, url: str, pair: Pair) -> Callable[[Gate], list[float]]:
            def run(gate: Gate) -> list[float]:
                client.get_queue_url(QueueName=url.rsplit("/", 1)[1])
                gate.wait()
                try:
                    # Bounded: one poll per sample, a few spare for empty polls, then the stop.
                    for _ in range(plan.latency_samples + 10):
                        pair.polling.set()
                        response = failures.call(
                            client.receive_message,
                            QueueUrl=url,
                            MaxNumberOfMessages=1,
                            WaitTimeSeconds=LONG_POLL_SECONDS,
                        )
                        received_at = time.perf_counter()
                        for message in (response or {}).get("Messages", []):
                            if message["Body"] == STOP_BODY:
                                return []
                            pair.receipts.put((message["Body"], received_at))
                except BaseException as exc:
                    # Do not leave the sender waiting for a receipt.
                    pair.receipts.put((f"(receiver failed: {describe(exc)})", 0.0))
                    raise
                return []

            return run

        senders = [sender(clients[i], urls[i], pairs[i]) for i in range(threads)]
        receivers = [receiver(clients[threads + i], urls[i], pairs[i]) for i in range(threads)]
        results, seconds = run_workers(senders + receivers, plan.budget_seconds)
    samples = sorted(x for per_sender in results[:threads] for x in per_sender)
    if len(samples) < 2:
        raise RuntimeError(f"only {len(samples)} latency samples")
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "samples": len(samples),
        "seconds": round(seconds, 4),
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
        "mean_ms": statistics.fmean(samples) * 1000,
        "max_ms": samples[-1] * 1000,
        **failures.stats(),
    }


@dataclass(frozen=True)
class Workload:
    key: str
    title: str
    run: Callable[[Target, list[Any], int, Plan], Stats]
    clients_per_thread: int = 1


WORKLOADS = [
    Workload("send", "SendMessage, 1 message per call (messages/s, higher is better)", bench_send),
    Workload("batch", "SendMessageBatch, 10 messages per call (messages/s, higher is better)", bench_batch),
    Workload(
        "drain", "drain: ReceiveMessage(10) + DeleteMessageBatch (messages/s, higher is better)", bench_drain
    ),
    Workload(
        "latency",
        "send-to-receive latency, long poll; threads = sender/receiver pairs"
        " (ms, lower is better; ratios are moto/cloudlet, null/cloudlet)",
        bench_latency,
        clients_per_thread=2,
    ),
]


# --------------------------------------------------------------------------- one target


def measure(target: Target, plan: Plan, results: dict[str, Any], log: Callable[[str], None]) -> None:
    """Start the target, run every cell (an error fails only its cell), stop the target."""

    def record(workload: str, threads: int, stats: Stats) -> None:
        results.setdefault(workload, {}).setdefault(str(threads), {})[target.name] = stats

    log(f"[{target.name}] starting")
    try:
        target.start()
    except Exception as exc:
        for workload in WORKLOADS:
            for threads in plan.thread_counts:
                record(workload.key, threads, {"error": f"server did not start: {exc}"})
        log(f"[{target.name}] error: server did not start: {exc}")
        return
    try:
        most = max(plan.thread_counts) * max(w.clients_per_thread for w in WORKLOADS)
        clients = [make_client(target.endpoint) for _ in range(most)]
        for workload in WORKLOADS:
            for threads in plan.thread_counts:
                try:
                    stats = workload.run(target, clients, threads, plan)
                except Exception as exc:
                    stats = {"error": describe(exc)}
                record(workload.key, threads, stats)
                log(f"[{target.name}] {workload.key:7} threads={threads}: {summary(stats)}")
    finally:
        target.stop()


def describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def summary(stats: Stats) -> str:
    if "error" in stats:
        return f"error: {stats['error']}"
    if "rate" in stats:
        return f"{stats['rate']:.0f} msg/s ({stats['messages']} in {stats['seconds']:.2f}s)"
    return f"p50 {stats['p50_ms']:.2f} ms, p99 {stats['p99_ms']:.2f} ms ({stats['samples']} samples)"


# --------------------------------------------------------------------------- report


def ratio(workload: str, stat: str, cloudlet: Stats | None, other: Stats | None) -> float | None:
    """How many times better cloudlet is (latency: other/cloudlet, throughput: cloudlet/other)."""
    if not cloudlet or not other or "error" in cloudlet or "error" in other:
        return None
    mine, theirs = cloudlet[stat], other[stat]
    if workload == "latency":
        return theirs / mine if mine > 0 else None
    return mine / theirs if theirs > 0 else None


def compute_ratios(results: dict[str, Any]) -> dict[str, Any]:
    ratios: dict[str, Any] = {}
    for workload, by_threads in results.items():
        stats_names = ("p50_ms", "p99_ms") if workload == "latency" else ("rate",)
        for threads, cells in by_threads.items():
            for stat in stats_names:
                vs_moto = ratio(workload, stat, cells.get("cloudlet"), cells.get("moto"))
                vs_null = ratio(workload, stat, cells.get("cloudlet"), cells.get("null"))
                ratios.setdefault(workload, {}).setdefault(threads, {})[stat] = {
                    "cloudlet_vs_moto": vs_moto,
                    "cloudlet_vs_null": vs_null,
                    "meets_moto_target": None if vs_moto is None else vs_moto >= TARGET_VS_MOTO,
                    "meets_null_target": None if vs_null is None else vs_null >= TARGET_VS_NULL,
                }
    return ratios


def render(results: dict[str, Any], ratios: dict[str, Any], names: list[str]) -> str:
    lines = [
        f"Targets: cloudlet >= {TARGET_VS_MOTO:.0f}x moto and >= {TARGET_VS_NULL:.0%} of null on every workload "
        "(ok = met, MISS = not met, - = not measured)."
    ]
    errors: dict[tuple[str, str], list[str]] = {}  # (server, error) -> cells
    for workload in WORKLOADS:
        by_threads = results.get(workload.key, {})
        latency = workload.key == "latency"
        lines += ["", f"== {workload.title} =="]
        head = f"{'threads':>7}" + (f"  {'stat':>4}" if latency else "")
        head += "".join(f"  {n:>10}" for n in names) + f"  {'vs moto':>12}  {'vs null':>12}"
        lines.append(head)
        for threads in map(str, sorted(map(int, by_threads))):
            cells = by_threads[threads]
            for stat in ("p50_ms", "p99_ms") if latency else ("rate",):
                row = f"{threads:>7}" + (f"  {stat[:3]:>4}" if latency else "")
                for name in names:
                    cell = cells.get(name, {})
                    if "error" in cell:
                        row += f"  {'error':>10}"
                        cells_with_error = errors.setdefault((name, cell["error"]), [])
                        if f"{workload.key}/{threads}" not in cells_with_error:
                            cells_with_error.append(f"{workload.key}/{threads}")
                    elif stat in cell:
                        row += f"  {cell[stat]:>10.2f}" if latency else f"  {cell[stat]:>10.0f}"
                    else:
                        row += f"  {'-':>10}"
                r = ratios.get(workload.key, {}).get(threads, {}).get(stat, {})
                row += f"  {mark(r.get('cloudlet_vs_moto'), TARGET_VS_MOTO, 'x'):>12}"
                row += f"  {mark(r.get('cloudlet_vs_null'), TARGET_VS_NULL, '%'):>12}"
                lines.append(row)
        for t, c in by_threads.items():
            for name in names:
                cell = c.get(name, {})
                if cell.get("complete") is False:
                    lines.append(
                        f"  note: [{name}] {t} threads: drained {cell['messages']} of {cell['prefilled']}"
                        " within the budget"
                    )
                if cell.get("failed_calls"):
                    lines.append(
                        f"  note: [{name}] {t} threads: {cell['failed_calls']} failed call(s) not counted,"
                        f" the first: {cell['first_failure']}"
                    )
    if errors:
        lines += ["", "Errors (workload/threads):"]
        lines += [f"  [{name}] {', '.join(cells)}: {error}" for (name, error), cells in errors.items()]
    checks = [
        v
        for by_threads in ratios.values()
        for by_stat in by_threads.values()
        for r in by_stat.values()
        for v in (r["meets_moto_target"], r["meets_null_target"])
    ]
    lines += [
        "",
        f"Targets met: {sum(1 for v in checks if v)} of {len(checks)} checks"
        + (f" ({sum(1 for v in checks if v is None)} not measured)" if None in checks else ""),
    ]
    return "\n".join(lines)


def mark(value: float | None, target: float, unit: str) -> str:
    if value is None:
        return "-"
    text = f"{value:.2f}x" if unit == "x" else f"{value:.1%}"
    return f"{text} {'ok' if value >= target else 'MISS'}"


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="SQS benchmark: cloudlet vs moto vs a do-nothing server.")
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds per server")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write every number to PATH as JSON")
    parser.add_argument(
        "--targets", default="cloudlet,moto,null", help="comma-separated subset of cloudlet,moto,null"
    )
    parser.add_argument("--budget", type=float, help="seconds per cell (default: 6, or 0.5 with --quick)")
    parser.add_argument("--threads", help="comma-separated client thread counts (default: 1,8)")
    parser.add_argument("--latency-gap-ms", type=float, help="pause before each latency send (default: 2)")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.targets.split(",") if n.strip()]
    unknown = [n for n in names if n not in TARGETS]
    if unknown or not names:
        parser.error(f"unknown targets {unknown}; choose from {', '.join(TARGETS)}")
    args.names = names
    return args


def build_plan(args: argparse.Namespace) -> Plan:
    plan = QUICK if args.quick else FULL
    changes: dict[str, Any] = {}
    if args.budget is not None:
        changes["budget_seconds"] = args.budget
    if args.threads:
        changes["thread_counts"] = tuple(int(t) for t in args.threads.split(","))
    if args.latency_gap_ms is not None:
        changes["latency_gap_ms"] = args.latency_gap_ms
    return Plan(**{**asdict(plan), **changes})


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = build_plan(args)
    # Loopback only: never send the benchmark's requests through a proxy from the environment.
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    signal.signal(signal.SIGTERM, _interrupt)  # so that the clean-up below runs

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    t0 = time.perf_counter()
    results: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="cloudlet-bench-") as workdir:
            for name in args.names:
                target = TARGETS[name](Path(workdir))
                try:
                    measure(target, plan, results, log)
                finally:
                    target.stop()
    except KeyboardInterrupt:
        log("interrupted: servers stopped, temporary files removed")
        return 130
    ratios = compute_ratios(results)
    print(render(results, ratios, args.names))
    if args.json:
        dump = {
            "meta": {
                "started": started,
                "seconds": round(time.perf_counter() - t0, 1),
                "quick": args.quick,
                "plan": asdict(plan),
                "python": platform.python_version(),
                "boto3": boto3.__version__,
                "botocore": botocore.__version__,
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "targets": {"vs_moto": TARGET_VS_MOTO, "vs_null": TARGET_VS_NULL},
            },
            "results": results,
            "ratios": ratios,
        }
        args.json.write_text(json.dumps(dump, indent=2) + "\n")
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
