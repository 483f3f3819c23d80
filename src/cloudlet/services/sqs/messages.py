"""What a sent message may contain: body characters, message attributes, sizes, FIFO ids (pure).

https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.services.sqs.errors import invalid_parameter, invalid_value, missing_parameter, sqs_error

MAX_ATTRIBUTES = 10
MAX_ATTRIBUTE_NAME = 256
MAX_BATCH_BYTES = 1_048_576
MAX_BATCH_ENTRIES = 10
MAX_DELAY = 900

# The XML 1.0 character set AWS allows in bodies and string values.
_INVALID_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_\-.]+$")
_BATCH_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
# Alphanumeric and punctuation (!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~), 1 to 128 characters.
_FIFO_ID = re.compile(r"^[!-~]{1,128}$")
_SYSTEM_ATTRIBUTES = ("AWSTraceHeader",)
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def invalid_character(text: str) -> str | None:
    """The first character SQS rejects, or None (the common all-valid case is one regex scan)."""
    match = _INVALID_CHAR.search(text)
    return match.group(0) if match else None


def check_body(body: object) -> str:
    if body is None or body == "":
        raise missing_parameter("MessageBody")
    text = str(body)
    bad = invalid_character(text)
    if bad is not None:
        raise sqs_error(
            "InvalidMessageContents",
            f"Invalid binary character '#x{ord(bad):X}' was found in the message body, the set of allowed "
            "characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
        )
    return text


def _binary(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):  # a codec that left base64 text
        return base64.b64decode(value)
    raise invalid_parameter("Binary attribute values must be binary.")


def check_message_attributes(
    attributes: Mapping[str, Any] | None, system: bool = False
) -> dict[str, dict[str, Any]]:
    """Validate message (or message system) attributes; return them as stored:
    {name: {"DataType", "StringValue" | "BinaryValue" (bytes)}}."""
    if not attributes:
        return {}
    kind = "system" if system else "user"
    if len(attributes) > MAX_ATTRIBUTES and not system:
        raise invalid_parameter(
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum [{MAX_ATTRIBUTES}]."
        )
    checked: dict[str, dict[str, Any]] = {}
    for name, attribute in attributes.items():
        if system:
            if name not in _SYSTEM_ATTRIBUTES:
                raise invalid_value("MessageSystemAttributes", name, "Unknown message system attribute.")
        else:
            _check_attribute_name(name)
        if not isinstance(attribute, Mapping):
            raise invalid_parameter(f"Message ({kind}) attribute '{name}' is malformed.")
        data_type = attribute.get("DataType")
        if not data_type:
            raise invalid_parameter(
                f"The message ({kind}) attribute '{name}' must contain a non-empty message attribute type."
            )
        data_type = str(data_type)
        base = data_type.split(".", 1)[0]
        if base not in ("String", "Number", "Binary") or data_type.endswith("."):
            raise invalid_parameter(
                f"The type of message ({kind}) attribute '{name}' is invalid. You must use only the following "
                "supported type prefixes: Binary, Number, String."
            )
        if len(data_type) > MAX_ATTRIBUTE_NAME:
            raise invalid_parameter(
                f"Message ({kind}) attribute '{name}' type must be shorter than 256 bytes."
            )
        if system and base != "String":
            raise invalid_parameter(f"The type of message (system) attribute '{name}' must be String.")
        if base == "Binary":
            raw = attribute.get("BinaryValue")
            value = _binary(raw) if raw is not None else b""
            if not value or attribute.get("StringValue") is not None:
                raise invalid_parameter(
                    f"Message ({kind}) attribute '{name}' must contain a non-empty value of type 'Binary'."
                )
            checked[name] = {"DataType": data_type, "BinaryValue": value}
            continue
        text = attribute.get("StringValue")
        if text is None or text == "" or attribute.get("BinaryValue") is not None:
            raise invalid_parameter(
                f"Message ({kind}) attribute '{name}' must contain a non-empty value of type '{base}'."
            )
        text = str(text)
        if invalid_character(text) is not None:
            raise invalid_parameter(
                f"Message ({kind}) attribute '{name}' contains invalid characters: the set of allowed characters "
                "is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"
            )
        if base == "Number" and not _valid_number(text):
            raise invalid_parameter(
                f"Can't cast the value of message ({kind}) attribute '{name}' to a number."
            )
        checked[name] = {"DataType": data_type, "StringValue": text}
    return checked


def _check_attribute_name(name: str) -> None:
    lowered = name.lower()
    if not name or len(name) > MAX_ATTRIBUTE_NAME:
        raise invalid_parameter("Message (user) attribute names must be shorter than 256 bytes.")
    if not _ATTRIBUTE_NAME.match(name) or ".." in name:
        raise invalid_parameter(
            f"Message (user) attribute name '{name}' can only contain alphanumeric characters, hyphens (-), "
            "underscores (_), and periods (.), and it can't contain consecutive periods."
        )
    if name.startswith(".") or name.endswith("."):
        raise invalid_parameter(
            f"Message (user) attribute name '{name}' can't start or end with a period (.)."
        )
    if lowered.startswith("aws.") or lowered.startswith("amazon."):
        raise invalid_parameter(
            f"You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. "
            f"These strings are reserved for internal use. Attribute name: '{name}'."
        )


def _valid_number(text: str) -> bool:
    if not _NUMBER.match(text.strip()):
        return False
    digits = re.sub(r"[eE].*$", "", text).replace(".", "").lstrip("+-").lstrip("0")
    return len(digits) <= 38


def attributes_size(attributes: Mapping[str, Mapping[str, Any]]) -> int:
    """Bytes message attributes count toward the message size: name, type and value."""
    total = 0
    for name, attribute in attributes.items():
        total += len(name.encode("utf-8")) + len(str(attribute["DataType"]).encode("utf-8"))
        if "BinaryValue" in attribute:
            total += len(attribute["BinaryValue"])
        else:
            total += len(str(attribute["StringValue"]).encode("utf-8"))
    return total


def message_size(body: str, attributes: Mapping[str, Mapping[str, Any]]) -> int:
    size = len(body) if body.isascii() else len(body.encode("utf-8", "surrogatepass"))
    return size + (attributes_size(attributes) if attributes else 0)


def too_long(limit: int, batch: bool = False) -> ServiceError:
    # A whole request answers "are invalid"; an entry of a batch "cannot be validated".
    verb = "cannot be validated" if batch else "are invalid"
    return invalid_parameter(
        f"One or more parameters {verb}. Reason: Message must be shorter than {limit} bytes."
    )


def check_delay(value: object) -> int:
    delay = int(value)  # type: ignore[call-overload]
    if not 0 <= delay <= MAX_DELAY:
        raise invalid_value("DelaySeconds", delay, f"DelaySeconds must be >= 0 and <= {MAX_DELAY}.")
    return delay


def check_fifo_id(name: str, value: object) -> str:
    text = str(value)
    if not _FIFO_ID.match(text):
        raise invalid_value(
            name,
            text,
            f"{name} can only include alphanumeric and punctuation characters. 1 to 128 in length.",
        )
    return text


def check_batch(entries: list[dict[str, Any]] | None, entry_shape: str) -> list[dict[str, Any]]:
    """The checks every *Batch operation makes on its entries before any entry runs."""
    if not entries:
        raise sqs_error("EmptyBatchRequest", f"There should be at least one {entry_shape} in the request.")
    if len(entries) > MAX_BATCH_ENTRIES:
        raise sqs_error(
            "TooManyEntriesInBatchRequest",
            f"Maximum number of entries per request are {MAX_BATCH_ENTRIES}. You have sent {len(entries)}.",
        )
    seen: set[str] = set()
    for entry in entries:
        entry_id = str(entry.get("Id", ""))
        if not _BATCH_ID.match(entry_id):
            raise sqs_error(
                "InvalidBatchEntryId",
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                "It can be at most 80 letters long.",
            )
        if entry_id in seen:
            raise sqs_error("BatchEntryIdsNotDistinct", f"Id {entry_id} repeated.")
        seen.add(entry_id)
    return entries
