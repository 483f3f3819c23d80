"""`cloudlet status`, `cloudlet reset`, `cloudlet clock`, `cloudlet settle`: the internal API by hand."""

from __future__ import annotations

from typing import Any

from cloudlet.cli.durations import parse_duration
from cloudlet.cli.remote import call


def run_status(endpoint: str) -> dict[str, Any]:
    health: dict[str, Any] = call(endpoint, "GET", "/_cloudlet/health")
    health["clock"] = call(endpoint, "GET", "/_cloudlet/clock")
    return health


def run_reset(endpoint: str) -> dict[str, Any]:
    result: dict[str, Any] = call(endpoint, "POST", "/_cloudlet/reset", {})
    return result


def run_clock_show(endpoint: str) -> dict[str, Any]:
    result: dict[str, Any] = call(endpoint, "GET", "/_cloudlet/clock")
    return result


def run_clock_advance(endpoint: str, duration: str) -> dict[str, Any]:
    result: dict[str, Any] = call(
        endpoint, "POST", "/_cloudlet/clock/advance", {"seconds": parse_duration(duration)}
    )
    return result


def run_settle(endpoint: str, timeout: float) -> dict[str, Any]:
    result: dict[str, Any] = call(
        endpoint, "POST", "/_cloudlet/settle", {"timeout": timeout}, timeout=timeout + 10
    )
    return result
