"""S3 CORS as browsers see it: preflight OPTIONS answered from the bucket's CORS rules, and
Access-Control-* headers on requests that carry an Origin header (raw HTTP: boto3 sends
neither). https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest

from harness import Server

RULES = [
    {"AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": ["https://*.example.com"], "MaxAgeSeconds": 600},
    {
        "AllowedMethods": ["PUT"],
        "AllowedOrigins": ["https://app.test"],
        "AllowedHeaders": ["content-type", "x-amz-*"],
        "ExposeHeaders": ["ETag", "x-amz-version-id"],
    },
    {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]},
]


def _request(
    server: Server, method: str, path: str, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(server.endpoint + path, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as failure:
        return failure.code, {k.lower(): v for k, v in failure.headers.items()}, failure.read()


@pytest.fixture
def cors_bucket(s3: Any, bucket: str) -> str:
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    return bucket


def test_preflight_allowed(server: Server, cors_bucket: str) -> None:
    code, headers, _ = _request(
        server,
        "OPTIONS",
        f"/{cors_bucket}/k",
        {
            "Origin": "https://app.test",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "Content-Type, X-Amz-Meta-Colour",
        },
    )
    assert code == 200
    assert headers["access-control-allow-origin"] == "https://app.test"
    assert headers["access-control-allow-methods"] == "PUT"
    assert headers["access-control-allow-headers"] == "content-type, x-amz-meta-colour"
    assert headers["access-control-expose-headers"] == "ETag, x-amz-version-id"
    assert headers["access-control-allow-credentials"] == "true"
    assert "Origin" in headers["vary"]


def test_preflight_wildcard_origin_and_max_age(server: Server, cors_bucket: str) -> None:
    code, headers, _ = _request(
        server,
        "OPTIONS",
        f"/{cors_bucket}",
        {"Origin": "https://shop.example.com", "Access-Control-Request-Method": "GET"},
    )
    assert code == 200
    assert headers["access-control-allow-methods"] == "GET, HEAD"
    assert headers["access-control-max-age"] == "600"
    code, headers, _ = _request(
        server,
        "OPTIONS",
        f"/{cors_bucket}/k",
        {"Origin": "http://other", "Access-Control-Request-Method": "GET"},
    )
    assert (code, headers["access-control-allow-origin"]) == (200, "*")
    assert "access-control-allow-credentials" not in headers


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        ({}, 400, b"Insufficient information. Origin request header needed."),
        ({"Origin": "https://app.test"}, 400, b"Invalid Access-Control-Request-Method: null"),
        ({"Origin": "https://app.test", "Access-Control-Request-Method": "DELETE"}, 403, b"not allowed"),
        (
            {
                "Origin": "https://app.test",
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "x-custom",
            },
            403,
            b"not allowed",
        ),
    ],
)
def test_preflight_refused(
    server: Server, cors_bucket: str, headers: dict[str, str], status: int, message: bytes
) -> None:
    code, answer, body = _request(server, "OPTIONS", f"/{cors_bucket}/k", headers)
    assert code == status
    assert message in body
    assert "access-control-allow-origin" not in answer


def test_preflight_without_cors_configuration_or_bucket(server: Server, s3: Any, bucket: str) -> None:
    ask = {"Origin": "https://app.test", "Access-Control-Request-Method": "GET"}
    code, _, body = _request(server, "OPTIONS", f"/{bucket}/k", ask)
    assert (code, b"<Code>AccessForbidden</Code>" in body) == (403, True)
    assert b"CORS is not enabled for this bucket" in body
    code, _, body = _request(server, "OPTIONS", "/no-such-bucket/k", ask)
    assert (code, b"Bucket not found" in body) == (403, True)


def test_actual_requests_get_cors_headers(server: Server, s3: Any, cors_bucket: str) -> None:
    url = s3.generate_presigned_url("get_object", Params={"Bucket": cors_bucket, "Key": "k"}, ExpiresIn=60)
    path = url[len(server.endpoint) :]
    code, headers, body = _request(server, "GET", path, {"Origin": "https://a.example.com"})
    assert (code, body) == (200, b"v")
    assert headers["access-control-allow-origin"] == "https://a.example.com"
    assert headers["access-control-allow-methods"] == "GET, HEAD"
    # No Origin, or an origin no rule allows for this method: no CORS headers.
    _, headers, _ = _request(server, "GET", path, {})
    assert "access-control-allow-origin" not in headers
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": cors_bucket, "Key": "k"}, ExpiresIn=60
    )
    request = urllib.request.Request(
        put_url, data=b"new", method="PUT", headers={"Origin": "https://evil.test"}
    )
    with urllib.request.urlopen(request) as response:
        assert response.headers.get("Access-Control-Allow-Origin") is None
    # Errors carry them too, so the browser can read the error.
    code, headers, _ = _request(server, "GET", f"/{cors_bucket}/missing", {"Origin": "https://a.example.com"})
    assert (code, headers["access-control-allow-origin"]) == (404, "https://a.example.com")
