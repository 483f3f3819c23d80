"""SQS throughput and latency through boto3: cloudlet vs moto's server vs a do-nothing server.

Run: ``.venv/bin/python bench/sqs.py [--quick] [--json PATH] [--targets cloudlet,moto,null]``
(``make bench`` runs it with the defaults; about three minutes on a 2-core machine).

The benchmark starts each server itself, one after the other, as a subprocess on a free
loopback port, and measures it with boto3 clients in this process:

- cloudlet: ``python -m cloudlet up --port P --data-dir <tmp>`` with CLOUDLET_LOG_REQUESTS=0,
  ready when ``GET /_cloudlet/health`` answers 200;
- moto: ``python -m moto.server -p P``, ready when it answers HTTP;
- null: bench/null_sqs.py, canned answers on the same HTTP stack as cloudlet (uvicorn,
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
  long poll on the same queue URL (see bench/null_sqs.py), so the client flow is the same.

Each cell runs a fixed number of requests or until its time budget ends, whichever comes
first; the rate is over what the server managed. moto is slow, so it hits the budget and its
drain pre-fill is capped. Clients and servers share the machine: on 2 cores the boto3 client
(one process, one GIL) is usually the bottleneck, which is what the null column shows.

Targets (printed with the tables): cloudlet >= 10x moto and >= 80% of null on every
workload. For latency, the ratios are moto/cloudlet and null/cloudlet, so that higher is
better everywhere.

All servers and temporary directories are cleaned up on exit, Ctrl-C and SIGTERM included.
The machinery (servers, threads, tables, flags) is bench/harness.py, shared with
bench/dynamodb.py and bench/s3.py.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import queue
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import harness
from harness import Failures, Gate, Stat, Stats, Target, Workload, describe, rate, run_workers, shares

BODY = "cloudlet bench message " + "x" * 105  # 128 bytes
STOP_BODY = "__bench_stop__"
LONG_POLL_SECONDS = 20
WAIT_TIMEOUT = harness.WAIT_TIMEOUT  # the longest any worker waits for another thread or the server
PREFILL_CAP = {"moto": 400}  # moto drains a few dozen messages/s and slows down as the queue grows


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


# --------------------------------------------------------------------------- SQS specifics


class NullSqs(harness.Null):
    script = "null_sqs.py"


def make_client(endpoint: str) -> Any:
    return harness.make_client("sqs", endpoint, read_timeout=LONG_POLL_SECONDS + 10)


def failed_entries(response: dict[str, Any]) -> str | None:
    """A batch call's partial failure, for Failures."""
    failed = response.get("Failed")
    return f"{len(failed)} failed entries, e.g. {failed[0]}" if failed else None


def sqs_failures() -> Failures:
    return Failures(partial=failed_entries)


@contextlib.contextmanager
def fresh_queue(client: Any, label: str) -> Iterator[str]:
    """A new queue for one cell, deleted afterwards (best effort, untimed)."""
    url = client.create_queue(QueueName=f"bench-{label}-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    try:
        yield url
    finally:
        with contextlib.suppress(Exception):
            client.delete_queue(QueueUrl=url)


# --------------------------------------------------------------------------- workloads


def bench_send(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """SendMessage, one message per call."""
    failures = sqs_failures()
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
        counts, seconds = run_workers(workers, plan.budget_seconds, grace=LONG_POLL_SECONDS)
    return rate(sum(counts), seconds, "messages", **failures.stats())


def bench_batch(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """SendMessageBatch, 10 messages per call."""
    entries = [{"Id": str(i), "MessageBody": BODY} for i in range(10)]
    failures = sqs_failures()
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
        counts, seconds = run_workers(workers, plan.budget_seconds, grace=LONG_POLL_SECONDS)
    return rate(sum(counts), seconds, "messages", **failures.stats())


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
    failures = sqs_failures()
    with fresh_queue(clients[0], f"drain{threads}") as url:
        if target.canned:
            filled = plan.drain_messages  # nothing to fill: every receive answers 10 messages
            rounds = shares(math.ceil(plan.drain_messages / 10), threads)
        else:
            wanted = min(plan.drain_messages, PREFILL_CAP.get(target.name, plan.drain_messages))
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
        counts, seconds = run_workers(workers, plan.budget_seconds, grace=LONG_POLL_SECONDS)
    drained = sum(counts)
    return rate(
        drained, seconds, "messages", prefilled=filled, complete=drained >= filled, **failures.stats()
    )


@dataclass
class Pair:
    """The hand-shake between one sender and one receiver thread."""

    polling: threading.Event = field(default_factory=threading.Event)
    receipts: queue.Queue[tuple[str, float]] = field(default_factory=queue.Queue)


def bench_latency(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """Send-to-receive latency with `threads` sender/receiver pairs, each on its own queue."""
    gap = plan.latency_gap_ms / 1000
    failures = sqs_failures()
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
        results, seconds = run_workers(senders + receivers, plan.budget_seconds, grace=LONG_POLL_SECONDS)
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


def drain_notes(name: str, cell: Stats) -> list[str]:
    if cell.get("complete") is False:
        return [f"drained {cell['messages']} of {cell['prefilled']} within the budget"]
    return []


def latency_summary(stats: Stats) -> str:
    return f"p50 {stats['p50_ms']:.2f} ms, p99 {stats['p99_ms']:.2f} ms ({stats['samples']} samples)"


MESSAGES = harness.rate_summary("msg/s", "messages")
LATENCY_STATS = (
    Stat("p50_ms", "p50", ".2f", lower_is_better=True),
    Stat("p99_ms", "p99", ".2f", lower_is_better=True),
)
WORKLOADS = [
    Workload(
        "send", "SendMessage, 1 message per call (messages/s, higher is better)", bench_send, summary=MESSAGES
    ),
    Workload(
        "batch",
        "SendMessageBatch, 10 messages per call (messages/s, higher is better)",
        bench_batch,
        summary=MESSAGES,
    ),
    Workload(
        "drain",
        "drain: ReceiveMessage(10) + DeleteMessageBatch (messages/s, higher is better)",
        bench_drain,
        summary=MESSAGES,
        notes=drain_notes,
    ),
    Workload(
        "latency",
        "send-to-receive latency, long poll; threads = sender/receiver pairs"
        " (ms, lower is better; ratios are moto/cloudlet, null/cloudlet)",
        bench_latency,
        stats=LATENCY_STATS,
        summary=latency_summary,
        clients_per_thread=2,
    ),
]


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--latency-gap-ms", type=float, help="pause before each latency send (default: 2)")


def plan_changes(args: argparse.Namespace) -> dict[str, Any]:
    return {} if args.latency_gap_ms is None else {"latency_gap_ms": args.latency_gap_ms}


BENCHMARK = harness.Benchmark(
    service="SQS",
    workloads=WORKLOADS,
    null=NullSqs,
    client=make_client,
    full=FULL,
    quick=QUICK,
    vs_moto=10.0,
    vs_null=0.8,
    add_args=add_args,
    plan_changes=plan_changes,
)


def main(argv: list[str] | None = None) -> int:
    return harness.main(BENCHMARK, argv)


if __name__ == "__main__":
    sys.exit(main())
