"""samples/backpressure end to end: the committed cloud assembly deployed through cloudlet,
jobs queued, the rate(2 minutes) rule driven by the virtual clock, and a local stand-in of
the downstream service counting what each run submits; then the variant whose event source
mapping caps concurrency with ScalingConfig.MaximumConcurrency."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from samples_support import (
    SAMPLES,
    assert_assembly_in_step,
    assert_cfn_lint_clean,
    deploy,
    log_messages,
    peek,
    queue_counts,
)

from harness import Server

SAMPLE = "backpressure"
STACK = "BackpressureStack"
PERIOD = 120  # rate(2 minutes)


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


downstream_module = _load(SAMPLES / SAMPLE / "downstream.py", "backpressure_downstream")


@pytest.fixture
def downstream() -> Iterator[Any]:
    service = downstream_module.Downstream().start()
    yield service
    service.stop()


def job(number: int) -> str:
    return json.dumps({"job": f"job-{number:02d}"})


def send(server: Server, queue_url: str, bodies: list[str]) -> None:
    sqs = server.client("sqs")
    for body in bodies:
        sqs.send_message(QueueUrl=queue_url, MessageBody=body)


def runs(server: Server, function_name: str) -> list[dict[str, Any]]:
    """The summary each scheduled run logged, oldest first."""
    lines = log_messages(server, function_name)
    return [json.loads(line) for line in lines if line.startswith("{") and '"submitted"' in line]


def test_each_run_submits_at_most_n_jobs_and_leaves_the_rest_queued(server: Server, downstream: Any) -> None:
    outputs = deploy(server, SAMPLE, STACK, {"DownstreamUrl": downstream.url})  # MaxJobsPerRun: default 5
    queue_url, function = outputs["QueueUrl"], outputs["FunctionName"]
    jobs = [job(n) for n in range(1, 13)]
    send(server, queue_url, jobs)
    assert server.settle()
    assert downstream.requests == []  # nothing is pulled before the rule fires

    expected_left = [7, 2, 0, 0]
    for left in expected_left:
        server.advance(PERIOD)
        # Each advance covers one firing of the rule (the rule's 2-minute grid started at
        # deploy time); a run the wall clock fired in between only moves work earlier.
        submitted = [run["submitted"] for run in runs(server, function)]
        assert queue_counts(server, queue_url) == (12 - sum(submitted), 0)
        assert sum(submitted) >= 12 - left
    summaries = runs(server, function)
    assert [run["submitted"] for run in summaries][:3] == [5, 5, 2]
    assert [run["stopped"] for run in summaries][:3] == ["limit reached", "limit reached", "queue empty"]
    assert all(run["submitted"] == 0 for run in summaries[3:])
    assert sorted(downstream.accepted) == sorted(jobs)  # every job exactly once
    assert len(downstream.requests) == 12
    # The message id travels as the idempotency key, one per job.
    assert len({request.idempotency_key for request in downstream.requests}) == 12


def test_a_saturated_service_stops_the_run_and_a_refused_job_ends_in_the_dead_letter_queue(
    server: Server, downstream: Any
) -> None:
    outputs = deploy(server, SAMPLE, STACK, {"DownstreamUrl": downstream.url, "MaxJobsPerRun": "3"})
    queue_url, function = outputs["QueueUrl"], outputs["FunctionName"]
    poison = json.dumps({"job": "poison"})
    good = [job(n) for n in range(1, 5)]
    send(server, queue_url, [good[0], poison, *good[1:]])
    downstream.respond(503)  # the first request finds the service saturated
    downstream.reject("poison")  # this job is refused (400) every time

    server.advance(PERIOD)
    assert runs(server, function)[0] == {
        "submitted": 0,
        "refused": 1,
        "stopped": "downstream saturated (503)",
    }
    assert [request.status for request in downstream.requests] == [503]
    assert queue_counts(server, queue_url) == (4, 1)  # the job waits out its visibility timeout

    for _ in range(7):
        server.advance(PERIOD)
    summaries = runs(server, function)
    # MaxJobsPerRun=3 bounds the requests each run makes, accepted or refused.
    assert all(run["submitted"] + run["refused"] <= 3 for run in summaries)
    assert sorted(downstream.accepted) == sorted(good)  # each good job exactly once
    assert [request.status for request in downstream.requests if request.body == poison] == [400] * 5
    # maxReceiveCount 5: the sixth receive moves the job to the dead-letter queue.
    assert queue_counts(server, queue_url) == (0, 0)
    dead = peek(server, outputs["DeadLetterQueueUrl"])
    assert [message["Body"] for message in dead] == [poison]


def test_variant_mapping_caps_concurrency_at_maximum_concurrency(server: Server, downstream: Any) -> None:
    outputs = deploy(server, SAMPLE, STACK, {"DownstreamUrl": downstream.url})  # MaxConcurrency: default 2
    mapping = server.client("lambda").list_event_source_mappings(FunctionName=outputs["MappedFunctionName"])[
        "EventSourceMappings"
    ][0]
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 2}
    assert mapping["BatchSize"] == 1
    downstream.hold = 0.25  # a slow service, so concurrent invocations overlap
    downstream.respond(503)  # the first job is refused once
    jobs = [job(n) for n in range(1, 9)]
    send(server, outputs["MappedQueueUrl"], jobs)
    assert server.settle(timeout=60)
    assert len(downstream.accepted) == 7
    assert downstream.peak_in_flight <= 2  # never more than MaximumConcurrency at once
    assert queue_counts(server, outputs["MappedQueueUrl"]) == (0, 1)  # the refused job, in flight

    server.advance(181)  # its visibility timeout (6 x the function timeout) ends
    assert server.settle(timeout=60)
    assert sorted(downstream.accepted) == sorted(jobs)
    assert len(downstream.requests) == 9
    assert queue_counts(server, outputs["MappedQueueUrl"]) == (0, 0)
    assert peek(server, outputs["MappedDeadLetterQueueUrl"]) == []


def test_committed_assembly_is_in_step_with_the_app(tmp_path: Path) -> None:
    assert_assembly_in_step(SAMPLE, tmp_path)


def test_templates_pass_cfn_lint() -> None:
    assert_cfn_lint_clean(SAMPLE)


def test_rule_rate_and_limits_in_the_template() -> None:
    template = json.loads((SAMPLES / SAMPLE / "cdk.out" / f"{STACK}.template.json").read_text())
    resources = template["Resources"].values()
    rules = [r["Properties"] for r in resources if r["Type"] == "AWS::Events::Rule"]
    assert [rule["ScheduleExpression"] for rule in rules] == ["rate(2 minutes)"]
    assert template["Parameters"]["MaxConcurrency"]["MinValue"] == 2  # AWS's least
    submitter = next(
        r["Properties"]
        for r in resources
        if r["Type"] == "AWS::Lambda::Function"
        and "MAX_JOBS_PER_RUN" in r["Properties"]["Environment"]["Variables"]
    )
    assert submitter["Timeout"] < 120  # a run ends before the next one starts


def test_demo_script_runs_the_sample(server: Server) -> None:
    demo = _load(SAMPLES / SAMPLE / "demo.py", "backpressure_demo")
    steps: list[str] = []
    report = demo.run(server.endpoint, progress=steps.append)
    assert report.problems == []
    assert report.system == SAMPLE
    assert steps[0].startswith("deploying BackpressureStack")
    assert [line for line in report.lines if line.startswith("run ")] == [
        "run 1: 5 jobs started downstream, 7 left queued",
        "run 2: 5 jobs started downstream, 2 left queued",
        "run 3: 2 jobs started downstream, 0 left queued",
    ]
    assert report.lines[-1].startswith("variant: 6 jobs pushed by the mapping, at most ")
