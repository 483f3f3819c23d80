"""What the do-nothing servers (bench/null_*.py) share: raw-ASGI helpers and the uvicorn run.

They run on the same stack as cloudlet's server -- uvicorn with a minimal raw ASGI app, on
uvloop and httptools when installed (uvicorn's ``auto`` choices, as cloudlet uses them) -- so
that ``cloudlet / null`` in the benchmarks measures cloudlet's own work, not the HTTP stack.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]


async def read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        if chunk:
            chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def respond(send: Send, status: int, body: bytes, headers: Headers) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def header(scope: Scope, name: bytes) -> str:
    """The value of a request header (name in lower case), or ""."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


def serve(
    make_app: Callable[[argparse.Namespace], App],
    description: str | None,
    argv: list[str] | None = None,
    default_port: int = 4598,
    add_args: Callable[[argparse.ArgumentParser], None] | None = None,
) -> None:
    """``--host H --port P`` (and the server's own flags): run the app until SIGINT/SIGTERM."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port)
    if add_args is not None:
        add_args(parser)
    args = parser.parse_args(argv)
    # The same uvicorn choices as cloudlet's server (src/cloudlet/gateway/server.py): loop and
    # http "auto" (uvloop, httptools), no access log.
    uvicorn.run(
        make_app(args),
        host=args.host,
        port=args.port,
        lifespan="off",
        access_log=False,
        log_config=None,
        timeout_graceful_shutdown=1,
    )
