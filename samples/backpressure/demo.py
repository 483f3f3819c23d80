"""Run the backpressure sample against a running cloudlet server, start to finish:

    python samples/backpressure/demo.py [--endpoint http://127.0.0.1:4566]

Starts the stand-in downstream service, deploys the committed cloud assembly (no node
needed), queues 12 jobs and moves the virtual clock through three 2-minute runs (5, 5 and
2 jobs submitted, MaxJobsPerRun 5), then pushes 6 jobs through the variant's event source
mapping and checks the most requests the service saw at once (MaximumConcurrency 2).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from cloudlet.cli.demo_support import Progress, Report, Session, drive, script

HERE = Path(__file__).resolve().parent
SYSTEM = "backpressure"
TITLE = "queued jobs submitted at most N per scheduled run, and a concurrency-capped mapping"
STACK = "BackpressureStack"
PERIOD = 120  # the rule's rate(2 minutes)
JOBS = 12
PER_RUN = [5, 5, 2]  # MaxJobsPerRun 5 (the parameter's default)
STOPPED = ["limit reached", "limit reached", "queue empty"]
MAPPED_JOBS = 6
MAX_CONCURRENCY = 2  # the MaxConcurrency parameter's default


def _sibling(name: str) -> ModuleType:
    """A module beside this file, without putting this directory on sys.path."""
    spec = importlib.util.spec_from_file_location(f"{STACK}_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


Downstream = _sibling("downstream").Downstream


def summaries(session: Session, function_name: str) -> list[dict[str, Any]]:
    """The summary each scheduled run logged, oldest first."""
    lines = session.log_lines(function_name)
    return [json.loads(line) for line in lines if line.startswith("{") and '"submitted"' in line]


def drive_backpressure(session: Session, report: Report) -> None:
    service = Downstream().start()
    try:
        submit_jobs(session, report, service)
    finally:
        service.stop()


def submit_jobs(session: Session, report: Report, service: Any) -> None:
    session.progress(f"deploying {STACK} (the downstream stand-in listens on {service.url})")
    outputs = session.deploy(HERE / "cdk.out", STACK, {"DownstreamUrl": service.url})
    queue_url, function = outputs["QueueUrl"], outputs["FunctionName"]
    logged_before = len(summaries(session, function))
    sqs = session.client("sqs")
    session.progress(f"queueing {JOBS} jobs")
    jobs = [json.dumps({"job": f"job-{number:02d}"}) for number in range(1, JOBS + 1)]
    for start in range(0, JOBS, 10):
        entries = [
            {"Id": str(index), "MessageBody": body} for index, body in enumerate(jobs[start : start + 10])
        ]
        sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
    report.check(session.settle(), "the server did not settle after the jobs were queued")
    report.expect("requests before the first run", len(service.requests), 0)
    report.add(f"{JOBS} jobs queued; MaxJobsPerRun is 5, the rule runs every 2 minutes")

    per_run = []
    for step in range(1, len(PER_RUN) + 1):
        session.progress(f"advancing the clock 2 minutes (scheduled run {step})")
        before = len(service.accepted)
        session.advance(PERIOD)
        per_run.append(len(service.accepted) - before)
        left = session.queue_counts(queue_url)[0]
        report.add(f"run {step}: {per_run[-1]} jobs started downstream, {left} left queued")
    report.expect("jobs started per run", per_run, PER_RUN)
    runs = summaries(session, function)[logged_before:]
    report.expect(
        "runs logged",
        [(r.get("submitted"), r.get("stopped")) for r in runs[: len(PER_RUN)]],
        list(zip(PER_RUN, STOPPED, strict=True)),
    )
    report.expect("jobs accepted (each exactly once)", sorted(service.accepted), sorted(jobs))
    report.expect("distinct idempotency keys", len({r.idempotency_key for r in service.requests}), JOBS)
    report.expect("jobs queue (visible, in flight)", session.queue_counts(queue_url), (0, 0))
    report.expect("dead-letter queue", session.peek(outputs["DeadLetterQueueUrl"]), [])

    session.progress(f"pushing {MAPPED_JOBS} jobs through the variant's event source mapping")
    service.hold = 0.25  # a slow service, so the variant's invocations overlap
    before = len(service.accepted)
    mapped = [json.dumps({"job": f"mapped-{number}"}) for number in range(1, MAPPED_JOBS + 1)]
    entries = [{"Id": str(index), "MessageBody": body} for index, body in enumerate(mapped)]
    sqs.send_message_batch(QueueUrl=outputs["MappedQueueUrl"], Entries=entries)
    report.check(session.settle(), "the server did not settle after the variant's jobs")
    pushed = service.accepted[before:]
    report.add(
        f"variant: {len(pushed)} jobs pushed by the mapping, at most {service.peak_in_flight} "
        f"in flight at once (MaximumConcurrency {MAX_CONCURRENCY})"
    )
    report.expect("jobs the variant pushed", sorted(pushed), sorted(mapped))
    report.check(
        service.peak_in_flight <= MAX_CONCURRENCY,
        f"the variant had {service.peak_in_flight} requests in flight at once, more than {MAX_CONCURRENCY}",
    )
    report.expect(
        "variant's queue (visible, in flight)", session.queue_counts(outputs["MappedQueueUrl"]), (0, 0)
    )


def run(endpoint: str, progress: Progress = print) -> Report:
    return drive(SYSTEM, TITLE, endpoint, progress, drive_backpressure)


if __name__ == "__main__":
    script(run, __doc__)
