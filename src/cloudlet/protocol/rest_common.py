"""What rest-json and rest-xml share: where each member of a shape lives on the wire (uri label,
query string, header, header-prefix map, status code, payload, body) and the text form of
scalars outside the body (labels, query values, headers)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from cloudlet.errors import ServiceError
from cloudlet.protocol.values import b64decode, b64encode, format_timestamp, parse_timestamp

# https://smithy.io/2.0/spec/protocol-traits.html#timestampformat-trait: defaults per location.
HEADER_TIMESTAMP_FORMAT = "rfc822"
TEXT_TIMESTAMP_FORMAT = "iso8601"


class BadValue(ValueError):
    """A value on the wire that does not fit its shape; each protocol maps it to its own error."""


@dataclass(frozen=True)
class Member:
    name: str  # the member name in params / results
    shape: Shape
    wire: str  # uri label, query key, header name, header prefix, or the body element/key


@dataclass(frozen=True)
class Plan:
    """Where the members of one input or output structure travel."""

    uri: tuple[Member, ...]
    query: tuple[Member, ...]
    query_maps: tuple[Member, ...]
    headers: tuple[Member, ...]
    header_maps: tuple[Member, ...]
    status: Member | None
    payload: Member | None
    streaming: bool  # the payload is a blob or string: the raw body
    body: tuple[Member, ...]  # members in the JSON document / XML element (no payload)
    response_body: tuple[Member, ...]  # the same for a response: uri and query members too


# A structure shared by input and output keeps its uri/query members in a response's body.
RESPONSE_BODY_LOCATIONS = frozenset({"body", "uri", "querystring"})


@cache
def plan(shape: StructureShape) -> Plan:
    groups: dict[str, list[Member]] = {}
    status = None
    for name, member in shape.members.items():
        location = member.serialization.get("location") or "body"
        entry = Member(name, member, member.serialization.get("name", name))
        if location == "statusCode":
            status = entry
        elif location == "querystring" and member.type_name == "map":
            groups.setdefault("query_maps", []).append(entry)
        else:
            groups.setdefault(location, []).append(entry)
    payload_name = shape.serialization.get("payload")
    payload = None
    if payload_name:
        payload = Member(payload_name, shape.members[payload_name], payload_name)
    streaming = payload is not None and payload.shape.type_name in ("blob", "string")
    return Plan(
        uri=tuple(groups.get("uri", ())),
        query=tuple(groups.get("querystring", ())),
        query_maps=tuple(groups.get("query_maps", ())),
        headers=tuple(groups.get("header", ())),
        header_maps=tuple(groups.get("headers", ())),
        status=status,
        payload=payload,
        streaming=streaming,
        body=() if payload else tuple(groups.get("body", ())),
        response_body=() if payload else tuple(_response_body(shape)),
    )


def _response_body(shape: StructureShape) -> list[Member]:
    return [
        Member(name, member, member.serialization.get("name", name))
        for name, member in shape.members.items()
        if member.serialization.get("location", "body") in RESPONSE_BODY_LOCATIONS
    ]


def timestamp_format(shape: Shape, default: str) -> str:
    fmt = str(shape.serialization.get("timestampFormat") or default)
    return "unixTimestamp" if fmt.lower() == "unixtimestamp" else fmt.lower()


# -- text -> value (requests) ------------------------------------------------------------------


def scalar_from_text(shape: Shape, text: str, in_header: bool = False) -> Any:
    kind = shape.type_name
    try:
        if kind in ("string", "character"):
            if in_header and shape.serialization.get("jsonvalue"):
                return json.loads(b64decode(text))
            return text
        if kind in ("integer", "long", "short", "byte"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
        if kind == "boolean":
            lowered = text.strip().lower()
            if lowered not in ("true", "false"):
                raise BadValue(f"Invalid boolean value: {text!r}")
            return lowered == "true"
        if kind == "timestamp":
            return parse_timestamp(text)
        if kind == "blob":
            return b64decode(text) if in_header else text.encode("utf-8")
    except (ValueError, ServiceError) as exc:
        raise BadValue(f"Invalid {kind} value: {text!r}") from exc
    return text


def split_header_list(shape: Shape, text: str) -> list[Any]:
    """A list header is comma-separated; strings may be quoted (RFC 7230), and an http-date
    itself holds a comma ("Mon, 16 Dec 2019 23:48:18 GMT")."""
    item = shape.member
    if item.type_name == "timestamp" and timestamp_format(item, HEADER_TIMESTAMP_FORMAT) == "rfc822":
        parts = [part.strip() for part in text.split(",")]
        words = [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts) - 1, 2)]
    elif item.type_name == "string":
        words = _split_quoted(text)
    else:
        words = [part.strip() for part in text.split(",")]
    return [scalar_from_text(item, word, in_header=True) for word in words if word != ""]


def _split_quoted(text: str) -> list[str]:
    words: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            words.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    words.append("".join(current).strip())
    return words


@cache
def literal_query_keys(operation: OperationModel) -> frozenset[str]:
    """Query keys fixed by the requestUri (`?uploads`, `?list-type=2`): never map members."""
    _, _, query = str(operation.http.get("requestUri", "")).partition("?")
    return frozenset(key for key, _ in parse_qsl(query, keep_blank_values=True))


def bound_params(
    operation: OperationModel,
    members: Plan,
    headers: Iterable[tuple[str, str]],
    query: list[tuple[str, str]],
    uri_params: dict[str, str],
) -> dict[str, Any]:
    """The members bound to uri labels, the query string and headers."""
    params: dict[str, Any] = {}
    for member in members.uri:
        if member.wire in uri_params:
            params[member.name] = scalar_from_text(member.shape, uri_params[member.wire])
    if members.query or members.query_maps:
        params.update(_query_params(operation, members, query))
    if members.headers or members.header_maps:
        params.update(_header_params(members, list(headers)))
    return params


def _query_params(operation: OperationModel, members: Plan, query: list[tuple[str, str]]) -> dict[str, Any]:
    values: dict[str, list[str]] = {}
    for key, value in query:
        values.setdefault(key, []).append(value)
    params: dict[str, Any] = {}
    for member in members.query:
        found = values.get(member.wire)
        if found is None:
            continue
        if member.shape.type_name == "list":
            params[member.name] = [scalar_from_text(member.shape.member, v) for v in found]
        else:
            params[member.name] = scalar_from_text(member.shape, found[0])
    # A query map holds the keys no named member or the requestUri claims (API Gateway's
    # ImportRestApi `parameters` beside `failonwarnings`).
    claimed = {member.wire for member in members.query} | literal_query_keys(operation)
    for member in members.query_maps:
        rest = {key: found for key, found in values.items() if key not in claimed}
        if rest:
            many = member.shape.value.type_name == "list"
            params[member.name] = {key: found if many else found[0] for key, found in rest.items()}
    return params


def _header_params(members: Plan, headers: list[tuple[str, str]]) -> dict[str, Any]:
    joined: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    params: dict[str, Any] = {}
    for member in members.headers:
        text = joined.get(member.wire.lower())
        if text is None:
            continue
        if member.shape.type_name == "list":
            params[member.name] = split_header_list(member.shape, text)
        else:
            params[member.name] = scalar_from_text(member.shape, text, in_header=True)
    for member in members.header_maps:
        prefix = member.wire.lower()
        found = {name[len(prefix) :]: value for name, value in headers if name.lower().startswith(prefix)}
        if found:
            params[member.name] = found
    return params


# -- value -> text (responses) -----------------------------------------------------------------


def float_text(value: float) -> str | float:
    """JSON and XML carry NaN and the infinities as these strings."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def scalar_to_text(shape: Shape, value: Any, in_header: bool = False) -> str:
    kind = shape.type_name
    if kind == "string" and type(value) is str and not in_header:  # the common case, first
        return value
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("float", "double"):
        return str(float_text(float(value)))
    if kind == "timestamp":
        default = HEADER_TIMESTAMP_FORMAT if in_header else TEXT_TIMESTAMP_FORMAT
        return str(format_timestamp(value, timestamp_format(shape, default)))
    if kind == "blob":
        return b64encode(value)
    if in_header and shape.serialization.get("jsonvalue"):
        return b64encode(json.dumps(value, separators=(",", ":")))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def header_value(shape: Shape, value: Any) -> str:
    if shape.type_name != "list":
        return scalar_to_text(shape, value, in_header=True)
    words = [scalar_to_text(shape.member, item, in_header=True) for item in value if item is not None]
    if shape.member.type_name == "string":
        words = [_quote(word) for word in words]
    return ", ".join(words)


