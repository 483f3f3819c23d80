"""A local stand-in for the downstream job service the submitters call.

    service = Downstream().start()        # http://127.0.0.1:<port>/jobs
    service.respond(503)                  # the next request answers 503 (queue several)
    service.reject("poison")              # jobs whose body contains "poison" always get 400
    service.hold = 0.2                    # keep each request open this long (real seconds)
    service.accepted                      # accepted job bodies, in arrival order
    service.peak_in_flight                # most requests it was serving at once
    service.stop()

POST /jobs answers 202 (accepted) unless told otherwise. Every request is recorded in
order. Standard library only; it runs in a daemon thread of the caller's process.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PATH = "/jobs"
ACCEPTED = 202


@dataclass(frozen=True)
class Request:
    body: str
    idempotency_key: str | None
    status: int


class Downstream:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.hold = 0.0
        self.requests: list[Request] = []
        self.peak_in_flight = 0
        self._in_flight = 0
        self._statuses: deque[int] = deque()
        self._rejected: list[str] = []
        self._lock = threading.Lock()
        self._host = host
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self._server.server_port}{PATH}"

    @property
    def accepted(self) -> list[str]:
        with self._lock:
            return [request.body for request in self.requests if request.status == ACCEPTED]

    def respond(self, *statuses: int) -> None:
        """Answer the next requests with these statuses, in order."""
        with self._lock:
            self._statuses.extend(statuses)

    def reject(self, marker: str) -> None:
        """Answer 400 to every job whose body contains `marker`."""
        with self._lock:
            self._rejected.append(marker)

    def start(self) -> Downstream:
        threading.Thread(target=self._server.serve_forever, name="downstream", daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, path: str, headers: Any, body: str) -> int:
        if path != PATH:
            return 404
        with self._lock:
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        try:
            if self.hold:
                time.sleep(self.hold)  # a slow service: lets concurrent requests overlap
            with self._lock:
                if any(marker in body for marker in self._rejected):
                    status = 400
                elif self._statuses:
                    status = self._statuses.popleft()
                else:
                    status = ACCEPTED
                self.requests.append(Request(body, headers.get("Idempotency-Key"), status))
                return status
        finally:
            with self._lock:
                self._in_flight -= 1

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace")
                status = service._answer(self.path, self.headers, body)
                payload = json.dumps({"status": status}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        return Handler
