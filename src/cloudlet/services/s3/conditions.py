"""Conditional requests and byte ranges, as S3 evaluates them.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html
https://www.rfc-editor.org/rfc/rfc9110#section-13.2.2 (the order of evaluation)"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import formatdate
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.services.s3 import errors

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _etags(text: str) -> list[str]:
    return [part.strip().strip('"') for part in text.split(",") if part.strip()]


def _etag_matches(condition: str, etag: str) -> bool:
    tags = _etags(condition)
    return "*" in tags or etag.strip('"') in tags


def _seconds(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def check_read(
    params: dict[str, Any],
    etag: str,
    last_modified: float,
    prefix: str = "If",
) -> None:
    """GetObject/HeadObject (prefix "If") or CopyObject's source (prefix "CopySourceIf"):
    412 PreconditionFailed or 304 NotModified (for a copy, 412 for both). A 304 carries the
    object's ETag and Last-Modified."""
    modified = int(last_modified)  # HTTP dates have whole seconds
    if_match = params.get(f"{prefix}Match")
    if_unmodified = params.get(f"{prefix}UnmodifiedSince")
    if_none_match = params.get(f"{prefix}NoneMatch")
    if_modified = params.get(f"{prefix}ModifiedSince")
    header = "If" if prefix == "If" else "x-amz-copy-source-if"
    if if_match is not None:
        if not _etag_matches(str(if_match), etag):
            raise errors.precondition_failed(
                f"{header}-Match" if prefix == "If" else "x-amz-copy-source-If-Match"
            )
    elif if_unmodified is not None and modified > _seconds(if_unmodified):
        raise errors.precondition_failed(
            "If-Unmodified-Since" if prefix == "If" else "x-amz-copy-source-If-Unmodified-Since"
        )
    not_modified = False
    if if_none_match is not None:
        not_modified = _etag_matches(str(if_none_match), etag)
    elif if_modified is not None:
        not_modified = modified <= _seconds(if_modified)
    if not_modified:
        if prefix != "If":
            raise errors.precondition_failed(
                "x-amz-copy-source-If-None-Match"
                if if_none_match is not None
                else "x-amz-copy-source-If-Modified-Since"
            )
        error = errors.not_modified()
        error.headers.update({"ETag": etag, "Last-Modified": formatdate(last_modified, usegmt=True)})
        raise error


def check_write(params: dict[str, Any], current_etag: str | None, key: str) -> None:
    """PutObject / CompleteMultipartUpload's If-None-Match ("*" or ETags) and If-Match."""
    if_none_match = params.get("IfNoneMatch")
    if (
        if_none_match is not None
        and current_etag is not None
        and _etag_matches(str(if_none_match), current_etag)
    ):
        raise errors.precondition_failed("If-None-Match")
    if_match = params.get("IfMatch")
    if if_match is not None:
        if current_etag is None:
            raise errors.no_such_key(key)
        if not _etag_matches(str(if_match), current_etag):
            raise errors.precondition_failed("If-Match")


def byte_range(text: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte of a Range header, None for the whole object (absent
    or unparsable ranges, which S3 ignores), or 416 InvalidRange when nothing is satisfiable."""
    if not text:
        return None
    match = _RANGE.fullmatch(text.strip())
    if match is None:
        return None
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # the last N bytes
        count = int(last_text)
        if count == 0 or size == 0:
            raise invalid_range(text, size)
        return max(0, size - count), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None
    if first >= size:
        raise invalid_range(text, size)
    return first, min(last, size - 1)


def invalid_range(text: str, size: int) -> ServiceError:
    return ServiceError(
        "InvalidRange",
        "The requested range is not satisfiable",
        416,
        fields={"RangeRequested": text, "ActualObjectSize": size},
    )
