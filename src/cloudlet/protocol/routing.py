"""HTTP request -> (service, protocol, operation): X-Amz-Target, Action=, or a REST URI of the model.

The service comes from the target prefix (json), else from the SigV4 credential scope
(header or presigned query), else by elimination (an unsigned REST request is S3's)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import parse_qsl

from cloudlet.errors import ServiceError
from cloudlet.protocol import rest_routes
from cloudlet.protocol.http import HttpRequest
from cloudlet.protocol.specs import metadata, protocol_of, service_model

_SCOPE = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")


@dataclass(frozen=True)
class CredentialScope:
    access_key: str
    date: str
    region: str
    service: str


@dataclass(frozen=True)
class Route:
    service: str  # botocore service name
    protocol: str  # json | query | rest-json | rest-xml: the protocol of this request
    operation: str  # the model's operation name, e.g. "SendMessage"
    uri_params: dict[str, str] = field(default_factory=dict)
    form: list[tuple[str, str]] | None = None  # query protocol: the decoded form, parsed once


def credential_scope(request: HttpRequest) -> CredentialScope | None:
    auth = request.headers.get("authorization")
    if auth:
        match = _SCOPE.search(auth)
        if match:
            return CredentialScope(*match.groups())
        return None
    if "X-Amz-Credential" in request.query_string:
        for key, value in request.query:
            if key == "X-Amz-Credential":
                parts = value.split("/")
                if len(parts) == 5:
                    return CredentialScope(parts[0], parts[1], parts[2], parts[3])
    return None


def _is_form(request: HttpRequest) -> bool:
    content_type = request.headers.get("content-type") or ""
    return request.method == "POST" and content_type.startswith("application/x-www-form-urlencoded")


class Router:
    def __init__(self, services: Iterable[str]) -> None:
        self.services = tuple(services)

    @cached_property
    def _by_target_prefix(self) -> dict[str, str]:
        prefixes = {}
        for name in self.services:
            prefix = metadata(name).get("targetPrefix")
            if prefix:
                prefixes[prefix] = name
        return prefixes

    @cached_property
    def _by_signing_name(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for name in self.services:
            meta = metadata(name)
            signing = meta.get("signingName") or meta.get("endpointPrefix") or name
            # Several services may share a signing name (dynamodb, dynamodbstreams): the
            # one whose name equals it wins; the others are reached by X-Amz-Target.
            if signing not in names or signing == name:
                names[signing] = name
        return names

    def warm(self) -> None:
        """Load the models routing needs now rather than on the first request."""
        _ = self._by_target_prefix, self._by_signing_name

    def route(self, request: HttpRequest) -> Route:
        target = request.headers.get("x-amz-target")
        if target:
            prefix, _, operation = target.rpartition(".")
            service = self._by_target_prefix.get(prefix)
            if service is None:
                raise ServiceError("UnknownOperationException", f"Unknown target {target}", 400)
            return Route(service, "json", operation)

        scope = credential_scope(request)
        service = self._by_signing_name.get(scope.service) if scope else None

        form = (
            parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)
            if _is_form(request)
            else []
        )
        action = next((v for k, v in form if k == "Action"), None)
        if action is None and request.method == "GET" and "Action=" in request.query_string:
            form = request.query
            action = next((v for k, v in form if k == "Action"), None)
        if action is not None:
            if service is None:
                service = self._service_with_operation(action)
            return Route(service, "query", action, form=form)

        if service is None:
            service = "s3" if "s3" in self.services else ""
        if not service:
            raise ServiceError(
                "UnknownOperationException", "Could not determine the service of the request", 400
            )
        model = service_model(service)
        protocol = protocol_of(model)
        if protocol not in ("rest-json", "rest-xml"):
            raise ServiceError(
                "UnknownOperationException",
                f"Request to {service} names no operation (X-Amz-Target or Action)",
                400,
            )
        operation, uri_params = rest_routes.match(model, request)
        return Route(service, protocol, operation, uri_params)

    def _service_with_operation(self, action: str) -> str:
        for name in self.services:
            if action in service_model(name).operation_names:
                return name
        raise ServiceError("InvalidAction", f"The action {action} is not valid for this endpoint.", 400)
