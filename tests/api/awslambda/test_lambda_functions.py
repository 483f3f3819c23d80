"""Lambda control plane through boto3: create, read, list, update, delete, states, tags."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError
from lambda_fn_support import ROLE, create, error_of, make_zip

from harness import Server


@pytest.fixture
def lam(server: Server) -> Any:
    return server.client("lambda")


def test_create_function_returns_pending_then_active(server: Server, lam: Any) -> None:
    data = make_zip()
    created = create(lam, "orders", Description="d", Timeout=30, MemorySize=256)
    assert created["State"] == "Pending"
    assert created["StateReasonCode"] == "Creating"
    assert created["FunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:orders"
    assert created["CodeSha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert created["CodeSize"] == len(data)
    assert created["Version"] == "$LATEST"
    assert created["PackageType"] == "Zip"
    assert created["Timeout"] == 30 and created["MemorySize"] == 256
    assert created["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/aws/lambda/orders"}
    assert created["EphemeralStorage"] == {"Size": 512}
    assert created["TracingConfig"] == {"Mode": "PassThrough"}
    server.settle()
    got = lam.get_function(FunctionName="orders")
    assert got["Configuration"]["State"] == "Active"
    assert got["Configuration"]["LastUpdateStatus"] == "Successful"
    assert "StateReasonCode" not in got["Configuration"]
    assert got["Code"]["RepositoryType"] == "S3"
    assert got["Tags"] == {}
    lam.get_waiter("function_active_v2").wait(FunctionName="orders", WaiterConfig={"Delay": 1})


def test_every_python_runtime_is_accepted(lam: Any) -> None:
    for minor in range(8, 15):
        created = create(lam, f"py3{minor}", Runtime=f"python3.{minor}")
        assert created["Runtime"] == f"python3.{minor}"
    assert create(lam, "node", Runtime="nodejs22.x", Handler="index.handler")["Runtime"] == "nodejs22.x"


def test_create_validation_errors(server: Server, lam: Any) -> None:
    unchecked = server.client("lambda", parameter_validation=False)
    create(lam, "dup")
    with pytest.raises(ClientError) as excinfo:
        create(lam, "dup")
    assert error_of(excinfo) == ("ResourceConflictException", "Function already exist: dup", 409)
    with pytest.raises(ClientError) as excinfo:
        create(lam, "x" * 65)
    code, message, status = error_of(excinfo)
    assert (code, status) == ("ValidationException", 400)
    assert "Member must have length less than or equal to 64" in message
    with pytest.raises(ClientError) as excinfo:
        create(lam, "bad", Timeout=901)
    assert error_of(excinfo) == (
        "ValidationException",
        "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: "
        "Member must have value less than or equal to 900",
        400,
    )
    with pytest.raises(ClientError) as excinfo:
        create(unchecked, "bad", MemorySize=64)
    assert "Member must have value greater than or equal to 128" in error_of(excinfo)[1]
    with pytest.raises(ClientError) as excinfo:
        create(lam, "bad", Runtime="python2.7")
    code, message, status = error_of(excinfo)
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert message.startswith("The runtime parameter of python2.7 is no longer supported")
    with pytest.raises(ClientError) as excinfo:
        create(lam, "bad", Role="not-a-role")
    assert error_of(excinfo)[0] == "ValidationException"
    with pytest.raises(ClientError) as excinfo:
        lam.create_function(
            FunctionName="bad", Runtime="python3.12", Role=ROLE, Handler="a.b", Code={"ZipFile": b"not a zip"}
        )
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
        400,
    )
    with pytest.raises(ClientError) as excinfo:
        create(lam, "bad", Environment={"Variables": {"AWS_REGION": "x"}})
    assert "Reserved keys used in this request: AWS_REGION" in error_of(excinfo)[1]
    assert [f["FunctionName"] for f in lam.list_functions()["Functions"]] == ["dup"]


def test_zip_entries_cannot_escape(lam: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        create(lam, "evil", files={"../escape.py": "x = 1"})
    assert error_of(excinfo)[0] == "InvalidParameterValueException"


def test_not_found_wording(lam: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        lam.get_function(FunctionName="missing")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing",
        404,
    )
    create(lam, "there")
    with pytest.raises(ClientError) as excinfo:
        lam.get_function(FunctionName="there", Qualifier="7")
    assert (
        error_of(excinfo)[1] == "Function not found: arn:aws:lambda:us-east-1:000000000000:function:there:7"
    )


def test_function_name_forms(lam: Any) -> None:
    create(lam, "forms")
    arn = "arn:aws:lambda:us-east-1:000000000000:function:forms"
    for name in ("forms", arn, "000000000000:function:forms", "forms:$LATEST"):
        assert lam.get_function_configuration(FunctionName=name)["FunctionName"] == "forms"


def test_list_functions_paginates(lam: Any) -> None:
    for i in range(5):
        create(lam, f"f{i}")
    first = lam.list_functions(MaxItems=2)
    assert [f["FunctionName"] for f in first["Functions"]] == ["f0", "f1"]
    # ListFunctions leaves the state fields to GetFunction (its API reference says so).
    assert "State" not in first["Functions"][0] and "LastUpdateStatus" not in first["Functions"][0]
    names = [
        f["FunctionName"]
        for page in lam.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 2})
        for f in page["Functions"]
    ]
    assert names == ["f0", "f1", "f2", "f3", "f4"]


def test_update_configuration_and_code(server: Server, lam: Any) -> None:
    created = create(lam, "upd")
    server.settle()
    updated = lam.update_function_configuration(
        FunctionName="upd",
        Timeout=60,
        Environment={"Variables": {"GREETING": "hi"}},
        LoggingConfig={"LogFormat": "JSON"},
        DeadLetterConfig={"TargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq"},
        EphemeralStorage={"Size": 1024},
        TracingConfig={"Mode": "Active"},
    )
    assert updated["LastUpdateStatus"] == "InProgress"
    assert updated["RevisionId"] != created["RevisionId"]
    assert updated["Timeout"] == 60
    assert updated["Environment"] == {"Variables": {"GREETING": "hi"}}
    assert updated["LoggingConfig"] == {
        "LogFormat": "JSON",
        "ApplicationLogLevel": "INFO",
        "SystemLogLevel": "INFO",
        "LogGroup": "/aws/lambda/upd",
    }
    assert updated["DeadLetterConfig"] == {"TargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq"}
    lam.get_waiter("function_updated_v2").wait(FunctionName="upd", WaiterConfig={"Delay": 1})
    data = make_zip({"app.py": "def handler(e, c):\n    return 2\n"})
    new = lam.update_function_code(FunctionName="upd", ZipFile=data)
    assert new["CodeSha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert new["Timeout"] == 60
    server.settle()
    assert lam.get_function_configuration(FunctionName="upd")["LastUpdateStatus"] == "Successful"
    with pytest.raises(ClientError) as excinfo:
        lam.update_function_configuration(FunctionName="upd", Timeout=10, RevisionId="stale")
    assert error_of(excinfo)[0] == "PreconditionFailedException"
    assert error_of(excinfo)[2] == 412


def test_code_from_s3(server: Server, lam: Any) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="code")
    data = make_zip()
    s3.put_object(Bucket="code", Key="fn.zip", Body=data)
    created = lam.create_function(
        FunctionName="s3fn",
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"S3Bucket": "code", "S3Key": "fn.zip"},
    )
    assert created["CodeSize"] == len(data)
    with pytest.raises(ClientError) as excinfo:
        lam.update_function_code(FunctionName="s3fn", S3Bucket="code", S3Key="missing.zip")
    code, message, _ = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert message.startswith("Error occurred while GetObject. S3 Error Code: NoSuchKey.")


def test_hot_reload_directory(lam: Any, tmp_path: Any) -> None:
    created = lam.create_function(
        FunctionName="local",
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"S3Bucket": "hot-reload", "S3Key": str(tmp_path)},
    )
    assert created["CodeSha256"] == "hot-reloading-hash-not-available"


def test_delete_function(lam: Any) -> None:
    create(lam, "gone")
    lam.delete_function(FunctionName="gone")
    with pytest.raises(ClientError) as excinfo:
        lam.delete_function(FunctionName="gone")
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    assert lam.list_functions()["Functions"] == []


def test_tags(lam: Any) -> None:
    arn = create(lam, "tagged", Tags={"team": "a"})["FunctionArn"]
    lam.tag_resource(Resource=arn, Tags={"env": "dev"})
    assert lam.list_tags(Resource=arn)["Tags"] == {"team": "a", "env": "dev"}
    lam.untag_resource(Resource=arn, TagKeys=["team"])
    assert lam.get_function(FunctionName="tagged")["Tags"] == {"env": "dev"}
    with pytest.raises(ClientError) as excinfo:
        lam.list_tags(Resource=arn + "x")
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_concurrency_and_account_settings(lam: Any) -> None:
    create(lam, "conc")
    assert lam.get_function_concurrency(FunctionName="conc").get("ReservedConcurrentExecutions") is None
    assert (
        lam.put_function_concurrency(FunctionName="conc", ReservedConcurrentExecutions=5)[
            "ReservedConcurrentExecutions"
        ]
        == 5
    )
    assert lam.get_function_concurrency(FunctionName="conc")["ReservedConcurrentExecutions"] == 5
    assert lam.get_function(FunctionName="conc")["Concurrency"] == {"ReservedConcurrentExecutions": 5}
    settings = lam.get_account_settings()
    assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 995
    assert settings["AccountLimit"]["CodeSizeZipped"] == 52428800
    assert settings["AccountUsage"]["FunctionCount"] == 1
    with pytest.raises(ClientError) as excinfo:
        lam.put_function_concurrency(FunctionName="conc", ReservedConcurrentExecutions=950)
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "Specified ReservedConcurrentExecutions for function decreases account's "
        "UnreservedConcurrentExecution below its minimum value of [100].",
        400,
    )
    lam.delete_function_concurrency(FunctionName="conc")
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName="conc")


def test_accounts_and_regions_are_isolated(server: Server, lam: Any) -> None:
    create(lam, "mine")
    other = server.client("lambda", access_key="111111111111")
    assert other.list_functions()["Functions"] == []
    west = server.client("lambda", region="us-west-2")
    assert west.list_functions()["Functions"] == []


def test_aws_cli_create_and_list(server: Server, tmp_path: Any) -> None:
    package = tmp_path / "fn.zip"
    package.write_bytes(make_zip())
    created = server.aws(
        "lambda",
        "create-function",
        "--function-name",
        "cli-fn",
        "--runtime",
        "python3.12",
        "--role",
        ROLE,
        "--handler",
        "app.handler",
        "--zip-file",
        f"fileb://{package}",
    )
    assert '"FunctionName": "cli-fn"' in created.stdout
    listed = server.aws("lambda", "list-functions")
    assert '"cli-fn"' in listed.stdout


def test_logging_config(server: Server, lam: Any) -> None:
    created = create(
        lam,
        "logs",
        LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG", "LogGroup": "/custom/group"},
    )
    assert created["LoggingConfig"] == {
        "LogFormat": "JSON",
        "ApplicationLogLevel": "DEBUG",
        "SystemLogLevel": "INFO",
        "LogGroup": "/custom/group",
    }
    server.settle()
    back = lam.update_function_configuration(FunctionName="logs", LoggingConfig={"LogFormat": "Text"})
    assert back["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/custom/group"}


def test_update_code_dry_run_changes_nothing(server: Server, lam: Any) -> None:
    created = create(lam, "dry")
    server.settle()
    data = make_zip({"app.py": "x = 1\n"})
    preview = lam.update_function_code(FunctionName="dry", ZipFile=data, DryRun=True)
    assert preview["CodeSha256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert lam.get_function_configuration(FunctionName="dry")["CodeSha256"] == created["CodeSha256"]


def test_direct_upload_limit(lam: Any) -> None:
    too_big = make_zip({"blob.bin": "x"}) + b"\0" * (52428800 - 100)  # not even read: size first
    with pytest.raises(ClientError) as excinfo:
        lam.create_function(
            FunctionName="huge", Runtime="python3.12", Role=ROLE, Handler="a.b", Code={"ZipFile": too_big}
        )
    assert error_of(excinfo) == (
        "RequestEntityTooLargeException",
        "Request must be smaller than 69905067 bytes for the CreateFunction operation",
        413,
    )
