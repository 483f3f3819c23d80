"""`cloudlet up`: serve every service on one port."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from cloudlet import __version__
from cloudlet.runtime.runtime import Runtime
from cloudlet.settings import Settings


def run_up(host: str | None, port: int | None, data_dir: Path | None, ephemeral: bool) -> None:
    from cloudlet.gateway.server import serve

    settings = Settings.from_env(host=host, port=port, data_dir=data_dir, ephemeral=ephemeral or None)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)

    def ready(runtime: Runtime) -> None:
        print(banner(settings, runtime), flush=True)

    serve(settings, on_ready=ready)


def banner(settings: Settings, runtime: Runtime) -> str:
    where = "a temporary directory (--ephemeral)" if settings.ephemeral else str(runtime.data_dir)
    endpoint = settings.endpoint
    return "\n".join(
        [
            f"cloudlet {__version__} ready on {endpoint}  (state in {where})",
            "Point the AWS CLI and SDKs at it:",
            f"  export AWS_ENDPOINT_URL={endpoint}",
            f"  export AWS_ENDPOINT_URL_SQS={endpoint}   # AWS CLI v1 ignores AWS_ENDPOINT_URL for SQS",
            "  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1",
            f'  boto3.client("sqs", endpoint_url="{endpoint}")',
            "Ctrl-C stops it.",
        ]
    )
