"""Shared helpers for the samples' end-to-end tests: deploy a committed cloud assembly
through cloudlet, build resources directly from a sample's handlers (the boto3 path), read
queues to the end, and keep the committed assembly in step with its CDK app."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from harness import Server

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
ROLE = "arn:aws:iam::000000000000:role/sample-lambda-role"
RUNTIME = "python3.14"  # the samples' lambda.Runtime.PYTHON_3_14


# -- deploying the committed assembly ------------------------------------------------------------
def deploy(
    server: Server, sample: str, stack: str, parameters: dict[str, str] | None = None
) -> dict[str, str]:
    """`cloudlet deploy samples/<sample>/cdk.out [--parameters K=V ...]` against the server
    (a first deploy creates the stack, a later one updates it); the stack's Outputs.
    Skips (reason "needs cloudlet deploy") while the command does not exist."""
    assembly = SAMPLES / sample / "cdk.out"
    command = [sys.executable, "-m", "cloudlet", "deploy", str(assembly), "--endpoint", server.endpoint]
    for key, value in (parameters or {}).items():
        command += ["--parameters", f"{key}={value}"]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    if result.returncode != 0 and "No such command" in result.stderr:
        pytest.skip("needs cloudlet deploy")
    assert result.returncode == 0, f"cloudlet deploy failed:\n{result.stdout}\n{result.stderr}"
    server.settle()
    return stack_outputs(server, stack)


def stack_outputs(server: Server, stack: str) -> dict[str, str]:
    described = server.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in described.get("Outputs", [])}


# -- building a sample's parts directly (no deploy) ----------------------------------------------
def handler_zip(sample: str, function: str) -> bytes:
    """The zip CDK's Code.from_asset makes of samples/<sample>/handlers/<function>/."""
    directory = SAMPLES / sample / "handlers" / function
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(directory).as_posix())
    return buffer.getvalue()


def create_function(
    server: Server, sample: str, function: str, name: str, env: dict[str, str], timeout: int = 30
) -> str:
    """One of a sample's handlers as a function, configured as its stack configures it."""
    created = server.client("lambda").create_function(
        FunctionName=name,
        Runtime=RUNTIME,
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": handler_zip(sample, function)},
        Timeout=timeout,
        Environment={"Variables": env},
    )
    return str(created["FunctionArn"])


def create_queue(server: Server, name: str, **attributes: str) -> tuple[str, str]:
    """(url, arn)"""
    sqs = server.client("sqs")
    url = str(sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, str(arn)


def redrive_policy(dead_letter_arn: str, max_receives: int) -> str:
    return json.dumps({"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": max_receives})


def create_table(server: Server, name: str, keys: list[tuple[str, str]]) -> None:
    """keys: (attribute, type) for HASH then RANGE."""
    server.client("dynamodb").create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": attribute, "KeyType": kind}
            for (attribute, _), kind in zip(keys, ("HASH", "RANGE"), strict=False)
        ],
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in keys],
        BillingMode="PAY_PER_REQUEST",
    )


def map_queue(server: Server, queue_arn: str, function: str, batch_size: int = 10) -> None:
    """The SqsEventSource every sample uses: batch 10, window 0, partial batch responses."""
    server.client("lambda").create_event_source_mapping(
        EventSourceArn=queue_arn,
        FunctionName=function,
        BatchSize=batch_size,
        MaximumBatchingWindowInSeconds=0,
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )


def assert_sqs_mapping(server: Server, function: str, queue_url: str, max_receives: int) -> None:
    """The function consumes the queue as every sample configures it (batch 10, window 0,
    partial batch responses), and the queue dead-letters after max_receives."""
    sqs = server.client("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn", "RedrivePolicy"])[
        "Attributes"
    ]
    [mapping] = server.client("lambda").list_event_source_mappings(FunctionName=function)[
        "EventSourceMappings"
    ]
    assert mapping["EventSourceArn"] == attributes["QueueArn"]
    assert mapping["BatchSize"] == 10
    assert mapping["MaximumBatchingWindowInSeconds"] == 0
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["State"] == "Enabled"
    assert json.loads(attributes["RedrivePolicy"])["maxReceiveCount"] == max_receives


# -- reading outcomes -----------------------------------------------------------------------------
def peek(server: Server, queue_url: str) -> list[dict[str, Any]]:
    """Every message in a queue (visible, in flight or delayed) without receiving any."""
    query = f"/_cloudlet/sqs/messages?QueueUrl={queue_url}"
    return list(server.internal("GET", query)["messages"])


