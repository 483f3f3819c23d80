"""Custom resource responses: the ResponseURL a Lambda-backed custom resource PUTs its
answer to, served by the internal route PUT /_cloudlet/cloudformation/response?id=...
(the engine's CustomResponses)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from cloudlet.clock import Clock
from cloudlet.services.cloudformation.operations import Waiting

RESPONSE_PATH = "/_cloudlet/cloudformation/response"


class Responses:
    def __init__(self, clock: Clock, endpoint: str) -> None:
        self.clock = clock
        self.endpoint = endpoint.rstrip("/")
        self._events: dict[str, asyncio.Event] = {}
        self._bodies: dict[str, dict[str, Any]] = {}

    def url(self, request_id: str) -> str:
        return f"{self.endpoint}{RESPONSE_PATH}?id={quote(request_id, safe='')}"

    async def wait(self, request_id: str, timeout: float) -> dict[str, Any]:
        event = self._events.setdefault(request_id, asyncio.Event())
        until = self.clock.now() + timeout
        try:
            with Waiting():
                while request_id not in self._bodies:
                    event.clear()
                    if request_id in self._bodies:
                        break
                    if not await self.clock.wait(event, until) and request_id not in self._bodies:
                        raise TimeoutError(f"no response to custom resource request {request_id}")
            return self._bodies.pop(request_id)
        finally:
            self._events.pop(request_id, None)

    def waking(self) -> bool:
        """An answer arrived, or the clock moved, and its waiter has not resumed yet."""
        return any(event.is_set() for event in self._events.values())

    def put(self, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        """The internal route: the function's JSON answer arrives."""
        request_id = query.get("id", "")
        if not request_id:
            raise ValueError("the response URL has no id")
        self._bodies[request_id] = body
        event = self._events.get(request_id)
        if event is not None:
            event.set()
        return {}

    def reset(self) -> None:
        self._bodies.clear()
        for event in self._events.values():
            event.set()
