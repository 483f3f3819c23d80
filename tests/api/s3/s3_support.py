"""Helpers for the S3 API tests."""

from __future__ import annotations

from typing import Any

import pytest


def error_code(excinfo: pytest.ExceptionInfo[Any]) -> str:
    return str(excinfo.value.response["Error"]["Code"])


def status(excinfo: pytest.ExceptionInfo[Any]) -> int:
    return int(excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"])
