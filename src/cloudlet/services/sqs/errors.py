"""SQS errors: the JSON error type, the legacy query code and the HTTP status, in one table.

SQS moved from the query protocol to JSON (2023) but still reports its old query codes in
the `x-amzn-query-error` header, which botocore surfaces as Error.Code; the JSON `__type`
(QueryErrorCode in botocore) is the model's shape name, or for unmodelled errors the
`...Exception` name AWS answers with (InvalidParameterValueException, MissingRequiredParameterException)."""

from __future__ import annotations

from typing import NamedTuple

from cloudlet.errors import ServiceError


class ErrorKind(NamedTuple):
    json_type: str
    query_code: str
    status: int = 400


ERRORS: dict[str, ErrorKind] = {
    "BatchEntryIdsNotDistinct": ErrorKind(
        "BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
    ),
    "BatchRequestTooLong": ErrorKind("BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong"),
    "EmptyBatchRequest": ErrorKind("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest"),
    "InvalidAddress": ErrorKind("InvalidAddress", "InvalidAddress", 404),
    "InvalidAttributeName": ErrorKind("InvalidAttributeName", "InvalidAttributeName"),
    "InvalidAttributeValue": ErrorKind("InvalidAttributeValue", "InvalidAttributeValue"),
    "InvalidBatchEntryId": ErrorKind("InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId"),
    "InvalidIdFormat": ErrorKind("InvalidIdFormat", "InvalidIdFormat"),
    "InvalidMessageContents": ErrorKind("InvalidMessageContents", "InvalidMessageContents"),
    "InvalidParameterValue": ErrorKind("InvalidParameterValueException", "InvalidParameterValue"),
    "InvalidSecurity": ErrorKind("InvalidSecurity", "InvalidSecurity", 403),
    "MessageNotInflight": ErrorKind("MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight"),
    "MissingParameter": ErrorKind("MissingRequiredParameterException", "MissingParameter"),
    "OverLimit": ErrorKind("OverLimit", "OverLimit", 403),
    "PurgeQueueInProgress": ErrorKind(
        "PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", 403
    ),
    "QueueDeletedRecently": ErrorKind("QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently"),
    "QueueDoesNotExist": ErrorKind("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"),
    "QueueNameExists": ErrorKind("QueueNameExists", "QueueAlreadyExists"),
    "ReceiptHandleIsInvalid": ErrorKind("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid"),
    "RequestThrottled": ErrorKind("RequestThrottled", "RequestThrottled", 403),
    "ResourceNotFoundException": ErrorKind("ResourceNotFoundException", "ResourceNotFoundException", 404),
    "TooManyEntriesInBatchRequest": ErrorKind(
        "TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
    ),
    "UnsupportedOperation": ErrorKind("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation"),
}


def sqs_error(kind: str, message: str) -> ServiceError:
    entry = ERRORS[kind]
    return ServiceError(entry.json_type, message, entry.status, query_code=entry.query_code)


def query_code(kind: str) -> str:
    """The code a batch result's Failed entry carries (the legacy one, as AWS reports it)."""
    return ERRORS[kind].query_code


def invalid_parameter(message: str) -> ServiceError:
    return sqs_error("InvalidParameterValue", message)


def invalid_value(name: str, value: object, reason: str) -> ServiceError:
    return sqs_error(
        "InvalidParameterValue", f"Value {value} for parameter {name} is invalid. Reason: {reason}"
    )


def missing_parameter(name: str) -> ServiceError:
    return sqs_error("MissingParameter", f"The request must contain the parameter {name}.")


def queue_does_not_exist(legacy_wording: bool = False) -> ServiceError:
    # The query protocol still answers with the wording of the 2012 WSDL.
    suffix = " for this wsdl version." if legacy_wording else "."
    return sqs_error("QueueDoesNotExist", f"The specified queue does not exist{suffix}")


def receipt_handle_invalid(handle: str) -> ServiceError:
    return sqs_error(
        "ReceiptHandleIsInvalid", f'The input receipt handle "{handle}" is not a valid receipt handle.'
    )


def unknown_attribute(name: str) -> ServiceError:
    return sqs_error("InvalidAttributeName", f"Unknown Attribute {name}.")


def invalid_attribute_value(name: str, reason: str = "") -> ServiceError:
    text = f"Invalid value for the parameter {name}."
    if reason:
        text = f"Invalid value for the parameter {name}. Reason: {reason}"
    return sqs_error("InvalidAttributeValue", text)
