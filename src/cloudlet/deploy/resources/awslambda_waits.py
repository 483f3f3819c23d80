"""Waiting for a resource to settle, as CloudFormation's handlers stabilize before they
report completion: a function Pending -> Active, an update InProgress -> Successful, an
event source mapping Creating -> Enabled, a table CREATING -> ACTIVE.

cloudlet finishes these transitions in background work right after the call that started
them, so a few short polls suffice; the bound only guards against a transition that never
ends (then CloudFormation's own words: the resource did not stabilize)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

_POLLS = 200
_FIRST_DELAY = 0.005
_MAX_DELAY = 0.25


class NotStabilized(Exception):
    """The resource never reached its ready state (CloudFormation's NotStabilized)."""


async def until(
    read: Callable[[], Awaitable[dict[str, Any]]],
    ready: Callable[[dict[str, Any]], bool],
    what: str,
) -> dict[str, Any]:
    """Poll `read` until `ready(result)`; the last result."""
    delay = _FIRST_DELAY
    for _ in range(_POLLS):
        result = await read()
        if ready(result):
            return result
        await asyncio.sleep(delay)
        delay = min(delay * 2, _MAX_DELAY)
    raise NotStabilized(f"Resource {what} did not stabilize")


async def function_ready(call: Callable[..., Awaitable[dict[str, Any]]], name: str) -> dict[str, Any]:
    """Wait for a function to be Active with its last update Successful; its configuration."""

    async def read() -> dict[str, Any]:
        return await call("lambda", "GetFunctionConfiguration", {"FunctionName": name})

    def ready(config: dict[str, Any]) -> bool:
        if config.get("State") == "Failed" or config.get("LastUpdateStatus") == "Failed":
            reason = config.get("LastUpdateStatusReason") or config.get("StateReason") or ""
            raise NotStabilized(f"Function {name} failed to stabilize: {reason}")
        return config.get("State") in (None, "Active") and config.get("LastUpdateStatus") in (
            None,
            "Successful",
        )

    return await until(read, ready, name)
