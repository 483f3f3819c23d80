"""Synchronous Invoke through boto3 and the AWS CLI: payloads, qualifiers, errors, log tails."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from lambda_fn_support import create, error_of, make_zip

from harness import Server

FAILING = """
def handler(event, context):
    raise ValueError("bad input")
"""

BIG = """
def handler(event, context):
    return "x" * (7 * 1024 * 1024)
"""


@pytest.fixture
def lam(server: Server) -> Any:
    client = server.client("lambda")
    create(client, "echo", Environment={"Variables": {"GREETING": "hi"}})
    server.settle()
    return client


def _body(response: dict[str, Any]) -> Any:
    return json.loads(response["Payload"].read())


def test_request_response(lam: Any) -> None:
    response = lam.invoke(FunctionName="echo", Payload=json.dumps({"a": 1}))
    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in response
    assert _body(response) == {"event": {"a": 1}, "version": "$LATEST", "env": "hi"}


def test_log_tail(lam: Any) -> None:
    response = lam.invoke(FunctionName="echo", Payload=b"{}", LogType="Tail")
    tail = base64.b64decode(response["LogResult"]).decode()
    assert "hello from echo" in tail
    assert len(base64.b64decode(response["LogResult"])) <= 4096


def test_dry_run(lam: Any) -> None:
    assert lam.invoke(FunctionName="echo", InvocationType="DryRun")["StatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        lam.invoke(FunctionName="missing", InvocationType="DryRun")
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_qualifiers(server: Server, lam: Any) -> None:
    lam.publish_version(FunctionName="echo")
    lam.update_function_configuration(FunctionName="echo", Environment={"Variables": {"GREETING": "two"}})
    server.settle()
    lam.create_alias(FunctionName="echo", Name="live", FunctionVersion="1")
    by_version = lam.invoke(FunctionName="echo", Qualifier="1", Payload=b"{}")
    assert by_version["ExecutedVersion"] == "1"
    assert _body(by_version)["env"] == "hi"
    by_alias = lam.invoke(FunctionName="echo:live", Payload=b"{}")
    assert by_alias["ExecutedVersion"] == "1"
    assert _body(by_alias)["version"] == "1"
    latest = lam.invoke(FunctionName="echo", Qualifier="$LATEST", Payload=b"{}")
    assert _body(latest)["env"] == "two"
    with pytest.raises(ClientError) as excinfo:
        lam.invoke(FunctionName="echo", Qualifier="nope", Payload=b"{}")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:echo:nope",
        404,
    )


def test_code_update_takes_effect(server: Server, lam: Any) -> None:
    assert _body(lam.invoke(FunctionName="echo", Payload=b"{}"))["env"] == "hi"
    lam.update_function_code(
        FunctionName="echo", ZipFile=make_zip({"app.py": "def handler(e, c):\n    return 'new'\n"})
    )
    server.settle()
    assert _body(lam.invoke(FunctionName="echo", Payload=b"{}")) == "new"


def test_unhandled_error(lam: Any) -> None:
    create(lam, "fails", files={"app.py": FAILING})
    response = lam.invoke(FunctionName="fails", Payload=b"{}")
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    body = _body(response)
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "bad input"


def test_payload_limits(lam: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        lam.invoke(FunctionName="echo", Payload=b'"' + b"x" * 6291456 + b'"')
    assert error_of(excinfo) == (
        "RequestEntityTooLargeException",
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
        413,
    )
    with pytest.raises(ClientError) as excinfo:
        lam.invoke(FunctionName="echo", Payload=b"not json")
    assert error_of(excinfo)[0] == "InvalidRequestContentException"
    create(lam, "big", files={"app.py": BIG})
    response = lam.invoke(FunctionName="big", Payload=b"{}")
    assert response["FunctionError"] == "Unhandled"
    assert _body(response)["errorType"] == "Function.ResponseSizeTooLarge"


def test_non_python_runtime_fails_clearly(lam: Any) -> None:
    create(lam, "node", Runtime="nodejs22.x", Handler="index.handler")
    with pytest.raises(ClientError) as excinfo:
        lam.invoke(FunctionName="node", Payload=b"{}")
    code, message, status = error_of(excinfo)
    assert (code, status) == ("InvalidRuntimeException", 502)
    assert "nodejs22.x" in message


def test_hot_reload_picks_up_edits_on_cold_start(server: Server, lam: Any, tmp_path: Any) -> None:
    (tmp_path / "app.py").write_text("def handler(e, c):\n    return 'one'\n")
    lam.create_function(
        FunctionName="local",
        Runtime="python3.12",
        Role="arn:aws:iam::000000000000:role/r",
        Handler="app.handler",
        Code={"S3Bucket": "hot-reload", "S3Key": str(tmp_path)},
    )
    server.settle()
    assert _body(lam.invoke(FunctionName="local", Payload=b"{}")) == "one"
    # (A different size: a same-second, same-size edit could reuse the stale __pycache__ entry.)
    (tmp_path / "app.py").write_text("def handler(e, c):\n    return 'second'\n")
    # A configuration change retires the warm worker: the next invoke is a cold start.
    lam.update_function_configuration(FunctionName="local", Description="reload")
    server.settle()
    assert _body(lam.invoke(FunctionName="local", Payload=b"{}")) == "second"


def test_aws_cli_invoke(server: Server, lam: Any, tmp_path: Any) -> None:
    out = tmp_path / "out.json"
    result = server.aws(
        "lambda",
        "invoke",
        "--function-name",
        "echo",
        "--payload",
        '{"from": "cli"}',
        str(out),
    )
    assert json.loads(result.stdout)["StatusCode"] == 200
    assert json.loads(out.read_text())["event"] == {"from": "cli"}
