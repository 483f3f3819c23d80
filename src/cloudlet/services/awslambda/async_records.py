"""What asynchronous invocations send out (pure): invocation records for OnSuccess/OnFailure
destinations, dead-letter messages, and the retry timing.

Record shape: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
Retries: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

# The outbox topic whose subscriber (runtime/lambda_destinations.py) delivers with targets.deliver.
DESTINATION_TOPIC = "lambda.destination"

SUCCESS = "Success"
RETRIES_EXHAUSTED = "RetriesExhausted"
EVENT_AGE_EXCEEDED = "EventAgeExceeded"
ZERO_RESERVED_CONCURRENCY = "ZeroReservedConcurrency"

MAX_THROTTLE_DELAY = 300  # throttles and system errors: 1 s doubling up to 5 minutes
ERROR_MESSAGE_LIMIT = 1024  # the DLQ's ErrorMessage attribute: "the first 1 KB of the error message"


def function_error_delay(attempts: int) -> int:
    """Seconds before the retry that follows failed run number `attempts`: one minute after
    the first, two minutes after the second."""
    return 60 * attempts


def throttle_delay(throttles: int) -> int:
    """Seconds before retrying after the `throttles`-th throttle (or system error) in a row."""
    return int(min(2 ** max(throttles - 1, 0), MAX_THROTTLE_DELAY))


def retry_outlives_event(enqueued_at: float, now: float, delay: float, maximum_age: int) -> bool:
    """Lambda gives up at once when the next retry would come after the maximum event age
    (it does not wait for the age to pass: the record arrives right after the failed run)."""
    return math.ceil(now - enqueued_at) + delay > maximum_age


def decode_payload(data: bytes | str | None) -> Any:
    """A payload as JSON in a record (the text itself when it is not JSON)."""
    if data is None:
        return None
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def timestamp(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def response(
    status: int, executed_version: str, function_error: str | None, payload: bytes
) -> dict[str, Any]:
    """What one run answered, as kept on the queued row between retries."""
    return {
        "statusCode": status,
        "executedVersion": executed_version,
        "functionError": function_error,
        "payload": payload.decode("utf-8", "replace"),
    }


def invocation_record(
    *,
    now: float,
    request_id: str,
    function_arn: str,
    condition: str,
    invoke_count: int,
    request_payload: bytes,
    last: dict[str, Any] | None,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": timestamp(now),
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        },
        "requestPayload": decode_payload(request_payload),
    }
    if last is not None:
        context: dict[str, Any] = {
            "statusCode": last["statusCode"],
            "executedVersion": last["executedVersion"],
        }
        if last.get("functionError"):
            context["functionError"] = last["functionError"]
        record["responseContext"] = context
        record["responsePayload"] = decode_payload(last.get("payload"))
    return record


def destination_message(destination_arn: str, function_arn: str, record: dict[str, Any]) -> dict[str, Any]:
    """The outbox payload that delivers `record` to a destination. An event bus gets it as an
    event's detail; queues, topics and functions get the record itself."""
    body: dict[str, Any] = record
    if destination_arn.split(":")[2:3] == ["events"]:
        success = record["requestContext"]["condition"] == SUCCESS
        body = {
            "source": "lambda",
            "detail-type": f"Lambda Function Invocation Result - {'Success' if success else 'Failure'}",
            "resources": [destination_arn, function_arn],
            "detail": record,
        }
    return {"arn": destination_arn, "body": json.dumps(body, separators=(",", ":"))}


def dead_letter_message(
    target_arn: str, request_id: str, payload: bytes, last: dict[str, Any] | None
) -> dict[str, Any]:
    """The original event, as is, with RequestID, ErrorCode (the HTTP status, a Number) and
    ErrorMessage attributes (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html)."""
    # An event that never ran (throttled until too old, or reserved concurrency 0) reports
    # the throttle.
    status = 429 if last is None else int(last["statusCode"])
    error = decode_payload(None if last is None else last.get("payload"))
    if isinstance(error, dict) and error.get("errorMessage") is not None:
        message = str(error["errorMessage"])
    elif last is None:
        message = "Rate Exceeded."
    else:
        message = json.dumps(error) if not isinstance(error, str) else error
    attributes = {
        "RequestID": {"DataType": "String", "StringValue": request_id},
        "ErrorCode": {"DataType": "Number", "StringValue": str(status)},
    }
    message = message[:ERROR_MESSAGE_LIMIT]
    if message:
        attributes["ErrorMessage"] = {"DataType": "String", "StringValue": message}
    kind = "sns" if target_arn.split(":")[2:3] == ["sns"] else "sqs"
    return {
        "arn": target_arn,
        "body": payload.decode("utf-8", "replace"),
        f"{kind}_attributes": attributes,
    }
