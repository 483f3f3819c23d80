"""MD5 digests SQS returns with messages (and that SDKs verify).

The attribute digest is AWS's documented encoding: for each attribute, sorted by name,
the UTF-8 name, the UTF-8 data type, a transport byte (1 = String/Number, 2 = Binary,
3 = StringList, 4 = BinaryList) and the value, each length-prefixed with 4 big-endian bytes
(https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation)."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping
from typing import Any

_STRING, _BINARY, _STRING_LIST, _BINARY_LIST = 1, 2, 3, 4


def md5_of_body(body: str) -> str:
    return hashlib.md5(body.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()


def _chunk(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def md5_of_attributes(attributes: Mapping[str, Mapping[str, Any]] | None) -> str | None:
    """The digest of message (or message system) attributes; None when there are none."""
    if not attributes:
        return None
    buffer = bytearray()
    for name in sorted(attributes):
        attribute = attributes[name]
        data_type = str(attribute["DataType"])
        buffer += _chunk(name.encode("utf-8"))
        buffer += _chunk(data_type.encode("utf-8"))
        if attribute.get("StringValue") is not None:
            buffer.append(_STRING)
            buffer += _chunk(_as_bytes(attribute["StringValue"]))
        elif attribute.get("BinaryValue") is not None:
            buffer.append(_BINARY)
            buffer += _chunk(_as_bytes(attribute["BinaryValue"]))
        elif attribute.get("StringListValues"):
            buffer.append(_STRING_LIST)
            for item in attribute["StringListValues"]:
                buffer += _chunk(_as_bytes(item))
        elif attribute.get("BinaryListValues"):
            buffer.append(_BINARY_LIST)
            for item in attribute["BinaryListValues"]:
                buffer += _chunk(_as_bytes(item))
    return hashlib.md5(bytes(buffer), usedforsecurity=False).hexdigest()
