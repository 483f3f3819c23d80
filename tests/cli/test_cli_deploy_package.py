"""`cloudlet deploy template.yaml` with local code paths (SAM `CodeUri: src/`, Lambda
`Code: handler.py`): uploaded and replaced by their S3 location, as `sam deploy` does."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cloudlet.deploy.sam import available as sam_available
from harness import Server

BUCKET = "cdk-hnb659fds-assets-000000000000-us-east-1"
SAM_TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
Outputs:
  Name:
    Value: !Ref Echo
"""
LAMBDA_TEMPLATE = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
  Echo:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: single.handler
      Role: !GetAtt Role.Arn
      Code: single.py
Outputs:
  Name:
    Value: !Ref Echo
"""


def cloudlet(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLOUDLET_ENDPOINT": server.endpoint, "AWS_ACCESS_KEY_ID": "test"}
    return subprocess.run(
        [sys.executable, "-m", "cloudlet", *args], capture_output=True, text=True, env=env, timeout=120
    )


def output(stdout: str, stack: str, name: str) -> str:
    prefix = f"{stack}.{name} = "
    return next(line[len(prefix) :] for line in stdout.splitlines() if line.startswith(prefix))


def invoke(server: Server, function: str, payload: dict[str, object]) -> object:
    result = server.client("lambda").invoke(FunctionName=function, Payload=json.dumps(payload).encode())
    return json.loads(result["Payload"].read())


@pytest.mark.skipif(not sam_available(), reason="aws-sam-translator not installed ([sam] extra)")
def test_sam_code_uri_directory_is_zipped_and_runs(server: Server, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(event, context):\n    return {'echo': event}\n")
    (tmp_path / "template.yaml").write_text(SAM_TEMPLATE)
    result = cloudlet(server, "deploy", str(tmp_path / "template.yaml"), "--stack", "echo")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"echo: published s3://{BUCKET}/" in result.stdout
    assert invoke(server, output(result.stdout, "echo", "Name"), {"a": 1}) == {"echo": {"a": 1}}
    [key] = [o["Key"] for o in server.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"]]
    body = server.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert zipfile.ZipFile(io.BytesIO(body)).namelist() == ["app.py"]
    again = cloudlet(server, "deploy", str(tmp_path / "template.yaml"), "--stack", "echo")
    assert again.returncode == 0 and " ✅  echo (no changes)" in again.stdout, again.stdout + again.stderr
    assert f"echo: already published s3://{BUCKET}/{key}" in again.stdout


def test_lambda_code_file_is_zipped_alone(server: Server, tmp_path: Path) -> None:
    (tmp_path / "single.py").write_text("def handler(event, context):\n    return 'single'\n")
    (tmp_path / "fn.yaml").write_text(LAMBDA_TEMPLATE)
    result = cloudlet(server, "deploy", str(tmp_path / "fn.yaml"))
    assert result.returncode == 0, result.stdout + result.stderr
    name = output(result.stdout, "fn", "Name")
    code = server.client("lambda").get_function(FunctionName=name)["Code"]
    assert code["RepositoryType"] == "S3"
    assert invoke(server, name, {}) == "single"


def test_a_missing_code_path(server: Server, tmp_path: Path) -> None:
    (tmp_path / "fn.yaml").write_text(LAMBDA_TEMPLATE)
    result = cloudlet(server, "deploy", str(tmp_path / "fn.yaml"))
    assert result.returncode == 1
    assert "single.py (from the template) does not exist" in result.stdout
