"""Objects: put/get/head/delete, ranges, conditions, overrides, metadata, tagging, odd keys."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from s3_support import error_code, status

from harness import Server

BODY = b"The quick brown fox jumps over the lazy dog"


def test_put_get_head_delete(s3: Any, bucket: str) -> None:
    put = s3.put_object(
        Bucket=bucket,
        Key="docs/fox.txt",
        Body=BODY,
        ContentType="text/plain",
        ContentLanguage="en",
        ContentDisposition="inline",
        CacheControl="max-age=60",
        Metadata={"Author": "aesop", "year": "1900"},
        StorageClass="STANDARD_IA",
    )
    etag = f'"{hashlib.md5(BODY).hexdigest()}"'
    assert put["ETag"] == etag
    assert put["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="docs/fox.txt")
    assert got["Body"].read() == BODY
    assert got["ETag"] == etag
    assert got["ContentType"] == "text/plain"
    assert got["ContentLanguage"] == "en"
    assert got["ContentDisposition"] == "inline"
    assert got["CacheControl"] == "max-age=60"
    assert got["Metadata"] == {"author": "aesop", "year": "1900"}
    assert got["StorageClass"] == "STANDARD_IA"
    assert got["ContentLength"] == len(BODY)
    assert got["AcceptRanges"] == "bytes"
    head = s3.head_object(Bucket=bucket, Key="docs/fox.txt")
    assert head["ContentLength"] == len(BODY)
    assert head["ETag"] == etag
    assert head["LastModified"] == got["LastModified"]
    s3.delete_object(Bucket=bucket, Key="docs/fox.txt")
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="docs/fox.txt")
    assert error_code(excinfo) == "NoSuchKey"
    assert excinfo.value.response["Error"]["Key"] == "docs/fox.txt"
    with pytest.raises(ClientError) as excinfo:
        s3.head_object(Bucket=bucket, Key="docs/fox.txt")
    assert status(excinfo) == 404
    s3.delete_object(Bucket=bucket, Key="docs/fox.txt")  # deleting a missing key succeeds


def test_defaults_and_empty_object(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b""
    assert got["ContentType"] == "binary/octet-stream"
    assert got["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'
    assert "StorageClass" not in got


def test_ranges(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=BODY)
    cases = {"bytes=0-3": BODY[0:4], "bytes=4-": BODY[4:], "bytes=-3": BODY[-3:], "bytes=40-1000": BODY[40:]}
    for header, expected in cases.items():
        got = s3.get_object(Bucket=bucket, Key="k", Range=header)
        assert got["Body"].read() == expected, header
        assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
        assert got["ContentRange"].endswith(f"/{len(BODY)}")
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="k", Range="bytes=100-200")
    assert error_code(excinfo) == "InvalidRange"
    assert status(excinfo) == 416
    whole = s3.get_object(Bucket=bucket, Key="k", Range="bytes=garbage")
    assert whole["Body"].read() == BODY


LARGE = bytes(range(256)) * (64 * 1024)  # 16 MiB: sent from memory maps of the file, in pieces


def test_large_objects_are_sent_whole_from_their_file(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="big", Body=LARGE)
    for first, last in [(1, 3_000_000), (262_143, 262_145 + 2_000_000), (4095, len(LARGE) - 1)]:
        got = s3.get_object(Bucket=bucket, Key="big", Range=f"bytes={first}-{last}")["Body"].read()
        assert got == LARGE[first : last + 1], (first, last)
    # Replaced and its file deleted mid-download (more than the socket buffers hold is left):
    # the download still gets the version it started with.
    body = s3.get_object(Bucket=bucket, Key="big")["Body"]
    start = body.read(1000)
    s3.put_object(Bucket=bucket, Key="big", Body=b"replaced")
    assert start + body.read() == LARGE
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == b"replaced"


def test_conditional_gets(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="k", Body=BODY)["ETag"]
    modified = s3.head_object(Bucket=bucket, Key="k")["LastModified"]
    assert s3.get_object(Bucket=bucket, Key="k", IfMatch=etag)["Body"].read() == BODY
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="k", IfMatch='"nope"')
    assert status(excinfo) == 412
    assert error_code(excinfo) == "PreconditionFailed"
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="k", IfNoneMatch=etag)
    assert status(excinfo) == 304
    headers = excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["etag"] == etag
    assert headers["last-modified"] == modified.strftime("%a, %d %b %Y %H:%M:%S GMT")
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="k", IfModifiedSince=modified + timedelta(seconds=10))
    assert status(excinfo) == 304
    assert s3.get_object(Bucket=bucket, Key="k", IfModifiedSince=modified - timedelta(days=1))[
        "ContentLength"
    ]
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="k", IfUnmodifiedSince=modified - timedelta(days=1))
    assert status(excinfo) == 412
    # If-Match true and If-Unmodified-Since false: 200 (the documented S3 rule).
    ok = s3.get_object(Bucket=bucket, Key="k", IfMatch=etag, IfUnmodifiedSince=modified - timedelta(days=1))
    assert ok["Body"].read() == BODY
    # If-None-Match false and If-Modified-Since true: 304.
    with pytest.raises(ClientError) as excinfo:
        s3.head_object(Bucket=bucket, Key="k", IfNoneMatch=etag, IfModifiedSince=modified - timedelta(days=1))
    assert status(excinfo) == 304


def test_conditional_writes(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="once", Body=b"1", IfNoneMatch="*")
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="once", Body=b"2", IfNoneMatch="*")
    assert status(excinfo) == 412
    etag = s3.head_object(Bucket=bucket, Key="once")["ETag"]
    s3.put_object(Bucket=bucket, Key="once", Body=b"3", IfMatch=etag)
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="once", Body=b"4", IfMatch=etag)
    assert status(excinfo) == 412


def test_response_overrides(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, ContentType="text/plain")
    got = s3.get_object(
        Bucket=bucket,
        Key="k",
        ResponseContentType="application/json",
        ResponseContentDisposition="attachment; filename=x.json",
        ResponseCacheControl="no-cache",
        ResponseContentLanguage="fr",
        ResponseContentEncoding="identity",
    )
    assert got["ContentType"] == "application/json"
    assert got["ContentDisposition"] == "attachment; filename=x.json"
    assert got["CacheControl"] == "no-cache"
    assert got["ContentLanguage"] == "fr"


@pytest.mark.parametrize(
    "key",
    [
        "../escape",
        "..",
        "/leading",
        "a/../../b",
        "spaced key name",
        "ünïcödé/ключ/鍵",
        "plus+sign&amp=?#%",
        "a//b",
        "x" * 1024,
    ],
)
def test_odd_keys_stay_in_the_data_dir(server: Server, s3: Any, bucket: str, key: str) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == [key]
    escaped = [p for p in server.data_dir.parent.glob("escape*")] + list(Path(server.data_dir).glob("b"))
    assert escaped == []
    s3.delete_object(Bucket=bucket, Key=key)


def test_key_too_long(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="x" * 1025, Body=b"")
    assert error_code(excinfo) == "KeyTooLongError"


def test_object_tagging(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1&b=two%20words")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [
        {"Key": "a", "Value": "1"},
        {"Key": "b", "Value": "two words"},
    ]
    assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 2
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": [{"Key": "c", "Value": "3"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [{"Key": "c", "Value": "3"}]
    s3.delete_object_tagging(Bucket=bucket, Key="k")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(11)]
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": too_many})
    assert error_code(excinfo) == "InvalidTag"


def test_delete_objects(s3: Any, bucket: str) -> None:
    for key in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    result = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "missing"}]}
    )
    assert sorted(d["Key"] for d in result["Deleted"]) == ["a", "b", "missing"]
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "c"}], "Quiet": True})
    assert "Deleted" not in quiet
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_copy_object(s3: Any, bucket: str) -> None:
    s3.put_object(
        Bucket=bucket, Key="src", Body=BODY, ContentType="text/plain", Metadata={"m": "1"}, Tagging="t=1"
    )
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert copied["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(BODY).hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Body"].read() == BODY
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"m": "1"}
    assert s3.get_object_tagging(Bucket=bucket, Key="dst")["TagSet"] == [{"Key": "t", "Value": "1"}]
    s3.copy_object(
        Bucket=bucket,
        Key="dst2",
        CopySource=f"{bucket}/src",
        MetadataDirective="REPLACE",
        ContentType="application/x-new",
        Metadata={"n": "2"},
        TaggingDirective="REPLACE",
        Tagging="u=2",
    )
    got = s3.head_object(Bucket=bucket, Key="dst2")
    assert got["ContentType"] == "application/x-new"
    assert got["Metadata"] == {"n": "2"}
    assert s3.get_object_tagging(Bucket=bucket, Key="dst2")["TagSet"] == [{"Key": "u", "Value": "2"}]
    with pytest.raises(ClientError) as excinfo:
        s3.copy_object(Bucket=bucket, Key="src", CopySource=f"{bucket}/src")
    assert error_code(excinfo) == "InvalidRequest"
    s3.copy_object(
        Bucket=bucket, Key="src", CopySource=f"{bucket}/src", MetadataDirective="REPLACE", Metadata={"z": "9"}
    )
    etag = s3.head_object(Bucket=bucket, Key="src")["ETag"]
    with pytest.raises(ClientError) as excinfo:
        s3.copy_object(Bucket=bucket, Key="c", CopySource=f"{bucket}/src", CopySourceIfNoneMatch=etag)
    assert status(excinfo) == 412
    s3.copy_object(Bucket=bucket, Key="c", CopySource=f"{bucket}/src", CopySourceIfMatch=etag)
    with pytest.raises(ClientError) as excinfo:
        s3.copy_object(Bucket=bucket, Key="c", CopySource=f"{bucket}/missing")
    assert error_code(excinfo) == "NoSuchKey"


def test_get_object_attributes(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, ChecksumAlgorithm="SHA256")
    attrs = s3.get_object_attributes(
        Bucket=bucket, Key="k", ObjectAttributes=["ETag", "Checksum", "ObjectSize", "StorageClass"]
    )
    assert attrs["ETag"] == hashlib.md5(BODY).hexdigest()
    assert attrs["ObjectSize"] == len(BODY)
    assert attrs["StorageClass"] == "STANDARD"
    assert attrs["Checksum"]["ChecksumSHA256"]


def test_object_acl(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    grants = s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]
    assert grants[0]["Permission"] == "FULL_CONTROL"
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_acl(Bucket=bucket, Key="k", ACL="public-read")
    assert error_code(excinfo) == "AccessControlListNotSupported"


def test_content_md5(s3: Any, bucket: str) -> None:
    import base64

    good = base64.b64encode(hashlib.md5(BODY).digest()).decode()
    s3.put_object(Bucket=bucket, Key="k", Body=BODY, ContentMD5=good)
    bad = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="k", Body=BODY, ContentMD5=bad)
    assert error_code(excinfo) == "BadDigest"


def test_objects_survive_a_restart(tmp_path: Path) -> None:
    first = Server(data_dir=tmp_path).start()
    try:
        s3 = first.client("s3")
        s3.create_bucket(Bucket="durable")
        s3.put_object(Bucket="durable", Key="k", Body=b"kept", Metadata={"a": "b"})
        first.kill()  # SIGKILL: no graceful shutdown
        second = Server(data_dir=tmp_path).start()
        try:
            got = second.client("s3").get_object(Bucket="durable", Key="k")
            assert got["Body"].read() == b"kept"
            assert got["Metadata"] == {"a": "b"}
        finally:
            second.stop()
    finally:
        first.stop()
    # Object bytes are stored under generated names only.
    names = [p.name for p in (tmp_path / "s3" / "blobs").rglob("*") if p.is_file()]
    assert names and all(len(name) == 32 and int(name, 16) >= 0 for name in names)


def test_sse_c_key_is_required_to_read(s3: Any, bucket: str) -> None:
    import base64 as b64

    key = b"k" * 32
    sse = {
        "SSECustomerAlgorithm": "AES256",
        "SSECustomerKey": b64.b64encode(key).decode(),
        "SSECustomerKeyMD5": b64.b64encode(hashlib.md5(key).digest()).decode(),
    }
    s3.put_object(Bucket=bucket, Key="secret", Body=b"hidden", **sse)
    assert s3.get_object(Bucket=bucket, Key="secret", **sse)["Body"].read() == b"hidden"
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="secret")
    assert status(excinfo) == 400
    other = b"o" * 32
    with pytest.raises(ClientError) as excinfo:
        s3.head_object(
            Bucket=bucket,
            Key="secret",
            SSECustomerAlgorithm="AES256",
            SSECustomerKey=b64.b64encode(other).decode(),
            SSECustomerKeyMD5=b64.b64encode(hashlib.md5(other).digest()).decode(),
        )
    assert status(excinfo) == 403
