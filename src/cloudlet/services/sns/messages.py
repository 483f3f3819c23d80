"""Validating what Publish and PublishBatch are given (pure): message, subject, structure,
message attributes, size ("Amazon SNS message attributes", Publish API reference)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.services.sns.errors import invalid_parameter

MAX_SIZE = 262_144  # bytes, message and attributes together
MAX_ATTRIBUTES = 10
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_\-.]{1,256}$")


def invalid_value(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValueException", message)


@dataclass
class Outgoing:
    """One validated message, before it gets its id."""

    message: str
    subject: str | None
    structure: dict[str, str] | None  # MessageStructure=json: text per protocol, with "default"
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    group_id: str | None = None
    dedup_id: str | None = None

    def text_for(self, protocol: str) -> str:
        if self.structure is None:
            return self.message
        return self.structure.get(protocol, self.structure["default"])


def validate(entry: Mapping[str, Any]) -> Outgoing:
    message = entry.get("Message")
    if not isinstance(message, str) or message == "":
        raise invalid_parameter("Empty message")
    subject = entry.get("Subject")
    if subject is not None:
        subject = str(subject)
        if not (1 <= len(subject) < 100) or not all(32 <= ord(c) < 127 for c in subject) or subject[0] == " ":
            raise invalid_parameter("Subject")
    structure = None
    if entry.get("MessageStructure") is not None:
        if entry["MessageStructure"] != "json":
            raise invalid_parameter("MessageStructure")
        try:
            parsed = json.loads(message)
        except ValueError:
            raise invalid_parameter("Message Structure - JSON message body failed to parse") from None
        if not isinstance(parsed, dict) or not isinstance(parsed.get("default"), str):
            raise invalid_parameter("Message Structure - No default entry in JSON message body")
        structure = {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in parsed.items()}
    attributes = validate_attributes(entry.get("MessageAttributes") or {})
    size = len(message.encode("utf-8"))
    for name, attribute in attributes.items():
        value = attribute.get("BinaryValue", attribute.get("StringValue", ""))
        raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
        size += len(name.encode()) + len(str(attribute["DataType"]).encode()) + len(raw)
    if size > MAX_SIZE:
        raise invalid_parameter("Message too long")
    return Outgoing(
        message=message,
        subject=subject,
        structure=structure,
        attributes=attributes,
        group_id=entry.get("MessageGroupId"),
        dedup_id=entry.get("MessageDeduplicationId"),
    )


def validate_attributes(attributes: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    if len(attributes) > MAX_ATTRIBUTES:
        raise invalid_value(
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum [{MAX_ATTRIBUTES}]."
        )
    checked: dict[str, dict[str, Any]] = {}
    for name, attribute in attributes.items():
        if (
            not _ATTRIBUTE_NAME.match(name)
            or name.startswith(".")
            or name.endswith(".")
            or ".." in name
            or name.lower().startswith(("aws.", "amazon."))
        ):
            raise invalid_value(f"Invalid attribute name: {name}")
        kind = str(attribute.get("DataType") or "")
        base = kind.split(".", 1)[0]
        if base not in ("String", "Number", "Binary"):
            raise invalid_value(
                f"The message attribute '{name}' has an invalid message attribute type, the set of"
                " supported type prefixes is Binary, Number, and String."
            )
        value_key = "BinaryValue" if base == "Binary" else "StringValue"
        value = attribute.get(value_key)
        if value is None or value in ("", b""):
            raise invalid_value(
                f"The message attribute '{name}' must contain non-empty message attribute value for"
                f" message attribute type '{base}'."
            )
        if base == "Number":
            _check_number(name, str(value))
        if kind == "String.Array":
            try:
                parsed = json.loads(str(value))
            except ValueError:
                parsed = None
            if not isinstance(parsed, list):
                raise invalid_value(
                    f"The message attribute '{name}' with type 'String.Array' has an invalid value"
                    f" '{value}'; the value must be a JSON array."
                )
        checked[name] = {"DataType": kind, value_key: value}
    return checked


def _check_number(name: str, value: str) -> None:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > Decimal("1e9"):
        raise invalid_value(
            f"The message attribute '{name}' with type 'Number' has a value that is not a valid number"
            " (numbers range from -10^9 to 10^9, with up to 5 digits of precision after the decimal point)."
        )
