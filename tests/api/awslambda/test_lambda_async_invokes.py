"""Invoke(Event): 202, the run in the background, retries on the clock, destinations, DLQ."""

from __future__ import annotations

import json
from typing import Any

from lambda_async_support import bodies, drain, invoke_event, make_function, make_queue

from harness import Server


def _runs(server: Server, url: str) -> list[dict[str, Any]]:
    return bodies(server, url)


def test_event_invoke_answers_202_and_runs_in_the_background(server: Server) -> None:
    make_function(server, "worker")
    trace, _ = make_queue(server, "trace")
    response = invoke_event(server, "worker", {"trace": trace, "n": 1})
    assert response["StatusCode"] == 202
    assert response["Payload"].read() == b""
    assert "ExecutedVersion" not in response
    server.settle()
    runs = _runs(server, trace)
    assert [r["event"]["n"] for r in runs] == [1]
    assert runs[0]["requestId"] == response["ResponseMetadata"]["RequestId"]


def test_failures_retry_after_one_then_two_minutes_then_go_to_on_failure(server: Server) -> None:
    arn = make_function(server, "flaky")
    trace, _ = make_queue(server, "trace")
    failures, failures_arn = make_queue(server, "failures")
    server.client("lambda").put_function_event_invoke_config(
        FunctionName="flaky", DestinationConfig={"OnFailure": {"Destination": failures_arn}}
    )
    payload = {"trace": trace, "fail": True}
    request_id = invoke_event(server, "flaky", payload)["ResponseMetadata"]["RequestId"]
    server.settle()
    assert len(_runs(server, trace)) == 1
    server.advance(30)
    assert _runs(server, trace) == []
    server.advance(30)
    assert len(_runs(server, trace)) == 1  # the first retry, a minute on
    assert drain(server, failures) == []
    server.advance(60)
    assert _runs(server, trace) == []
    server.advance(60)
    retried = _runs(server, trace)
    assert [r["requestId"] for r in retried] == [request_id]  # every attempt keeps the request id
    (record,) = bodies(server, failures)
    assert record["version"] == "1.0"
    assert record["timestamp"].endswith("Z")
    assert record["requestContext"] == {
        "requestId": request_id,
        "functionArn": f"{arn}:$LATEST",
        "condition": "RetriesExhausted",
        "approximateInvokeCount": 3,
    }
    assert record["requestPayload"] == payload
    assert record["responseContext"] == {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled",
    }
    assert record["responsePayload"]["errorMessage"] == "intentional failure"
    assert record["responsePayload"]["errorType"] == "Exception"
    server.advance(600)
    assert _runs(server, trace) == []


def test_maximum_retry_attempts_zero(server: Server) -> None:
    make_function(server, "once")
    trace, _ = make_queue(server, "trace")
    failures, failures_arn = make_queue(server, "failures")
    server.client("lambda").put_function_event_invoke_config(
        FunctionName="once",
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": failures_arn}},
    )
    invoke_event(server, "once", {"trace": trace, "fail": True})
    server.settle()
    assert len(_runs(server, trace)) == 1
    (record,) = bodies(server, failures)
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    server.advance(300)
    assert _runs(server, trace) == []


def test_maximum_event_age_gives_up_when_the_retry_would_be_too_late(server: Server) -> None:
    make_function(server, "aging")
    trace, _ = make_queue(server, "trace")
    failures, failures_arn = make_queue(server, "failures")
    server.client("lambda").put_function_event_invoke_config(
        FunctionName="aging",
        MaximumEventAgeInSeconds=60,
        DestinationConfig={"OnFailure": {"Destination": failures_arn}},
    )
    invoke_event(server, "aging", {"trace": trace, "fail": True})
    server.settle()
    # The retry would come a minute on, at the maximum age: Lambda gives up at once.
    (record,) = bodies(server, failures)
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["responseContext"]["functionError"] == "Unhandled"
    server.advance(120)
    assert len(_runs(server, trace)) == 1


