"""json protocol (awsJson 1.0 / 1.1): result dict | ServiceError -> HTTP response.

The output shape compiles once per operation into a converter that keeps only modelled
members (under their wire names), base64-encodes blobs, formats timestamps per the shape's
timestampFormat (epoch seconds by default) and spells special floats as strings."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import Headers, HttpResponse
from cloudlet.protocol.query_legacy import query_error_code
from cloudlet.protocol.values import (
    Converter,
    b64encode,
    compile_structure,
    error_shape,
    float_to_wire,
    format_timestamp,
)

# The namespace AWS puts before '#' in __type (clients strip it). Services not listed send the
# bare code (CloudWatch Logs, EventBridge, SSM, KMS: {"__type": "ResourceNotFoundException"}).
_TYPE_NAMESPACES = {
    "sqs": "com.amazonaws.sqs",
    "dynamodb": "com.amazonaws.dynamodb.v20120810",
    "dynamodbstreams": "com.amazonaws.dynamodb.v20120810",
}


def serialize(operation: OperationModel, result: dict[str, Any], request_id: str) -> HttpResponse:
    convert = _output_converter(operation)
    body = convert(result) if convert is not None and result else {}
    return HttpResponse(200, _headers(operation.service_model, request_id), _dumps(body))


def serialize_error(
    service: ServiceModel, operation: OperationModel | None, error: ServiceError, request_id: str
) -> HttpResponse:
    shape = error_shape(service, error.code)
    namespace = _TYPE_NAMESPACES.get(service.service_name)
    body: dict[str, Any] = {"__type": f"{namespace}#{error.code}" if namespace else error.code}
    if error.fields and shape is not None:
        body.update(_error_converter(shape)(error.fields))
    body[_message_key(shape)] = error.message
    headers = _headers(service, request_id)
    if "awsQueryCompatible" in service.metadata:
        # botocore reports the first half as Error.Code and __type's code as QueryErrorCode.
        fault = "Sender" if error.sender_fault else "Receiver"
        headers.add("x-amzn-query-error", f"{query_error_code(service, error, shape)};{fault}")
    for name, value in error.headers.items():
        headers.add(name, value)
    return HttpResponse(error.status, headers, _dumps(body))


def _message_key(shape: StructureShape | None) -> str:
    # Most services send "message"; a few model (and send) "Message". botocore reads both.
    return "Message" if shape is not None and "Message" in shape.members else "message"


def _headers(service: ServiceModel, request_id: str) -> Headers:
    version = service.metadata.get("jsonVersion", "1.0")
    return Headers([("Content-Type", f"application/x-amz-json-{version}"), ("x-amzn-RequestId", request_id)])


def _dumps(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


@cache
def _output_converter(operation: OperationModel) -> Converter | None:
    shape = operation.output_shape
    return None if shape is None else _compile(shape, {})


@cache
def _error_converter(shape: StructureShape) -> Converter:
    return _structure(shape, {}) or (lambda fields: fields)


# A converter of None means "use the value as it is".
def _compile(shape: Shape, memo: dict[str, Converter]) -> Converter | None:
    if isinstance(shape, StructureShape):
        return _structure(shape, memo)
    if isinstance(shape, ListShape):
        return _list(_compile(shape.member, memo))
    if isinstance(shape, MapShape):
        return _map(_compile(shape.value, memo))
    if shape.type_name == "timestamp":
        return _timestamp(shape.serialization.get("timestampFormat", "unixTimestamp"))
    return _SCALARS.get(shape.type_name)


def _structure(shape: StructureShape, memo: dict[str, Converter]) -> Converter | None:
    if shape.is_document_type:
        return None
    return compile_structure(memo, shape.name, lambda: _members(shape, memo))


def _members(shape: StructureShape, memo: dict[str, Converter]) -> Converter:
    fields: dict[str, tuple[str, Converter | None]] = {}
    for name, member in shape.members.items():
        fields[name] = (member.serialization.get("name", name), _compile(member, memo))

    def convert(value: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for name, item in value.items():
            field = fields.get(name)
            if field is None or item is None:
                continue
            key, conv = field
            out[key] = item if conv is None else conv(item)
        return out

    return convert


def _list(item: Converter | None) -> Converter | None:
    if item is None:
        return None
    return lambda value: [None if element is None else item(element) for element in value]


def _map(item: Converter | None) -> Converter | None:
    if item is None:
        return None
    return lambda value: {key: None if element is None else item(element) for key, element in value.items()}


def _timestamp(fmt: str) -> Converter:
    return lambda value: format_timestamp(value, fmt)


_SCALARS: dict[str, Converter] = {
    "blob": b64encode,
    "float": float_to_wire,
    "double": float_to_wire,
}
