"""The invoker's warm workers, driven in-process (a Runtime on a thread, FunctionSpecs built
by hand): results, errors, logs, timeouts, reuse, throttling."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest

from cloudlet.errors import ServiceError
from cloudlet.runtime.runtime import Runtime
from cloudlet.services.awslambda.invoking import FunctionSpec, InvokeResult
from cloudlet.settings import Settings

ACCOUNT = "123456789012"
ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn"


class Harness:
    def __init__(self, runtime: Runtime, loop: asyncio.AbstractEventLoop, root: Path) -> None:
        self.runtime = runtime
        self.loop = loop
        self.root = root

    def spec(self, code: str, handler: str = "app.handler", **changes: Any) -> FunctionSpec:
        code_dir = self.root / uuid.uuid4().hex
        code_dir.mkdir()
        (code_dir / "app.py").write_text(dedent(code))
        fields: dict[str, Any] = {
            "account": ACCOUNT,
            "region": "us-east-1",
            "name": "fn",
            "function_arn": ARN,
            "version": "$LATEST",
            "revision": code_dir.name,
            "runtime": "python3.12",
            "handler": handler,
            "code_dir": code_dir,
            "log_group": "/aws/lambda/fn",
        }
        fields.update(changes)
        return FunctionSpec(**fields)

    def submit(self, spec: FunctionSpec, event: Any = None, **kwargs: Any) -> Future[InvokeResult]:
        payload = json.dumps({} if event is None else event).encode()
        request_id = kwargs.pop("request_id", str(uuid.uuid4()))
        coro = self.runtime.invoker.invoke(spec, payload, request_id=request_id, invoked_arn=ARN, **kwargs)
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def invoke(self, spec: FunctionSpec, event: Any = None, **kwargs: Any) -> InvokeResult:
        return self.submit(spec, event, **kwargs).result(30)

    def settle(self) -> None:
        assert asyncio.run_coroutine_threadsafe(self.runtime.settle(10), self.loop).result(15)

    def log_messages(self, group: str = "/aws/lambda/fn") -> list[str]:
        self.settle()
        logs = self.runtime.clients.client("logs", account=ACCOUNT)
        return [event["message"] for event in logs.filter_log_events(logGroupName=group)["events"]]


@contextlib.contextmanager
def running(tmp_path: Path, **settings: Any) -> Iterator[Harness]:
    runtime = Runtime(Settings(data_dir=tmp_path / "data", port=1, log_requests=False, **settings))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(runtime.start(), loop).result(10)
    code_root = tmp_path / "code"
    code_root.mkdir()
    yield Harness(runtime, loop, code_root)
    asyncio.run_coroutine_threadsafe(runtime.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


@pytest.fixture
def lam(tmp_path: Path) -> Iterator[Harness]:
    with running(tmp_path) as harness:
        yield harness


ECHO = """
    import os
    COUNT = 0
    def handler(event, context):
        global COUNT
        COUNT += 1
        return {"event": event, "pid": os.getpid(), "count": COUNT}
