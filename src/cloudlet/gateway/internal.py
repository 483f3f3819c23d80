"""The internal API under /_cloudlet: health, reset, clock, settle, and the providers' peeks."""

from __future__ import annotations

import inspect
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from cloudlet import __version__
from cloudlet.errors import ServiceError
from cloudlet.protocol.http import Headers, HttpRequest, HttpResponse
from cloudlet.services.base import InternalHandler

if TYPE_CHECKING:
    from cloudlet.runtime.runtime import Runtime

PREFIX = "/_cloudlet/"


class InternalApi:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.routes: dict[tuple[str, str], InternalHandler] = {
            ("GET", "/_cloudlet/health"): self.health,
            ("POST", "/_cloudlet/reset"): self.reset,
            ("GET", "/_cloudlet/clock"): self.clock,
            ("POST", "/_cloudlet/clock/advance"): self.advance,
            ("POST", "/_cloudlet/settle"): self.settle,
        }
        for provider in runtime.providers.values():
            self.routes.update(provider.internal_routes())

    async def handle(self, request: HttpRequest) -> HttpResponse:
        handler = self.routes.get((request.method, request.path.rstrip("/")))
        if handler is None:
            return _json(404, {"error": f"no internal route {request.method} {request.path}"})
        try:
            body = json.loads(request.body) if request.body.strip() else {}
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            result = handler(dict(parse_qsl(request.query_string)), body)
            if inspect.isawaitable(result):
                result = await result
        except ServiceError as error:
            return _json(error.status, {"error": error.code, "message": error.message})
        except (ValueError, TypeError) as error:
            return _json(400, {"error": "BadRequest", "message": str(error)})
        if isinstance(result, HttpResponse):  # a handler that serves something other than JSON
            return result
        return _json(200, result)

    def health(self, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        return {
            "status": "ok",
            "version": __version__,
            "services": {name: "running" for name in self.runtime.providers},
        }

    async def reset(self, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        await self.runtime.reset()
        return {"reset": True}

    def clock(self, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        clock = self.runtime.clock
        return {
            "now": clock.now_datetime().isoformat().replace("+00:00", "Z"),
            "offset_seconds": clock.offset,
        }

    async def advance(self, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        seconds = float(body.get("seconds", 0))
        if seconds < 0:
            raise ValueError("the clock only moves forward: seconds must be >= 0")
        await self.runtime.advance(seconds)
        return self.clock(query, body)

    async def settle(self, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        return {"settled": await self.runtime.settle(float(body.get("timeout", 10)))}


def _json(status: int, payload: Any) -> HttpResponse:
    return HttpResponse(status, Headers([("Content-Type", "application/json")]), json.dumps(payload).encode())
