"""A local stand-in for the third-party API the delivery function calls.

    api = StandInApi(api_key="s3cret").start()   # http://127.0.0.1:<port>/deliveries
    api.fail_next(2)                              # the next two deliveries answer 503
    api.deliveries                                # accepted bodies, in arrival order
    api.stop()

POST /deliveries answers 401 unless the x-api-key header carries the key, 503 while told
to fail, else 200. Every request is recorded in order (`requests`); accepted ones also in
`deliveries`. Standard library only; it runs in a daemon thread of the caller's process.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PATH = "/deliveries"


@dataclass(frozen=True)
class Request:
    body: Any  # the JSON body, parsed
    api_key: str | None
    idempotency_key: str | None
    status: int


class StandInApi:
    def __init__(self, api_key: str, host: str = "127.0.0.1", port: int = 0) -> None:
        self.api_key = api_key
        self.requests: list[Request] = []
        self._failures = 0
        self._lock = threading.Lock()
        self._host = host
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._server.server_port}{PATH}"

    @property
    def deliveries(self) -> list[Any]:
        """The bodies the API accepted (200), in order."""
        with self._lock:
            return [request.body for request in self.requests if request.status == 200]

    def fail_next(self, count: int) -> None:
        """Answer the next `count` well-authenticated deliveries with 503."""
        with self._lock:
            self._failures = count

    def start(self) -> StandInApi:
        self._thread = threading.Thread(target=self._server.serve_forever, name="standin-api", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, path: str, headers: Any, raw: bytes) -> int:
        if path != PATH:
            return 404
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            return 400
        with self._lock:
            api_key = headers.get("x-api-key")
            if api_key != self.api_key:
                status = 401
            elif self._failures > 0:
                self._failures -= 1
                status = 503
            else:
                status = 200
            self.requests.append(Request(body, api_key, headers.get("Idempotency-Key"), status))
            return status

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                status = api._answer(self.path, self.headers, self.rfile.read(length))
                payload = json.dumps({"status": status}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        return Handler
