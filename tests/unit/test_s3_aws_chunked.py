"""The incremental aws-chunked decoder gives what the whole-body decoder gives, however split."""

from __future__ import annotations

import pytest

from cloudlet.protocol.rest_body import AwsChunkedDecoder, decode_aws_chunked
from cloudlet.protocol.rest_common import BadValue


def framed(data: bytes, size: int, trailers: bytes = b"") -> bytes:
    out = b""
    for start in range(0, len(data), size):
        piece = data[start : start + size]
        out += f"{len(piece):x};chunk-signature=abc\r\n".encode() + piece + b"\r\n"
    return out + b"0;chunk-signature=abc\r\n" + trailers + b"\r\n"


@pytest.mark.parametrize("split", [1, 2, 3, 7, 100, 10_000])
def test_any_split_decodes_the_same(split: int) -> None:
    data = bytes(range(256)) * 40
    body = framed(data, 1000, b"x-amz-checksum-crc32:AAAAAA==\r\nx-amz-trailer-signature:zzz\r\n")
    decoder = AwsChunkedDecoder()
    out = b"".join(decoder.feed(body[i : i + split]) for i in range(0, len(body), split))
    assert out == data
    assert decoder.finish() == [("x-amz-checksum-crc32", "AAAAAA==")]
    assert decode_aws_chunked(body) == (data, [("x-amz-checksum-crc32", "AAAAAA==")])


def test_unsigned_chunks_without_extensions() -> None:
    decoder = AwsChunkedDecoder()
    assert decoder.feed(b"5\r\nhello\r\n0\r\n\r\n") == b"hello"
    assert decoder.finish() == []


def test_truncated_and_garbled_bodies() -> None:
    decoder = AwsChunkedDecoder()
    decoder.feed(b"10\r\nabc")
    with pytest.raises(BadValue):
        decoder.finish()
    with pytest.raises(BadValue):
        AwsChunkedDecoder().feed(b"zz\r\n")
