"""Multipart uploads: parts, copy parts, completion rules, abort, listings, ETags, checksums."""

from __future__ import annotations

import base64
import hashlib
import zlib
from typing import Any

import pytest
from botocore.exceptions import ClientError
from s3_support import error_code, status

MIB = 1024 * 1024
PART1 = b"a" * (5 * MIB)
PART2 = b"b" * 1234


def _etag_of(*parts: bytes) -> str:
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return f'"{digest}-{len(parts)}"'


def test_upload_complete_and_read_parts(s3: Any, bucket: str) -> None:
    upload = s3.create_multipart_upload(
        Bucket=bucket, Key="big", ContentType="text/plain", Metadata={"m": "v"}
    )
    uid = upload["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key="big", UploadId=uid, PartNumber=1, Body=PART1)["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="big", UploadId=uid, PartNumber=2, Body=PART2)["ETag"]
    listed = s3.list_parts(Bucket=bucket, Key="big", UploadId=uid)
    assert [(p["PartNumber"], p["Size"]) for p in listed["Parts"]] == [(1, len(PART1)), (2, len(PART2))]
    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [("big", uid)]
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="big",
        UploadId=uid,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]},
    )
    assert done["ETag"] == _etag_of(PART1, PART2)
    got = s3.get_object(Bucket=bucket, Key="big")
    assert got["ContentLength"] == len(PART1) + len(PART2)
    assert hashlib.md5(got["Body"].read()).hexdigest() == hashlib.md5(PART1 + PART2).hexdigest()
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"m": "v"}
    part2 = s3.get_object(Bucket=bucket, Key="big", PartNumber=2)
    assert part2["Body"].read() == PART2
    assert part2["PartsCount"] == 2
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    attrs = s3.get_object_attributes(Bucket=bucket, Key="big", ObjectAttributes=["ObjectParts"])
    assert attrs["ObjectParts"]["TotalPartsCount"] == 2


def test_completion_rules(s3: Any, bucket: str) -> None:
    uid = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key="k", UploadId=uid, PartNumber=1, Body=b"small")["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="k", UploadId=uid, PartNumber=2, Body=b"tail")["ETag"]
    parts = [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]
    with pytest.raises(ClientError) as excinfo:
        s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=uid, MultipartUpload={"Parts": parts})
    assert error_code(excinfo) == "EntityTooSmall"
    with pytest.raises(ClientError) as excinfo:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=uid, MultipartUpload={"Parts": parts[::-1]}
        )
    assert error_code(excinfo) == "InvalidPartOrder"
    with pytest.raises(ClientError) as excinfo:
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=uid,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0000"'}]},
        )
    assert error_code(excinfo) == "InvalidPart"
    with pytest.raises(ClientError) as excinfo:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=uid, MultipartUpload={"Parts": [{"PartNumber": 3, "ETag": e1}]}
        )
    assert error_code(excinfo) == "InvalidPart"
    # A single small part is fine: only parts before the last have a minimum.
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=uid, MultipartUpload={"Parts": parts[:1]})
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"small"
    with pytest.raises(ClientError) as excinfo:
        s3.upload_part(Bucket=bucket, Key="k", UploadId=uid, PartNumber=1, Body=b"late")
    assert error_code(excinfo) == "NoSuchUpload"
    assert status(excinfo) == 404


def test_abort_and_part_numbers(s3: Any, bucket: str) -> None:
    uid = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    with pytest.raises(ClientError) as excinfo:
        s3.upload_part(Bucket=bucket, Key="k", UploadId=uid, PartNumber=10001, Body=b"x")
    assert error_code(excinfo) == "InvalidArgument"
    s3.upload_part(Bucket=bucket, Key="k", UploadId=uid, PartNumber=1, Body=b"x")
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=uid)
    with pytest.raises(ClientError) as excinfo:
        s3.list_parts(Bucket=bucket, Key="k", UploadId=uid)
    assert error_code(excinfo) == "NoSuchUpload"
    with pytest.raises(ClientError) as excinfo:
        s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId="nope")
    assert error_code(excinfo) == "NoSuchUpload"


