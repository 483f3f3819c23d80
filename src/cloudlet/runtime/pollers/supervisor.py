"""Runs event source mappings: one poller task per enabled mapping (SQS, DynamoDB Streams).
Built by the event source mapping work."""

from __future__ import annotations

from cloudlet.client import InternalClients
from cloudlet.clock import Clock
from cloudlet.services.base import Background


class Pollers:
    def __init__(self, clock: Clock, clients: InternalClients, background: Background) -> None:
        self.clock = clock
        self.clients = clients
        self.background = background

    def busy(self) -> bool:
        """True while a mapping has records it can take now (settle waits)."""
        return False

    async def stop(self) -> None:
        """Stop every poller (server shutdown, reset)."""
