"""Request checks S3 makes before doing anything: presigned X-Amz-Expires limits, SSE
headers on reads, UploadPartCopy ranges, enabling Object Lock on an existing bucket; and
how non-ASCII user metadata comes back."""

from __future__ import annotations

import base64
import email.header
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from botocore.exceptions import ClientError
from s3_support import error_code, status

from harness import Server


def _with_expires(url: str, value: str) -> str:
    parts = urlsplit(url)
    query = [(k, value if k == "X-Amz-Expires" else v) for k, v in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(query)))


@pytest.mark.parametrize(
    ("expires", "message"),
    [
        (
            "604801",
            b"X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds",
        ),
        ("-7", b"X-Amz-Expires must be non-negative"),
        ("soon", b"X-Amz-Expires should be a number"),
    ],
)
def test_presigned_expires_out_of_range(server: Server, bucket: str, expires: str, message: bytes) -> None:
    s3 = server.client("s3", signature_version="s3v4")
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(_with_expires(url, expires))
    body = excinfo.value.read()
    assert excinfo.value.code == 400
    assert b"<Code>AuthorizationQueryParametersError</Code>" in body
    assert message in body


def test_presigned_expires_of_a_week_is_accepted(server: Server, bucket: str) -> None:
    s3 = server.client("s3", signature_version="s3v4")
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=604800)
    with urllib.request.urlopen(url) as response:
        assert response.read() == b"v"


@pytest.mark.parametrize("operation", ["head_object", "get_object"])
@pytest.mark.parametrize(
    "headers",
    [
        {"x-amz-server-side-encryption": "AES256"},
        {"x-amz-server-side-encryption": "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": "key"},
    ],
)
def test_sse_headers_on_reads_are_refused(
    s3: Any, bucket: str, operation: str, headers: dict[str, str]
) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"v", ServerSideEncryption="AES256")

    def add_headers(params: dict[str, Any], **_: Any) -> None:
        params["headers"].update(headers)

    event = "HeadObject" if operation == "head_object" else "GetObject"
    s3.meta.events.register(f"before-call.s3.{event}", add_headers)
    with pytest.raises(ClientError) as excinfo:
        getattr(s3, operation)(Bucket=bucket, Key="k")
    assert status(excinfo) == 400
    if operation == "get_object":  # HEAD answers carry no body, so no code
        assert error_code(excinfo) == "InvalidArgument"


def test_sse_c_headers_on_reads_are_still_accepted(s3: Any, bucket: str) -> None:
    key = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": "k" * 32}
    s3.put_object(Bucket=bucket, Key="k", Body=b"v", **key)
    assert s3.head_object(Bucket=bucket, Key="k", **key)["SSECustomerAlgorithm"] == "AES256"
    assert s3.get_object(Bucket=bucket, Key="k", **key)["Body"].read() == b"v"


@pytest.mark.parametrize(
    ("source_range", "code"),
    [
        ("bytes=0-21", "InvalidArgument"),  # last byte past the source's end
        ("bytes=5-6", "InvalidRequest"),  # first byte past the source's end
        ("bytes=3-1", "InvalidArgument"),
        ("bytes=-3", "InvalidArgument"),
        ("0-3", "InvalidArgument"),
    ],
)
def test_upload_part_copy_range_checks(s3: Any, bucket: str, source_range: str, code: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"12345")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    with pytest.raises(ClientError) as excinfo:
        s3.upload_part_copy(
            Bucket=bucket,
            Key="dst",
            UploadId=upload,
            PartNumber=1,
            CopySource={"Bucket": bucket, "Key": "src"},
            CopySourceRange=source_range,
        )
    assert (error_code(excinfo), status(excinfo)) == (code, 400)


def test_upload_part_copy_range_inside_the_source(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"12345")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    part = s3.upload_part_copy(
        Bucket=bucket,
        Key="dst",
        UploadId=upload,
        PartNumber=1,
        CopySource={"Bucket": bucket, "Key": "src"},
        CopySourceRange="bytes=1-4",
    )
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="dst",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]},
    )
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"2345"


def test_object_lock_enabled_on_an_existing_versioned_bucket(s3: Any, bucket: str) -> None:
    config = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
    for versioning in (None, "Suspended"):
        if versioning:
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": versioning})
        with pytest.raises(ClientError) as excinfo:
            s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=config)
        assert (error_code(excinfo), status(excinfo)) == ("InvalidBucketState", 409)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=config)
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == config
    # Object Lock keeps versioning on for good.
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert error_code(excinfo) == "InvalidBucketState"


def test_non_ascii_user_metadata_comes_back_rfc2047_encoded(s3: Any, bucket: str) -> None:
    """boto3 refuses non-ASCII Metadata, so the header is set raw (sent as UTF-8)."""

    def raw_header(params: dict[str, Any], **_: Any) -> None:
        params["headers"]["x-amz-meta-greeting"] = "Hello Worldé"

    s3.meta.events.register("before-call.s3.PutObject", raw_header)
    s3.put_object(Bucket=bucket, Key="k", Body=b"v", Metadata={"plain": "ascii"})
    expected = "=?UTF-8?B?" + base64.b64encode("Hello Worldé".encode()).decode() + "?="
    for answer in (s3.head_object(Bucket=bucket, Key="k"), s3.get_object(Bucket=bucket, Key="k")):
        assert answer["Metadata"] == {"greeting": expected, "plain": "ascii"}
        assert email.header.decode_header(answer["Metadata"]["greeting"])[0][0].decode() == "Hello Worldé"


def test_empty_content_md5_is_refused(s3: Any, bucket: str) -> None:
    def empty_md5(params: dict[str, Any], **_: Any) -> None:
        params["headers"]["Content-MD5"] = ""

    s3.meta.events.register("before-call.s3.PutObject", empty_md5)
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert (error_code(excinfo), status(excinfo)) == ("InvalidDigest", 400)


def test_parts_of_an_sse_c_upload_need_its_key(s3: Any, bucket: str) -> None:
    key = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": "k" * 32}
    s3.put_object(Bucket=bucket, Key="src", Body=b"12345")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="dst", **key)["UploadId"]
    copy = {
        "Bucket": bucket,
        "Key": "dst",
        "UploadId": upload,
        "PartNumber": 1,
        "CopySource": f"{bucket}/src",
    }
    other = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": "o" * 32}
    for write in (s3.upload_part_copy, s3.upload_part):
        args = copy if write == s3.upload_part_copy else {**copy, "CopySource": None, "Body": b"x"}
        args = {k: v for k, v in args.items() if v is not None}
        for wrong, message in ((None, "Subsequent part requests must include"), (other, "did not match")):
            with pytest.raises(ClientError) as excinfo:
                write(**args, **(wrong or {}))
            assert (error_code(excinfo), status(excinfo)) == ("InvalidRequest", 400)
            assert message in excinfo.value.response["Error"]["Message"]
        assert write(**args, **key)["SSECustomerAlgorithm"] == "AES256"
