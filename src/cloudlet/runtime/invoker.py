"""The Invoker (services.awslambda.invoking.Invoker): runs invocations on warm worker
processes. Built by the Lambda execution work; until then every invoke fails."""

from __future__ import annotations

from pathlib import Path

from cloudlet.client import InternalClients
from cloudlet.clock import Clock
from cloudlet.errors import ServiceError
from cloudlet.services.awslambda.invoking import FunctionSpec, InvokeResult
from cloudlet.services.base import Background
from cloudlet.settings import Settings


class WorkerInvoker:
    def __init__(
        self, settings: Settings, clock: Clock, clients: InternalClients, background: Background, data_dir: Path
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.clients = clients
        self.background = background
        self.data_dir = data_dir

    async def invoke(
        self,
        spec: FunctionSpec,
        payload: bytes,
        *,
        request_id: str,
        invoked_arn: str,
        client_context: str | None = None,
        identity: dict[str, str] | None = None,
    ) -> InvokeResult:
        raise ServiceError("ServiceException", "workers are not built yet", 500)

    def retire(self, function_arn: str) -> None:
        pass

    def busy(self) -> bool:
        """True while an invocation runs or its logs are being written (settle waits)."""
        return False

    async def stop(self) -> None:
        """Kill every worker (server shutdown)."""
