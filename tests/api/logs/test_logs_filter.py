"""FilterLogEvents through boto3: streams, time window, patterns, paging."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def group(logs: Any, make_stream: Any, now_ms: Callable[[], int]) -> tuple[str, int]:
    """Two streams of interleaved events: app-1 at even offsets, app-2 at odd ones."""
    now = now_ms() - 60_000
    make_stream("/filter", "app-1")
    make_stream("/filter", "app-2")
    make_stream("/filter", "other")
    lines = {
        "app-1": [
            (0, "INFO start"),
            (2, json.dumps({"level": "ERROR", "latency": 250})),
            (4, "ERROR boom"),
            (6, json.dumps({"level": "INFO", "latency": 20})),
        ],
        "app-2": [(1, "WARN slow"), (3, json.dumps({"level": "ERROR", "latency": 50})), (5, "INFO done")],
        "other": [(7, "ERROR elsewhere")],
    }
    for stream, events in lines.items():
        logs.put_log_events(
            logGroupName="/filter",
            logStreamName=stream,
            logEvents=[{"timestamp": now + offset, "message": message} for offset, message in events],
        )
    return "/filter", now


def found(logs: Any, **kwargs: Any) -> list[tuple[str, str]]:
    events = logs.filter_log_events(logGroupName="/filter", **kwargs)["events"]
    return [(e["logStreamName"], e["message"]) for e in events]


def test_all_events_interleaved_in_time_order(logs: Any, group: tuple[str, int]) -> None:
    result = logs.filter_log_events(logGroupName="/filter")
    assert [e["timestamp"] - group[1] for e in result["events"]] == list(range(8))
    assert result["searchedLogStreams"] == []
    assert "nextToken" not in result
    assert len({e["eventId"] for e in result["events"]}) == 8


def test_streams_and_prefix(logs: Any, group: tuple[str, int]) -> None:
    assert [s for s, _ in found(logs, logStreamNames=["app-2"])] == ["app-2"] * 3
    assert {s for s, _ in found(logs, logStreamNamePrefix="app-")} == {"app-1", "app-2"}
    assert found(logs, logStreamNamePrefix="none-") == []
    with pytest.raises(logs.exceptions.ResourceNotFoundException) as missing:
        logs.filter_log_events(logGroupName="/filter", logStreamNames=["app-1", "missing"])
    assert missing.value.response["Error"]["Message"] == "The specified log stream does not exist."
    with pytest.raises(ClientError) as info:
        logs.filter_log_events(logGroupName="/filter", logStreamNames=["a"], logStreamNamePrefix="a")
    assert info.value.response["Error"]["Code"] == "InvalidParameterException"


def test_time_window(logs: Any, group: tuple[str, int]) -> None:
    events = logs.filter_log_events(logGroupName="/filter", startTime=group[1] + 2, endTime=group[1] + 5)[
        "events"
    ]
    assert [e["timestamp"] - group[1] for e in events] == [2, 3, 4]


def test_patterns(logs: Any, group: tuple[str, int]) -> None:
    # terms match anywhere in the message, JSON or not
    assert [m for _, m in found(logs, filterPattern="ERROR")][2:] == ["ERROR boom", "ERROR elsewhere"]
    assert found(logs, filterPattern="?WARN ?boom") == [("app-2", "WARN slow"), ("app-1", "ERROR boom")]
    assert found(logs, filterPattern='ERROR -elsewhere -"latency"') == [("app-1", "ERROR boom")]
    errors = found(logs, filterPattern='{ $.level = "ERROR" }')
    assert [s for s, _ in errors] == ["app-1", "app-2"]
    slow = found(logs, filterPattern="{ $.latency > 100 }")
    assert [json.loads(m)["latency"] for _, m in slow] == [250]
    both = found(logs, filterPattern='{ $.level = "ERROR" && $.latency < 100 }')
    assert [s for s, _ in both] == ["app-2"]
    with pytest.raises(ClientError) as info:
        logs.filter_log_events(logGroupName="/filter", filterPattern="{ $.level = }")
    assert info.value.response["Error"]["Code"] == "InvalidParameterException"


def test_paging_with_limit_and_paginator(logs: Any, group: tuple[str, int]) -> None:
    first = logs.filter_log_events(logGroupName="/filter", limit=3)
    assert len(first["events"]) == 3
    second = logs.filter_log_events(logGroupName="/filter", limit=3, nextToken=first["nextToken"])
    assert [e["timestamp"] - group[1] for e in second["events"]] == [3, 4, 5]
    pages = list(
        logs.get_paginator("filter_log_events").paginate(
            logGroupName="/filter", filterPattern="INFO -latency", PaginationConfig={"PageSize": 1}
        )
    )
    assert [e["message"] for p in pages for e in p["events"]] == ["INFO start", "INFO done"]


def test_missing_group(logs: Any) -> None:
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.filter_log_events(logGroupName="/nope")


def test_pages_stop_at_one_megabyte(logs: Any, make_stream: Any, now_ms: Callable[[], int]) -> None:
    group, stream = make_stream("/big", "s")
    now = now_ms()
    big = "x" * 400_000
    for offset in (0, 1, 2):
        logs.put_log_events(
            logGroupName=group,
            logStreamName=stream,
            logEvents=[{"timestamp": now - 10 + offset, "message": big}],
        )
    first = logs.filter_log_events(logGroupName=group)
    assert len(first["events"]) == 2
    second = logs.filter_log_events(logGroupName=group, nextToken=first["nextToken"])
    assert len(second["events"]) == 1
    assert "nextToken" not in second
    page = logs.get_log_events(logGroupName=group, logStreamName=stream, startFromHead=True)
    assert len(page["events"]) == 2
