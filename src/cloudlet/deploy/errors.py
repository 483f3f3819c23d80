"""The one error the deploy core raises: CloudFormation's ValidationError."""

from __future__ import annotations

from cloudlet.errors import ServiceError


class ValidationError(ServiceError):
    """A template, parameter or assembly problem, worded as CloudFormation words it
    (the CreateStack/ValidateTemplate `ValidationError`, HTTP 400)."""

    def __init__(self, message: str) -> None:
        super().__init__("ValidationError", message, 400)


def format_error(message: str) -> ValidationError:
    """A structural problem CloudFormation reports before evaluating anything."""
    return ValidationError(f"Template format error: {message}")


def template_error(message: str) -> ValidationError:
    """A problem CloudFormation finds while evaluating functions."""
    return ValidationError(f"Template error: {message}")
