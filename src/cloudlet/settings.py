"""Frozen settings from CLI flags and CLOUDLET_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

DEFAULT_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 4566
    data_dir: Path = Path(".cloudlet")
    ephemeral: bool = False
    default_account: str = DEFAULT_ACCOUNT
    default_region: str = DEFAULT_REGION
    log_requests: bool = True
    lambda_concurrency: int = 1000  # concurrent Lambda executions per account (AWS's default quota)

    @property
    def endpoint(self) -> str:
        return f"http://{self.host}:{self.port}"

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        env = os.environ
        base = cls(
            host=env.get("CLOUDLET_HOST", cls.host),
            port=int(env.get("CLOUDLET_PORT", cls.port)),
            data_dir=Path(env.get("CLOUDLET_DATA_DIR", str(cls.data_dir))),
            ephemeral=env.get("CLOUDLET_EPHEMERAL", "") in ("1", "true", "yes"),
            log_requests=env.get("CLOUDLET_LOG_REQUESTS", "1") not in ("0", "false", "no"),
            lambda_concurrency=int(env.get("CLOUDLET_LAMBDA_CONCURRENCY", cls.lambda_concurrency)),
        )
        return replace(base, **{k: v for k, v in overrides.items() if v is not None})
