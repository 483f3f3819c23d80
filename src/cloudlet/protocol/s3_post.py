"""S3 POST Object: a browser form upload (multipart/form-data to the bucket's URL), which no
operation of the model describes. It is checked against its policy, then handled as the
PutObject it amounts to, and answered as POST is (204, 200, 201 with a PostResponse, or a
303 to success_action_redirect).
https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode
from xml.etree.ElementTree import ParseError, fromstring

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import Headers, HttpRequest, HttpResponse
from cloudlet.protocol.rest_routes import path_style
from cloudlet.protocol.s3_post_form import PostForm

# Marks the PutObject a form POST became, so the object's event is ObjectCreated:Post.
POST_MARKER = "x-cloudlet-post-object"

# Fields the policy need not mention (besides x-ignore-*).
_UNCHECKED = frozenset({"policy", "signature", "x-amz-signature", "file", "awsaccesskeyid"})
# Form fields that become the PutObject's headers under the same name.
_HEADER_FIELDS = frozenset(
    {"content-type", "cache-control", "content-disposition", "content-encoding", "expires", "content-md5"}
)

Handler = Callable[[HttpRequest], Awaitable[HttpResponse]]


def is_form_post(request: HttpRequest) -> bool:
    """A POST of multipart/form-data to a bucket (path or virtual-hosted style)."""
    if request.method != "POST" or "x-amz-target" in request.headers or request.query_string:
        return False
    if not (request.headers.get("content-type") or "").lower().startswith("multipart/form-data"):
        return False
    path = path_style(request.host, request.raw_path or request.path)
    bucket, _, rest = path.lstrip("/").partition("/")
    return bool(bucket) and not rest


def _error(code: str, message: str, status: int) -> ServiceError:
    return ServiceError(code, message, status)


def _policy_failed(message: str) -> ServiceError:
    return _error("AccessDenied", f"Invalid according to Policy: {message}", 403)


def _invalid_policy(message: str) -> ServiceError:
    return _error("InvalidPolicyDocument", f"Invalid Policy: {message}", 400)


def check_policy(fields: dict[str, str], bucket: str, size: int, now: float) -> None:
    lower = {name.lower(): value for name, value in fields.items()}
    encoded = lower.get("policy")
    if encoded is None:
        return  # an anonymous form: nothing to check
    if not (lower.get("signature") or lower.get("x-amz-signature")):
        raise _error("InvalidArgument", "Bucket POST must contain a field named 'Signature'.", 400)
    if not (lower.get("awsaccesskeyid") or lower.get("x-amz-credential")):
        raise _error("InvalidArgument", "Bucket POST must contain a field named 'AWSAccessKeyId'.", 400)
    try:
        policy = json.loads(base64.b64decode(encoded, validate=True))
    except (ValueError, binascii.Error) as exc:
        raise _invalid_policy("Invalid JSON.") from exc
    if not isinstance(policy, dict) or "expiration" not in policy:
        raise _invalid_policy("Policy missing expiration.")
    try:
        expires = datetime.fromisoformat(str(policy["expiration"]).replace("Z", "+00:00"))
    except ValueError as exc:
        raise _invalid_policy(f"Invalid 'expiration' value: '{policy['expiration']}'") from exc
    if not str(policy["expiration"]).endswith("Z") or " " in str(policy["expiration"]):
        raise _invalid_policy(f"Invalid 'expiration' value: '{policy['expiration']}'")
    if expires.replace(tzinfo=expires.tzinfo or UTC).timestamp() < now:
        raise _policy_failed("Policy expired.")
    conditions = policy.get("conditions")
    if not isinstance(conditions, list):
        raise _invalid_policy("Policy missing conditions.")
    values = {**lower, "bucket": bucket}
    covered = {"bucket"}
    for condition in conditions:
        covered.add(_check_condition(condition, values, size))
    extra = [
        name
        for name in lower
        if name not in covered and name not in _UNCHECKED and not name.startswith("x-ignore-")
    ]
    if extra:
        raise _policy_failed(f"Extra input fields: {extra[0]}")


def _check_condition(condition: Any, values: dict[str, str], size: int) -> str:
    """Checks one condition; returns the (lowercase) field it covers."""
    if isinstance(condition, dict) and len(condition) == 1:
        ((name, expected),) = condition.items()
        op, field = "eq", str(name)
    elif isinstance(condition, list) and len(condition) == 3:
        op, field, expected = str(condition[0]).lower(), str(condition[1]), condition[2]
        if op == "content-length-range":
            low, high = int(condition[1]), int(condition[2])
            if size > high:
                raise _error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400)
            if size < low:
                raise _error(
                    "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400
                )
            return "content-length"
        if not field.startswith("$"):
            raise _invalid_policy(f"Invalid condition: {condition}")
        field = field[1:]
    else:
        raise _invalid_policy(f"Invalid condition: {condition}")
    name = field.lower()
    actual = values.get(name, "")  # an absent field is empty: ["starts-with", "$x", ""] holds
    if op == "eq":
        ok = actual == str(expected)
    elif op == "starts-with":
        ok = actual.startswith(str(expected))
    else:
        raise _invalid_policy(f"Invalid condition: {condition}")
    if not ok:
        raise _policy_failed(f"Policy Condition failed: {json.dumps(condition)}")
    return name


def _tagging_header(xml: str) -> str:
    try:
        root = fromstring(xml)
    except ParseError as exc:
        raise _error("MalformedXML", "The XML you provided was not well-formed", 400) from exc
    pairs = []
    for tag in root.iter():
        if tag.tag.rsplit("}", 1)[-1] == "Tag":
            children = {child.tag.rsplit("}", 1)[-1]: child.text or "" for child in tag}
            pairs.append((children.get("Key", ""), children.get("Value", "")))
    return urlencode(pairs)


def put_request(request: HttpRequest, fields: dict[str, str], form: PostForm) -> HttpRequest:
    """The PutObject request a form POST amounts to: its body is the file, spooled."""
    lower = {name.lower(): value for name, value in fields.items()}
    key = lower.get("key")
    if not key:
        raise _error(
            "InvalidArgument",
            "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
            400,
        )
    key = key.replace("${filename}", form.filename)
    bucket = path_style(request.host, request.raw_path or request.path).strip("/")
    headers = Headers([("Host", request.host), (POST_MARKER, "1"), ("Content-Length", str(form.size))])
    credential = lower.get("x-amz-credential")
    access_key = lower.get("awsaccesskeyid")
    if not credential and access_key:
        credential = f"{access_key}/20000101/us-east-1/s3/aws4_request"
    if credential:
        headers.add(
            "Authorization", f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host, Signature=0"
        )
    for name, value in fields.items():
        low = name.lower()
        if low in _HEADER_FIELDS or (
            low.startswith("x-amz-") and low not in ("x-amz-signature", "x-amz-credential")
        ):
            headers.add(name, value)
        elif low == "acl":
            headers.add("x-amz-acl", value)
        elif low == "tagging":
            headers.add("x-amz-tagging", _tagging_header(value))
    raw_path = f"/{bucket}/{quote(key, safe='/')}"
    return HttpRequest(
        method="PUT",
        path=f"/{bucket}/{key}",
        headers=headers,
        raw_path=raw_path,
        host="",  # the path already names the bucket
        scheme=request.scheme,
        body_file=request.body_file,
        body_digests=request.body_digests,
    )


def answer(
    request: HttpRequest, fields: dict[str, str], put: HttpRequest, response: HttpResponse
) -> HttpResponse:
    """PutObject's answer as POST gives it."""
    if response.status != 200:
        return response
    lower = {name.lower(): value for name, value in fields.items()}
    bucket, _, key = put.path.lstrip("/").partition("/")
    etag = response.headers.get("etag") or ""
    location = f"{request.url_root}/{bucket}/{quote(key, safe='/')}"
    headers = Headers([(name, value) for name, value in response.headers if name.lower() != "content-length"])
    headers.add("Location", location)
    redirect = lower.get("success_action_redirect") or lower.get("redirect")
    if redirect:
        joiner = "&" if "?" in redirect else "?"
        target = f"{redirect}{joiner}{urlencode({'bucket': bucket, 'key': key, 'etag': etag})}"
        headers = Headers([("Location", target)] + [(n, v) for n, v in headers if n.lower() != "location"])
        return HttpResponse(303, headers, b"")
    status = lower.get("success_action_status")
    if status == "200":
        return HttpResponse(200, headers, b"")
    if status == "201":
        headers.add("Content-Type", "application/xml")
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><PostResponse>'
            f"<Location>{_escape(location)}</Location><Bucket>{_escape(bucket)}</Bucket>"
            f"<Key>{_escape(key)}</Key><ETag>{_escape(etag)}</ETag></PostResponse>"
        )
        return HttpResponse(201, headers, body.encode("utf-8"))
    return HttpResponse(204, headers, b"")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def handle(
    request: HttpRequest,
    form: PostForm,
    handler: Handler,
    now: float,
    error: Callable[[ServiceError], HttpResponse],
) -> HttpResponse:
    """Answer a form POST (its file already spooled): check the policy, PutObject through
    `handler`."""
    try:
        fields = {
            name: value.replace("${filename}", form.filename) if name.lower() == "key" else value
            for name, value in form.fields.items()
        }
        bucket = path_style(request.host, request.raw_path or request.path).strip("/")
        check_policy(fields, bucket, form.size, now)
        put = put_request(request, fields, form)
    except ServiceError as failure:
        return error(failure)
    return answer(request, fields, put, await handler(put))
