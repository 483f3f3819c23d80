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
from urllib.parse import parse_qsl

from botocore.model import OperationModel, Shape

from cloudlet.protocol.http import HttpRequest, SpooledBody
from cloudlet.protocol.rest_common import BadValue, bound_params, plan
from cloudlet.protocol.rest_routes import path_style
from cloudlet.protocol.routing import credential_scope


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
    if request.body_file is not None and payload is not None and members.streaming:
        size = request.body_file.stat().st_size
        params[payload.name] = SpooledBody(request.body_file, size, request.body_digests)
    elif payload is not None:
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
    if request.body_file is not None:  # spooled: the framing is gone, the trailers kept
        return RequestBody(b"", _without_aws_chunked(headers) + request.trailers)
    if not _is_aws_chunked(request):
        return RequestBody(request.body, _without_aws_chunked(headers))
    data, trailers = decode_aws_chunked(request.body)
    return RequestBody(data, _without_aws_chunked(headers) + trailers)


def _is_aws_chunked(request: HttpRequest) -> bool:
    return is_aws_chunked(request)


def is_aws_chunked(request: HttpRequest) -> bool:
    """Framed as aws-chunked: a STREAMING-* payload hash, or `Content-Encoding: aws-chunked` with
    the decoded length (a bodiless request may carry the encoding alone)."""
    sha = request.headers.get("x-amz-content-sha256") or ""
    encoding = request.headers.get("content-encoding") or ""
    return sha.startswith("STREAMING-") or (
        "aws-chunked" in encoding and "x-amz-decoded-content-length" in request.headers
    )


def _without_aws_chunked(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    kept: list[tuple[str, str]] = []
    for name, value in headers:
        if name.lower() == "content-encoding":
            codings = [c.strip() for c in value.split(",") if c.strip() and c.strip() != "aws-chunked"]
            if not codings:
                continue
            value = ", ".join(codings)
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


class AwsChunkedDecoder:
    """decode_aws_chunked for a body that arrives in pieces: feed() returns the payload bytes
    seen so far, finish() the trailing headers. Memory stays bounded by one chunk header line."""

    _MAX_LINE = 64 * 1024

    def __init__(self) -> None:
        self._line = bytearray()  # a chunk header (or the CRLF after a chunk) being read
        self._remaining = 0  # payload bytes left in the current chunk
        self._in_data = False
        self._trailer_text: bytearray | None = None  # set once the zero-size chunk is seen

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        view = memoryview(data)
        while view:
            if self._trailer_text is not None:
                self._trailer_text += view
                if len(self._trailer_text) > self._MAX_LINE:
                    raise BadValue("aws-chunked trailers too large")
                break
            if self._in_data:
                take = min(self._remaining, len(view))
                out += view[:take]
                view = view[take:]
                self._remaining -= take
                self._in_data = self._remaining > 0
                continue
            line_end = bytes(view[: self._MAX_LINE]).find(b"\n")
            if line_end < 0:
                self._line += view
                if len(self._line) > self._MAX_LINE:
                    raise BadValue("Invalid chunk header in aws-chunked body")
                break
            self._line += view[: line_end + 1]
            view = view[line_end + 1 :]
            self._header_line(bytes(self._line).strip())
            self._line.clear()
        return bytes(out)

    def _header_line(self, line: bytes) -> None:
        if not line:
            return  # the CRLF that ends a chunk's data
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError as exc:
            raise BadValue("Invalid chunk size in aws-chunked body") from exc
        if size == 0:
            self._trailer_text = bytearray()
        else:
            self._in_data = True
            self._remaining = size

    def finish(self) -> list[tuple[str, str]]:
        if self._trailer_text is None:
            raise BadValue("Incomplete aws-chunked body")
        return _trailers(bytes(self._trailer_text))


# Query keys an S3 PutObject / UploadPart may carry: its own, and presigned-URL auth.
_UPLOAD_QUERY = frozenset({"partNumber", "uploadId", "x-id", "AWSAccessKeyId", "Signature", "Expires"})


def is_object_upload(request: HttpRequest) -> bool:
    """True for S3 PutObject and UploadPart: the requests whose body is worth spooling to disk.
    Decided from the request line and headers alone, before the body is read."""
    if request.method != "PUT" or "x-amz-target" in request.headers or "x-amz-copy-source" in request.headers:
        return False
    scope = credential_scope(request)
    if scope is not None and scope.service != "s3":
        return False
    for key, _ in parse_qsl(request.query_string, keep_blank_values=True):
        if key not in _UPLOAD_QUERY and not key.startswith("X-Amz-"):
            return False
    path = path_style(request.host, request.raw_path or request.path).split("?", 1)[0]
    bucket, _, key = path.lstrip("/").partition("/")
    return bool(bucket and key)
