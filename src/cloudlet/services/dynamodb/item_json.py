"""Items as stored text: JSON of the AttributeValue map, binary values as base64.

Only B and BS hold bytes, so decoding needs a hook only when one of them occurs; the
quick substring test keeps the common all-text item on the plain json.loads path."""

from __future__ import annotations

import base64
import json
from typing import Any

Item = dict[str, Any]

_encoder = json.JSONEncoder(separators=(",", ":"), default=lambda b: _b64(b))


def _b64(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(item: Item) -> str:
    return _encoder.encode(item)


def _hook(value: dict[str, Any]) -> dict[str, Any]:
    if len(value) == 1:
        if isinstance(b := value.get("B"), str):
            return {"B": base64.b64decode(b)}
        if isinstance(bs := value.get("BS"), list):
            return {"BS": [base64.b64decode(x) for x in bs]}
    return value


def loads(text: str) -> Item:
    if '"B' in text:
        item: Item = json.loads(text, object_hook=_hook)
    else:
        item = json.loads(text)
    return item
