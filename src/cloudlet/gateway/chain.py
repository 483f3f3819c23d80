"""The request path, as one short list of steps: route, identify, parse, invoke."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import Any

from cloudlet import ids, protocol
from cloudlet.errors import ServiceError, internal_failure
from cloudlet.gateway.context import RequestContext
from cloudlet.gateway.dispatch import dispatch
from cloudlet.gateway.identity import identify
from cloudlet.protocol.http import Headers, HttpRequest, HttpResponse
from cloudlet.protocol.routing import Route, Router
from cloudlet.protocol.specs import operation_model, protocol_of, service_model
from cloudlet.services.base import Provider
from cloudlet.settings import Settings

log = logging.getLogger("cloudlet.gateway")


class Gateway:
    def __init__(self, settings: Settings, providers: Mapping[str, Provider]) -> None:
        self.settings = settings
        self.providers = providers
        self.router = Router(providers.keys())

    async def handle(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        ctx = RequestContext(request, ids.request_id())
        try:
            self.route(ctx)
            self.identify(ctx)
            self.parse(ctx)
            await self.invoke(ctx)
            response = self.serialize(ctx)
        except ServiceError as error:
            response = self.serialize_error(ctx, error)
        except Exception:
            log.exception("internal error in %s %s", ctx.service or "?", ctx.operation or request.path)
            response = self.serialize_error(ctx, internal_failure())
        if self.settings.log_requests:
            elapsed = (time.perf_counter() - started) * 1000
            log.info("%s %s %d %.1fms", ctx.service or "-", ctx.operation or "-", response.status, elapsed)
        return response

    async def call(
        self, service: str, operation: str, params: dict[str, Any], account: str, region: str
    ) -> dict[str, Any]:
        """An operation called in-process by the runtime (client.InternalClients.call): the
        provider's result dict, or its ServiceError raised. No HTTP, no (de)serialization."""
        host = f"{self.settings.host}:{self.settings.port}"
        ctx = RequestContext(HttpRequest("POST", "/", host=host), ids.request_id())
        ctx.route = Route(service, protocol_of(service_model(service)), operation)
        ctx.params = params
        ctx.account, ctx.region = account, region
        ctx.internal = True
        return await dispatch(self.providers[service], ctx)

    # -- the steps, in order -------------------------------------------------------------------
    def route(self, ctx: RequestContext) -> None:
        ctx.route = self.router.route(ctx.request)

    def identify(self, ctx: RequestContext) -> None:
        identify(ctx, self.settings.default_account, self.settings.default_region)

    def parse(self, ctx: RequestContext) -> None:
        assert ctx.route is not None
        operation = self._operation(ctx)
        ctx.params = protocol.parse_request(ctx.route.protocol, operation, ctx.request, ctx.route.uri_params)

    async def invoke(self, ctx: RequestContext) -> None:
        ctx.result = await dispatch(self.providers[ctx.service], ctx)

    # -- responses -------------------------------------------------------------------------
    def serialize(self, ctx: RequestContext) -> HttpResponse:
        assert ctx.route is not None
        return protocol.serialize_result(ctx.route.protocol, self._operation(ctx), ctx.result, ctx.request_id)

    def serialize_error(self, ctx: RequestContext, error: ServiceError) -> HttpResponse:
        route = ctx.route
        if route is None:
            return _unrouted_error(ctx.request, error, ctx.request_id)
        model = service_model(route.service)
        try:
            operation = model.operation_model(route.operation)
        except Exception:
            operation = None
        try:
            return protocol.serialize_error(route.protocol, model, operation, error, ctx.request_id)
        except Exception:
            log.exception("could not serialize %s for %s %s", error.code, route.service, route.operation)
            return _unrouted_error(ctx.request, internal_failure(), ctx.request_id)

    @staticmethod
    def _operation(ctx: RequestContext) -> Any:
        assert ctx.route is not None
        try:
            return operation_model(ctx.route.service, ctx.route.operation)
        except Exception as exc:
            raise ServiceError(
                "InvalidAction" if ctx.route.protocol == "query" else "UnknownOperationException",
                f"The action or operation {ctx.route.operation} is not valid for {ctx.route.service}.",
                400,
            ) from exc


def _unrouted_error(request: HttpRequest, error: ServiceError, request_id: str) -> HttpResponse:
    """An error before the service is known: JSON for JSON-looking clients, else AWS's XML."""
    headers = Headers([("x-amzn-RequestId", request_id)])
    if "x-amz-target" in request.headers:
        headers.add("Content-Type", "application/x-amz-json-1.0")
        body = json.dumps({"__type": error.code, "message": error.message}).encode()
        return HttpResponse(error.status, headers, body)
    headers.add("Content-Type", "text/xml")
    body = (
        "<ErrorResponse><Error><Type>Sender</Type>"
        f"<Code>{error.code}</Code><Message>{_xml_escape(error.message)}</Message>"
        f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
    return HttpResponse(error.status, headers, body)


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
