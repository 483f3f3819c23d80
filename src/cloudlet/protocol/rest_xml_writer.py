"""Shape-driven XML writing for rest-xml responses: values -> element text, appended to a list.

Names follow what botocore's parser reads: a member's locationName (or its name); a flattened
list repeats its member's locationName when it has one; non-flattened lists wrap items named
by the member's locationName or `member`; maps are `<entry><key/><value/></entry>` unless
flattened; xmlAttribute members become attributes; xmlNamespace declares a namespace."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from botocore.model import Shape, StructureShape

from cloudlet.protocol.rest_common import RESPONSE_BODY_LOCATIONS, scalar_to_text

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'


_SPECIAL = re.compile(r"[&<>\r]")


def escape_text(text: str) -> str:
    if _SPECIAL.search(text) is None:  # most text: no copy
        return text
    # A bare CR would be normalised to LF by the reader: keep it as a character reference.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#xD;")


def escape_attribute(text: str) -> str:
    return escape_text(text).replace('"', "&quot;").replace("\n", "&#xA;").replace("\t", "&#x9;")


def write_element(
    out: list[str], name: str, shape: Shape, value: Any, default_namespace: str | None = None
) -> None:
    namespace = _namespace(shape, default_namespace)
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        out.append(f"<{name}{namespace}{_attributes(shape, value)}>")
        write_fields(out, shape, value)
    elif kind == "list":
        out.append(f"<{name}{namespace}>")
        item = shape.member  # type: ignore[attr-defined]
        item_name = item.serialization.get("name", "member")
        for entry in value:
            write_element(out, item_name, item, entry)
    elif kind == "map":
        out.append(f"<{name}{namespace}>")
        for key, entry in value.items():
            out.append("<entry>")
            _write_pair(out, shape, key, entry)
            out.append("</entry>")
    else:
        out.append(f"<{name}{namespace}>{escape_text(scalar_to_text(shape, value))}")
    out.append(f"</{name}>")


def write_fields(out: list[str], shape: StructureShape, value: dict[str, Any]) -> None:
    """The child elements of a structure (attributes are written with its start tag)."""
    for name, element, member, kind in _fields(shape):
        item = value.get(name)
        if item is None or kind == "attribute":
            continue
        if kind == "flat-list":
            for entry in item:
                write_element(out, element, member.member, entry)  # type: ignore[attr-defined]
        elif kind == "flat-map":
            for key, entry in item.items():
                out.append(f"<{element}>")
                _write_pair(out, member, key, entry)
                out.append(f"</{element}>")
        else:
            write_element(out, element, member, item)


def write_loose(out: list[str], name: str, value: Any) -> None:
    """An unmodeled value (an error's extra field): text, nested elements, or repeats."""
    if isinstance(value, dict):
        out.append(f"<{name}>")
        for key, item in value.items():
            write_loose(out, str(key), item)
        out.append(f"</{name}>")
    elif isinstance(value, list | tuple):
        for item in value:
            write_loose(out, name, item)
    elif isinstance(value, bool):
        out.append(f"<{name}>{'true' if value else 'false'}</{name}>")
    elif value is not None:
        out.append(f"<{name}>{escape_text(str(value))}</{name}>")


@cache
def _fields(shape: StructureShape) -> tuple[tuple[str, str, Shape, str], ...]:
    fields = []
    for name, member in shape.members.items():
        if member.serialization.get("location", "body") not in RESPONSE_BODY_LOCATIONS:
            continue
        element = member.serialization.get("name", name)
        flattened = member.serialization.get("flattened")
        if member.serialization.get("xmlAttribute"):
            kind = "attribute"
        elif flattened and member.type_name == "list":
            kind = "flat-list"
            element = member.member.serialization.get("name", element)  # type: ignore[attr-defined]
        elif flattened and member.type_name == "map":
            kind = "flat-map"
        else:
            kind = "element"
        fields.append((name, element, member, kind))
    return tuple(fields)


def _attributes(shape: StructureShape, value: dict[str, Any]) -> str:
    parts = []
    for name, element, member, kind in _fields(shape):
        item = value.get(name)
        if kind == "attribute" and item is not None:
            parts.append(f' {element}="{escape_attribute(scalar_to_text(member, item))}"')
    return "".join(parts)


def _write_pair(out: list[str], shape: Shape, key: Any, value: Any) -> None:
    key_shape, value_shape = shape.key, shape.value  # type: ignore[attr-defined]
    write_element(out, key_shape.serialization.get("name", "key"), key_shape, key)
    if value is not None:
        write_element(out, value_shape.serialization.get("name", "value"), value_shape, value)


def _namespace(shape: Shape, default: str | None) -> str:
    declared = _declared_namespace(shape)
    if declared is not None:
        return declared
    return f' xmlns="{escape_attribute(default)}"' if default else ""


@cache
def _declared_namespace(shape: Shape) -> str | None:
    declared = shape.serialization.get("xmlNamespace")
    if isinstance(declared, dict):
        prefix = declared.get("prefix")
        attribute = f"xmlns:{prefix}" if prefix else "xmlns"
        return f' {attribute}="{escape_attribute(str(declared.get("uri", "")))}"'
    if isinstance(declared, str):
        return f' xmlns="{escape_attribute(declared)}"'
    return None
