"""Lambda execution through boto3: warm workers, results and AWS-shaped errors, timeouts,
logs (LogType=Tail and CloudWatch Logs), boto3 inside handlers, context, environment,
throttling."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from concurrent.futures import ThreadPoolExecutor
from textwrap import dedent
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import Server

ROLE = "arn:aws:iam::000000000000:role/lambda-role"


def zipped(code: str, name: str = "app.py") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, dedent(code))
    return buffer.getvalue()


def create(server: Server, code: str, name: str = "fn", **extra: Any) -> Any:
    client = server.client("lambda")
    client.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler=extra.pop("Handler", "app.handler"),
        Code={"ZipFile": zipped(code)},
        **extra,
    )
    return client


def invoke(client: Any, name: str = "fn", event: Any = None, **extra: Any) -> dict[str, Any]:
    response = client.invoke(FunctionName=name, Payload=json.dumps(event or {}), **extra)
    response["Body"] = json.loads(response["Payload"].read() or b"null")
    return response


def messages(server: Server, group: str = "/aws/lambda/fn") -> list[str]:
    assert server.settle()
    events = server.client("logs").filter_log_events(logGroupName=group)["events"]
    return [event["message"] for event in events]


ECHO = """
    import os
    COUNT = 0
    def handler(event, context):
        global COUNT
        COUNT += 1
        return {"event": event, "pid": os.getpid(), "count": COUNT}