def test_event_age_allows_one_retry(server: Server) -> None:
    make_function(server, "aging2")
    trace, _ = make_queue(server, "trace")
    failures, failures_arn = make_queue(server, "failures")
    server.client("lambda").put_function_event_invoke_config(
        FunctionName="aging2",
        MaximumEventAgeInSeconds=150,
        DestinationConfig={"OnFailure": {"Destination": failures_arn}},
    )
    invoke_event(server, "aging2", {"trace": trace, "fail": True})
    server.settle()
    assert drain(server, failures) == []
    server.advance(60)
    (record,) = bodies(server, failures)
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert len(_runs(server, trace)) == 2


def test_on_success_record(server: Server) -> None:
    arn = make_function(server, "fine")
    done, done_arn = make_queue(server, "done")
    server.client("lambda").put_function_event_invoke_config(
        FunctionName="fine", DestinationConfig={"OnSuccess": {"Destination": done_arn}}
    )
    request_id = invoke_event(server, "fine", {"x": 1})["ResponseMetadata"]["RequestId"]
    server.settle()
    (record,) = bodies(server, done)
    assert record["requestContext"] == {
        "requestId": request_id,
        "functionArn": f"{arn}:$LATEST",
        "condition": "Success",
        "approximateInvokeCount": 1,
    }
    assert record["requestPayload"] == {"x": 1}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert record["responsePayload"] == {"echo": {"x": 1}}


def test_dead_letter_queue_gets_the_event_with_error_attributes(server: Server) -> None:
    dlq, dlq_arn = make_queue(server, "dlq")
    make_function(server, "deadly", DeadLetterConfig={"TargetArn": dlq_arn})
    server.client("lambda").put_function_event_invoke_config(FunctionName="deadly", MaximumRetryAttempts=0)
    payload = {"fail": True, "order": 7}
    request_id = invoke_event(server, "deadly", payload)["ResponseMetadata"]["RequestId"]
    server.settle()
    (message,) = drain(server, dlq, MessageAttributeNames=["All"])
    assert json.loads(message["Body"]) == payload
    assert message["MessageAttributes"] == {
        "RequestID": {"DataType": "String", "StringValue": request_id},
        "ErrorCode": {"DataType": "Number", "StringValue": "200"},
        "ErrorMessage": {"DataType": "String", "StringValue": "intentional failure"},
    }


def test_dead_letter_queue_and_on_failure_both_get_a_failure(server: Server) -> None:
    dlq, dlq_arn = make_queue(server, "dlq")
    failures, failures_arn = make_queue(server, "failures")
    make_function(server, "both", DeadLetterConfig={"TargetArn": dlq_arn})
    server.client("lambda").put_function_event_invoke_config(
        FunctionName="both",
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": failures_arn}},
    )
    invoke_event(server, "both", {"fail": True})
    server.settle()
    assert [json.loads(m["Body"]) for m in drain(server, dlq)] == [{"fail": True}]
    assert [r["requestContext"]["condition"] for r in bodies(server, failures)] == ["RetriesExhausted"]


def test_success_goes_to_a_function_destination(server: Server) -> None:
    make_function(server, "first")
    second_arn = make_function(server, "second")
    seconds, seconds_arn = make_queue(server, "seconds")
    lam = server.client("lambda")
    lam.put_function_event_invoke_config(
        FunctionName="first", DestinationConfig={"OnSuccess": {"Destination": second_arn}}
    )
    lam.put_function_event_invoke_config(
        FunctionName="second", DestinationConfig={"OnSuccess": {"Destination": seconds_arn}}
    )
    invoke_event(server, "first", {"k": "w"})
    server.settle()
    (record,) = bodies(server, seconds)
    # The second function ran with the first one's invocation record as its event (and echoed it).
    inner = record["responsePayload"]["echo"]
    assert inner["requestContext"]["condition"] == "Success"
    assert inner["requestPayload"] == {"k": "w"}
    assert inner["responsePayload"] == {"echo": {"k": "w"}}
