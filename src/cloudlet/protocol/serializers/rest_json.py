"""rest-json protocol: result | error -> response.

Header and status members go on the response line and headers; a blob/string payload member
is the body as is; otherwise the body is the JSON document of the payload structure or of the
remaining members. Errors: `x-amzn-ErrorType: <Code>` and a JSON body with the message and
the error shape's members."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import Headers, HttpResponse
from cloudlet.protocol.rest_common import (
    RESPONSE_BODY_LOCATIONS,
    Plan,
    bodiless,
    error_code,
    error_shape,
    float_text,
    message_member,
    payload_bytes,
    plan,
    response_headers,
    response_status,
    timestamp_format,
)
from cloudlet.protocol.values import b64encode, format_timestamp

JSON = "application/json"


def serialize(operation: OperationModel, result: dict[str, Any], request_id: str) -> HttpResponse:
    headers = Headers([("x-amzn-RequestId", request_id)])
    shape = operation.output_shape
    members = plan(shape) if shape is not None else None
    status = response_status(operation, members, result)
    body = b""
    if shape is not None and members is not None:
        for name, value in response_headers(members, result):
            headers.add(name, value)
        body, content_type = _body(shape, members, result)
        if content_type and "content-type" not in headers:
            headers.add("Content-Type", content_type)
    if bodiless(status, str(operation.http.get("method", ""))):
        body = b""
    return HttpResponse(status, headers, body)


def _body(shape: StructureShape, members: Plan, result: dict[str, Any]) -> tuple[bytes, str | None]:
    payload = members.payload
    if payload is not None:
        value = result.get(payload.name)
        if members.streaming:
            kind = "application/octet-stream" if payload.shape.type_name == "blob" else "text/plain"
            return payload_bytes(value), kind
        if value is None or payload.shape.serialization.get("eventstream"):
            return b"", None
        return _dumps(encode(payload.shape, value)), JSON
    if members.response_body or not shape.members:
        return _dumps(_fields_of(shape, result)), JSON
    return b"", None


def _dumps(document: Any) -> bytes:
    return json.dumps(document, separators=(",", ":"), default=str).encode("utf-8")


def encode(shape: Shape, value: Any) -> Any:
    """A result value -> its JSON form under `shape`."""
    if value is None:
        return None
    return _ENCODERS.get(shape.type_name, _identity)(shape, value)


@cache
def _fields(shape: StructureShape) -> tuple[tuple[str, str, Shape], ...]:
    return tuple(
        (name, member.serialization.get("name", name), member)
        for name, member in shape.members.items()
        if member.serialization.get("location", "body") in RESPONSE_BODY_LOCATIONS
    )


def _fields_of(shape: StructureShape, value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, key, member in _fields(shape):
        item = value.get(name)
        if item is not None:
            out[key] = encode(member, item)
    return out


def _structure(shape: Shape, value: Any) -> Any:
    if shape.metadata.get("document"):
        return value
    assert isinstance(shape, StructureShape)
    return _fields_of(shape, value)


def _list(shape: Shape, value: Any) -> list[Any]:
    item = shape.member  # type: ignore[attr-defined]
    return [encode(item, entry) for entry in value]


def _map(shape: Shape, value: Any) -> dict[str, Any]:
    item = shape.value  # type: ignore[attr-defined]
    return {key: encode(item, entry) for key, entry in value.items()}


def _timestamp(shape: Shape, value: Any) -> Any:
    return format_timestamp(value, timestamp_format(shape, "unixTimestamp"))


def _blob(shape: Shape, value: Any) -> str:
    return b64encode(value)


def _float(shape: Shape, value: Any) -> Any:
    return float_text(float(value))


def _integer(shape: Shape, value: Any) -> Any:
    return value if isinstance(value, int) else int(value)


def _identity(shape: Shape, value: Any) -> Any:
    return value


_ENCODERS: dict[str, Callable[[Shape, Any], Any]] = {
    "structure": _structure,
    "list": _list,
    "map": _map,
    "timestamp": _timestamp,
    "blob": _blob,
    "float": _float,
    "double": _float,
    "integer": _integer,
    "long": _integer,
}


# -- errors ------------------------------------------------------------------------------------


def serialize_error(
    service: ServiceModel, operation: OperationModel | None, error: ServiceError, request_id: str
) -> HttpResponse:
    shape = error_shape(service, error.code)
    headers = Headers(
        [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", error_code(service, error.code))]
    )
    document = _error_document(shape, error)
    if shape is not None:
        for name, value in response_headers(plan(shape), error.fields):
            headers.add(name, value)
    for name, value in error.headers.items():
        headers.add(name, value)
    body = _dumps(document)
    if operation is not None and bodiless(error.status, str(operation.http.get("method", ""))):
        body = b""
    else:
        headers.add("Content-Type", JSON)
    return HttpResponse(error.status, headers, body)


def _error_document(shape: StructureShape | None, error: ServiceError) -> dict[str, Any]:
    message = message_member(shape)
    document: dict[str, Any] = {message.wire if message else "message": error.message}
    if shape is None:
        document.update(error.fields)
        return document
    if "Type" in shape.members and "Type" not in error.fields:
        # Lambda's errors carry Type: User | Service alongside the message.
        document["Type"] = "User" if error.sender_fault else "Service"
    document.update(_fields_of(shape, error.fields))
    document.update({k: v for k, v in error.fields.items() if k not in shape.members})
    return document