def test_upload_part_copy(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=PART1 + PART2)
    uid = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    p1 = s3.upload_part_copy(
        Bucket=bucket,
        Key="dst",
        UploadId=uid,
        PartNumber=1,
        CopySource=f"{bucket}/src",
        CopySourceRange=f"bytes=0-{len(PART1) - 1}",
    )["CopyPartResult"]["ETag"]
    p2 = s3.upload_part_copy(
        Bucket=bucket,
        Key="dst",
        UploadId=uid,
        PartNumber=2,
        CopySource={"Bucket": bucket, "Key": "src"},
        CopySourceRange=f"bytes={len(PART1)}-{len(PART1) + len(PART2) - 1}",
    )["CopyPartResult"]["ETag"]
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="dst",
        UploadId=uid,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p1}, {"PartNumber": 2, "ETag": p2}]},
    )
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == PART1 + PART2


def test_list_uploads_prefix_delimiter_pages(s3: Any, bucket: str) -> None:
    ids = {
        key: s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
        for key in ("a/1", "a/2", "b", "c")
    }
    grouped = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["a/"]
    assert [u["Key"] for u in grouped["Uploads"]] == ["b", "c"]
    first = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2)
    assert [u["Key"] for u in first["Uploads"]] == ["a/1", "a/2"]
    assert first["IsTruncated"] is True
    rest = s3.list_multipart_uploads(
        Bucket=bucket, KeyMarker=first["NextKeyMarker"], UploadIdMarker=first["NextUploadIdMarker"]
    )
    assert [u["UploadId"] for u in rest["Uploads"]] == [ids["b"], ids["c"]]


def test_composite_checksum(s3: Any, bucket: str) -> None:
    uid = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="CRC32")["UploadId"]
    r1 = s3.upload_part(
        Bucket=bucket, Key="k", UploadId=uid, PartNumber=1, Body=PART1, ChecksumAlgorithm="CRC32"
    )
    r2 = s3.upload_part(
        Bucket=bucket, Key="k", UploadId=uid, PartNumber=2, Body=PART2, ChecksumAlgorithm="CRC32"
    )
    crc = [zlib.crc32(p).to_bytes(4, "big") for p in (PART1, PART2)]
    assert r1["ChecksumCRC32"] == base64.b64encode(crc[0]).decode()
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="k",
        UploadId=uid,
        MultipartUpload={
            "Parts": [
                {"PartNumber": 1, "ETag": r1["ETag"], "ChecksumCRC32": r1["ChecksumCRC32"]},
                {"PartNumber": 2, "ETag": r2["ETag"], "ChecksumCRC32": r2["ChecksumCRC32"]},
            ]
        },
    )
    expected = base64.b64encode(zlib.crc32(b"".join(crc)).to_bytes(4, "big")).decode() + "-2"
    assert done["ChecksumCRC32"] == expected
    assert done["ChecksumType"] == "COMPOSITE"
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert head["ChecksumCRC32"] == expected


def test_full_object_checksum(s3: Any, bucket: str) -> None:
    uid = s3.create_multipart_upload(
        Bucket=bucket, Key="k", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT"
    )["UploadId"]
    r1 = s3.upload_part(
        Bucket=bucket, Key="k", UploadId=uid, PartNumber=1, Body=PART1, ChecksumAlgorithm="CRC32"
    )
    r2 = s3.upload_part(
        Bucket=bucket, Key="k", UploadId=uid, PartNumber=2, Body=PART2, ChecksumAlgorithm="CRC32"
    )
    whole = base64.b64encode(zlib.crc32(PART1 + PART2).to_bytes(4, "big")).decode()
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="k",
        UploadId=uid,
        ChecksumCRC32=whole,
        ChecksumType="FULL_OBJECT",
        MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": r1["ETag"]}, {"PartNumber": 2, "ETag": r2["ETag"]}]
        },
    )
    assert done["ChecksumCRC32"] == whole
    assert done["ChecksumType"] == "FULL_OBJECT"
    # The SDK validates a full-object checksum on GetObject.
    assert len(s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")["Body"].read()) == len(
        PART1
    ) + len(PART2)
