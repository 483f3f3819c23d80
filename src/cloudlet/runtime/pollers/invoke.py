"""One synchronous invoke of a mapping's function with a batch, and what came back."""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from cloudlet import ids
from cloudlet.client import InternalClients
from cloudlet.errors import ServiceError

log = logging.getLogger("cloudlet.pollers")


@dataclass(frozen=True)
class Outcome:
    ok: bool  # the function returned (no FunctionError, no invoke failure)
    response: Any  # the handler's result, parsed from JSON (None when not JSON)
    valid_json: bool
    function_error: str | None
    executed_version: str
    request_id: str
    problem: str = ""  # why it failed, for LastProcessingResult / logs


def _json_default(value: Any) -> Any:
    # Stream records carry binary attribute values as bytes; Lambda's JSON has them in base64.
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _payload_bytes(payload: Any) -> bytes:
    if payload is None:
        return b""
    if isinstance(payload, (bytes, bytearray)):
        return bytes(payload)
    if isinstance(payload, str):
        return payload.encode("utf-8")
    read = getattr(payload, "read", None)
    if callable(read):
        data = read()
        return data if isinstance(data, bytes) else str(data).encode("utf-8")
    return json.dumps(payload).encode("utf-8")


async def invoke(
    clients: InternalClients, account: str, region: str, function_arn: str, event: dict[str, Any]
) -> Outcome:
    request_id = ids.request_id()
    params = {
        "FunctionName": function_arn,
        "InvocationType": "RequestResponse",
        "Payload": json.dumps(event, separators=(",", ":"), default=_json_default).encode("utf-8"),
    }
    try:
        result = await clients.call("lambda", "Invoke", params, account, region)
    except ServiceError as error:
        log.info("mapping invoke of %s failed: %s", function_arn, error)
        return Outcome(False, None, False, None, "$LATEST", request_id, f"{error.code}: {error.message}")
    data = _payload_bytes(result.get("Payload"))
    try:
        response, valid = (json.loads(data) if data.strip() else None), True
    except ValueError:
        response, valid = None, False
    error_kind = result.get("FunctionError")
    return Outcome(
        error_kind is None,
        response,
        valid,
        error_kind,
        str(result.get("ExecutedVersion") or "$LATEST"),
        str(result.get("ResponseMetadata", {}).get("RequestId") or request_id),
        "" if error_kind is None else f"Function error: {error_kind}",
    )


def failed_identifiers(outcome: Outcome, known: list[str]) -> list[str] | None:
    """ReportBatchItemFailures: the item identifiers the function reported failed, in the
    batch's order; None when the response is invalid (the whole batch then failed).
    https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
    - success: null or empty response, null or empty batchItemFailures
    - whole failure: not JSON, a null/empty itemIdentifier or one not in the batch"""
    if not outcome.valid_json:
        return None
    response = outcome.response
    if response is None or response == {} or response == "":
        return []
    if not isinstance(response, dict):
        return []
    failures = response.get("batchItemFailures")
    if failures is None or failures == []:
        return []
    if not isinstance(failures, list):
        return None
    wanted: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or not isinstance(identifier, str) or identifier not in known:
            return None
        wanted.add(identifier)
    return [identifier for identifier in known if identifier in wanted]
