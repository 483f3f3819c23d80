"""rest-json protocol: request -> params.

Members bound to the URI, query string and headers come from rest_common; the rest is the
JSON document of the body (or the payload member alone)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

from botocore.model import OperationModel, Shape, StructureShape

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import HttpRequest
from cloudlet.protocol.rest_body import parse_members
from cloudlet.protocol.rest_common import BadValue
from cloudlet.protocol.values import b64decode, parse_timestamp


def parse(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict[str, Any]:
    try:
        return parse_members(operation, request, uri_params, _read_document)
    except BadValue as exc:
        raise ServiceError("SerializationException", str(exc), 400) from exc


def _read_document(shape: Shape, data: bytes) -> Any:
    return decode(shape, _document(data))


def _document(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError as exc:
        raise BadValue(f"The request body is not valid JSON: {exc}") from exc


def decode(shape: Shape, value: Any) -> Any:
    """A JSON value -> the params value of `shape` (datetime, bytes, float...)."""
    if value is None:
        return None
    return _DECODERS.get(shape.type_name, _identity)(shape, value)


@cache
def _fields(shape: StructureShape) -> tuple[tuple[str, str, Shape], ...]:
    return tuple(
        (name, member.serialization.get("name", name), member)
        for name, member in shape.members.items()
        if "location" not in member.serialization
    )


def _structure(shape: Shape, value: Any) -> Any:
    if shape.metadata.get("document"):
        return value
    if not isinstance(value, dict):
        raise BadValue(f"Expected an object for {shape.name}")
    assert isinstance(shape, StructureShape)
    out: dict[str, Any] = {}
    for name, key, member in _fields(shape):
        raw = value.get(key)
        if raw is not None:
            out[name] = decode(member, raw)
    return out


def _list(shape: Shape, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise BadValue(f"Expected a list for {shape.name}")
    item = shape.member  # type: ignore[attr-defined]
    return [decode(item, entry) for entry in value]


def _map(shape: Shape, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadValue(f"Expected an object for {shape.name}")
    item = shape.value  # type: ignore[attr-defined]
    return {key: decode(item, entry) for key, entry in value.items()}


def _timestamp(shape: Shape, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadValue(f"Invalid timestamp for {shape.name}")
    try:
        return parse_timestamp(value)
    except ServiceError as exc:
        raise BadValue(exc.message) from exc


def _blob(shape: Shape, value: Any) -> bytes:
    if not isinstance(value, str):
        raise BadValue(f"Expected base64 text for {shape.name}")
    try:
        return b64decode(value)
    except ServiceError as exc:
        raise BadValue(f"Invalid base64 for {shape.name}") from exc


def _float(shape: Shape, value: Any) -> float:
    # NaN and the infinities travel as strings.
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadValue(f"Expected a number for {shape.name}")
    try:
        return float(value)
    except ValueError as exc:
        raise BadValue(f"Expected a number for {shape.name}") from exc


def _identity(shape: Shape, value: Any) -> Any:
    return value


_DECODERS: dict[str, Callable[[Shape, Any], Any]] = {
    "structure": _structure,
    "list": _list,
    "map": _map,
    "timestamp": _timestamp,
    "blob": _blob,
    "float": _float,
    "double": _float,
}
