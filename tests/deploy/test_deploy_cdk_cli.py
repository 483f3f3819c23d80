"""The npm cdk CLI against cloudlet's CloudFormation API: `cdk deploy` / `cdk destroy` of a
committed cloud assembly. Optional: runs when a `cdk` executable is found ($CLOUDLET_CDK_CLI
or PATH), e.g. after `npm install aws-cdk@2`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import Server

CDK = os.environ.get("CLOUDLET_CDK_CLI") or shutil.which("cdk")
ASSEMBLY = Path(__file__).resolve().parents[2] / "samples" / "orders" / "cdk.out"

pytestmark = pytest.mark.skipif(CDK is None, reason="the npm cdk CLI is not installed")


def _cdk(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": server.endpoint,
        "AWS_ACCESS_KEY_ID": "000000000000",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
        "CDK_DISABLE_VERSION_CHECK": "1",
    }
    command = [str(CDK), *args, "--app", str(ASSEMBLY), "--all", "--no-notices"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_cdk_deploy_and_destroy(server: Server) -> None:
    server.settle()  # the bootstrap resources, made again after the reset
    deployed = _cdk(server, "deploy", "--require-approval", "never")
    assert deployed.returncode == 0, deployed.stderr
    cloudformation = server.client("cloudformation")
    [stack] = cloudformation.describe_stacks(StackName="OrdersStack")["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["OrdersTableName"] == "orders"
    stamps = [
        e["Timestamp"] for e in cloudformation.describe_stack_events(StackName="OrdersStack")["StackEvents"]
    ]
    assert stamps == sorted(stamps, reverse=True) and len(set(stamps)) == len(stamps)
    destroyed = _cdk(server, "destroy", "--force")
    assert destroyed.returncode == 0, destroyed.stderr
    assert server.client("sqs").list_queues().get("QueueUrls", []) == []
