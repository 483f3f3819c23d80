"""POST Object: browser form uploads, their policy, and their answers."""

from __future__ import annotations

import base64
import json
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from harness import Server


def form(fields: list[tuple[str, str]], data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="up.txt"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def post(
    server: Server, bucket: str, fields: list[tuple[str, str]], data: bytes
) -> tuple[int, dict[str, str], bytes]:
    body, content_type = form(fields, data)
    request = urllib.request.Request(
        f"{server.endpoint}/{bucket}", data=body, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def policy(bucket: str, *conditions: Any, expires_in: int = 600) -> str:
    expiration = (datetime.now(UTC) + timedelta(seconds=expires_in)).strftime("%Y-%m-%dT%H:%M:%SZ")
    document = {"expiration": expiration, "conditions": [{"bucket": bucket}, *conditions]}
    return base64.b64encode(json.dumps(document).encode()).decode()


def test_anonymous_form_upload(server: Server, s3: Any, bucket: str) -> None:
    code, _, _ = post(
        server, bucket, [("key", "uploads/${filename}"), ("Content-Type", "text/plain")], b"from a form"
    )
    assert code == 204
    got = s3.get_object(Bucket=bucket, Key="uploads/up.txt")
    assert got["Body"].read() == b"from a form"
    assert got["ContentType"] == "text/plain"


def test_success_status_201_and_metadata(server: Server, s3: Any, bucket: str) -> None:
    fields = [("key", "k.txt"), ("success_action_status", "201"), ("x-amz-meta-color", "blue")]
    code, headers, body = post(server, bucket, fields, b"x")
    assert code == 201
    assert b"<Key>k.txt</Key>" in body
    assert headers["etag"] == s3.head_object(Bucket=bucket, Key="k.txt")["ETag"]
    assert s3.head_object(Bucket=bucket, Key="k.txt")["Metadata"] == {"color": "blue"}


def test_policy_conditions(server: Server, s3: Any, bucket: str) -> None:
    signed = [("AWSAccessKeyId", "test"), ("signature", "unchecked")]
    good = policy(bucket, ["starts-with", "$key", "in/"], ["content-length-range", 0, 10])
    code, _, _ = post(server, bucket, [("key", "in/a"), *signed, ("policy", good)], b"123")
    assert code == 204
    code, _, body = post(server, bucket, [("key", "out/a"), *signed, ("policy", good)], b"123")
    assert code == 403
    assert b"Policy Condition failed" in body
    code, _, body = post(server, bucket, [("key", "in/b"), *signed, ("policy", good)], b"x" * 11)
    assert code == 400
    assert b"EntityTooLarge" in body
    code, _, body = post(
        server, bucket, [("key", "in/c"), ("acl", "private"), *signed, ("policy", good)], b"1"
    )
    assert code == 403
    assert b"Extra input fields" in body
    expired = policy(bucket, ["starts-with", "$key", ""], expires_in=-10)
    code, _, body = post(server, bucket, [("key", "x"), *signed, ("policy", expired)], b"1")
    assert code == 403
    assert b"Policy expired" in body
    code, _, _ = post(server, bucket, [("key", "in/d"), ("policy", good)], b"1")
    assert code == 400  # a policy without a signature


def raw_post(server: Server, bucket: str, body: bytes, content_type: str) -> tuple[int, bytes]:
    request = urllib.request.Request(
        f"{server.endpoint}/{bucket}", data=body, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_fields_after_the_file_are_ignored(server: Server, s3: Any, bucket: str) -> None:
    body, content_type = form([("key", "k")], b"data\r\n--not-the-boundary\r\n")
    boundary = content_type.split("boundary=")[1]
    extra = f'--{boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\nother\r\n--{boundary}--\r\n'
    body = body.replace(f"--{boundary}--\r\n".encode(), extra.encode())
    code, _ = raw_post(server, bucket, body, content_type)
    assert code == 204
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"data\r\n--not-the-boundary\r\n"
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 1


def test_malformed_and_fileless_forms(server: Server, bucket: str) -> None:
    code, body = raw_post(server, bucket, b"no boundary in here", "multipart/form-data; boundary=abc")
    assert (code, b"<Code>MalformedPOSTRequest</Code>" in body) == (400, True)
    fileless = b'--abc\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--abc--\r\n'
    code, body = raw_post(server, bucket, fileless, "multipart/form-data; boundary=abc")
    assert code == 400
    assert b"POST requires exactly one file upload per request." in body


def test_fields_before_the_file_are_limited_to_20_kb(server: Server, bucket: str) -> None:
    code, _, body = post(server, bucket, [("key", "k"), ("x-ignore-padding", "p" * 21_000)], b"1")
    assert code == 400
    assert b"<Code>MaxPostPreDataLengthExceeded</Code>" in body
