"""Lambda benchmark: cold start, warm invoke overhead, SQS -> Lambda throughput and latency,
all through a no-op Python handler.

What it measures (one cloudlet server, plus a do-nothing Lambda server for the baseline):

- cold start: CreateFunction then the first Invoke of a new function, client-observed, and the
  REPORT line's Init Duration (spawn + interpreter + handler import, measured by cloudlet);
- warm invoke, client-observed: boto3 Invoke latency against cloudlet minus the same call's
  latency against bench/null_lambda.py (HTTP + boto3 round trip only) = cloudlet's overhead;
- warm invoke, server-side: the invoker's own time for one invocation (Runtime in this
  process, no HTTP): pipe round trip to the warm worker, the no-op handler, bookkeeping;
- SQS -> Lambda: an event source mapping (BatchSize 10) drains a pre-filled queue
  (messages/s until the queue is empty), and with BatchSize 1 the time from SendMessage to
  the message being deleted after its invocation (latency, polled with GetQueueAttributes).

Targets (printed with the figures): warm invoke overhead under 2 ms, cold start under 300 ms.

Run: ``python bench/lambda.py [--quick] [--json PATH]``. Servers and temporary directories are
cleaned up on exit. The machinery (servers, clients) is bench/harness.py.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import re
import statistics
import sys
import tempfile
import time
import uuid
import zipfile
from base64 import b64decode
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness

ROLE = "arn:aws:iam::000000000000:role/bench"
NOOP = "def handler(event, context):\n    return None\n"
WARM_TARGET_MS = 2.0
COLD_TARGET_MS = 300.0


@dataclass(frozen=True)
class Plan:
    cold_functions: int
    warm_invokes: int
    inprocess_invokes: int
    sqs_messages: int
    latency_samples: int


FULL = Plan(
    cold_functions=10, warm_invokes=1000, inprocess_invokes=5000, sqs_messages=3000, latency_samples=100
)
QUICK = Plan(cold_functions=3, warm_invokes=100, inprocess_invokes=500, sqs_messages=200, latency_samples=10)


class NullLambda(harness.Null):
    script = "null_lambda.py"


def zipped(code: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", code)
    return buffer.getvalue()


def create_function(client: Any, name: str, timeout: int = 3) -> None:
    client.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": zipped(NOOP)},
        Timeout=timeout,
    )


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99
    return {
        "samples": len(ordered),
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
        "mean_ms": statistics.fmean(ordered) * 1000,
    }


def timed(call: Callable[[], Any], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


# --------------------------------------------------------------------------- workloads


def bench_cold(client: Any, plan: Plan) -> dict[str, Any]:
    creates, invokes, inits = [], [], []
    for i in range(plan.cold_functions):
        name = f"cold-{i}-{uuid.uuid4().hex[:6]}"
        started = time.perf_counter()
        create_function(client, name)
        created = time.perf_counter()
        response = client.invoke(FunctionName=name, Payload=b"{}", LogType="Tail")
        done = time.perf_counter()
        if response.get("FunctionError"):
            raise RuntimeError(f"cold invoke failed: {response['Payload'].read()!r}")
        creates.append(created - started)
        invokes.append(done - created)
        init = re.search(r"Init Duration: ([\d.]+) ms", b64decode(response["LogResult"]).decode())
        if init:
            inits.append(float(init.group(1)) / 1000)
    return {
        "create": percentiles(creates),
        "first_invoke": percentiles(invokes),
        "create_plus_first_invoke": percentiles([a + b for a, b in zip(creates, invokes, strict=True)]),
        "init_duration": percentiles(inits) if inits else {},
    }


def bench_warm(client: Any, null_client: Any, plan: Plan) -> dict[str, Any]:
    create_function(client, "warm")
    for _ in range(20):  # spawn the worker, warm the connection
        client.invoke(FunctionName="warm", Payload=b"{}")
        null_client.invoke(FunctionName="warm", Payload=b"{}")
    # Interleaved, so that both see the same load from whatever else runs on the machine.
    cloudlet: list[float] = []
    null: list[float] = []
    for _ in range(plan.warm_invokes):
        cloudlet += timed(lambda: client.invoke(FunctionName="warm", Payload=b"{}")["Payload"].read(), 1)
        null += timed(lambda: null_client.invoke(FunctionName="warm", Payload=b"{}")["Payload"].read(), 1)
    durations = []
    for _ in range(min(100, plan.warm_invokes)):
        tail = b64decode(
            client.invoke(FunctionName="warm", Payload=b"{}", LogType="Tail")["LogResult"]
        ).decode()
        match = re.search(r"\tDuration: ([\d.]+) ms", tail)
        if match:
            durations.append(float(match.group(1)) / 1000)
    mine, theirs = percentiles(cloudlet), percentiles(null)
    return {
        "cloudlet": mine,
        "null": theirs,
        "overhead_p50_ms": mine["p50_ms"] - theirs["p50_ms"],
        "report_duration": percentiles(durations),
    }


def bench_inprocess(plan: Plan) -> dict[str, Any]:
    """The invoker alone: a Runtime in this process, a no-op handler on a warm worker."""
    sys.path.insert(0, str(harness.REPO / "src"))
    from cloudlet.runtime.runtime import Runtime
    from cloudlet.services.awslambda.invoking import FunctionSpec
    from cloudlet.settings import Settings

    async def run(root: Path) -> dict[str, Any]:
        runtime = Runtime(Settings(data_dir=root / "data", port=1, log_requests=False))
        await runtime.start()
        try:
            code = root / "code"
            code.mkdir()
            (code / "app.py").write_text(NOOP)
            spec = FunctionSpec(
                account="000000000000",
                region="us-east-1",
                name="inproc",
                function_arn="arn:aws:lambda:us-east-1:000000000000:function:inproc",
                version="$LATEST",
                revision="1",
                runtime="python3.12",
                handler="app.handler",
                code_dir=code,
            )
            samples = []
            for i in range(plan.inprocess_invokes + 20):
                started = time.perf_counter()
                await runtime.invoker.invoke(
                    spec, b"{}", request_id=str(uuid.uuid4()), invoked_arn=spec.function_arn
                )
                if i >= 20:
                    samples.append(time.perf_counter() - started)
                if i % 200 == 0:
                    await runtime.settle(10)  # let the log writes run, as they would between requests
            return percentiles(samples)
        finally:
            await runtime.stop()

    with tempfile.TemporaryDirectory(prefix="cloudlet-bench-lambda-") as root:
        return asyncio.run(run(Path(root)))


def _in_queue(sqs: Any, url: str) -> tuple[int, int]:
    """(visible, in flight) messages."""
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def _wait_empty(sqs: Any, url: str, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while (left := _in_queue(sqs, url)) != (0, 0):
        if time.perf_counter() > deadline:
            raise RuntimeError(
                f"the mapping did not drain the queue in {timeout:g}s: (visible, in flight) = {left}"
            )


def bench_sqs(client: Any, sqs: Any, plan: Plan) -> dict[str, Any]:
    create_function(client, "consumer", timeout=30)
    url = sqs.create_queue(QueueName="lambda-bench", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    mapping = client.create_event_source_mapping(
        FunctionName="consumer", EventSourceArn=arn, BatchSize=10, Enabled=False
    )["UUID"]
    for first in range(0, plan.sqs_messages, 10):
        entries = [
            {"Id": str(i), "MessageBody": f"m{first + i}"} for i in range(min(10, plan.sqs_messages - first))
        ]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    started = time.perf_counter()
    client.update_event_source_mapping(UUID=mapping, Enabled=True)
    _wait_empty(sqs, url, timeout=120)
    seconds = time.perf_counter() - started
    client.update_event_source_mapping(UUID=mapping, BatchSize=1)
    latencies = []
    for i in range(plan.latency_samples):
        sent = time.perf_counter()
        sqs.send_message(QueueUrl=url, MessageBody=f"latency {i}")
        _wait_empty(sqs, url)
        latencies.append(time.perf_counter() - sent)
    return {
        "throughput": harness.rate(plan.sqs_messages, seconds, "messages"),
        "latency": percentiles(latencies),
    }


# --------------------------------------------------------------------------- main


def run(plan: Plan, log: Callable[[str], None]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="cloudlet-bench-") as workdir:
        cloudlet, null = harness.Cloudlet(Path(workdir)), NullLambda(Path(workdir))
        try:
            cloudlet.start()
            null.start()
            client = harness.make_client("lambda", cloudlet.endpoint)
            null_client = harness.make_client("lambda", null.endpoint)
            sqs = harness.make_client("sqs", cloudlet.endpoint)
            for key, work in (
                ("cold", lambda: bench_cold(client, plan)),
                ("warm", lambda: bench_warm(client, null_client, plan)),
                ("sqs", lambda: bench_sqs(client, sqs, plan)),
            ):
                log(f"[cloudlet] {key} ...")
                try:
                    results[key] = work()
                except Exception as exc:
                    results[key] = {"error": harness.describe(exc)}
        finally:
            cloudlet.stop()
            null.stop()
    log("[in-process] invoker ...")
    try:
        results["inprocess"] = bench_inprocess(plan)
    except Exception as exc:
        results["inprocess"] = {"error": harness.describe(exc)}
    return results


def render(results: dict[str, Any]) -> str:
    def ms(stats: dict[str, Any]) -> str:
        if not stats or "p50_ms" not in stats:
            return "-"
        return f"p50 {stats['p50_ms']:.2f} ms, p99 {stats['p99_ms']:.2f} ms (n={stats['samples']})"

    def verdict(value: float, target: float) -> str:
        return "ok" if value < target else "MISS"

    lines = [
        f"Targets: warm invoke overhead < {WARM_TARGET_MS:g} ms, cold start < {COLD_TARGET_MS:g} ms.",
        "",
    ]
    cold = results.get("cold", {})
    if "error" in cold:
        lines.append(f"cold start: error: {cold['error']}")
    elif cold:
        first = cold["first_invoke"]["p50_ms"]
        lines += [
            "== cold start (new function) ==",
            f"  CreateFunction              {ms(cold['create'])}",
            f"  first Invoke (client)       {ms(cold['first_invoke'])}  {verdict(first, COLD_TARGET_MS)}",
            f"  create + first Invoke       {ms(cold['create_plus_first_invoke'])}",
            f"  Init Duration (REPORT)      {ms(cold['init_duration'])}",
        ]
    warm = results.get("warm", {})
    if "error" in warm:
        lines.append(f"warm invoke: error: {warm['error']}")
    elif warm:
        overhead = warm["overhead_p50_ms"]
        lines += [
            "",
            "== warm invoke, no-op handler ==",
            f"  boto3 Invoke, cloudlet      {ms(warm['cloudlet'])}",
            f"  boto3 Invoke, null server   {ms(warm['null'])}",
            f"  overhead (p50 difference)   {overhead:.2f} ms  {verdict(overhead, WARM_TARGET_MS)}",
            f"  REPORT Duration             {ms(warm['report_duration'])}",
        ]
    inproc = results.get("inprocess", {})
    if "error" in inproc:
        lines.append(f"in-process invoker: error: {inproc['error']}")
    elif inproc:
        lines.append(
            f"  invoker.invoke() in-process {ms(inproc)}  {verdict(inproc['p50_ms'], WARM_TARGET_MS)}"
        )
    sqs = results.get("sqs", {})
    if "error" in sqs:
        lines.append(f"SQS -> Lambda: error: {sqs['error']}")
    elif sqs:
        throughput = sqs["throughput"]
        lines += [
            "",
            "== SQS -> Lambda (event source mapping, no-op handler) ==",
            f"  drain, BatchSize 10         {throughput['rate']:.0f} msg/s ({throughput['messages']} in {throughput['seconds']:.2f}s)",
            f"  send -> deleted, BatchSize 1 {ms(sqs['latency'])}",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Lambda benchmark: cold start, warm overhead, SQS -> Lambda."
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write every number to PATH as JSON")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results = run(QUICK if args.quick else FULL, log)
    print(render(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
