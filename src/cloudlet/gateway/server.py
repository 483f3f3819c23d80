"""serve(settings): one ASGI app on uvicorn for every service, with the Runtime as lifespan."""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import uvicorn

from cloudlet import ids, protocol
from cloudlet.errors import ServiceError
from cloudlet.gateway.internal import PREFIX, InternalApi
from cloudlet.protocol import checksums, s3_cors, s3_post
from cloudlet.protocol.http import Headers, HttpRequest, HttpResponse
from cloudlet.protocol.rest_body import AwsChunkedDecoder, is_aws_chunked, is_object_upload
from cloudlet.protocol.rest_common import BadValue
from cloudlet.protocol.s3_post_form import FormReader, PostForm
from cloudlet.protocol.specs import service_model
from cloudlet.runtime.runtime import Runtime
from cloudlet.settings import Settings

log = logging.getLogger("cloudlet")

Scope = dict[str, Any]


class App:
    """The raw ASGI application: HTTP -> HttpRequest -> internal API or gateway chain."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.internal = InternalApi(runtime)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = _request_line(scope)
        spool = self.runtime.data_dir / "spool"
        form: PostForm | None = None
        try:
            try:
                if s3_post.is_form_post(request):
                    form = await _spool_form(request, receive, spool)
                else:
                    await _read_body(request, receive, spool)
            except BadValue as exc:  # only S3 uploads are spooled: their framing broke
                response = _s3_error(ServiceError("IncompleteBody", str(exc), 400))
            except ServiceError as error:  # a form POST that is not one
                response = _s3_error(error)
            else:
                if request.path.startswith(PREFIX):
                    response = await self.internal.handle(request)
                elif s3_cors.is_preflight(request):
                    response = s3_cors.preflight(request, self.runtime.providers, _s3_error)
                elif form is not None:
                    handle = self.runtime.gateway.handle
                    now = self.runtime.clock.now()
                    response = await s3_post.handle(request, form, handle, now, _s3_error)
                else:
                    response = await self.runtime.gateway.handle(request)
                if not request.path.startswith(PREFIX):
                    s3_cors.decorate(request, response, self.runtime.providers)
            await _send_response(send, request, response)
        finally:
            if request.body_file is not None:
                request.body_file.unlink(missing_ok=True)  # unless the provider kept (renamed) it

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.runtime.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.runtime.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _request_line(scope: Scope) -> HttpRequest:
    headers = Headers((k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"])
    raw_path = scope.get("raw_path")
    return HttpRequest(
        method=scope["method"],
        path=scope["path"],
        query_string=scope["query_string"].decode("latin-1"),
        headers=headers,
        raw_path=raw_path.decode("latin-1") if raw_path else scope["path"],
        host=headers.get("host") or "",
        scheme=scope.get("scheme", "http"),
    )


# S3 uploads at least this big (or of unknown size) go to a temp file, never whole in memory.
SPOOL_THRESHOLD = 1024 * 1024


async def _read_body(request: HttpRequest, receive: Any, spool_dir: Path) -> None:
    if is_object_upload(request) and _content_length(request) >= SPOOL_THRESHOLD:
        await _spool_body(request, receive, spool_dir)
        return
    chunks = []
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        if chunk:
            chunks.append(chunk)
        if not message.get("more_body"):
            break
    request.body = b"".join(chunks)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.headers.get("content-length") or SPOOL_THRESHOLD)
    except ValueError:
        return SPOOL_THRESHOLD


async def _spool_form(request: HttpRequest, receive: Any, spool_dir: Path) -> PostForm:
    """An S3 POST Object form: its fields, and its file written to a temp file (with its MD5)
    as it arrives; the rest of the body is read and dropped."""
    hashers = {"MD5": checksums.hasher("MD5")}
    with _spool_file(request, spool_dir, "form-") as file:
        reader = FormReader(
            request.headers.get("content-type") or "", lambda data: _write(file, data, hashers)
        )
        while True:
            message = await receive()
            reader.feed(message.get("body", b""))
            if not message.get("more_body"):
                break
    request.body_digests = {algorithm: hasher.digest() for algorithm, hasher in hashers.items()}
    return reader.finish()


async def _spool_body(request: HttpRequest, receive: Any, spool_dir: Path) -> None:
    """Write the body to a temp file as it arrives, aws-chunked framing decoded on the way,
    and hash it on the way too (MD5 for the ETag, and the flexible checksum the headers name),
    so the object need not be read back.

    Each write is one socket read's worth (uvicorn pauses reading past 64 KiB buffered), a
    bounded write into the page cache; the fsync comes later, in a thread."""
    decoder = AwsChunkedDecoder() if is_aws_chunked(request) else None
    named = checksums.named_algorithm(request.headers)
    hashers = {a: checksums.hasher(a) for a in ("MD5", named) if a is not None}
    with _spool_file(request, spool_dir, "upload-") as file:
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            if chunk:
                data = decoder.feed(chunk) if decoder is not None else chunk
                if len(data) > _INLINE_WRITE:
                    await asyncio.to_thread(_write, file, data, hashers)
                elif data:
                    _write(file, data, hashers)
            if not message.get("more_body"):
                break
    if decoder is not None:
        request.trailers = decoder.finish()
    request.body_digests = {algorithm: hasher.digest() for algorithm, hasher in hashers.items()}


_INLINE_WRITE = 256 * 1024  # bigger pieces are written from a thread


def _spool_file(request: HttpRequest, spool_dir: Path, prefix: str) -> BinaryIO:
    """A new temp file for the request's body (removed after the answer unless renamed)."""
    spool_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=spool_dir, prefix=prefix)
    request.body_file = Path(name)
    return os.fdopen(fd, "wb", buffering=0)


def _write(file: BinaryIO, data: bytes, hashers: dict[str, checksums.Hasher]) -> None:
    for hasher in hashers.values():
        hasher.update(data)
    view = memoryview(data)
    while view:
        written = file.write(view)
        view = view[written or 0 :]


def _s3_error(error: ServiceError) -> HttpResponse:
    return protocol.serialize_error("rest-xml", service_model("s3"), None, error, ids.request_id())


async def _send_response(send: Any, request: HttpRequest, response: HttpResponse) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    stream = response.stream
    if "content-length" not in response.headers:
        length = stream.length if stream is not None else len(response.body)
        headers.append((b"content-length", str(length).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    if stream is None or request.method == "HEAD":
        if stream is not None:
            stream.close()
        body = b"" if request.method == "HEAD" else response.body
        await send({"type": "http.response.body", "body": body})
        return
    try:
        async for chunk in stream.chunks():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    finally:
        stream.close()
    await send({"type": "http.response.body", "body": b""})


def build_app(settings: Settings) -> App:
    return App(Runtime(settings))


def serve(settings: Settings, on_ready: Any = None) -> None:
    """Run until SIGINT/SIGTERM (uvicorn handles both gracefully)."""
    app = build_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        lifespan="on",
        access_log=False,
        log_config=None,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    if on_ready is not None:
        original_startup = server.startup

        async def startup(sockets: Any = None) -> None:
            await original_startup(sockets)
            on_ready(app.runtime)

        server.startup = startup  # type: ignore[method-assign]
    server.run()
