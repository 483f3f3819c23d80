"""`cloudlet deploy <template>`, `cloudlet stacks`, `cloudlet destroy` against a running server:
progress lines per resource, Outputs, updates, failures with their reasons."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cloudlet.deploy.sam import available as sam_available
from harness import Server

QUEUE_TEMPLATE = """\
AWSTemplateFormatVersion: 2010-09-09
Parameters:
  Visibility:
    Type: Number
    Default: 30
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: !Ref Visibility
  Param:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !GetAtt Queue.Arn
Outputs:
  QueueUrl:
    Value: !Ref Queue
  QueueArn:
    Value: !GetAtt Queue.Arn
"""
PROGRESS = re.compile(r"^(\S+) \| +(\d+)/(\d+) \| \d\d:\d\d:\d\d \| (\S+) +\| (\S+) +\| (\S+)")


def cloudlet(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLOUDLET_ENDPOINT": server.endpoint, "AWS_ACCESS_KEY_ID": "test"}
    return subprocess.run(
        [sys.executable, "-m", "cloudlet", *args], capture_output=True, text=True, env=env, timeout=120
    )


def progress(output: str) -> list[tuple[str, ...]]:
    return [m.groups() for line in output.splitlines() if (m := PROGRESS.match(line))]


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "queues.yaml"
    path.write_text(QUEUE_TEMPLATE)
    return path


def test_deploy_a_template_then_list_and_destroy_it(server: Server, template: Path) -> None:
    result = cloudlet(server, "deploy", str(template))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = progress(result.stdout)
    assert ("queues", "CREATE_COMPLETE", "AWS::SQS::Queue", "Queue") in {
        (s, st, t, r) for s, _, _, st, t, r in lines
    }
    assert all(total == "3" for _, _, total, *_ in lines)
    last = lines[-1]
    assert (last[1], last[3], last[4], last[5]) == (
        "3",
        "CREATE_COMPLETE",
        "AWS::CloudFormation::Stack",
        "queues",
    )
    url = server.client("sqs").get_queue_url(QueueName=_queue_name(server, "queues"))["QueueUrl"]
    out = result.stdout
    assert " ✅  queues" in out
    assert "Outputs:\nqueues.QueueArn = arn:aws:sqs:us-east-1:000000000000:" in out
    assert f"queues.QueueUrl = {url}\n" in out
    assert "Stack ARN:\narn:aws:cloudformation:us-east-1:000000000000:stack/queues/" in out

    listed = cloudlet(server, "stacks")
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[0].split() == ["NAME", "STATUS", "LAST", "UPDATED"]
    assert listed.stdout.splitlines()[1].split()[:2] == ["queues", "CREATE_COMPLETE"]

    gone = cloudlet(server, "destroy", "queues", "--force")
    assert gone.returncode == 0, gone.stdout + gone.stderr
    deleted = {(r, st) for _, _, _, st, _, r in progress(gone.stdout)}
    assert {("Queue", "DELETE_COMPLETE"), ("queues", "DELETE_COMPLETE")} <= deleted
    assert " ✅  queues: destroyed" in gone.stdout
    assert server.client("sqs").list_queues().get("QueueUrls", []) == []
    assert cloudlet(server, "stacks").stdout.strip() == "no stacks"


def test_redeploy_unchanged_is_not_an_error(server: Server, template: Path) -> None:
    assert cloudlet(server, "deploy", str(template), "--stack", "work").returncode == 0
    again = cloudlet(server, "deploy", str(template), "--stack", "work")
    assert again.returncode == 0, again.stdout + again.stderr
    assert " ✅  work (no changes)" in again.stdout
    assert "work.QueueUrl = " in again.stdout


def test_update_with_parameters_shows_only_the_update(server: Server, template: Path) -> None:
    assert cloudlet(server, "deploy", str(template)).returncode == 0
    result = cloudlet(server, "deploy", str(template), "--parameters", "Visibility=120")
    assert result.returncode == 0, result.stdout + result.stderr
    statuses = [st for _, _, _, st, _, _ in progress(result.stdout)]
    assert "CREATE_COMPLETE" not in statuses
    assert statuses[-1] == "UPDATE_COMPLETE"
    sqs = server.client("sqs")
    url = sqs.get_queue_url(QueueName=_queue_name(server, "queues"))["QueueUrl"]
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])["Attributes"] == {
        "VisibilityTimeout": "120"
    }


def test_a_failed_create_prints_the_reason_and_exits_non_zero(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "Resources:\n"
        "  Good:\n    Type: AWS::SQS::Queue\n"
        "  Bad:\n    Type: AWS::SQS::Queue\n    DependsOn: Good\n"
        "    Properties:\n      VisibilityTimeout: 999999\n"
    )
    result = cloudlet(server, "deploy", str(path))
    assert result.returncode == 1
    assert "❌  bad failed: ROLLBACK_COMPLETE" in result.stdout
    assert re.search(r"^  Bad \(AWS::SQS::Queue\) CREATE_FAILED: .+", result.stdout, re.M), result.stdout
    # a stack left in ROLLBACK_COMPLETE is deleted and created again by the next deploy
    path.write_text("Resources:\n  Good:\n    Type: AWS::SQS::Queue\n")
    again = cloudlet(server, "deploy", str(path))
    assert again.returncode == 0, again.stdout + again.stderr
    assert "deleting the stack left in ROLLBACK_COMPLETE" in again.stdout


def test_a_template_the_server_rejects(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text('{"Resources": {}}')
    result = cloudlet(server, "deploy", str(path))
    assert result.returncode == 1
    assert "At least one Resources member must be defined." in result.stdout


def test_bad_parameter_override(server: Server, template: Path) -> None:
    result = cloudlet(server, "deploy", str(template), "--parameters", "novalue")
    assert result.returncode == 1
    assert "Parameter override 'novalue' is not of the form Key=Value" in result.stdout


def test_destroy_a_stack_that_is_not_there(server: Server) -> None:
    result = cloudlet(server, "destroy", "nothing", "--force")
    assert result.returncode == 1
    assert "Stack with id nothing does not exist" in result.stdout


def test_no_server(tmp_path: Path, template: Path) -> None:
    env = {**os.environ, "CLOUDLET_ENDPOINT": "http://127.0.0.1:9"}
    result = subprocess.run(
        [sys.executable, "-m", "cloudlet", "stacks"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 2
    assert "no cloudlet server at http://127.0.0.1:9" in result.stderr


def _queue_name(server: Server, stack: str) -> str:
    resources = server.client("cloudformation").describe_stack_resources(StackName=stack)
    queue = next(r for r in resources["StackResources"] if r["LogicalResourceId"] == "Queue")
    return str(queue["PhysicalResourceId"]).rsplit("/", 1)[-1]


SAM_TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: |
        def handler(event, context):
            return None
      Events:
        FromJobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
  Items:
    Type: AWS::Serverless::SimpleTable
Outputs:
  FunctionName:
    Value: !Ref Worker
"""


