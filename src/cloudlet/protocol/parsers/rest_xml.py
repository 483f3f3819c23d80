"""rest-xml protocol: request -> params.

Members bound to the URI, query string and headers come from rest_common; the rest is the
XML document of the body: the input shape's members under its root element, or the payload
member alone as the root element. Element names honour locationName, flattened lists and
maps, and xmlAttribute members; namespaces are ignored when reading."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any
from xml.etree.ElementTree import Element, ParseError, fromstring

from botocore.model import OperationModel, Shape, StructureShape

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import HttpRequest
from cloudlet.protocol.rest_body import parse_members
from cloudlet.protocol.rest_common import BadValue, scalar_from_text
from cloudlet.protocol.values import b64decode


def parse(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict[str, Any]:
    try:
        return parse_members(operation, request, uri_params, _read_document)
    except _MalformedXml as exc:
        raise ServiceError(
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema",
            400,
        ) from exc
    except BadValue as exc:
        raise ServiceError("InvalidArgument", str(exc), 400) from exc


class _MalformedXml(BadValue):
    pass


def _read_document(shape: Shape, data: bytes) -> Any:
    return decode(shape, _document(data))


def _document(data: bytes) -> Element:
    try:
        return fromstring(data)
    except ParseError as exc:
        raise _MalformedXml(str(exc)) from exc


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def decode(shape: Shape, node: Element) -> Any:
    """An XML element -> the params value of `shape`."""
    return _DECODERS.get(shape.type_name, _scalar)(shape, node)


@cache
def _fields(shape: StructureShape) -> tuple[tuple[str, str, tuple[str, ...], Shape], ...]:
    """(member, how it is carried, the names it may carry, its shape) for the body members."""
    fields: list[tuple[str, str, tuple[str, ...], Shape]] = []
    for name, member in shape.members.items():
        if "location" in member.serialization:
            continue
        wire = member.serialization.get("name", name)
        if member.serialization.get("xmlAttribute"):
            fields.append((name, "attribute", (local_name(wire.split(":")[-1]),), member))
        elif member.serialization.get("flattened") and member.type_name == "list":
            # Servers and clients disagree on a flattened list's element name: accept both.
            item_name = member.member.serialization.get("name")  # type: ignore[attr-defined]
            names = (item_name, wire) if item_name and item_name != wire else (wire,)
            fields.append((name, "flat-list", names, member))
        elif member.serialization.get("flattened") and member.type_name == "map":
            fields.append((name, "flat-map", (wire,), member))
        else:
            # A shape-level locationName leaks into botocore's member name; smithy uses the
            # member's own: accept both.
            names = (wire, name) if wire != name else (wire,)
            fields.append((name, "element", names, member))
    return tuple(fields)


def _structure(shape: Shape, node: Element) -> dict[str, Any]:
    assert isinstance(shape, StructureShape)
    children: dict[str, list[Element]] = {}
    for child in node:
        children.setdefault(local_name(child.tag), []).append(child)
    out: dict[str, Any] = {}
    for name, kind, names, member in _fields(shape):
        if kind == "attribute":
            value = _attribute(node, names[0])
            if value is not None:
                out[name] = value
            continue
        elements = next((children[n] for n in names if n in children), None)
        if elements is None:
            continue
        if kind == "flat-list":
            out[name] = [decode(member.member, e) for e in elements]  # type: ignore[attr-defined]
        elif kind == "flat-map":
            out[name] = dict(_entry(member, e) for e in elements)
        else:
            out[name] = decode(member, elements[0])
    return out


def _attribute(node: Element, name: str) -> str | None:
    for key, value in node.attrib.items():
        if local_name(key).split(":")[-1] == name:
            return value
    return None


def _list(shape: Shape, node: Element) -> list[Any]:
    item = shape.member  # type: ignore[attr-defined]
    return [decode(item, child) for child in node]


def _map(shape: Shape, node: Element) -> dict[str, Any]:
    return dict(_entry(shape, entry) for entry in node)


def _entry(shape: Shape, entry: Element) -> tuple[Any, Any]:
    key_shape, value_shape = shape.key, shape.value  # type: ignore[attr-defined]
    key_name = key_shape.serialization.get("name", "key")
    value_name = value_shape.serialization.get("name", "value")
    key = value = None
    for part in entry:
        tag = local_name(part.tag)
        if tag == key_name:
            key = decode(key_shape, part)
        elif tag == value_name:
            value = decode(value_shape, part)
    if key is None:
        raise BadValue(f"A map entry of {shape.name} has no <{key_name}>")
    return key, value


def _blob(shape: Shape, node: Element) -> bytes:
    try:
        return b64decode((node.text or "").strip())
    except ServiceError as exc:
        raise BadValue(f"Invalid base64 for {shape.name}") from exc


def _scalar(shape: Shape, node: Element) -> Any:
    text = node.text or ""
    if shape.type_name not in ("string", "character"):
        text = text.strip()
    return scalar_from_text(shape, text)


_DECODERS: dict[str, Callable[[Shape, Element], Any]] = {
    "structure": _structure,
    "list": _list,
    "map": _map,
    "blob": _blob,
}
