"""REST URI matching: (model, request) -> (operation name, uri params).

Every operation's `http.requestUri` becomes a route: literal segments, `{Label}` (one path
segment) and greedy `{Label+}` (the rest of the path), plus the query keys the URI requires
(`?uploads`, `?list-type=2`). Routes are tried most specific first: more literal segments,
fewer greedy labels, more required query keys, then more required query/header members of
the input (S3's UploadPart vs PutObject, ListParts vs GetObject), then non-deprecated
operations. A route whose required members are absent still matches when nothing better
does, so the operation itself can report the missing parameter. No route: S3 answers
405 MethodNotAllowed (every S3 path is a service, bucket or object resource), the others
404 UnknownOperationException.

S3 virtual-hosted-style requests name the bucket in the Host header; `path_style` folds it
back into the path before matching."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import parse_qsl, unquote

from botocore.model import OperationModel, ServiceModel

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import HttpRequest

_LABEL = re.compile(r"\{([^}]+)\}")
# The endpoint label of S3 hosts: s3, s3-accelerate, s3-external-1, s3-website..., s3-<region>.
_S3_LABEL = re.compile(
    r"s3(?:-accelerate|-external-1|-website(?:[.-][a-z0-9-]+)?|-[a-z]{2}(?:-gov)?-[a-z]+-\d+)?"
)
_BUCKET = re.compile(r"[a-z0-9][a-z0-9._-]*")


@dataclass(frozen=True)
class Route:
    operation: str
    pattern: re.Pattern[str]
    labels: tuple[str, ...]  # label names, in the order of the pattern's groups
    query: tuple[tuple[str, str | None], ...]  # required (key, value or None for any value)
    required_query: tuple[str, ...]  # query keys of required input members
    required_headers: tuple[str, ...]  # header names (lowercase) of required input members
    specificity: tuple[int, int, int]  # what the path and query alone say: lower is better

    def matches(self, path: str, query: dict[str, str]) -> dict[str, str] | None:
        for key, value in self.query:  # cheaper than the regex, and most routes fail here
            if key not in query or (value is not None and query[key] != value):
                return None
        found = self.pattern.fullmatch(path)
        if found is None:
            return None
        return {label: unquote(text) for label, text in zip(self.labels, found.groups(), strict=True)}

    def complete(self, query: dict[str, str], request: HttpRequest) -> bool:
        return all(key in query for key in self.required_query) and all(
            name in request.headers for name in self.required_headers
        )


def match(model: ServiceModel, request: HttpRequest) -> tuple[str, dict[str, str]]:
    path = request.raw_path or request.path
    if _is_s3(model):
        path = path_style(request.host or request.headers.get("host") or "", path)
    path = path.split("?", 1)[0] or "/"
    query = dict(parse_qsl(request.query_string, keep_blank_values=True))
    hinted = query.get("x-id")  # some SDKs name the S3 operation: ?x-id=PutObject
    best: tuple[int, int, int] | None = None
    complete: tuple[str, dict[str, str]] | None = None
    partial: tuple[str, dict[str, str]] | None = None
    for route in _candidates(model, request.method.upper(), frozenset(query)):
        if best is not None and route.specificity != best and hinted is None:
            break  # routes are sorted: the rest are less specific
        params = route.matches(path, query)
        if params is None:
            continue
        if route.operation == hinted:
            return route.operation, params
        if best is None:
            best = route.specificity
        if route.specificity != best:
            continue
        if route.complete(query, request):
            if hinted is None:
                return route.operation, params
            complete = complete or (route.operation, params)
        partial = partial or (route.operation, params)
    found = complete or partial
    if found is None:
        raise _no_route(model, request.method.upper(), path)
    return found


@lru_cache(maxsize=1024)
def _candidates(model: ServiceModel, method: str, query_keys: frozenset[str]) -> tuple[Route, ...]:
    """The method's routes whose required query keys the request has, in rank order: S3 has
    dozens of routes per method told apart by their query keys (?acl, ?tagging, ...)."""
    return tuple(
        route for route in _routes(model).get(method, ()) if all(key in query_keys for key, _ in route.query)
    )


@cache
def _routes(model: ServiceModel) -> dict[str, tuple[Route, ...]]:
    ranked: dict[str, list[tuple[tuple[int, ...], Route]]] = {}
    for order, name in enumerate(model.operation_names):
        operation = model.operation_model(name)
        method = str(operation.http.get("method", "POST")).upper()
        rank, route = _route(operation, order)
        ranked.setdefault(method, []).append((rank, route))
    return {method: tuple(route for _, route in sorted(entries)) for method, entries in ranked.items()}


def _route(operation: OperationModel, order: int) -> tuple[tuple[int, ...], Route]:
    template, _, query_text = str(operation.http.get("requestUri", "/")).partition("?")
    pattern, labels, literal_segments, greedy = _compile(template)
    query = tuple(
        (key, value if value else None) for key, value in parse_qsl(query_text, keep_blank_values=True)
    )
    required_query, required_headers = _required_members(operation)
    specificity = (-literal_segments, greedy, -len(query))
    rank = (
        *specificity,
        -(len(required_query) + len(required_headers)),
        1 if operation.deprecated else 0,
        order,
    )
    route = Route(operation.name, pattern, labels, query, required_query, required_headers, specificity)
    return rank, route


def _compile(template: str) -> tuple[re.Pattern[str], tuple[str, ...], int, int]:
    """A requestUri path -> (regex over the raw path, label names, literal segments, greedy labels)."""
    if len(template) > 1:
        template = template.rstrip("/")
    parts: list[str] = []
    labels: list[str] = []
    position = 0
    greedy = 0
    for found in _LABEL.finditer(template):
        parts.append(re.escape(template[position : found.start()]))
        name = found.group(1)
        if name.endswith("+"):
            greedy += 1
            labels.append(name[:-1])
            parts.append("(.+)")
        else:
            labels.append(name)
            parts.append("([^/]+)")
        position = found.end()
    parts.append(re.escape(template[position:]))
    if not template.endswith("+}") and template != "/":
        parts.append("/?")  # tolerate a trailing slash: "/bucket/" is "/{Bucket}"
    literal = sum(1 for segment in template.split("/") if segment and "{" not in segment)
    return re.compile("".join(parts)), tuple(labels), literal, greedy


def _required_members(operation: OperationModel) -> tuple[tuple[str, ...], tuple[str, ...]]:
    shape = operation.input_shape
    if shape is None:
        return (), ()
    query: list[str] = []
    headers: list[str] = []
    for name in shape.required_members:
        member = shape.members[name]
        location = member.serialization.get("location")
        wire = str(member.serialization.get("name", name))
        if location == "querystring" and member.type_name != "map":
            query.append(wire)
        elif location == "header":
            headers.append(wire.lower())
    return tuple(query), tuple(headers)


def _is_s3(model: ServiceModel) -> bool:
    return model.service_name == "s3"


def _no_route(model: ServiceModel, method: str, path: str) -> ServiceError:
    if not _is_s3(model):
        return ServiceError("UnknownOperationException", f"No operation matches {method} {path}", 404)
    # Every S3 path names the service, a bucket or an object: only the method can be wrong.
    return ServiceError(
        "MethodNotAllowed",
        "The specified method is not allowed against this resource.",
        405,
        fields={"Method": method, "ResourceType": _s3_resource_type(path)},
    )


def _s3_resource_type(path: str) -> str:
    segments = [segment for segment in path.split("/", 2)[1:] if segment]
    return ("SERVICE", "BUCKET", "OBJECT")[min(len(segments), 2)]


# -- S3 virtual-hosted style -------------------------------------------------------------------


@lru_cache(maxsize=256)  # a server sees few distinct Host headers
def virtual_host_bucket(host: str) -> str | None:
    """The bucket a virtual-hosted-style S3 Host header names, or None (path style).

    Recognised (port ignored, case-insensitive):
    - `<bucket>.<s3 label>.<anything>`, the s3 label being `s3`, `s3-accelerate`,
      `s3-external-1`, `s3-website...` or `s3-<region>`; the rightmost s3 label counts, so
      `my.bucket.s3.localhost.localstack.cloud` is bucket `my.bucket` and
      `bucket.s3.us-east-1.amazonaws.com` is bucket `bucket`;
    - `<bucket>.localhost`, when no s3 label is present.
    Never an IP address, and never a bare endpoint (`s3.amazonaws.com`, `localhost`)."""
    name = _hostname(host)
    if not name or _is_ip(name):
        return None
    labels = name.split(".")
    s3_positions = [i for i, label in enumerate(labels) if _S3_LABEL.fullmatch(label)]
    if s3_positions:
        bucket = ".".join(labels[: s3_positions[-1]])
    elif len(labels) > 1 and labels[-1] == "localhost":
        bucket = ".".join(labels[:-1])
    else:
        return None
    return bucket if _BUCKET.fullmatch(bucket) else None


def path_style(host: str, raw_path: str) -> str:
    """The path-style form of a request path: `/key` on `bucket.s3.localhost` -> `/bucket/key`."""
    bucket = virtual_host_bucket(host)
    if bucket is None:
        return raw_path
    if not raw_path.startswith("/"):
        raw_path = "/" + raw_path
    return f"/{bucket}{raw_path}"


def _hostname(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:4566
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
