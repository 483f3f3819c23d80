"""PutLogEvents and GetLogEvents through boto3: batch rules, rejected events, paging tokens, retention."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import Server

DAY_MS = 86_400_000
HOUR_MS = 3_600_000


def put(logs: Any, stream: tuple[str, str], events: list[tuple[int, str]]) -> dict[str, Any]:
    result: dict[str, Any] = logs.put_log_events(
        logGroupName=stream[0],
        logStreamName=stream[1],
        logEvents=[{"timestamp": ts, "message": message} for ts, message in events],
    )
    return result


def messages(page: dict[str, Any]) -> list[str]:
    return [event["message"] for event in page["events"]]


def invalid(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as info:
        call()
    assert info.value.response["Error"]["Code"] == "InvalidParameterException"
    return str(info.value.response["Error"]["Message"])


def test_put_and_get_with_stream_times(logs: Any, make_stream: Any, now_ms: Callable[[], int]) -> None:
    stream = make_stream()
    now = now_ms()
    result = put(logs, stream, [(now - 2000, "one"), (now - 1000, "two"), (now - 1000, "three")])
    assert re.fullmatch(r"\d+", result["nextSequenceToken"])
    assert "rejectedLogEventsInfo" not in result
    # sequence tokens are accepted and ignored, even wrong ones
    logs.put_log_events(
        logGroupName=stream[0],
        logStreamName=stream[1],
        logEvents=[{"timestamp": now, "message": "four"}],
        sequenceToken="0000000000000000000001",
    )
    page = logs.get_log_events(logGroupName=stream[0], logStreamName=stream[1], startFromHead=True)
    assert messages(page) == ["one", "two", "three", "four"]
    assert page["events"][0]["timestamp"] == now - 2000
    assert page["events"][0]["ingestionTime"] >= now - 1000
    [info] = logs.describe_log_streams(logGroupName=stream[0])["logStreams"]
    assert info["firstEventTimestamp"] == now - 2000
    assert info["lastEventTimestamp"] == now
    assert info["lastIngestionTime"] >= now - 1000
    group = logs.describe_log_groups()["logGroups"][0]
    assert group["storedBytes"] == len("onetwothreefour")


def test_batch_rules(logs: Any, make_stream: Any, now_ms: Callable[[], int]) -> None:
    stream = make_stream()
    now = now_ms()
    message = invalid(lambda: put(logs, stream, [(now, "b"), (now - 1, "a")]))
    assert message == "Log events in a single PutLogEvents request must be in chronological order."
    message = invalid(lambda: put(logs, stream, [(now - 25 * HOUR_MS, "a"), (now, "b")]))
    assert "cannot span more than 24 hours" in message
    big = "x" * (1_048_576 - 26 * 2 - 10)
    message = invalid(lambda: put(logs, stream, [(now, big), (now, "y" * 11)]))
    assert message == "Upload too large: 1048577 bytes exceeds limit of 1048576"
    put(logs, stream, [(now, big), (now, "y" * 10)])  # exactly the limit
    assert len(logs.get_log_events(logGroupName=stream[0], logStreamName=stream[1])["events"]) == 2


def test_rejected_events_are_reported_and_the_rest_stored(
    logs: Any, make_stream: Any, now_ms: Callable[[], int]
) -> None:
    stream = make_stream()
    now = now_ms()
    result = put(
        logs,
        stream,
        [
            (now - 15 * DAY_MS, "too old 0"),
            (now - 15 * DAY_MS + 1, "too old 1"),
            (now, "kept 2"),
            (now + 3 * HOUR_MS, "too new 3"),
            (now + 3 * HOUR_MS, "too new 4"),
        ],
    )
    # the end index is exclusive, the start index inclusive (API reference, RejectedLogEventsInfo)
    assert result["rejectedLogEventsInfo"] == {"tooOldLogEventEndIndex": 2, "tooNewLogEventStartIndex": 3}
    page = logs.get_log_events(logGroupName=stream[0], logStreamName=stream[1])
    assert messages(page) == ["kept 2"]

    logs.put_retention_policy(logGroupName=stream[0], retentionInDays=1)
    result = put(logs, stream, [(now - 2 * DAY_MS, "expired"), (now, "kept")])
    assert result["rejectedLogEventsInfo"] == {"expiredLogEventEndIndex": 1}


def test_missing_group_or_stream(logs: Any, make_stream: Any, now_ms: Callable[[], int]) -> None:
    group, _ = make_stream()
    for call in (
        lambda: logs.put_log_events(
            logGroupName=group, logStreamName="nope", logEvents=[{"timestamp": now_ms(), "message": "m"}]
        ),
        lambda: logs.get_log_events(logGroupName=group, logStreamName="nope"),
    ):
        with pytest.raises(logs.exceptions.ResourceNotFoundException) as info:
            call()
        assert info.value.response["Error"]["Message"] == "The specified log stream does not exist."


def test_get_pages_forward_until_the_token_repeats(
    logs: Any, make_stream: Any, now_ms: Callable[[], int]
) -> None:
    stream = make_stream()
    now = now_ms()
    put(logs, stream, [(now - 10_000 + i, f"m{i}") for i in range(7)])
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        kwargs = {"nextToken": token} if token else {"startFromHead": True}
        page = logs.get_log_events(logGroupName=stream[0], logStreamName=stream[1], limit=3, **kwargs)
        assert re.fullmatch(r"f/\d{56}/s", page["nextForwardToken"])
        assert re.fullmatch(r"b/\d{56}/s", page["nextBackwardToken"])
        seen += messages(page)
        pages += 1
        if page["nextForwardToken"] == token:
            break
        token = page["nextForwardToken"]
    assert seen == [f"m{i}" for i in range(7)]
    assert pages == 4  # 3 + 3 + 1, then the empty page whose token repeats

    # new events show up when following the last forward token
    put(logs, stream, [(now, "late")])
    page = logs.get_log_events(logGroupName=stream[0], logStreamName=stream[1], nextToken=token)
    assert messages(page) == ["late"]


def test_get_defaults_to_the_newest_and_pages_backward(
    logs: Any, make_stream: Any, now_ms: Callable[[], int]
) -> None:
    stream = make_stream()
    now = now_ms()
    put(logs, stream, [(now - 10_000 + i, f"m{i}") for i in range(7)])
    page = logs.get_log_events(logGroupName=stream[0], logStreamName=stream[1], limit=3)
    assert messages(page) == ["m4", "m5", "m6"]
    page = logs.get_log_events(
        logGroupName=stream[0], logStreamName=stream[1], limit=3, nextToken=page["nextBackwardToken"]
    )
    assert messages(page) == ["m1", "m2", "m3"]
    page = logs.get_log_events(
        logGroupName=stream[0], logStreamName=stream[1], limit=3, nextToken=page["nextBackwardToken"]
    )
    assert messages(page) == ["m0"]
    last = logs.get_log_events(
        logGroupName=stream[0], logStreamName=stream[1], limit=3, nextToken=page["nextBackwardToken"]
    )
    assert messages(last) == []
    assert last["nextBackwardToken"] == page["nextBackwardToken"]
    invalid(lambda: logs.get_log_events(logGroupName=stream[0], logStreamName=stream[1], nextToken="f/abc"))
    # tokens of the older form, without "/s", still read
    older = page["nextForwardToken"].removesuffix("/s")
    page = logs.get_log_events(logGroupName=stream[0], logStreamName=stream[1], limit=3, nextToken=older)
    assert messages(page) == ["m1", "m2", "m3"]


def test_get_time_window(logs: Any, make_stream: Any, now_ms: Callable[[], int]) -> None:
    stream = make_stream()
    now = now_ms()
    put(logs, stream, [(now - 5000 + i * 1000, f"m{i}") for i in range(5)])
    page = logs.get_log_events(
        logGroupName=stream[0],
        logStreamName=stream[1],
        startTime=now - 4000,  # inclusive
        endTime=now - 2000,  # exclusive
        startFromHead=True,
    )
    assert messages(page) == ["m1", "m2"]
    arn = "arn:aws:logs:us-east-1:000000000000:log-group:/test/group"
    page = logs.get_log_events(logGroupIdentifier=arn, logStreamName=stream[1], startTime=now - 1000)
    assert messages(page) == ["m4"]
    with pytest.raises(ClientError) as info:
        logs.get_log_events(logGroupName=stream[0], logGroupIdentifier=arn, logStreamName=stream[1])
    assert info.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
    }


def test_retention_applies_on_the_clock(
    server: Server, logs: Any, make_stream: Any, now_ms: Callable[[], int]
) -> None:
    stream = make_stream()
    now = now_ms()
    put(logs, stream, [(now - 2 * HOUR_MS, "older"), (now, "newer")])
    logs.put_retention_policy(logGroupName=stream[0], retentionInDays=1)
    server.advance(DAY_MS / 1000 - HOUR_MS / 1000)  # 23 h: "older" is 25 h old, "newer" 23 h
    page = logs.get_log_events(logGroupName=stream[0], logStreamName=stream[1], startFromHead=True)
    assert messages(page) == ["newer"]
    assert [e["message"] for e in logs.filter_log_events(logGroupName=stream[0])["events"]] == ["newer"]
    server.advance(2 * HOUR_MS / 1000)
    page = logs.get_log_events(logGroupName=stream[0], logStreamName=stream[1], startFromHead=True)
    assert messages(page) == []
    # the sweep (a timer on the clock, fired by the advance) deletes the rows and gives
    # the bytes back
    server.advance(61)
    assert logs.describe_log_groups()["logGroups"][0]["storedBytes"] == 0


def test_events_survive_a_restart(tmp_path: Path, now_ms: Callable[[], int]) -> None:
    server = Server(data_dir=tmp_path).start()
    try:
        logs = server.client("logs")
        logs.create_log_group(logGroupName="/durable")
        logs.create_log_stream(logGroupName="/durable", logStreamName="s")
        logs.put_log_events(
            logGroupName="/durable", logStreamName="s", logEvents=[{"timestamp": now_ms(), "message": "kept"}]
        )
        server.stop()
        server.start()
        page = server.client("logs").get_log_events(logGroupName="/durable", logStreamName="s")
        assert messages(page) == ["kept"]
    finally:
        server.cleanup()
