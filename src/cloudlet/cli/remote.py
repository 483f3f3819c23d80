"""A tiny JSON client for the internal API of a running server (the CLI's only link to it)."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any


class ServerUnreachable(Exception):
    pass


def default_endpoint() -> str:
    return (
        os.environ.get("CLOUDLET_ENDPOINT")
        or os.environ.get("AWS_ENDPOINT_URL")
        or f"http://127.0.0.1:{os.environ.get('CLOUDLET_PORT', '4566')}"
    )


def call(
    endpoint: str, method: str, path: str, body: dict[str, Any] | None = None, timeout: float = 120
) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        endpoint.rstrip("/") + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        raise ServerUnreachable(f"{endpoint}{path} answered {error.code}: {error.read().decode()}") from error
    except (urllib.error.URLError, OSError) as error:
        raise ServerUnreachable(f"no cloudlet server at {endpoint} ({error})") from error