"""


def test_result_and_warm_reuse(lam: Harness) -> None:
    spec = lam.spec(ECHO)
    first = lam.invoke(spec, {"a": 1})
    second = lam.invoke(spec, {"b": 2})
    assert first.function_error is None
    one, two = json.loads(first.payload), json.loads(second.payload)
    assert one["event"] == {"a": 1} and two["event"] == {"b": 2}
    assert one["pid"] == two["pid"] and two["count"] == 2  # imported once, reused
    assert first.executed_version == "$LATEST"


def test_new_revision_gets_a_new_worker(lam: Harness) -> None:
    spec = lam.spec(ECHO)
    first = json.loads(lam.invoke(spec).payload)
    changed = lam.spec(ECHO)
    second = json.loads(lam.invoke(changed).payload)
    assert first["pid"] != second["pid"] and second["count"] == 1


def test_retire_stops_idle_workers(lam: Harness) -> None:
    spec = lam.spec(ECHO)
    first = json.loads(lam.invoke(spec).payload)
    lam.loop.call_soon_threadsafe(lam.runtime.invoker.retire, ARN)
    second = json.loads(lam.invoke(spec).payload)
    assert first["pid"] != second["pid"]


def test_concurrent_invocations_get_their_own_workers(lam: Harness) -> None:
    spec = lam.spec(
        """
        import os, time
        def handler(event, context):
            time.sleep(0.3)
            return os.getpid()
        """
    )
    futures = [lam.submit(spec) for _ in range(3)]
    pids = {json.loads(future.result(30).payload) for future in futures}
    assert len(pids) == 3


def test_handler_exception_is_shaped_as_aws(lam: Harness) -> None:
    spec = lam.spec(
        """
        def handler(event, context):
            raise ValueError("boom")
        """
    )
    result = lam.invoke(spec, request_id="req-1")
    assert result.function_error == "Unhandled"
    error = json.loads(result.payload)
    assert error["errorType"] == "ValueError" and error["errorMessage"] == "boom"
    assert error["requestId"] == "req-1"
    assert 'app.py", line 3, in handler' in error["stackTrace"][0]
    assert "[ERROR] ValueError: boom" in result.log_tail


@pytest.mark.parametrize(
    ("code", "handler", "error_type", "message"),
    [
        (
            "x = 1\n",
            "missing.handler",
            "Runtime.ImportModuleError",
            "Unable to import module 'missing': No module named 'missing'",
        ),
        ("x = 1\n", "app.handler", "Runtime.HandlerNotFound", "Handler 'handler' missing on module 'app'"),
        ("def handler(:\n", "app.handler", "Runtime.UserCodeSyntaxError", "Syntax error in module 'app'"),
        ("raise KeyError('k')\n", "app.handler", "KeyError", "'k'"),
    ],
)
def test_init_failures(lam: Harness, code: str, handler: str, error_type: str, message: str) -> None:
    spec = lam.spec(code, handler=handler)
    result = lam.invoke(spec)
    error = json.loads(result.payload)
    assert result.function_error == "Unhandled"
    assert error["errorType"] == error_type
    assert error["errorMessage"].startswith(message)
    assert error["requestId"] == ""


def test_unserializable_result_is_a_marshal_error(lam: Harness) -> None:
    spec = lam.spec("def handler(event, context):\n    return {1, 2}\n")
    error = json.loads(lam.invoke(spec).payload)
    assert error["errorType"] == "Runtime.MarshalError"
    assert error["errorMessage"] == "Unable to marshal response: Object of type set is not JSON serializable"


def test_results_are_marshalled_as_awslambdaric_does(lam: Harness) -> None:
    spec = lam.spec(
        """
        from decimal import Decimal
        def handler(event, context):
            if event["kind"] == "bytes":
                return b"raw bytes"
            return {"price": Decimal("1.5"), "text": "h\u00e9"}
        """
    )
    assert lam.invoke(spec, {"kind": "bytes"}).payload == b"raw bytes"
    assert lam.invoke(spec, {"kind": "json"}).payload == '{"price": 1.5, "text": "h\u00e9"}'.encode()


def test_worker_exit_is_an_exit_error(lam: Harness) -> None:
    spec = lam.spec(ECHO.replace("COUNT += 1", "COUNT += 1\n        if event.get('die'): os._exit(3)"))
    pid = json.loads(lam.invoke(spec).payload)["pid"]
    result = lam.invoke(spec, {"die": True}, request_id="req-x")
    assert result.function_error == "Unhandled"
    assert json.loads(result.payload) == {
        "errorType": "Runtime.ExitError",
        "errorMessage": "RequestId: req-x Error: Runtime exited with error: exit status 3",
    }
    assert json.loads(lam.invoke(spec).payload)["pid"] != pid  # a fresh worker


def test_timeout_kills_the_worker(lam: Harness) -> None:
    spec = lam.spec(
        """
        import os, time
        def handler(event, context):
            if event.get("sleep"):
                time.sleep(30)
            return os.getpid()
        """,
        timeout=1,
    )
    pid = json.loads(lam.invoke(spec).payload)
    result = lam.invoke(spec, {"sleep": True}, request_id="req-t")
    assert result.function_error == "Unhandled"
    assert json.loads(result.payload) == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": "RequestId: req-t Error: Task timed out after 1.00 seconds",
    }
    assert "req-t Task timed out after 1.00 seconds" in result.log_tail
    assert "Status: timeout" in result.log_tail
    assert json.loads(lam.invoke(spec).payload) != pid


def test_context_and_environment(lam: Harness) -> None:
    spec = lam.spec(
        """
        import os
        def handler(event, context):
            names = ["AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                     "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "_HANDLER", "LAMBDA_TASK_ROOT",
                     "AWS_REGION", "AWS_DEFAULT_REGION", "TZ", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "MY_VAR",
                     "AWS_EXECUTION_ENV"]
            return {
                "env": {name: os.environ.get(name) for name in names},
                "cwd": os.getcwd(),
                "context": {
                    "aws_request_id": context.aws_request_id,
                    "function_name": context.function_name,
                    "function_version": context.function_version,
                    "invoked_function_arn": context.invoked_function_arn,
                    "memory_limit_in_mb": context.memory_limit_in_mb,
                    "log_group_name": context.log_group_name,
                    "log_stream_name": context.log_stream_name,
                    "remaining": context.get_remaining_time_in_millis(),
                    "cognito": context.identity.cognito_identity_id,
                    "custom": context.client_context.custom,
                },
            }
        """,
        environment={"MY_VAR": "mine"},
        memory_size=256,
        timeout=7,
    )
    client_context = "eyJjdXN0b20iOiB7ImsiOiAidiJ9fQ=="  # base64 of {"custom": {"k": "v"}}
    out = json.loads(
        lam.invoke(
            spec, request_id="req-c", client_context=client_context, identity={"cognitoIdentityId": "cid"}
        ).payload
    )
    env, context = out["env"], out["context"]
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "fn" and env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256" and env["MY_VAR"] == "mine"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/fn" and env["_HANDLER"] == "app.handler"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1" and env["TZ"] == ":UTC"
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:1" and env["AWS_ACCESS_KEY_ID"] == ACCOUNT
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert env["LAMBDA_TASK_ROOT"] == out["cwd"] == str(spec.code_dir)
    stream = env["AWS_LAMBDA_LOG_STREAM_NAME"]
    assert stream[:10].count("/") == 2 and "/[$LATEST]" in stream and len(stream.split("]")[1]) == 32
    assert context["aws_request_id"] == "req-c" and context["invoked_function_arn"] == ARN
    assert context["function_name"] == "fn" and context["function_version"] == "$LATEST"
    assert context["memory_limit_in_mb"] == "256"
    assert context["log_group_name"] == "/aws/lambda/fn" and context["log_stream_name"] == stream
    assert 5000 < context["remaining"] <= 7000
    assert context["cognito"] == "cid" and context["custom"] == {"k": "v"}


def test_logs_reach_cloudwatch_in_order(lam: Harness) -> None:
    spec = lam.spec(
        """
        import logging, sys
        logger = logging.getLogger()
        logger.setLevel(logging.INFO)
        print("init line")
        def handler(event, context):
            print("hello")
            print("two\\nlines")
            sys.stderr.write("to stderr\\n")
            sys.stdout.buffer.write(b"as bytes\\n")
            logger.info("via logging")
            return None
        """
    )
    result = lam.invoke(spec, request_id="req-l")
    messages = lam.log_messages()
    assert messages[0] == "init line"
    assert messages[1] == "START RequestId: req-l Version: $LATEST"
    assert messages[2:7] == ["hello", "two", "lines", "to stderr", "as bytes"]
    assert messages[7].startswith("[INFO]\t") and messages[7].endswith("\treq-l\tvia logging")
    assert messages[8] == "END RequestId: req-l"
    report = messages[9]
    assert report.startswith("REPORT RequestId: req-l\tDuration: ")
    assert "\tMemory Size: 128 MB\tMax Memory Used: " in report and "\tInit Duration: " in report
    assert result.log_tail.endswith(report + "\n")
    lam.invoke(spec, request_id="req-2")
    assert "Init Duration" not in lam.log_messages()[-1]  # warm


def test_json_log_format(lam: Harness) -> None:
    spec = lam.spec(
        """
        import logging
        def handler(event, context):
            logging.getLogger("mine").debug("hidden")
            logging.getLogger("mine").warning("shown %s", 1)
        """,
        log_format="JSON",
        application_log_level="WARN",
        system_log_level="INFO",
    )
    lam.invoke(spec, request_id="req-j")
    records = [json.loads(message) for message in lam.log_messages()]
    assert [record.get("type", record.get("level")) for record in records] == [
        "platform.start",
        "WARNING",
        "platform.report",
    ]
    assert records[1]["message"] == "shown 1" and records[1]["logger"] == "mine"
    assert records[1]["requestId"] == "req-j"
    assert records[2]["record"]["metrics"]["memorySizeMB"] == 128


def test_reserved_concurrency_throttles(lam: Harness) -> None:
    with pytest.raises(ServiceError) as caught:
        lam.invoke(lam.spec(ECHO, reserved_concurrency=0))
    assert caught.value.code == "TooManyRequestsException" and caught.value.status == 429
    assert caught.value.fields["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_reserved_concurrency_of_one(lam: Harness, tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    spec = lam.spec(
        f"""
        import os, time
        def handler(event, context):
            while not os.path.exists({str(gate)!r}):
                time.sleep(0.01)
            return "done"
        """,
        reserved_concurrency=1,
    )
    first = lam.submit(spec)
    while not lam.runtime.invoker.busy():  # until the first is running
        threading.Event().wait(0.01)
    with pytest.raises(ServiceError) as caught:
        lam.invoke(spec)
    assert caught.value.code == "TooManyRequestsException"
    gate.write_text("")
    assert json.loads(first.result(30).payload) == "done"


def test_init_error_is_logged_and_retried(lam: Harness) -> None:
    spec = lam.spec("import not_there\n")
    first = lam.invoke(spec, request_id="req-i")
    messages = lam.log_messages()
    assert messages[0].startswith("[WARNING]\t") and "LAMBDA_WARNING: Unhandled exception." in messages[0]
    assert messages[1] == (
        "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'not_there'\n"
        "Traceback (most recent call last):"
    )
    assert messages[2] == "START RequestId: req-i Version: $LATEST"
    assert "\tStatus: error\tError Type: Runtime.ImportModuleError\t" in messages[-1]
    assert first.function_error == "Unhandled"
    assert json.loads(lam.invoke(spec).payload)["errorType"] == "Runtime.ImportModuleError"  # init again


def test_handler_exception_log_event(lam: Harness) -> None:
    spec = lam.spec("def handler(event, context):\n    raise ValueError('bad')\n")
    lam.invoke(spec, request_id="req-e")
    error = next(m for m in lam.log_messages() if m.startswith("[ERROR]"))
    lines = error.split("\n")
    assert lines[:2] == ["[ERROR] ValueError: bad", "Traceback (most recent call last):"]
    assert lines[2].startswith("\u00a0\u00a0File ") and lines[2].endswith(", line 2, in handler")
    assert lines[3] == "\u00a0\u00a0\u00a0\u00a0raise ValueError('bad')"


def test_account_concurrency_limit(tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    code = f"""
        import os, time
        def handler(event, context):
            while not os.path.exists({str(gate)!r}):
                time.sleep(0.01)
            return "done"
    """
    with running(tmp_path, lambda_concurrency=1) as lam:
        first = lam.submit(lam.spec(code))
        while not lam.runtime.invoker.busy():  # until the first is running
            threading.Event().wait(0.01)
        with pytest.raises(ServiceError) as caught:
            lam.invoke(lam.spec(ECHO, name="other", function_arn=ARN + "-other"))
        assert caught.value.fields["Reason"] == "ConcurrentInvocationLimitExceeded"
        gate.write_text("")
        assert json.loads(first.result(30).payload) == "done"


def test_unparsable_event_is_an_unmarshal_error(lam: Harness) -> None:
    spec = lam.spec(ECHO)
    coro = lam.runtime.invoker.invoke(spec, b"{nope", request_id="req-u", invoked_arn=ARN)
    result = asyncio.run_coroutine_threadsafe(coro, lam.loop).result(30)
    error = json.loads(result.payload)
    assert error["errorType"] == "Runtime.UnmarshalError" and error["requestId"] == "req-u"
    assert error["errorMessage"].startswith("Unable to unmarshal input: Expecting property name")
