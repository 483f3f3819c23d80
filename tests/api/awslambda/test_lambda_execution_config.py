"""Lambda execution through boto3, configuration that reaches the worker: LoggingConfig
(JSON format, levels, custom group), layers on sys.path, timeouts vs remaining time."""

from __future__ import annotations

import io
import json
import zipfile
from textwrap import dedent
from typing import Any

from harness import Server

ROLE = "arn:aws:iam::000000000000:role/lambda-role"


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, code in files.items():
            archive.writestr(name, dedent(code))
    return buffer.getvalue()


def create(server: Server, code: str, **extra: Any) -> Any:
    client = server.client("lambda")
    client.create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": zipped({"app.py": code})},
        **extra,
    )
    return client


def invoke(client: Any, event: Any = None) -> Any:
    response = client.invoke(FunctionName="fn", Payload=json.dumps(event or {}))
    return json.loads(response["Payload"].read())


def messages(server: Server, group: str) -> list[str]:
    assert server.settle()
    return [e["message"] for e in server.client("logs").filter_log_events(logGroupName=group)["events"]]


def test_json_log_format_with_levels_and_a_custom_group(server: Server) -> None:
    client = create(
        server,
        """
        import logging
        logger = logging.getLogger("orders")
        def handler(event, context):
            logger.debug("not shown")
            logger.info("placed", extra={"order": 7})
            print("plain print")
            return "ok"
        """,
        LoggingConfig={
            "LogFormat": "JSON",
            "ApplicationLogLevel": "INFO",
            "SystemLogLevel": "INFO",
            "LogGroup": "/custom/orders",
        },
    )
    assert invoke(client) == "ok"
    logged = messages(server, "/custom/orders")
    records = [json.loads(m) if m.startswith("{") else m for m in logged]
    assert records[0]["type"] == "platform.start"
    app = records[1]
    assert app["level"] == "INFO" and app["message"] == "placed" and app["logger"] == "orders"
    assert app["order"] == 7 and app["requestId"] == records[0]["record"]["requestId"]
    assert records[2] == "plain print"
    assert records[3]["type"] == "platform.report" and records[3]["record"]["status"] == "success"
    assert len(records) == 4


def test_layers_are_on_sys_path(server: Server) -> None:
    client = server.client("lambda")
    layer = client.publish_layer_version(
        LayerName="helpers",
        Content={"ZipFile": zipped({"python/helpers.py": "def greet(name):\n    return 'hello ' + name\n"})},
        CompatibleRuntimes=["python3.12"],
    )
    create(
        server,
        "import helpers\ndef handler(event, context):\n    return helpers.greet(event['name'])\n",
        Layers=[layer["LayerVersionArn"]],
    )
    assert invoke(client, {"name": "layer"}) == "hello layer"


def test_code_in_a_package_with_a_nested_handler(server: Server) -> None:
    client = server.client("lambda")
    client.create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=ROLE,
        Handler="pkg/inner.run",
        Code={
            "ZipFile": zipped(
                {"pkg/__init__.py": "", "pkg/inner.py": "def run(event, context):\n    return __name__\n"}
            )
        },
    )
    assert invoke(client) == "pkg.inner"
