"""query protocol: result dict | ServiceError -> XML response.

    <{Op}Response xmlns="{xmlNamespace}">
      <{Op}Result>...the output shape's members...</{Op}Result>
      <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata>
    </{Op}Response>

The output shape compiles once per operation into writers that append XML fragments to a
list; lists and maps follow the model's flattened flags and locationNames, as botocore's
QueryParser reads them. Services served through query_legacy (SQS) use their legacy names."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import Headers, HttpResponse
from cloudlet.protocol.query_legacy import query_error_code, query_operation, xml_namespace
from cloudlet.protocol.values import b64encode, error_shape, float_to_wire, format_timestamp

Writer = Callable[[list[str], str, Any], None]  # (parts, tag, value): append <tag>value</tag>
MembersWriter = Callable[[list[str], dict[str, Any]], None]

_PROLOG = '<?xml version="1.0"?>'


def serialize(operation: OperationModel, result: dict[str, Any], request_id: str) -> HttpResponse:
    name, opening, wrapper, write_members = _response_plan(query_operation(operation))
    parts = [_PROLOG, opening]
    if wrapper:
        parts.append(f"<{wrapper}>")
    if write_members is not None and result:
        write_members(parts, result)
    if wrapper:
        parts.append(f"</{wrapper}>")
    parts.append(f"<ResponseMetadata><RequestId>{escape(request_id)}</RequestId></ResponseMetadata>")
    parts.append(f"</{name}Response>")
    return HttpResponse(200, _headers(request_id), "".join(parts).encode())


def serialize_error(
    service: ServiceModel, operation: OperationModel | None, error: ServiceError, request_id: str
) -> HttpResponse:
    shape = error_shape(service, error.code)
    namespace = xml_namespace(service)
    parts = [
        _PROLOG,
        f'<ErrorResponse xmlns="{namespace}">' if namespace else "<ErrorResponse>",
        f"<Error><Type>{'Sender' if error.sender_fault else 'Receiver'}</Type>",
        f"<Code>{escape(query_error_code(service, error, shape))}</Code>",
        f"<Message>{escape(error.message)}</Message>",
    ]
    if error.fields and shape is not None:
        fields = {key: value for key, value in error.fields.items() if key.lower() != "message"}
        _members_writer(shape)(parts, fields)
    parts.append(f"</Error><RequestId>{escape(request_id)}</RequestId></ErrorResponse>")
    headers = _headers(request_id)
    for header, value in error.headers.items():
        headers.add(header, value)
    return HttpResponse(error.status, headers, "".join(parts).encode())


def escape(text: str) -> str:
    # \r would reach the client as \n (XML end-of-line handling) and break SQS's body MD5.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#xD;")


def _headers(request_id: str) -> Headers:
    return Headers([("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)])


@cache
def _response_plan(operation: OperationModel) -> tuple[str, str, str | None, MembersWriter | None]:
    namespace = xml_namespace(operation.service_model)
    name = operation.name
    opening = f'<{name}Response xmlns="{namespace}">' if namespace else f"<{name}Response>"
    shape = operation.output_shape
    if shape is None:
        return name, opening, None, None
    wrapper = shape.serialization.get("resultWrapper")
    return name, opening, wrapper, _members(shape, {})


@cache
def _members_writer(shape: StructureShape) -> MembersWriter:
    return _members(shape, {})


def _compile(shape: Shape, memo: dict[str, MembersWriter]) -> Writer:
    if isinstance(shape, StructureShape):
        return _structure(_members(shape, memo))
    if isinstance(shape, ListShape):
        return _list(shape, _compile(shape.member, memo))
    if isinstance(shape, MapShape):
        return _map(shape, _compile(shape.key, memo), _compile(shape.value, memo))
    if shape.type_name == "timestamp":
        return _timestamp(shape.serialization.get("timestampFormat", "iso8601"))
    return _SCALARS.get(shape.type_name, _text)


def _members(shape: StructureShape, memo: dict[str, MembersWriter]) -> MembersWriter:
    if shape.name in memo:
        return memo[shape.name]
    # Recursive shapes meet themselves while compiling: forward to the finished writer.
    compiled: list[MembersWriter] = []
    memo[shape.name] = lambda parts, value: compiled[0](parts, value)
    fields = {
        name: (member.serialization.get("name", name), _compile(member, memo))
        for name, member in shape.members.items()
    }

    def write(parts: list[str], value: dict[str, Any]) -> None:
        for name, item in value.items():
            field = fields.get(name)
            if field is not None and item is not None:
                field[1](parts, field[0], item)

    compiled.append(write)
    memo[shape.name] = write
    return write


def _structure(members: MembersWriter) -> Writer:
    def write(parts: list[str], tag: str, value: Any) -> None:
        parts.append(f"<{tag}>")
        members(parts, value)
        parts.append(f"</{tag}>")

    return write


def _list(shape: ListShape, item: Writer) -> Writer:
    element = shape.member.serialization.get("name")
    if shape.serialization.get("flattened"):
        # No wrapper: each item is an element named after the list's member (or the list).
        def write_flat(parts: list[str], tag: str, value: Any) -> None:
            for entry in value:
                item(parts, element or tag, entry)

        return write_flat
    element = element or "member"

    def write(parts: list[str], tag: str, value: Any) -> None:
        parts.append(f"<{tag}>")
        for entry in value:
            item(parts, element, entry)
        parts.append(f"</{tag}>")

    return write


def _map(shape: MapShape, key: Writer, item: Writer) -> Writer:
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    if shape.serialization.get("flattened"):

        def write_flat(parts: list[str], tag: str, value: Any) -> None:
            for entry_key, entry_value in value.items():
                parts.append(f"<{tag}>")
                key(parts, key_name, entry_key)
                item(parts, value_name, entry_value)
                parts.append(f"</{tag}>")

        return write_flat

    def write(parts: list[str], tag: str, value: Any) -> None:
        parts.append(f"<{tag}>")
        for entry_key, entry_value in value.items():
            parts.append("<entry>")
            key(parts, key_name, entry_key)
            item(parts, value_name, entry_value)
            parts.append("</entry>")
        parts.append(f"</{tag}>")

    return write


def _text(parts: list[str], tag: str, value: Any) -> None:
    parts.append(f"<{tag}>{escape(value if isinstance(value, str) else str(value))}</{tag}>")


def _boolean(parts: list[str], tag: str, value: Any) -> None:
    parts.append(f"<{tag}>{'true' if value else 'false'}</{tag}>")


def _number(parts: list[str], tag: str, value: Any) -> None:
    parts.append(f"<{tag}>{float_to_wire(value)}</{tag}>")


def _blob(parts: list[str], tag: str, value: Any) -> None:
    parts.append(f"<{tag}>{b64encode(value)}</{tag}>")


def _timestamp(fmt: str) -> Writer:
    def write(parts: list[str], tag: str, value: Any) -> None:
        parts.append(f"<{tag}>{format_timestamp(value, fmt)}</{tag}>")

    return write


_SCALARS: dict[str, Writer] = {
    "boolean": _boolean,
    "integer": _number,
    "long": _number,
    "float": _number,
    "double": _number,
    "blob": _blob,
}
