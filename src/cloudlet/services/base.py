"""What every provider gets at construction, and the hooks the runtime may call on it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cloudlet.clock import Clock
from cloudlet.settings import Settings
from cloudlet.storage import Database

InternalHandler = Callable[[dict[str, str], dict[str, Any]], Awaitable[Any] | Any]


class Background(Protocol):
    def spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        """Run finite work in the background; settle waits for it."""
        ...

    def start_loop(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        """Run a loop for the server's life (its death is logged); settle does not wait on it."""
        ...


@dataclass
class ServiceEnv:
    db: Database
    clock: Clock
    settings: Settings
    background: Background
    data_dir: Path = Path(".cloudlet")  # the runtime's data dir (files beside the database)
    extras: dict[str, Any] = field(default_factory=dict)  # injected runtime capabilities


class Provider:
    """A service: one method per implemented operation, named by botocore.xform_name
    (SendMessage -> send_message), taking (ctx, params) and returning the output dict,
    sync or async. Client-caused failures raise cloudlet.errors.ServiceError."""

    service: str = ""

    def __init__(self, env: ServiceEnv) -> None:
        self.env = env
        self.db = env.db
        self.clock = env.clock

    async def start(self) -> None:
        """Start background loops (called once the server runs)."""

    def reset(self) -> None:
        """Forget in-memory state after the database was wiped."""

    def busy(self) -> bool:
        """True while work is due now (settle waits until every provider says False)."""
        return False

    def internal_routes(self) -> dict[tuple[str, str], InternalHandler]:
        """Extra /_cloudlet routes: {(method, path): handler(query, json_body)}."""
        return {}
