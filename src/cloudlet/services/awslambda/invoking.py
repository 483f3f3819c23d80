"""What the Lambda service hands the runtime to run code, and what it gets back.

The provider resolves a function (name or ARN, qualifier) to a FunctionSpec and asks the
injected Invoker (runtime/invoker.py, env.extras["invoker"]) to run it; services never
import the runtime (DESIGN rule 3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class FunctionSpec:
    """One function version, resolved and ready to run."""

    account: str
    region: str
    name: str
    function_arn: str  # unqualified
    version: str  # "$LATEST" or "1", "2", ...
    revision: str  # changes whenever code or configuration changes: a new worker pool
    runtime: str  # "python3.12"
    handler: str  # "module.function", module may be a dotted path "pkg/mod.fn" style too
    code_dir: Path  # the extracted package (or a developer's local directory)
    layer_dirs: tuple[Path, ...] = ()  # extracted layers, in order (their python/ goes on sys.path)
    environment: dict[str, str] = field(default_factory=dict)
    timeout: int = 3  # seconds
    memory_size: int = 128  # MB
    ephemeral_storage: int = 512  # MB
    log_group: str = ""  # "/aws/lambda/<name>" unless LoggingConfig.LogGroup says otherwise
    log_format: str = "Text"  # Text | JSON
    application_log_level: str = ""  # JSON format only: TRACE DEBUG INFO WARN ERROR FATAL
    system_log_level: str = ""  # JSON format only: DEBUG INFO WARN
    reserved_concurrency: int | None = None  # PutFunctionConcurrency; 0 throttles every call
    tracing_mode: str = "PassThrough"


@dataclass(frozen=True)
class InvokeResult:
    payload: bytes  # the handler's JSON result, or AWS's error object on failure
    function_error: str | None = None  # "Unhandled" when the handler (or its runtime) failed
    log_tail: str = ""  # the invocation's last 4 KB of log text (LogType=Tail base64-encodes it)
    executed_version: str = "$LATEST"


class Invoker(Protocol):
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
        """Run one invocation on a warm worker (spawned on demand). Raises
        cloudlet.errors.ServiceError TooManyRequestsException when reserved or account
        concurrency is exhausted."""
        ...

    def retire(self, function_arn: str) -> None:
        """Stop the workers of every version of a function (deleted, or code changed)."""
        ...
