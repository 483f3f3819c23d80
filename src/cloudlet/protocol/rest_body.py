"""The body of a REST request as the operation sees it: aws-chunked uploads decoded.

SDKs stream uploads as `Content-Encoding: aws-chunked` with `x-amz-content-sha256:
STREAMING-...` (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html): the body
is `<hex size>[;chunk-signature=...]\\r\\n<data>\\r\\n` chunks, a zero-size chunk, then optional
trailing headers (flexible checksums, `x-amz-checksum-crc32: ...`). The decoded length is in
`x-amz-decoded-content-length`; `aws-chunked` is not part of the object's Content-Encoding."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.model import OperationModel, Shape

from cloudlet.protocol.http import HttpRequest
from cloudlet.protocol.rest_common import BadValue, bound_params, plan


@dataclass
class RequestBody:
    data: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)  # request headers + trailers


def parse_members(
    operation: OperationModel,
    request: HttpRequest,
    uri_params: dict[str, str],
    read_document: Callable[[Shape, bytes], Any],
) -> dict[str, Any]:
    """The params of a REST request; `read_document` turns a JSON/XML body into a shape's value."""
    shape = operation.input_shape
    if shape is None:
        return {}
    members = plan(shape)
    body = request_body(request)
    params = bound_params(operation, members, body.headers, request.query, uri_params)
    payload = members.payload
    if payload is not None:
        if members.streaming:
            if body.data or payload.shape.type_name == "blob":
                params[payload.name] = _raw_payload(payload.shape, body.data)
        elif body.data.strip():
            params[payload.name] = read_document(payload.shape, body.data)
    elif members.body and body.data.strip():
        params.update(read_document(shape, body.data))
    return params


def _raw_payload(shape: Shape, data: bytes) -> bytes | str:
    if shape.type_name == "blob":
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadValue("The request body is not valid UTF-8") from exc


def request_body(request: HttpRequest) -> RequestBody:
    headers = request.headers.items()
    if not _is_aws_chunked(request):
        return RequestBody(request.body, headers)
    data, trailers = decode_aws_chunked(request.body)
    return RequestBody(data, _without_aws_chunked(headers) + trailers)


def _is_aws_chunked(request: HttpRequest) -> bool:
    sha = request.headers.get("x-amz-content-sha256") or ""
    encoding = request.headers.get("content-encoding") or ""
    return sha.startswith("STREAMING-") or "aws-chunked" in encoding


def _without_aws_chunked(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    kept: list[tuple[str, str]] = []
    for name, value in headers:
        if name.lower() == "content-encoding":
            codings = [c.strip() for c in value.split(",") if c.strip() and c.strip() != "aws-chunked"]
            if not codings:
                continue
            value = ",".join(codings)
        kept.append((name, value))
    return kept


def decode_aws_chunked(body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    chunks: list[bytes] = []
    position = 0
    while True:
        line_end = body.find(b"\r\n", position)
        if line_end < 0:
            raise BadValue("Incomplete aws-chunked body")
        size_text = body[position:line_end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError as exc:
            raise BadValue("Invalid chunk size in aws-chunked body") from exc
        start = line_end + 2
        if size == 0:
            return b"".join(chunks), _trailers(body[start:])
        if start + size > len(body):
            raise BadValue("Incomplete aws-chunked body")
        chunks.append(body[start : start + size])
        position = start + size
        if body[position : position + 2] == b"\r\n":
            position += 2


def _trailers(rest: bytes) -> list[tuple[str, str]]:
    trailers: list[tuple[str, str]] = []
    for line in rest.decode("utf-8", "replace").split("\r\n"):
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() != "x-amz-trailer-signature":
            trailers.append((name.strip(), value.strip()))
    return trailers
