"""Telling service errors apart in handlers. The engine's caller raises
cloudlet.errors.ServiceError (code = the model's error shape name); a boto3-backed caller
raises botocore's ClientError (code = the wire code). Both are read here, by duck typing."""

from __future__ import annotations

from typing import Any

# "it does not exist" across the services handlers delete from, in both spellings
MISSING = frozenset(
    [
        "NoSuchBucket",
        "NoSuchBucketPolicy",
        "NoSuchKey",
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
        "NotFound",
        "NotFoundException",
        "ParameterNotFound",
        "ResourceNotFoundException",
        "NoSuchEntity",
        "NoSuchEntityException",
    ]
)


def error_code(error: BaseException) -> str | None:
    codes = error_codes(error)
    return codes[0] if codes else None


def error_codes(error: BaseException) -> list[str]:
    found: list[str] = []
    code = getattr(error, "code", None)
    if isinstance(code, str):
        found.append(code)
    query_code = getattr(error, "query_code", None)
    if isinstance(query_code, str):
        found.append(query_code)
    response: Any = getattr(error, "response", None)
    if isinstance(response, dict):
        wire = response.get("Error", {}).get("Code")
        if isinstance(wire, str):
            found.append(wire)
    return found


def is_missing(error: BaseException, *extra: str) -> bool:
    """True when the error says the thing addressed does not exist."""
    codes = set(error_codes(error))
    return bool(codes & MISSING) or bool(codes & set(extra))


def is_error(error: BaseException, *codes: str) -> bool:
    return bool(set(error_codes(error)) & set(codes))
