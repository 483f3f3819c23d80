"""Which flexible checksum an upload's headers name (protocol/checksums.py)."""

from __future__ import annotations

import pytest

from cloudlet.protocol.checksums import named_algorithm


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([("x-amz-checksum-crc32", "AAAAAA==")], "CRC32"),
        ([("X-Amz-Checksum-SHA256", "...")], "SHA256"),
        ([("x-amz-trailer", "x-amz-checksum-crc64nvme")], "CRC64NVME"),
        ([("x-amz-sdk-checksum-algorithm", "crc32c")], "CRC32C"),
        ([("x-amz-checksum-type", "FULL_OBJECT")], None),
        ([("x-amz-checksum-md5", "x"), ("content-type", "text/plain")], None),
        ([], None),
    ],
)
def test_named_algorithm(headers: list[tuple[str, str]], expected: str | None) -> None:
    assert named_algorithm(headers) == expected
