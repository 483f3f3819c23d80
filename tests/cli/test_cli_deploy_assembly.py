"""`cloudlet deploy <cdk.out>`: the hand-written assembly in tests/deploy/fixtures (a queue,
a table and a function with a zipped asset in AppStack; a topic subscribed to AppStack's
queue through an export in ConsumerStack) deployed in dependency order."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from harness import Server

FIXTURE = Path(__file__).parent.parent / "deploy" / "fixtures" / "cdk.out"
ASSET_KEY = "5f0e1d2a8c3b4e6f7a9b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f7.zip"


def cloudlet(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLOUDLET_ENDPOINT": server.endpoint, "AWS_ACCESS_KEY_ID": "test"}
    return subprocess.run(
        [sys.executable, "-m", "cloudlet", *args], capture_output=True, text=True, env=env, timeout=180
    )


def test_deploy_the_assembly_in_dependency_order(server: Server) -> None:
    result = cloudlet(server, "deploy", str(FIXTURE))
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert out.index("AppStack: deploying... [1/2]") < out.index("ConsumerStack: deploying... [2/2]")
    assert f"AppStack: published s3://cdk-hnb659fds-assets-000000000000-us-east-1/{ASSET_KEY}" in out
    assert "AppStack | 8/8 |" in out and "ConsumerStack | 4/4 |" in out
    # resources named by construct path, as the cdk CLI names them
    assert re.search(
        r"^AppStack \| \d/8 \| .* \| CREATE_COMPLETE +\| AWS::SQS::Queue +\| WorkQueue \(WorkQueue0B5D5D6E\)$",
        out,
        re.M,
    )
    assert "AppStack.QueueUrl = http" in out
    body = server.client("s3").get_object(Bucket="cdk-hnb659fds-assets-000000000000-us-east-1", Key=ASSET_KEY)
    assert zipfile.ZipFile(io.BytesIO(body["Body"].read())).namelist() == ["index.py"]
    cfn = server.client("cloudformation")
    statuses = {s["StackName"]: s["StackStatus"] for s in cfn.describe_stacks()["Stacks"]}
    assert statuses == {"AppStack": "CREATE_COMPLETE", "ConsumerStack": "CREATE_COMPLETE"}

    again = cloudlet(server, "deploy", str(FIXTURE), "--stack", "ConsumerStack")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already published" in again.stdout  # AppStack came along as a dependency
    assert " ✅  AppStack (no changes)" in again.stdout and " ✅  ConsumerStack (no changes)" in again.stdout

    gone = cloudlet(server, "destroy", "ConsumerStack", "AppStack", "--force")
    assert gone.returncode == 0, gone.stdout + gone.stderr
    assert re.search(
        r"^ConsumerStack \| 1/4 \| .* \| DELETE_COMPLETE +\| AWS::SNS::Subscription +\| AlertsTopic/",
        gone.stdout,
        re.M,
    )
    skipped = r"\| DELETE_SKIPPED +\| AWS::DynamoDB::Table +\| ItemsTable \(ItemsTable5AAC2C46\)$"
    assert re.search(skipped, gone.stdout, re.M)
    assert "AppStack | 8/8 |" in gone.stdout  # a retained resource counts as done
    assert server.client("dynamodb").list_tables()["TableNames"] != []  # DeletionPolicy Retain


def test_unknown_stack_selection(server: Server) -> None:
    result = cloudlet(server, "deploy", str(FIXTURE), "--stack", "Nope*")
    assert result.returncode == 1
    assert "No stack found matching 'Nope*'" in result.stdout
