"""A do-nothing Lambda server: answers every request (Invoke included) with 200 and the
JSON ``null`` -- what a no-op handler returns -- so that bench/lambda.py can subtract the
HTTP + boto3 round trip from cloudlet's invoke latency. Same stack as cloudlet's server
(bench/null_common.py). Run: ``python bench/null_lambda.py --port 4599 [--host 127.0.0.1]``."""

from __future__ import annotations

from null_common import App, Receive, Scope, Send, read_body, respond, serve

_HEADERS = [(b"content-type", b"application/json"), (b"x-amz-executed-version", b"$LATEST")]


def make_app() -> App:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await read_body(receive)
        await respond(send, 200, b"null", _HEADERS)

    return app


def main(argv: list[str] | None = None) -> None:
    serve(lambda args: make_app(), __doc__.splitlines()[0] if __doc__ else None, argv, default_port=4599)


if __name__ == "__main__":
    main()
