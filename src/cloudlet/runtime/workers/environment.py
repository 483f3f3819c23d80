"""What a worker process starts with: its environment variables, sys.path and log stream
name, as AWS's Python runtime sets them (pure).

Docs: "Using Lambda environment variables" (defined runtime environment variables)."""

from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path

from cloudlet.services.awslambda.invoking import FunctionSpec

BOOTSTRAP = Path(__file__).resolve().parent / "bootstrap.py"
# Kept from the server's environment so the interpreter and its libraries work; nothing else
# leaks into a function (AWS starts each function with a clean environment).
_INHERITED = ("PATH", "LANG", "LC_ALL", "LD_LIBRARY_PATH", "SYSTEMROOT", "TMPDIR")


def log_stream_name(version: str, when: datetime) -> str:
    """YYYY/MM/DD/[version]<32 hex>, one per execution environment."""
    return f"{when:%Y/%m/%d}/[{version}]{secrets.token_hex(16)}"


def python_path(spec: FunctionSpec) -> list[str]:
    """/var/task first, then each layer's python/lib/pythonX.Y/site-packages and python/."""
    paths = [str(spec.code_dir)]
    minor = spec.runtime.removeprefix("python") or "3"
    for layer in spec.layer_dirs:
        paths += [str(layer / "python" / "lib" / f"python{minor}" / "site-packages"), str(layer / "python")]
    return paths


def worker_environment(spec: FunctionSpec, stream: str, endpoint: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in _INHERITED if name in os.environ}
    env.update(spec.environment)
    env.update(
        {
            "AWS_LAMBDA_FUNCTION_NAME": spec.name,
            "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": spec.log_group or f"/aws/lambda/{spec.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
            "_HANDLER": spec.handler,
            "LAMBDA_TASK_ROOT": str(spec.code_dir),
            "LAMBDA_RUNTIME_DIR": str(BOOTSTRAP.parent),
            "AWS_REGION": spec.region,
            "AWS_DEFAULT_REGION": spec.region,
            "TZ": ":UTC",
            "LANG": "en_US.UTF-8",
            "PYTHONUNBUFFERED": "1",
            # boto3 in the handler reaches cloudlet, in the function's own account
            # (an access key of 12 digits names the account).
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": spec.account,
            "AWS_SECRET_ACCESS_KEY": "cloudlet",
            "AWS_SESSION_TOKEN": "cloudlet",
        }
    )
    if spec.log_format == "JSON":
        env["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
        env["AWS_LAMBDA_LOG_LEVEL"] = spec.application_log_level or "INFO"
    return env
