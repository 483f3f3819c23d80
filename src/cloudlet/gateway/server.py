"""serve(settings): one ASGI app on uvicorn for every service, with the Runtime as lifespan."""

from __future__ import annotations

import logging
from typing import Any

import uvicorn

from cloudlet.gateway.internal import PREFIX, InternalApi
from cloudlet.protocol.http import Headers, HttpRequest, HttpResponse
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
        request = await _read_request(scope, receive)
        if request.path.startswith(PREFIX):
            response = await self.internal.handle(request)
        else:
            response = await self.runtime.gateway.handle(request)
        await _send_response(send, request, response)

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


async def _read_request(scope: Scope, receive: Any) -> HttpRequest:
    chunks = []
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        if chunk:
            chunks.append(chunk)
        if not message.get("more_body"):
            break
    headers = Headers((k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"])
    raw_path = scope.get("raw_path")
    return HttpRequest(
        method=scope["method"],
        path=scope["path"],
        query_string=scope["query_string"].decode("latin-1"),
        headers=headers,
        body=b"".join(chunks),
        raw_path=raw_path.decode("latin-1") if raw_path else scope["path"],
        host=headers.get("host") or "",
        scheme=scope.get("scheme", "http"),
    )


async def _send_response(send: Any, request: HttpRequest, response: HttpResponse) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    body = b"" if request.method == "HEAD" else response.body
    if "content-length" not in response.headers:
        headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


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
