"""Expression errors: raised inside the engine without the expression's name, prefixed
("Invalid UpdateExpression: ...") where the request is compiled. Some AWS messages carry
no prefix (the key-condition structure errors, the runtime update errors); those are
raised as ServiceError directly."""

from __future__ import annotations

from cloudlet.errors import ServiceError, validation_error


class ExpressionError(Exception):
    """A validation failure of one expression, worded without the "Invalid X: " prefix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def service_error(self, kind: str) -> ServiceError:
        return validation_error(f"Invalid {kind}: {self.message}")


def path_text(path: tuple[str | int, ...]) -> str:
    """A document path as AWS prints it in messages: [a, b, [1]]."""
    return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in path) + "]"


# Errors found while applying an update to an item, worded as AWS words them.
MISSING_OPERAND = "The provided expression refers to an attribute that does not exist in the item"
WRONG_OPERAND_TYPE = "An operand in the update expression has an incorrect data type"
INVALID_UPDATE_PATH = "The document path provided in the update expression is invalid for update"
