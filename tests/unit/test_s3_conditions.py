"""S3's conditional request rules and byte ranges."""

from __future__ import annotations

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.s3 import conditions

ETAG = '"abc"'
MODIFIED = 1_700_000_000.5


def outcome(**params: object) -> int:
    try:
        conditions.check_read(params, ETAG, MODIFIED)
    except ServiceError as error:
        return error.status
    return 200


def test_if_match_and_unmodified_since() -> None:
    assert outcome(IfMatch='"abc"') == 200
    assert outcome(IfMatch="*") == 200
    assert outcome(IfMatch='"x", "abc"') == 200
    assert outcome(IfMatch='"x"') == 412
    assert outcome(IfUnmodifiedSince=MODIFIED - 10) == 412
    assert outcome(IfUnmodifiedSince=MODIFIED) == 200
    # If-Match holds, so If-Unmodified-Since is not evaluated.
    assert outcome(IfMatch=ETAG, IfUnmodifiedSince=MODIFIED - 10) == 200


def test_if_none_match_and_modified_since() -> None:
    assert outcome(IfNoneMatch=ETAG) == 304
    assert outcome(IfNoneMatch='"x"') == 200
    assert outcome(IfModifiedSince=MODIFIED + 10) == 304
    assert outcome(IfModifiedSince=MODIFIED - 10) == 200
    assert outcome(IfNoneMatch='"x"', IfModifiedSince=MODIFIED + 10) == 200


def test_copy_source_conditions_fail_with_412() -> None:
    with pytest.raises(ServiceError) as caught:
        conditions.check_read({"CopySourceIfNoneMatch": ETAG}, ETAG, MODIFIED, prefix="CopySourceIf")
    assert caught.value.status == 412


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bytes=0-0", (0, 0)),
        ("bytes=2-", (2, 9)),
        ("bytes=-3", (7, 9)),
        ("bytes=-30", (0, 9)),
        ("bytes=5-100", (5, 9)),
        ("bytes=5-2", None),
        ("items=0-1", None),
        ("bytes=0-1,3-4", None),
        (None, None),
    ],
)
def test_ranges(text: str | None, expected: tuple[int, int] | None) -> None:
    assert conditions.byte_range(text, 10) == expected


def test_unsatisfiable_range() -> None:
    with pytest.raises(ServiceError) as caught:
        conditions.byte_range("bytes=10-", 10)
    assert caught.value.status == 416
    assert caught.value.code == "InvalidRange"
