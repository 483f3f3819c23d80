"""Flexible checksums, the httpChecksum trait of S3's model: CRC32, CRC32C, CRC64NVME, SHA1 and
SHA256 (and MD5 for ETags).

Values travel base64-encoded big-endian digests. A multipart object's checksum is either
COMPOSITE (the checksum of the parts' binary checksums, suffixed "-N") or FULL_OBJECT (the
checksum of the whole object; CRC64NVME is always full-object).
https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Callable, Iterable
from typing import Protocol

import anycrc

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")
FULL_OBJECT = "FULL_OBJECT"
COMPOSITE = "COMPOSITE"
# The types each algorithm allows for multipart uploads, the first being the default.
MULTIPART_TYPES = {
    "CRC32": (COMPOSITE, FULL_OBJECT),
    "CRC32C": (COMPOSITE, FULL_OBJECT),
    "CRC64NVME": (FULL_OBJECT,),
    "SHA1": (COMPOSITE,),
    "SHA256": (COMPOSITE,),
}


Data = bytes | bytearray | memoryview


class Hasher(Protocol):
    def update(self, data: Data, /) -> None: ...

    def digest(self) -> bytes: ...


# CRC32C and CRC64NVME: no C implementation of these ships with Python; anycrc's is one.
_CRC32C = anycrc.Model("CRC32-ISCSI")
_CRC64NVME = anycrc.Model("CRC64-NVME")


class _Crc:
    """A CRC fed piece by piece: `step(data, crc so far)` is zlib.crc32 or an anycrc model's calc."""

    def __init__(self, step: Callable[[Data, int], int], width: int) -> None:
        self._step = step
        self._width = width
        self._crc = 0

    def update(self, data: Data, /) -> None:
        self._crc = self._step(data, self._crc)

    def digest(self) -> bytes:
        return self._crc.to_bytes(self._width // 8, "big")


def hasher(algorithm: str) -> Hasher:
    if algorithm == "CRC32":
        return _Crc(zlib.crc32, 32)
    if algorithm == "CRC32C":
        return _Crc(_CRC32C.calc, 32)
    if algorithm == "CRC64NVME":
        return _Crc(_CRC64NVME.calc, 64)
    if algorithm == "SHA1":
        return hashlib.sha1()
    if algorithm == "SHA256":
        return hashlib.sha256()
    if algorithm == "MD5":
        return hashlib.md5()
    raise ValueError(algorithm)


_HEADER = "x-amz-checksum-"


def named_algorithm(headers: Iterable[tuple[str, str]]) -> str | None:
    """The algorithm an upload's headers name: an x-amz-checksum-<algorithm> header or trailer
    (announced in x-amz-trailer), or x-amz-sdk-checksum-algorithm; None when none does."""
    for name, value in headers:
        name = name.lower()
        if name.startswith(_HEADER) and name != _HEADER + "type":
            candidate = name[len(_HEADER) :].upper()
        elif name == "x-amz-trailer" and value.strip().lower().startswith(_HEADER):
            candidate = value.strip()[len(_HEADER) :].upper()
        elif name == "x-amz-sdk-checksum-algorithm":
            candidate = value.strip().upper()
        else:
            continue
        if candidate in ALGORITHMS:
            return candidate
    return None


def encode(digest: bytes) -> str:
    return base64.b64encode(digest).decode("ascii")


def compute(algorithm: str, data: bytes) -> str:
    h = hasher(algorithm)
    h.update(data)
    return encode(h.digest())


def composite(algorithm: str, part_values: Iterable[str]) -> str:
    """The COMPOSITE checksum of a multipart object from its parts' base64 checksums."""
    h = hasher(algorithm)
    count = 0
    for value in part_values:
        h.update(base64.b64decode(value))
        count += 1
    return f"{encode(h.digest())}-{count}"


def multipart_etag(part_etags: Iterable[str]) -> str:
    """The ETag of a multipart object: MD5 of the parts' binary MD5s, then "-<count>"."""
    h = hashlib.md5()
    count = 0
    for etag in part_etags:
        h.update(bytes.fromhex(etag.strip('"')))
        count += 1
    return f'"{h.hexdigest()}-{count}"'


def valid_encoding(algorithm: str, value: str) -> bool:
    size = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}[algorithm]
    try:
        return len(base64.b64decode(value, validate=True)) == size
    except ValueError:
        return False
