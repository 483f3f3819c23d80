"""Internal boto3 clients for the runtime's own cross-service calls.

`call` runs an operation on the event loop with plain dicts (no botocore at all): the fast
path for the runtime's own loops. In-process clients never open a socket: botocore's `before-send` event hands the prepared
request to the gateway on the server's event loop and returns its response. They block,
so call them from a worker thread (asyncio.to_thread), never on the event loop itself.
HTTP clients (for the CLI, deploy, or code outside the server) are plain boto3 clients."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import unquote, urlsplit

import boto3
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config

from cloudlet.protocol.http import Headers, HttpRequest, HttpResponse
from cloudlet.settings import DEFAULT_ACCOUNT, DEFAULT_REGION

Handler = Callable[[HttpRequest], Coroutine[Any, Any, HttpResponse]]
# (service, operation, params, account, region) -> the provider's result dict
Caller = Callable[[str, str, dict[str, Any], str, str], Coroutine[Any, Any, dict[str, Any]]]

_CONFIG = Config(retries={"max_attempts": 1}, parameter_validation=True)


class _Body(io.BytesIO):
    """What botocore reads a response body from (urllib3-like `stream()`)."""

    def stream(self, amt: int = 65536, decode_content: bool = False) -> Any:
        while chunk := self.read(amt):
            yield chunk


def _to_http_request(request: AWSPreparedRequest) -> HttpRequest:
    url = urlsplit(request.url)
    body = request.body
    if body is None:
        data = b""
    elif isinstance(body, bytes):
        data = body
    elif isinstance(body, str):
        data = body.encode("utf-8")
    else:
        data = body.read()
    headers = Headers(
        (name, value.decode("latin-1") if isinstance(value, bytes) else str(value))
        for name, value in request.headers.items()
    )
    if "host" not in headers:
        headers.add("Host", url.netloc)
    return HttpRequest(
        method=request.method,
        path=unquote(url.path) or "/",
        query_string=url.query,
        headers=headers,
        body=data,
        raw_path=url.path or "/",
        host=url.netloc,
        scheme=url.scheme,
    )


class InternalClients:
    """boto3 clients whose requests go straight into the gateway on `loop`."""

    def __init__(
        self,
        handler: Handler,
        loop: Callable[[], asyncio.AbstractEventLoop | None],
        endpoint: str,
        caller: Caller,
    ) -> None:
        self._handler = handler
        self._caller = caller
        self._loop = loop
        self._endpoint = endpoint
        self._session = boto3.session.Session()
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()

    async def call(
        self,
        service: str,
        operation: str,
        params: dict[str, Any],
        account: str = DEFAULT_ACCOUNT,
        region: str = DEFAULT_REGION,
    ) -> dict[str, Any]:
        """Call an operation on the event loop, without HTTP: params and result are the
        provider's plain dicts (model member names; blobs as bytes); failures raise
        cloudlet.errors.ServiceError. The runtime's fast path (pollers, invoker, deliveries)."""
        return await self._caller(service, operation, params, account, region)

    def client(self, service: str, account: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION) -> Any:
        key = (service, account, region)
        with self._lock:
            existing = self._clients.get(key)
            if existing is None:
                existing = self._session.client(
                    service,
                    endpoint_url=self._endpoint,
                    region_name=region,
                    aws_access_key_id=account,  # a 12-digit key selects the account
                    aws_secret_access_key="internal",
                    config=_CONFIG,
                )
                existing.meta.events.register("before-send", self._send)
                self._clients[key] = existing
        return existing

    def _send(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        loop = self._loop()
        if loop is None:
            raise RuntimeError("the server's event loop is not running")
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            raise RuntimeError("internal clients block: call them from a thread (asyncio.to_thread)")
        response = asyncio.run_coroutine_threadsafe(self._handler(_to_http_request(request)), loop).result()
        headers = {name: value for name, value in response.headers}
        body = response.stream.read_all() if response.stream is not None else response.body
        return AWSResponse(request.url, response.status, headers, _Body(body))


def http_client(
    service: str, endpoint: str, account: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION
) -> Any:
    """A plain boto3 client for a cloudlet server reached over HTTP."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=account,
        aws_secret_access_key="internal",
        config=_CONFIG,
    )
