"""Path-style and virtual-hosted-style requests, as SDKs form them."""

from __future__ import annotations

import http.client
from typing import Any
from urllib.parse import urlsplit

import pytest

from harness import Server


@pytest.mark.parametrize("style", ["path", "virtual"])
def test_sdk_addressing_styles(server: Server, style: str) -> None:
    s3 = server.client("s3", s3={"addressing_style": style})
    s3.create_bucket(Bucket="styled-bucket")
    s3.put_object(Bucket="styled-bucket", Key="dir/k.txt", Body=b"styled")
    assert s3.get_object(Bucket="styled-bucket", Key="dir/k.txt")["Body"].read() == b"styled"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="styled-bucket")["Contents"]] == ["dir/k.txt"]
    s3.delete_object(Bucket="styled-bucket", Key="dir/k.txt")
    s3.delete_bucket(Bucket="styled-bucket")


@pytest.mark.parametrize(
    "host",
    [
        "vhost-bucket.localhost:{port}",
        "vhost-bucket.s3.localhost.localstack.cloud:{port}",
        "vhost-bucket.s3.us-east-1.amazonaws.com",
    ],
)
def test_virtual_hosts(server: Server, s3: Any, host: str) -> None:
    s3.create_bucket(Bucket="vhost-bucket")
    s3.put_object(Bucket="vhost-bucket", Key="a b.txt", Body=b"hosted")
    netloc = urlsplit(server.endpoint).netloc
    conn = http.client.HTTPConnection(netloc, timeout=10)
    conn.request("GET", "/a%20b.txt", headers={"Host": host.format(port=server.port)})
    response = conn.getresponse()
    assert response.status == 200
    assert response.read() == b"hosted"
