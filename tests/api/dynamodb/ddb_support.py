"""Helpers for the DynamoDB tests."""

from __future__ import annotations

from typing import Any

import pytest


def error_of(excinfo: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    """(Error.Code, Error.Message) of a botocore ClientError."""
    error = excinfo.value.response["Error"]
    return str(error["Code"]), str(error["Message"])
