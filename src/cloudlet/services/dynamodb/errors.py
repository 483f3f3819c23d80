"""DynamoDB's errors, in AWS's wording (the API reference's Errors sections, and the messages
DynamoDB sends, which the reference does not always spell out)."""

from __future__ import annotations

from typing import Any

from cloudlet.errors import ServiceError

INVALID = "One or more parameter values were invalid: "
INVALID_ARE = "One or more parameter values are not valid. "


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def invalid(message: str) -> ServiceError:
    """The common 'One or more parameter values were invalid: ...' ValidationException."""
    return ServiceError("ValidationException", INVALID + message, 400)


def constraint(value: Any, member: str, rule: str) -> ServiceError:
    """A model constraint failure, as the request validator words it."""
    shown = "null" if value is None else f"'{value}'"
    return validation(
        f"1 validation error detected: Value {shown} at '{member}' failed to satisfy constraint: {rule}"
    )


def resource_not_found(detail: str = "") -> ServiceError:
    message = "Requested resource not found" + (f": {detail}" if detail else "")
    return ServiceError("ResourceNotFoundException", message, 400)


def table_not_found(name: str) -> ServiceError:
    return resource_not_found(f"Table: {name} not found")


def resource_in_use(message: str) -> ServiceError:
    return ServiceError("ResourceInUseException", message, 400)


def conditional_check_failed(item: dict[str, Any] | None = None) -> ServiceError:
    fields = {"Item": item} if item else None
    return ServiceError(
        "ConditionalCheckFailedException", "The conditional request failed", 400, fields=fields
    )


def transaction_canceled(reasons: list[dict[str, Any]]) -> ServiceError:
    """TransactionCanceledException, naming each action's reason code in order."""
    codes = ", ".join(reason["Code"] for reason in reasons)
    return ServiceError(
        "TransactionCanceledException",
        f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
        400,
        fields={"CancellationReasons": reasons},
    )


def key_mismatch() -> ServiceError:
    return validation("The provided key element does not match the schema")


def item_too_large() -> ServiceError:
    return validation("Item size has exceeded the maximum allowed size")


def idempotent_mismatch() -> ServiceError:
    return ServiceError(
        "IdempotentParameterMismatchException",
        "Request token already used with different parameters",
        400,
    )


def limit_exceeded(message: str) -> ServiceError:
    return ServiceError("LimitExceededException", message, 400)