"""


def test_invoke_returns_the_result_from_a_warm_worker(server: Server) -> None:
    client = create(server, ECHO)
    first = invoke(client, event={"n": 1})
    second = invoke(client, event={"n": 2})
    assert first["StatusCode"] == 200 and "FunctionError" not in first
    assert first["ExecutedVersion"] == "$LATEST"
    assert first["Body"]["event"] == {"n": 1} and second["Body"]["event"] == {"n": 2}
    assert first["Body"]["pid"] == second["Body"]["pid"] and second["Body"]["count"] == 2


def test_code_update_starts_new_workers(server: Server) -> None:
    client = create(server, ECHO)
    before = invoke(client)["Body"]
    client.update_function_code(FunctionName="fn", ZipFile=zipped(ECHO.replace("COUNT = 0", "COUNT = 10")))
    server.settle()
    after = invoke(client)["Body"]
    assert after["pid"] != before["pid"] and after["count"] == 11


def test_handler_exception(server: Server) -> None:
    client = create(server, "def handler(event, context):\n    raise RuntimeError('broken')\n")
    response = invoke(client)
    assert response["StatusCode"] == 200 and response["FunctionError"] == "Unhandled"
    body = response["Body"]
    assert body["errorType"] == "RuntimeError" and body["errorMessage"] == "broken"
    assert body["requestId"] == response["ResponseMetadata"]["RequestId"]
    assert "in handler" in body["stackTrace"][0]


def test_import_error(server: Server) -> None:
    client = create(server, "import not_a_module\n")
    response = invoke(client)
    assert response["FunctionError"] == "Unhandled"
    assert response["Body"] == {
        "errorMessage": "Unable to import module 'app': No module named 'not_a_module'",
        "errorType": "Runtime.ImportModuleError",
        "requestId": "",
        "stackTrace": [],
    }


def test_missing_handler(server: Server) -> None:
    client = create(server, "x = 1\n", Handler="app.nope")
    body = invoke(client)["Body"]
    assert body["errorType"] == "Runtime.HandlerNotFound"
    assert body["errorMessage"] == "Handler 'nope' missing on module 'app'"


def test_syntax_error(server: Server) -> None:
    body = invoke(create(server, "def handler(event, context)\n    pass\n"))["Body"]
    assert body["errorType"] == "Runtime.UserCodeSyntaxError"
    assert body["errorMessage"].startswith("Syntax error in module 'app'")


def test_timeout(server: Server) -> None:
    client = create(server, "import time\ndef handler(event, context):\n    time.sleep(10)\n", Timeout=1)
    response = invoke(client, LogType="Tail")
    request_id = response["ResponseMetadata"]["RequestId"]
    assert response["FunctionError"] == "Unhandled"
    assert response["Body"] == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {request_id} Error: Task timed out after 1.00 seconds",
    }
    tail = base64.b64decode(response["LogResult"]).decode()
    assert f"{request_id} Task timed out after 1.00 seconds" in tail


def test_print_and_logging_reach_the_log_group(server: Server) -> None:
    client = create(
        server,
        """
        import logging
        logger = logging.getLogger()
        logger.setLevel(logging.INFO)
        def handler(event, context):
            print("printed", event["n"])
            logger.warning("logged %s", event["n"])
            return "ok"
        """,
    )
    response = invoke(client, event={"n": 7}, LogType="Tail")
    request_id = response["ResponseMetadata"]["RequestId"]
    tail = base64.b64decode(response["LogResult"]).decode()
    assert tail.startswith(f"START RequestId: {request_id} Version: $LATEST\nprinted 7\n[WARNING]\t")
    assert f"\t{request_id}\tlogged 7\nEND RequestId: {request_id}\nREPORT RequestId: {request_id}\t" in tail
    assert "Init Duration: " in tail
    logged = messages(server)
    assert logged[0] == f"START RequestId: {request_id} Version: $LATEST"
    assert logged[1] == "printed 7"
    assert logged[-1].startswith(f"REPORT RequestId: {request_id}\tDuration: ")
    streams = server.client("logs").describe_log_streams(logGroupName="/aws/lambda/fn")["logStreams"]
    assert len(streams) == 1 and "/[$LATEST]" in streams[0]["logStreamName"]


def test_handler_uses_boto3_against_cloudlet(server: Server) -> None:
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName="from-lambda")["QueueUrl"]
    client = create(
        server,
        """
        import boto3
        sqs = boto3.client("sqs")
        def handler(event, context):
            sqs.send_message(QueueUrl=event["url"], MessageBody="hi from " + context.function_name)
            return sqs.get_queue_attributes(QueueUrl=event["url"], AttributeNames=["QueueArn"])["Attributes"]
        """,
    )
    response = invoke(client, event={"url": url})
    assert "FunctionError" not in response, response["Body"]
    assert response["Body"]["QueueArn"].endswith(":000000000000:from-lambda")
    received = sqs.receive_message(QueueUrl=url)["Messages"]
    assert received[0]["Body"] == "hi from fn"


def test_context_and_environment(server: Server) -> None:
    client = create(
        server,
        """
        import os
        def handler(event, context):
            return {
                "env": {k: os.environ.get(k) for k in event["names"]},
                "request_id": context.aws_request_id,
                "arn": context.invoked_function_arn,
                "memory": context.memory_limit_in_mb,
                "version": context.function_version,
                "group": context.log_group_name,
                "stream": context.log_stream_name,
                "remaining": context.get_remaining_time_in_millis(),
            }
        """,
        MemorySize=256,
        Timeout=9,
        Environment={"Variables": {"STAGE": "test"}},
    )
    names = [
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "STAGE",
        "TZ",
        "_HANDLER",
    ]
    response = invoke(client, event={"names": names})
    body = response["Body"]
    assert body["env"] == {
        "AWS_LAMBDA_FUNCTION_NAME": "fn",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": server.endpoint,
        "STAGE": "test",
        "TZ": ":UTC",
        "_HANDLER": "app.handler",
    }
    assert body["request_id"] == response["ResponseMetadata"]["RequestId"]
    assert body["arn"] == "arn:aws:lambda:us-east-1:000000000000:function:fn"
    assert body["memory"] == "256" and body["version"] == "$LATEST"
    assert body["group"] == "/aws/lambda/fn" and "[$LATEST]" in body["stream"]
    assert 7000 < body["remaining"] <= 9000


def test_published_version_runs_with_its_number(server: Server) -> None:
    client = create(server, "def handler(event, context):\n    return context.function_version\n")
    version = client.publish_version(FunctionName="fn")["Version"]
    response = invoke(client, Qualifier=version, LogType="Tail")
    assert response["Body"] == version and response["ExecutedVersion"] == version
    assert f"Version: {version}\n" in base64.b64decode(response["LogResult"]).decode()


def test_reserved_concurrency_zero_throttles(server: Server) -> None:
    client = create(server, ECHO)
    client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as caught:
        invoke(client)
    error = caught.value.response
    assert error["Error"]["Code"] == "TooManyRequestsException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert error["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_reserved_concurrency_one_throttles_the_second_concurrent_invoke(server: Server) -> None:
    sqs = server.client("sqs")
    started = sqs.create_queue(QueueName="started")["QueueUrl"]
    go = sqs.create_queue(QueueName="go")["QueueUrl"]
    client = create(
        server,
        """
        import boto3
        sqs = boto3.client("sqs")
        def handler(event, context):
            sqs.send_message(QueueUrl=event["started"], MessageBody="running")
            while not sqs.receive_message(QueueUrl=event["go"], WaitTimeSeconds=5).get("Messages"):
                pass
            return "finished"
        """,
        Timeout=30,
    )
    client.put_function_concurrency(FunctionName="fn", ReservedConcurrentExecutions=1)
    pool = ThreadPoolExecutor(1)
    first = pool.submit(invoke, server.client("lambda"), "fn", {"started": started, "go": go})
    assert sqs.receive_message(QueueUrl=started, WaitTimeSeconds=20)["Messages"][0]["Body"] == "running"
    with pytest.raises(ClientError) as caught:
        invoke(client, event={"started": started, "go": go})
    assert caught.value.response["Error"]["Code"] == "TooManyRequestsException"
    sqs.send_message(QueueUrl=go, MessageBody="go")
    assert first.result(30)["Body"] == "finished"
    pool.shutdown()
