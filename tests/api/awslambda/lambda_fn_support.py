"""Helpers for the Lambda control-plane tests: in-memory zips and a function factory."""

from __future__ import annotations

import io
import zipfile
from typing import Any

ROLE = "arn:aws:iam::000000000000:role/lambda-role"

ECHO = """
import json, os

def handler(event, context):
    print("hello from", context.function_name)
    return {"event": event, "version": context.function_version, "env": os.environ.get("GREETING")}
"""


def make_zip(files: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (files or {"app.py": ECHO}).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def create(
    client: Any, name: str = "fn", files: dict[str, str] | None = None, **extra: Any
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "FunctionName": name,
        "Runtime": "python3.12",
        "Role": ROLE,
        "Handler": "app.handler",
        "Code": {"ZipFile": make_zip(files)},
    }
    params.update(extra)
    result: dict[str, Any] = client.create_function(**params)
    return result


def error_of(excinfo: Any) -> tuple[str, str, int]:
    response = excinfo.value.response
    return (
        response["Error"]["Code"],
        response["Error"].get("Message", ""),
        response["ResponseMetadata"]["HTTPStatusCode"],
    )
