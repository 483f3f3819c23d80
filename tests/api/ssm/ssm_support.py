"""Helpers shared by the SSM tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def fails(call: Callable[..., Any], /, **kwargs: Any) -> tuple[str, str]:
    """Call, expect a ClientError, return (code, message)."""
    with pytest.raises(ClientError) as exc:
        call(**kwargs)
    error = exc.value.response["Error"]
    return str(error["Code"]), str(error.get("Message", ""))