def queue_counts(server: Server, queue_url: str) -> tuple[int, int]:
    """(visible, in flight)"""
    attributes = server.client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])[
        "Attributes"
    ]
    return int(attributes["ApproximateNumberOfMessages"]), int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


def receive_all(server: Server, queue_url: str) -> list[dict[str, Any]]:
    """Receive every visible message once (they stay in flight), with all attributes."""
    sqs = server.client("sqs")
    received: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
            VisibilityTimeout=300,
        ).get("Messages", [])
        if not batch:
            return received
        received.extend(batch)


def scan_all(server: Server, table: str) -> list[dict[str, Any]]:
    """Every item of a table, in DynamoDB's JSON."""
    dynamodb = server.client("dynamodb")
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"TableName": table}
    while True:
        page = dynamodb.scan(**params)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        params["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def log_messages(server: Server, function_name: str) -> list[str]:
    """Every log line a function wrote (its /aws/lambda/<name> group), oldest first."""
    logs = server.client("logs")
    group = f"/aws/lambda/{function_name}"
    lines: list[str] = []
    params: dict[str, Any] = {"logGroupName": group}
    while True:
        page = logs.filter_log_events(**params)
        lines.extend(event["message"] for event in page["events"])
        if not page.get("nextToken"):
            return lines
        params["nextToken"] = page["nextToken"]


# -- the committed assembly -----------------------------------------------------------------------
ASSET_HASH = re.compile(r"[0-9a-f]{64}")


def synthesize(sample: str, outdir: Path) -> None:
    """Run the sample's CDK app (app.py) into outdir, as `cdk synth` would."""
    env = {**os.environ, "CDK_OUTDIR": str(outdir), "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1"}
    subprocess.run([sys.executable, "app.py"], cwd=SAMPLES / sample, env=env, check=True, capture_output=True)


def templates(assembly: Path) -> dict[str, Any]:
    """Every stack template of an assembly, asset hashes blanked (they follow file contents
    and zip tooling, which the comparison of handler sources covers instead)."""
    found = {}
    for path in sorted(assembly.glob("*.template.json")):
        found[path.name] = json.loads(ASSET_HASH.sub("<hash>", path.read_text()))
    return found


def asset_sources(assembly: Path) -> dict[str, str]:
    """Every file under the assembly's asset.* directories, by asset display name and path."""
    manifests = [json.loads(p.read_text()) for p in sorted(assembly.glob("*.assets.json"))]
    found: dict[str, str] = {}
    for manifest in manifests:
        for asset in manifest.get("files", {}).values():
            source = assembly / asset["source"]["path"]
            if source.is_dir():
                for path in sorted(source.rglob("*")):
                    if path.is_file():
                        found[f"{asset['displayName']}/{path.relative_to(source)}"] = path.read_text()
    return found


def assert_assembly_in_step(sample: str, tmp_path: Path) -> None:
    pytest.importorskip("aws_cdk")
    committed = SAMPLES / sample / "cdk.out"
    fresh = tmp_path / "cdk.out"
    synthesize(sample, fresh)
    assert templates(fresh) == templates(committed), f"re-synthesize samples/{sample}/cdk.out"
    assert asset_sources(fresh) == asset_sources(committed), f"re-synthesize samples/{sample}/cdk.out"


def assert_cfn_lint_clean(sample: str) -> None:
    pytest.importorskip("cfnlint")
    paths = sorted(str(p) for p in (SAMPLES / sample / "cdk.out").glob("*.template.json"))
    assert paths
    # W3005 (a DependsOn also implied by a GetAtt) is how CDK always writes a function's
    # dependency on its role's policy; it is not a defect of the sample.
    runner = "import sys; from cfnlint.runner.cli import main; sys.exit(main())"
    command = [
        sys.executable,
        "-c",
        runner,
        "--format",
        "parseable",
        "--ignore-checks",
        "W3005",
        "--",
        *paths,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def resynthesize(sample: str) -> None:
    """Replace samples/<sample>/cdk.out by a fresh synthesis, without the files deploy does
    not read (tree.json, validation-report.json), as the sample's .gitignore expects."""
    import shutil

    committed = SAMPLES / sample / "cdk.out"
    shutil.rmtree(committed, ignore_errors=True)
    synthesize(sample, committed)
    for extra in ("tree.json", "validation-report.json"):
        (committed / extra).unlink(missing_ok=True)


if __name__ == "__main__":
    # .venv/bin/python tests/samples/samples_support.py inventory orders ...
    for name in sys.argv[1:]:
        resynthesize(name)
