"""Flexible checksums (all five algorithms), aws-chunked uploads with trailers, presigned URLs."""

from __future__ import annotations

import base64
import hashlib
import http.client
import urllib.request
import zlib
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError
from s3_support import error_code

from harness import Server

BODY = b"123456789" * 1000
SPOOLED = b"0123456789abcdef" * (128 * 1024)  # 2 MiB: written to disk as it arrives, hashed on the way
BODIES = pytest.mark.parametrize("body", [BODY, SPOOLED], ids=["in-memory", "spooled"])


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@BODIES
@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
def test_algorithms_round_trip(s3: Any, bucket: str, algorithm: str, body: bytes) -> None:
    from cloudlet.protocol import checksums

    if algorithm in ("CRC32C", "CRC64NVME"):  # botocore computes these only with awscrt
        expected = checksums.compute(algorithm, body)
        put = s3.put_object(Bucket=bucket, Key="k", Body=body, **{f"Checksum{algorithm}": expected})
    else:
        put = s3.put_object(Bucket=bucket, Key="k", Body=body, ChecksumAlgorithm=algorithm)
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    value = put[f"Checksum{algorithm}"]
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head[f"Checksum{algorithm}"] == value
    assert head["ChecksumType"] == "FULL_OBJECT"
    if algorithm == "SHA256":
        assert value == _b64(hashlib.sha256(body).digest())
    if algorithm == "CRC32":
        assert value == _b64(zlib.crc32(body).to_bytes(4, "big"))
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == body


def test_known_vectors() -> None:
    from cloudlet.protocol import checksums

    # The "123456789" check values of each CRC's catalogue entry.
    assert checksums.compute("CRC32C", b"123456789") == _b64(bytes.fromhex("e3069283"))
    assert checksums.compute("CRC64NVME", b"123456789") == _b64(bytes.fromhex("ae8b14860a799888"))


@BODIES
def test_wrong_checksum_is_rejected(s3: Any, bucket: str, body: bytes) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="k", Body=body, ChecksumSHA256=_b64(hashlib.sha256(b"x").digest()))
    assert error_code(excinfo) == "BadDigest"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k")


def _chunked(data: bytes, trailer: tuple[str, str] | None, size: int = 4000) -> bytes:
    out = b""
    for start in range(0, len(data), size):
        piece = data[start : start + size]
        out += f"{len(piece):x};chunk-signature={'0' * 64}\r\n".encode() + piece + b"\r\n"
    out += b"0;chunk-signature=" + b"0" * 64 + b"\r\n"
    if trailer:
        out += f"{trailer[0]}:{trailer[1]}\r\n".encode()
    return out + b"\r\n"


def _raw_put(server: Server, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    host = urlsplit(server.endpoint).netloc
    conn = http.client.HTTPConnection(host, timeout=30)
    auth = (
        "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0"
    )
    conn.request("PUT", path, body=body, headers={"Authorization": auth, **headers})
    response = conn.getresponse()
    return response.status, response.read()


@pytest.mark.parametrize("size", [20_000, 3 * 1024 * 1024])  # in memory, and spooled to disk
def test_aws_chunked_with_trailing_checksum(server: Server, s3: Any, bucket: str, size: int) -> None:
    data = bytes(range(256)) * (size // 256)
    crc = _b64(zlib.crc32(data).to_bytes(4, "big"))
    body = _chunked(data, ("x-amz-checksum-crc32", crc), size=65536)
    headers = {
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(data)),
        "x-amz-trailer": "x-amz-checksum-crc32",
        "Content-Length": str(len(body)),
    }
    code, text = _raw_put(server, f"/{bucket}/chunked", body, headers)
    assert code == 200, text
    got = s3.get_object(Bucket=bucket, Key="chunked", ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ChecksumCRC32"] == crc
    assert "ContentEncoding" not in got
    bad = _chunked(data, ("x-amz-checksum-crc32", _b64(b"\0\0\0\0")), size=65536)
    code, text = _raw_put(server, f"/{bucket}/bad", bad, {**headers, "Content-Length": str(len(bad))})
    assert code == 400
    assert b"BadDigest" in text


def test_sdk_default_upload_uses_trailers(s3: Any, bucket: str, tmp_path: Any) -> None:
    # upload_fileobj streams a file: current SDKs send it aws-chunked with a CRC32 trailer.
    path = tmp_path / "f.bin"
    path.write_bytes(BODY * 200)
    with open(path, "rb") as handle:
        s3.upload_fileobj(handle, bucket, "f.bin")
    got = s3.get_object(Bucket=bucket, Key="f.bin", ChecksumMode="ENABLED")
    assert got["Body"].read() == BODY * 200


@pytest.mark.parametrize("signature", ["s3", "s3v4"])
def test_presigned_get_and_put(server: Server, bucket: str, signature: str) -> None:
    s3 = server.client("s3", signature_version=signature)
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "p.txt"}, ExpiresIn=300
    )
    request = urllib.request.Request(put_url, data=b"presigned body", method="PUT")
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "p.txt"}, ExpiresIn=300
    )
    with urllib.request.urlopen(get_url) as response:
        assert response.read() == b"presigned body"
    server.advance(301)
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(get_url)
    assert excinfo.value.code == 403
    assert b"Request has expired" in excinfo.value.read()


def test_truncated_spooled_chunked_upload(server: Server, s3: Any, bucket: str) -> None:
    data = b"z" * (2 * 1024 * 1024)
    body = _chunked(data, None, size=65536)[:-100]  # the zero-size chunk never comes
    headers = {
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(data)),
        "Content-Length": str(len(body)),
    }
    code, text = _raw_put(server, f"/{bucket}/broken", body, headers)
    assert code == 400
    assert b"IncompleteBody" in text
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="broken")
    assert list((server.data_dir / "spool").iterdir()) == []
