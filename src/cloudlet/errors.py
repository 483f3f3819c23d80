"""The one error type a provider raises for a client-caused failure, plus common AWS errors."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """An AWS error: `code` is the error shape name of the service model (e.g.
    "QueueDoesNotExist") or, when the model has no shape for it, the wire code
    (e.g. "InvalidParameterValue"). The serializer maps shape names to the
    model's wire codes (awsQueryError) where the protocol needs them."""

    def __init__(
        self,
        code: str,
        message: str = "",
        status: int | None = None,
        sender_fault: bool = True,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        query_code: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        # None: the model's httpStatusCode for this error shape (protocol.serialize_error), else 400
        self.status_given = status is not None
        self.status = 400 if status is None else status
        self.sender_fault = sender_fault
        self.fields = fields or {}  # extra members of the error shape
        self.headers = headers or {}
        # Services that moved from query to JSON (SQS) still report their old code
        # in the x-amzn-query-error header; botocore surfaces that one as Error.Code.
        self.query_code = query_code


def validation_error(message: str) -> ServiceError:
    return ServiceError("ValidationException", message, 400)


def not_implemented(service: str, operation: str) -> ServiceError:
    return ServiceError(
        "NotImplemented",
        f"The operation {operation} of service {service} is not implemented by cloudlet.",
        501,
        sender_fault=False,
    )


def internal_failure() -> ServiceError:
    return ServiceError(
        "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure.",
        500,
        sender_fault=False,
    )
