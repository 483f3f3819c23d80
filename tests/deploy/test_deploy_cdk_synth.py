"""Optional ([cdk] extra): a real CDK app equivalent to the hand-written assembly in
fixtures/cdk.out, synthesized as `cloudlet deploy <app dir>` does, compared with it: the same
stacks in the same order, the same resources (by construct path and type), outputs, and a
zipped code asset with the same destination. Keeps the fixture honest about what CDK writes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cloudlet.deploy.assembly import CloudAssembly, load_assembly
from cloudlet.deploy.synth import synthesize
from harness import Server

pytest.importorskip("aws_cdk", reason="aws-cdk-lib not installed ([cdk] extra)")

FIXTURE = Path(__file__).parent / "fixtures" / "cdk.out"
APP = """
import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb, aws_lambda as lambda_, aws_sns as sns, aws_sqs as sqs
from aws_cdk.aws_lambda_event_sources import SqsEventSource

app = cdk.App()
stack = cdk.Stack(app, "AppStack")
queue = sqs.Queue(stack, "WorkQueue", visibility_timeout=cdk.Duration.seconds(300))
table = dynamodb.Table(
    stack,
    "ItemsTable",
    partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
    billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
)
handler = lambda_.Function(
    stack,
    "Handler",
    runtime=lambda_.Runtime.PYTHON_3_12,
    handler="index.handler",
    code=lambda_.Code.from_asset("handler"),
    environment={"TABLE_NAME": table.table_name},
)
handler.add_event_source(SqsEventSource(queue))
table.grant_write_data(handler)
cdk.CfnOutput(stack, "QueueUrl", value=queue.queue_url)

consumer = cdk.Stack(app, "ConsumerStack")
topic = sns.Topic(consumer, "AlertsTopic")
sns.Subscription(
    topic,
    "AppStackWorkQueueSubscription",
    topic=topic,
    endpoint=queue.queue_arn,
    protocol=sns.SubscriptionProtocol.SQS,
)
app.synth()
"""
_HASH = re.compile(r"[0-9A-F]{8}(?=/|$)")


def shape(assembly: CloudAssembly) -> dict[str, object]:
    """What must agree: stacks, their dependencies, resources by construct path, outputs, assets."""
    stacks = {}
    for stack in assembly.stacks:
        resources = {
            _HASH.sub("", str(r.get("Metadata", {}).get("aws:cdk:path", logical_id))): r["Type"]
            for logical_id, r in stack.template.resources.items()
        }
        stacks[stack.stack_name] = {
            "dependencies": stack.dependencies,
            "resources": resources,
            "outputs": sorted(re.sub(r"[0-9A-F]{8}", "", name) for name in stack.template.outputs),
            "parameters": sorted(stack.template.parameters),
            "assets": sorted(
                (a.packaging, a.is_template, [d.bucket_name for d in a.destinations]) for a in stack.assets
            ),
        }
    return {"order": [s.stack_name for s in assembly.stacks], "stacks": stacks}


def write_app(app: Path) -> Path:
    (app / "handler").mkdir(parents=True)
    [asset_dir] = FIXTURE.glob("asset.*")
    shutil.copy(asset_dir / "index.py", app / "handler" / "index.py")
    (app / "app.py").write_text(APP)
    (app / "cdk.json").write_text(json.dumps({"app": "python3 app.py"}))
    return app


def test_synthesized_app_matches_the_fixture(tmp_path: Path) -> None:
    app = write_app(tmp_path / "app")
    [asset_dir] = FIXTURE.glob("asset.*")
    out = synthesize(app, "000000000000", "us-east-1")
    synthesized = load_assembly(out)
    assert shape(synthesized) == shape(load_assembly(FIXTURE))
    [code] = [a for a in synthesized.select(["AppStack"])[0].assets if not a.is_template]
    assert (
        code.source.is_dir()
        and (code.source / "index.py").read_text() == (asset_dir / "index.py").read_text()
    )
    assert code.destinations[0].object_key == f"{code.id}.zip"


def test_cloudlet_deploy_synthesizes_and_deploys_the_app(server: Server, tmp_path: Path) -> None:
    app = write_app(tmp_path / "app")
    env = {**os.environ, "CLOUDLET_ENDPOINT": server.endpoint, "AWS_ACCESS_KEY_ID": "test"}
    result = subprocess.run(
        [sys.executable, "-m", "cloudlet", "deploy", str(app)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " ✅  AppStack" in result.stdout and " ✅  ConsumerStack" in result.stdout
    url = next(
        line.split(" = ")[1] for line in result.stdout.splitlines() if line.startswith("AppStack.QueueUrl")
    )
    server.client("sns").publish(
        TopicArn=server.client("sns").list_topics()["Topics"][0]["TopicArn"], Message="through the stacks"
    )
    # the function consumes the queue the topic feeds (its event source mapping drains it)
    [function] = server.client("lambda").list_functions()["Functions"]
    assert any(_started(server, function["FunctionName"]) for _ in range(20))
    attributes = server.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"


def _started(server: Server, function: str) -> bool:
    """After a second of virtual time (due work done): has the function run?"""
    server.advance(1)
    logs = server.client("logs")
    try:
        events = logs.filter_log_events(logGroupName=f"/aws/lambda/{function}")["events"]
    except logs.exceptions.ResourceNotFoundException:
        return False
    return any(e["message"].startswith("START RequestId:") for e in events)
