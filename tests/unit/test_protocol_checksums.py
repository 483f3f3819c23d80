"""Flexible checksums (protocol/checksums.py): which one an upload's headers name, and
hashers fed piece by piece."""

from __future__ import annotations

import pytest

from cloudlet.protocol import checksums


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
    assert checksums.named_algorithm(headers) == expected


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256", "MD5"])
def test_a_hasher_fed_in_pieces_digests_the_whole(algorithm: str) -> None:
    data = bytes(range(256)) * 300
    whole = checksums.hasher(algorithm)
    whole.update(data)
    pieces = checksums.hasher(algorithm)
    for start in range(0, len(data), 7919):
        pieces.update(memoryview(data)[start : start + 7919])
    assert pieces.digest() == whole.digest()
    assert checksums.hasher(algorithm).digest() == checksums.hasher(algorithm).digest()  # empty: stable