def _quote(word: str) -> str:
    if "," in word or '"' in word:
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return word


def response_headers(members: Plan, result: dict[str, Any]) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    for member in members.headers:
        value = result.get(member.name)
        if value is None or (member.shape.type_name == "list" and not value):
            continue
        headers.append((member.wire, header_value(member.shape, value)))
    for member in members.header_maps:
        for key, value in (result.get(member.name) or {}).items():
            if value is not None:
                headers.append((member.wire + key, str(value)))
    return headers


def response_status(operation: OperationModel, members: Plan | None, result: dict[str, Any]) -> int:
    if members is not None and members.status is not None:
        code = result.get(members.status.name)
        if code is not None:
            return int(code)
    return int(operation.http.get("responseCode", 200))


def payload_bytes(value: Any) -> bytes:
    """A streaming payload as providers hand it over: bytes, text, or a file-like object."""
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    read = getattr(value, "read", None)
    if read is not None:
        return payload_bytes(read())
    raise TypeError(f"Cannot write a payload of type {type(value).__name__}")


def bodiless(status: int, method: str) -> bool:
    """HTTP forbids a body on these; clients must not be sent one."""
    return method == "HEAD" or status in (204, 304) or 100 <= status < 200


# -- errors ------------------------------------------------------------------------------------


@cache
def _error_shapes(service: ServiceModel) -> dict[str, StructureShape]:
    shapes: dict[str, StructureShape] = {}
    for shape in service.error_shapes:
        shapes.setdefault(shape.name, shape)
        shapes.setdefault(shape.error_code, shape)
    return shapes


def error_shape(service: ServiceModel, code: str) -> StructureShape | None:
    """The modeled error for a ServiceError code (shape name or wire code), if any."""
    return _error_shapes(service).get(code)


def error_code(service: ServiceModel, code: str) -> str:
    shape = error_shape(service, code)
    return shape.error_code if shape is not None else code


def message_member(shape: StructureShape | None) -> Member | None:
    """The error shape's message member (`message` or `Message`), with its wire name."""
    if shape is None:
        return None
    for name, member in shape.members.items():
        if name.lower() == "message" and "location" not in member.serialization:
            return Member(name, member, member.serialization.get("name", name))
    return None
