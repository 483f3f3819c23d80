"""Lambda: functions, versions, aliases, layers, permissions, invoke, async invokes and
event source mappings. Each concern is a mixin in its own module; this class joins them.

LIMITATIONS: (filled in as the parts land)"""

from __future__ import annotations

from cloudlet.services.awslambda.async_invokes import AsyncInvokeOps
from cloudlet.services.awslambda.mappings import MappingOps
from cloudlet.services.base import Provider, ServiceEnv


class LambdaProvider(AsyncInvokeOps, MappingOps, Provider):
    service = "lambda"

    def __init__(self, env: ServiceEnv) -> None:
        super().__init__(env)

    async def start(self) -> None:
        await self.start_async_invokes()
        await self.start_mappings()

    def busy(self) -> bool:
        return self.async_invokes_busy()
