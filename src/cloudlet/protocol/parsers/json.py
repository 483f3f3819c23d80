"""json protocol (awsJson 1.0 / 1.1): request body -> params dict, following the input shape.

Each input shape compiles once into a converter (cached per operation): structures keep only
modelled members (renamed from their wire names), blobs decode from base64, timestamps become
aware UTC datetimes, special floats ("NaN", "Infinity") become floats. Everything else passes
through as json.loads produced it."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import HttpRequest
from cloudlet.protocol.values import (
    Converter,
    b64decode,
    compile_structure,
    float_from_wire,
    parse_timestamp,
    request_body,
)


class _WrongType(ValueError):
    pass


def parse(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict[str, Any]:
    body = request_body(request)
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise _serialization_error("The request body is not valid JSON") from exc
    if not isinstance(data, dict):
        raise _serialization_error("The request body must be a JSON object")
    convert = _input_converter(operation)
    if convert is None:
        return {}
    try:
        result: dict[str, Any] = convert(data)
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise _serialization_error(f"Invalid value in the request body: {exc}") from exc
    return result


def _serialization_error(message: str) -> ServiceError:
    return ServiceError("SerializationException", message, 400)


@cache
def _input_converter(operation: OperationModel) -> Converter | None:
    shape = operation.input_shape
    return None if shape is None else _compile(shape, {})


# A converter of None means "use the value as it is".
def _compile(shape: Shape, memo: dict[str, Converter]) -> Converter | None:
    if isinstance(shape, StructureShape):
        return _structure(shape, memo)
    if isinstance(shape, ListShape):
        return _list(_compile(shape.member, memo))
    if isinstance(shape, MapShape):
        return _map(_compile(shape.value, memo))
    return _SCALARS.get(shape.type_name)


def _structure(shape: StructureShape, memo: dict[str, Converter]) -> Converter | None:
    if shape.is_document_type:
        return None
    return compile_structure(memo, shape.name, lambda: _members(shape, memo))


def _members(shape: StructureShape, memo: dict[str, Converter]) -> Converter:
    fields: dict[str, tuple[str, Converter | None]] = {}
    for name, member in shape.members.items():
        fields[member.serialization.get("name", name)] = (name, _compile(member, memo))

    def convert(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _WrongType(f"expected an object for {shape.name}")
        out = {}
        for key, item in value.items():
            field = fields.get(key)
            if field is None or item is None:
                continue
            name, conv = field
            out[name] = item if conv is None else conv(item)
        return out

    return convert


def _list(item: Converter | None) -> Converter:
    def convert(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise _WrongType("expected a list")
        if item is None:
            return value
        return [None if element is None else item(element) for element in value]

    return convert


def _map(item: Converter | None) -> Converter:
    def convert(value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _WrongType("expected an object")
        if item is None:
            return value
        return {key: None if element is None else item(element) for key, element in value.items()}

    return convert


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise _WrongType(f"expected a string, got {type(value).__name__}")
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _WrongType(f"expected an integer, got {type(value).__name__}")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _WrongType(f"expected a boolean, got {type(value).__name__}")
    return value


def _blob(value: Any) -> bytes:
    return b64decode(_string(value))


def _timestamp(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _WrongType("expected a timestamp")
    return parse_timestamp(value)


_SCALARS: dict[str, Converter] = {
    "string": _string,
    "integer": _integer,
    "long": _integer,
    "boolean": _boolean,
    "blob": _blob,
    "timestamp": _timestamp,
    "float": float_from_wire,
    "double": float_from_wire,
}
