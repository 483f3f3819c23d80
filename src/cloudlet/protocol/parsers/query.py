"""query protocol: form parameters -> params dict, following the input shape.

The form's dotted keys become a tree first (`Attribute.1.Name=x` -> {"Attribute": {"1":
{"Name": "x"}}}), which the input shape's compiled converter then walks. The walk is lenient
about the spellings clients use for the same data: a structure member is found under its
locationName, the element name of a flattened list, or its model name; a list's items under
`member`/its element name or directly by index (flattened); a map's entries under `entry` or
directly, with key/value under the model's names or key/value, Name/Value, Key/Value. That
covers SQS's legacy names (see query_legacy) and the json model's names side by side."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import HttpRequest
from cloudlet.protocol.query_legacy import fill_from_path, query_operation
from cloudlet.protocol.values import b64decode, parse_timestamp, request_body

Converter = Callable[[Any], Any]
Tree = dict[str, Any]  # values: str leaves or nested Trees


def parse(operation: OperationModel, request: HttpRequest, uri_params: dict[str, str]) -> dict[str, Any]:
    convert = _input_converter(query_operation(operation))
    if convert is None:
        return {}
    try:
        result: dict[str, Any] = convert(form_tree(form_pairs(request)))
    except RecursionError as exc:
        raise ServiceError("MalformedQueryString", "The query string nests too deeply.", 400) from exc
    fill_from_path(operation, request, result)
    return result


def form_pairs(request: HttpRequest) -> list[tuple[str, str]]:
    """The query string's pairs, then the form body's (a POST may carry both)."""
    pairs = parse_qsl(request.query_string, keep_blank_values=True) if request.query_string else []
    body = request_body(request) if request.method == "POST" else b""
    if body:
        pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    return pairs


def form_tree(pairs: list[tuple[str, str]]) -> Tree:
    root: Tree = {}
    for key, value in pairs:
        node = root
        *parents, last = key.split(".")
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}  # a branch beats a leaf: `List=` then `List.member.1=a`
            node = child
        if not isinstance(node.get(last), dict):
            node[last] = value
    return root


def _invalid(name: str, value: Any) -> ServiceError:
    shown = value if isinstance(value, str) else "(a structure)"
    return ServiceError("InvalidParameterValue", f"Value {shown} for parameter {name} is invalid.", 400)


@cache
def _input_converter(operation: OperationModel) -> Converter | None:
    shape = operation.input_shape
    return None if shape is None else _compile(shape, {})


def _compile(shape: Shape, memo: dict[str, Converter]) -> Converter:
    if isinstance(shape, StructureShape):
        return _structure(shape, memo)
    if isinstance(shape, ListShape):
        return _list(shape, _compile(shape.member, memo))
    if isinstance(shape, MapShape):
        return _map(shape, _compile(shape.key, memo), _compile(shape.value, memo))
    return _SCALARS.get(shape.type_name, _string)


def _member_names(name: str, member: Shape) -> list[str]:
    names = [member.serialization.get("name", name)]
    if isinstance(member, ListShape) and member.serialization.get("flattened"):
        element = member.member.serialization.get("name")
        if element:
            names.insert(0, element)  # botocore writes `Element.1`, replacing the member's name
    names.append(name)
    return list(dict.fromkeys(names))


def _structure(shape: StructureShape, memo: dict[str, Converter]) -> Converter:
    if shape.name in memo:
        return memo[shape.name]
    # Recursive shapes meet themselves while compiling: forward to the finished converter.
    compiled: list[Converter] = []
    memo[shape.name] = lambda node: compiled[0](node)
    fields: dict[str, tuple[str, Converter]] = {}
    aliases: list[tuple[str, tuple[str, Converter]]] = []
    for name, member in shape.members.items():
        primary, *others = _member_names(name, member)
        fields[primary] = field = (name, _compile(member, memo))
        aliases.extend((other, field) for other in others)
    for other, field in aliases:  # the wire names of the model win over the fallbacks
        fields.setdefault(other, field)

    def convert(node: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not isinstance(node, dict):
            return out  # `Struct=` (an empty structure)
        for key, value in node.items():
            field = fields.get(key)
            if field is None:
                continue
            name, conv = field
            try:
                out[name] = conv(value)
            except (ValueError, TypeError, OverflowError, ServiceError) as exc:
                if isinstance(exc, ServiceError) and exc.code != "SerializationException":
                    raise
                raise _invalid(key, value) from exc
        return out

    compiled.append(convert)
    memo[shape.name] = convert
    return convert


def _indexed(node: Tree) -> list[Any]:
    items = sorted((int(key), value) for key, value in node.items() if key.isdigit())
    return [value for _, value in items]


def _list(shape: ListShape, item: Converter) -> Converter:
    wrappers = tuple(dict.fromkeys((shape.member.serialization.get("name", "member"), "member")))

    def convert(node: Any) -> list[Any]:
        if not isinstance(node, dict):
            return []  # `List=`: botocore's spelling of an empty list
        for wrapper in wrappers:
            inner = node.get(wrapper)
            if isinstance(inner, dict):
                node = inner
                break
        return [item(value) for value in _indexed(node)]

    return convert


def _map(shape: MapShape, key: Converter, value: Converter) -> Converter:
    key_names = tuple(dict.fromkeys((shape.key.serialization.get("name", "key"), "key", "Name", "Key")))
    value_names = tuple(dict.fromkeys((shape.value.serialization.get("name", "value"), "value", "Value")))

    def convert(node: Any) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        if not isinstance(node, dict):
            return out
        entries = node.get("entry")
        for entry in _indexed(entries if isinstance(entries, dict) else node):
            if not isinstance(entry, dict):
                raise ValueError(entry)
            found_key = next((entry[name] for name in key_names if name in entry), None)
            found_value = next((entry[name] for name in value_names if name in entry), None)
            if found_key is not None and found_value is not None:
                out[key(found_key)] = value(found_value)
        return out

    return convert


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _boolean(value: Any) -> bool:
    text = _string(value).lower()
    if text not in ("true", "false"):
        raise ValueError(value)
    return text == "true"


_SCALARS: dict[str, Converter] = {
    "string": _string,
    "integer": lambda value: int(_string(value)),
    "long": lambda value: int(_string(value)),
    "float": lambda value: float(_string(value)),
    "double": lambda value: float(_string(value)),
    "boolean": _boolean,
    "timestamp": lambda value: parse_timestamp(_string(value)),
    "blob": lambda value: b64decode(_string(value)),
}
