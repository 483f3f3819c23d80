"""ExpressionAttributeNames and ExpressionAttributeValues of one request.

Every expression of a request draws on the same two maps, and a name or value no
expression uses is an error ("Value provided in ExpressionAttributeNames unused in
expressions: keys: {#x}"), so one ExpressionAttributes is shared by all of them and
`check_unused()` runs once they are all compiled."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cloudlet.errors import ServiceError, validation_error
from cloudlet.services.dynamodb.expressions import nodes as n
from cloudlet.services.dynamodb.expressions.bound import Path
from cloudlet.services.dynamodb.values import AttributeValue, validate_value

_NAME_KEY = re.compile(r"#[0-9A-Za-z_]+\Z")
_VALUE_KEY = re.compile(r":[0-9A-Za-z_]+\Z")


class ExpressionAttributes:
    def __init__(
        self,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        """Validate both maps as DynamoDB does before it reads any expression."""
        if names is not None:
            if not names:
                raise validation_error("ExpressionAttributeNames must not be empty")
            for key in names:
                if not _NAME_KEY.match(key):
                    raise validation_error(
                        f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"'
                    )
        if values is not None:
            if not values:
                raise validation_error("ExpressionAttributeValues must not be empty")
            for key in values:
                if not _VALUE_KEY.match(key):
                    raise validation_error(
                        f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"'
                    )
        self.names: dict[str, str] = dict(names or {})
        self.values = validate_values(values or {})
        self._unused_names = dict.fromkeys(self.names)
        self._unused_values = dict.fromkeys(self.values)

    def name(self, placeholder: str) -> str | None:
        """The attribute name `#placeholder` stands for (marking it used), or None."""
        name = self.names.get(placeholder)
        if name is not None:
            self._unused_names.pop(placeholder, None)
        return name

    def path(self, node: n.PathNode) -> tuple[Path, str | None]:
        """The parsed path with each `#name` replaced by the name it stands for (marking it
        used), and the error message for the first undefined one (left as written), or None."""
        elements: list[str | int] = []
        undefined: str | None = None
        for element in node.elements:
            if isinstance(element, n.NameRef):
                name = self.name(element.text)
                if name is None:
                    if undefined is None:
                        undefined = (
                            "An expression attribute name used in the document path is not defined; "
                            f"attribute name: {element.text}"
                        )
                    name = element.text
                elements.append(name)
            else:
                elements.append(element.text if isinstance(element, n.Name) else element)
        return tuple(elements), undefined

    def value(self, placeholder: str) -> AttributeValue | None:
        """The value `:placeholder` stands for (marking it used), or None."""
        value = self.values.get(placeholder)
        if value is not None:
            self._unused_values.pop(placeholder, None)
        return value

    def check_unused(self) -> None:
        if self._unused_names:
            keys = ", ".join(self._unused_names)
            raise validation_error(
                f"Value provided in ExpressionAttributeNames unused in expressions: keys: {{{keys}}}"
            )
        if self._unused_values:
            keys = ", ".join(self._unused_values)
            raise validation_error(
                f"Value provided in ExpressionAttributeValues unused in expressions: keys: {{{keys}}}"
            )


def validate_values(values: Mapping[str, Any]) -> dict[str, AttributeValue]:
    """Each value validated and normalized, or the ValidationException naming its key."""
    validated: dict[str, AttributeValue] = {}
    for key, value in values.items():
        try:
            validated[key] = validate_value(value)
        except ServiceError as error:
            raise validation_error(
                f"ExpressionAttributeValues contains invalid value: {error.message} for key {key}"
            ) from None
    return validated
