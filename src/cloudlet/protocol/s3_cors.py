"""S3 CORS: preflight OPTIONS answered from the bucket's CORS configuration, and the
Access-Control-* headers added to the answer of a request that carries an Origin header.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html

Requests without an Origin header (every SDK call) are untouched. The server calls this
before routing (OPTIONS never names an operation) and after the gateway answered."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, Protocol, runtime_checkable

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import HttpRequest, HttpResponse
from cloudlet.protocol.rest_routes import path_style
from cloudlet.protocol.routing import credential_scope

VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
NOT_ALLOWED = (
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin,"
    " request method / Access-Control-Request-Method or Access-Control-Request-Headers are not"
    " whitelisted by the resource's CORS spec."
)


@runtime_checkable
class CorsRules(Protocol):
    def cors_rules(self, bucket: str) -> list[dict[str, Any]] | None:
        """The bucket's CORSRules (None when it has no CORS configuration); raises
        ServiceError NoSuchBucket for a bucket that does not exist."""
        ...


def is_preflight(request: HttpRequest) -> bool:
    return request.method == "OPTIONS"


def _source(providers: Mapping[str, object]) -> CorsRules | None:
    s3 = providers.get("s3")
    return s3 if isinstance(s3, CorsRules) else None


def preflight(
    request: HttpRequest, providers: Mapping[str, object], error: Callable[[ServiceError], HttpResponse]
) -> HttpResponse:
    """OPTIONS /bucket[/key]: 200 with the matching rule's headers, else S3's 400/403."""
    source = _source(providers)
    try:
        origin = request.headers.get("origin")
        if not origin:
            raise ServiceError("BadRequest", "Insufficient information. Origin request header needed.", 400)
        method = request.headers.get("access-control-request-method")
        if not method:
            raise ServiceError("BadRequest", "Invalid Access-Control-Request-Method: null", 400)
        requested = _header_list(request.headers.get("access-control-request-headers") or "")
        bucket = _bucket(request)
        try:
            rules = source.cors_rules(bucket) if bucket and source is not None else None
        except ServiceError:
            raise ServiceError("AccessForbidden", "CORSResponse: Bucket not found", 403) from None
        if rules is None:
            raise ServiceError("AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.", 403)
        rule = _matching_rule(rules, origin, method, requested)
        if rule is None:
            raise ServiceError("AccessForbidden", NOT_ALLOWED, 403)
    except ServiceError as failure:
        return error(failure)
    response = HttpResponse(200)
    _add_headers(response, rule, origin)
    if requested:
        response.headers.add("Access-Control-Allow-Headers", ", ".join(requested))
    return response


def decorate(request: HttpRequest, response: HttpResponse, providers: Mapping[str, object]) -> None:
    """An S3 request with an Origin header: the Access-Control-* headers of the first rule
    that allows its origin and method, if any. Nothing to do (one lookup) without Origin."""
    origin = request.headers.get("origin")
    if not origin or request.method == "OPTIONS" or not _is_s3(request):
        return
    source = _source(providers)
    bucket = _bucket(request)
    try:
        rules = source.cors_rules(bucket) if bucket and source is not None else None
    except ServiceError:
        return
    rule = _matching_rule(rules or [], origin, request.method, [])
    if rule is not None:
        _add_headers(response, rule, origin)


def _add_headers(response: HttpResponse, rule: dict[str, Any], origin: str) -> None:
    anyone = "*" in (rule.get("AllowedOrigins") or [])
    headers = response.headers
    headers.add("Access-Control-Allow-Origin", "*" if anyone else origin)
    headers.add("Access-Control-Allow-Methods", ", ".join(rule.get("AllowedMethods") or []))
    if rule.get("ExposeHeaders"):
        headers.add("Access-Control-Expose-Headers", ", ".join(rule["ExposeHeaders"]))
    if rule.get("MaxAgeSeconds") is not None:
        headers.add("Access-Control-Max-Age", str(rule["MaxAgeSeconds"]))
    if not anyone:
        headers.add("Access-Control-Allow-Credentials", "true")
    headers.add("Vary", VARY)


def _matching_rule(
    rules: list[dict[str, Any]], origin: str, method: str, requested: list[str]
) -> dict[str, Any] | None:
    """The first rule allowing the origin, the method and every requested header."""
    for rule in rules:
        if method not in (rule.get("AllowedMethods") or []):
            continue
        if not any(_pattern(p, False).fullmatch(origin) for p in rule.get("AllowedOrigins") or []):
            continue
        allowed = [_pattern(p, True) for p in rule.get("AllowedHeaders") or []]
        if all(any(p.fullmatch(name) for p in allowed) for name in requested):
            return rule
    return None


@lru_cache(maxsize=256)
def _pattern(text: str, ignore_case: bool) -> re.Pattern[str]:
    """An AllowedOrigin/AllowedHeader: literal text with '*' matching anything."""
    regex = ".*".join(re.escape(part) for part in text.split("*"))
    return re.compile(regex, re.IGNORECASE if ignore_case else 0)


def _header_list(text: str) -> list[str]:
    return [name.strip().lower() for name in text.split(",") if name.strip()]


def _bucket(request: HttpRequest) -> str:
    path = path_style(request.host, request.raw_path or request.path)
    return path.lstrip("/").split("/", 1)[0].split("?", 1)[0]


def _is_s3(request: HttpRequest) -> bool:
    """Signed for s3, or anonymous and not another service's call."""
    if "x-amz-target" in request.headers:
        return False
    scope = credential_scope(request)
    if scope is not None:
        return scope.service == "s3"
    return "Action=" not in request.query_string
