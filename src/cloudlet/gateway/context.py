"""RequestContext: what the chain learns about one request as it goes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudlet.protocol.http import HttpRequest
from cloudlet.protocol.routing import Route
from cloudlet.settings import DEFAULT_ACCOUNT, DEFAULT_REGION


@dataclass
class RequestContext:
    request: HttpRequest
    request_id: str
    route: Route | None = None
    params: dict[str, Any] = field(default_factory=dict)
    account: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION
    access_key: str = ""
    result: dict[str, Any] = field(default_factory=dict)
    internal: bool = False  # called by the runtime itself (Gateway.call), not by a client

    @property
    def service(self) -> str:
        return self.route.service if self.route else ""

    @property
    def operation(self) -> str:
        return self.route.operation if self.route else ""