@pytest.mark.skipif(not sam_available(), reason="aws-sam-translator not installed ([sam] extra)")
def test_deploy_a_sam_template(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    path.write_text(SAM_TEMPLATE)
    result = cloudlet(server, "deploy", str(path), "--stack", "sam-app")
    assert result.returncode == 0, result.stdout + result.stderr
    done = {(t, r) for _, n, total, st, t, r in progress(result.stdout) if st == "CREATE_COMPLETE"}
    assert ("AWS::Lambda::EventSourceMapping", "WorkerFromJobs") in done
    assert ("AWS::DynamoDB::Table", "Items") in done
    assert "sam-app | 6/6 |" in result.stdout  # counted after the transform
    name = re.search(r"^sam-app\.FunctionName = (\S+)$", result.stdout, re.M)
    assert name is not None
    mappings = server.client("lambda").list_event_source_mappings(FunctionName=name.group(1))
    assert len(mappings["EventSourceMappings"]) == 1


def test_a_big_template_goes_through_s3(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    body = {
        "Metadata": {"Padding": "x" * 60_000},
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"Url": {"Value": {"Ref": "Queue"}}},
    }
    path.write_text(json.dumps(body))
    result = cloudlet(server, "deploy", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "big.Url = http" in result.stdout
    keys = server.client("s3").list_objects_v2(Bucket="cdk-hnb659fds-assets-000000000000-us-east-1")
    assert [k["Key"].startswith("cloudlet/big/") for k in keys["Contents"]] == [True]


def test_stack_scoped_parameters(server: Server, template: Path) -> None:
    result = cloudlet(
        server,
        "deploy",
        str(template),
        "--stack",
        "one",
        "--parameters",
        "other:Visibility=5",
        "--parameters",
        "one:Visibility=45",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    stack = server.client("cloudformation").describe_stacks(StackName="one")["Stacks"][0]
    assert stack["Parameters"] == [{"ParameterKey": "Visibility", "ParameterValue": "45"}]


def test_destroy_asks_first(server: Server, template: Path) -> None:
    assert cloudlet(server, "deploy", str(template)).returncode == 0
    env = {**os.environ, "CLOUDLET_ENDPOINT": server.endpoint, "AWS_ACCESS_KEY_ID": "test"}
    answer = subprocess.run(
        [sys.executable, "-m", "cloudlet", "destroy", "queues"],
        input="n\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert answer.returncode == 1
    assert "Are you sure you want to delete: queues? [y/N]" in answer.stdout
    stacks = server.client("cloudformation").describe_stacks(StackName="queues")["Stacks"]
    assert stacks[0]["StackStatus"] == "CREATE_COMPLETE"
