"""botocore's protocol test vectors for rest-json and rest-xml, read the server's way round.

Input vectors: the serialized request must route to the operation and parse back to "params".
Output vectors: our serializer given "result" (or the error) must produce a response that
botocore parses back to it. Vectors live outside the repo; the tests skip without them."""

from __future__ import annotations

import copy
import json
import math
from calendar import timegm
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import pytest
from botocore.awsrequest import HeadersDict
from botocore.model import OperationModel, ServiceModel, Shape
from botocore.parsers import create_parser
from botocore.utils import parse_timestamp
from vectors import VECTORS

from cloudlet import protocol
from cloudlet.errors import ServiceError
from cloudlet.protocol import rest_routes
from cloudlet.protocol.http import Headers, HttpRequest

PROTOCOLS = ("rest-json", "rest-xml")

# Cases a server cannot or need not honour, beyond botocore's own ignore list.
SKIPPED = {
    # botocore sends a jsonvalue header as base64 JSON of the value, not of its text.
    "MediaTypeHeaderInputBase64": "botocore's jsonvalue headers carry a JSON value",
    # The client drops the map entry a named member shadows; the server never sees it.
    "RestJsonQueryPrecedence": "shadowed map value never reaches the server",
    "RestXmlQueryPrecedence": "shadowed map value never reaches the server",
    # The idempotency token is filled in by the client; the server sees whatever was sent.
    "RestJsonQueryIdempotencyTokenAutoFill": "client fills idempotency tokens",
    "QueryIdempotencyTokenAutoFill": "client fills idempotency tokens",
    # An empty header prefix also captures the request-id header every response carries.
    "HttpPrefixHeadersResponse": "empty header prefix collects our own headers",
    "legacy-output-rest-json-9-0": "empty or x- header prefix collects our own headers",
    # SDK_UNKNOWN_MEMBER is how a client reports a union member it does not know.
    "legacy-output-rest-xml-16-2": "client-side placeholder for unknown union members",
    "legacy-output-rest-json-17-2": "client-side placeholder for unknown union members",
    # The client sends a default Content-Type that a server cannot tell from a member value.
    "legacy-input-rest-json-25-7": "client default Content-Type reads as the member",
    # Event streams (S3 SelectObjectContent) are not written by this codec.
    "legacy-output-rest-xml-14-0": "event streams not supported",
    "legacy-output-rest-xml-14-1": "event streams not supported",
    "legacy-output-rest-xml-14-2": "event streams not supported",
}


def _ignored(direction: str) -> tuple[set[str], set[str]]:
    """botocore's ignore list: suites of client behaviour, and cases its own parser fails.
    Input vectors do not pass through botocore here, so only its suites apply to them."""
    path = VECTORS / "protocol-tests-ignore-list.json"
    if not path.exists():
        return set(), set()
    data = json.loads(path.read_text())
    suites = set(data["general"].get(direction, {}).get("suites", []))
    cases: set[str] = set()
    if direction == "output":
        for name in PROTOCOLS:
            cases.update(data["protocols"].get(name, {}).get(direction, {}).get("cases", []))
    return suites, cases


def _cases(direction: str) -> list[Any]:
    ignored_suites, ignored_cases = _ignored(direction)
    params = []
    for folder in (VECTORS / direction, VECTORS / "legacy" / direction):
        for name in PROTOCOLS:
            path = folder / f"{name}.json"
            if not path.exists():
                continue
            for index, suite in enumerate(json.loads(path.read_text())):
                if suite["description"] in ignored_suites:
                    continue
                for number, case in enumerate(suite["cases"]):
                    # Only the legacy vectors lack ids.
                    ident = case.get("id") or f"legacy-{direction}-{name}-{index}-{number}"
                    marks = []
                    if ident in ignored_cases:
                        marks.append(pytest.mark.skip(reason="in botocore's ignore list"))
                    elif ident in SKIPPED:
                        marks.append(pytest.mark.skip(reason=SKIPPED[ident]))
                    params.append(pytest.param(suite, case, id=f"{name}:{ident}", marks=marks))
    if not params:
        params.append(pytest.param(None, None, marks=pytest.mark.skip(reason="no protocol vectors here")))
    return params


def _model(suite: dict[str, Any], case: dict[str, Any]) -> tuple[ServiceModel, OperationModel]:
    description = copy.deepcopy({k: v for k, v in suite.items() if k != "cases"})
    name = case["given"].get("name", "OperationName")
    description["operations"] = {name: copy.deepcopy(case["given"])}
    model = ServiceModel(description, service_name="vectors")
    return model, model.operation_model(name)


# -- comparison --------------------------------------------------------------------------------


def normalize(shape: Shape | None, value: Any) -> Any:
    """A params/result value in one comparable form: epoch floats, bytes, NaN as text."""
    if value is None or shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and not shape.metadata.get("document"):
        out = {}
        for name, item in value.items():
            member = shape.members.get(name)  # type: ignore[attr-defined]
            normalized = normalize(member, item)
            # An empty header-prefix map, query map or query list puts nothing on the wire.
            unsent = normalized in ({}, []) and member.serialization.get("location") in (
                "headers",
                "querystring",
                "header",
            )
            if normalized is not None and not unsent:
                out[name] = normalized
        return out
    if kind == "list":
        return [normalize(shape.member, item) for item in value]  # type: ignore[attr-defined]
    if kind == "map":
        return {k: normalize(shape.value, v) for k, v in value.items()}  # type: ignore[attr-defined]
    if kind == "timestamp":
        return _epoch(value)
    if kind == "blob":
        return value.encode() if isinstance(value, str) else bytes(value)
    if kind in ("float", "double"):
        return "NaN" if math.isnan(float(value)) else float(value)
    return value


def _epoch(value: Any) -> float:
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.timestamp()
    if isinstance(value, int | float):
        return float(value)
    return float(timegm(parse_timestamp(value).utctimetuple()))


# -- input: request -> params ------------------------------------------------------------------


def _request(serialized: dict[str, Any], operation: OperationModel) -> HttpRequest:
    path, _, query = serialized["uri"].partition("?")
    headers = Headers((name, str(value)) for name, value in serialized.get("headers", {}).items())
    return HttpRequest(
        method=serialized.get("method") or operation.http.get("method", "POST"),
        path=unquote(path),
        raw_path=path,
        query_string=query,
        headers=headers,
        body=serialized.get("body", "").encode("utf-8"),
        host=serialized.get("host", "example.com"),
    )


@pytest.mark.parametrize(("suite", "case"), _cases("input"))
def test_input_vector(suite: dict[str, Any], case: dict[str, Any]) -> None:
    model, operation = _model(suite, case)
    request = _request(case["serialized"], operation)
    name, uri_params = rest_routes.match(model, request)
    assert name == operation.name
    parsed = protocol.parse_request(suite["metadata"]["protocol"], operation, request, uri_params)
    shape = operation.input_shape
    expected = normalize(shape, case["params"]) if shape is not None else {}
    actual = _drop_empty_payload(shape, normalize(shape, parsed))
    assert actual == _unechoed(shape, _drop_empty_payload(shape, expected))


def _drop_empty_payload(shape: Shape | None, params: dict[str, Any]) -> dict[str, Any]:
    """An absent and an empty payload are the same bytes on the wire (botocore sends `{}`
    for an absent rest-json structure payload)."""
    payload = shape.serialization.get("payload") if shape is not None else None
    if payload and params.get(payload) in (b"", "", {}):
        return {k: v for k, v in params.items() if k != payload}
    return params


def _unechoed(shape: Shape | None, params: dict[str, Any]) -> dict[str, Any]:
    """A query map holds only the keys no named member claims: a key the client put into the
    map as well as into a member reaches the server once, as the member."""
    if shape is None:
        return params
    members = shape.members  # type: ignore[attr-defined]
    bound = {
        m.serialization.get("name", n)
        for n, m in members.items()
        if m.serialization.get("location") == "querystring" and m.type_name != "map"
    }
    out = dict(params)
    for name, member in members.items():
        if (
            name in out
            and member.serialization.get("location") == "querystring"
            and member.type_name == "map"
        ):
            kept = {k: v for k, v in out[name].items() if k not in bound}
            if kept:
                out[name] = kept
            else:
                del out[name]
    return out


# -- output: result -> response ----------------------------------------------------------------


def _compliance_timestamp(value: str) -> float:
    seconds = parse_timestamp(value).timestamp()
    return int(seconds) if seconds == int(seconds) else seconds


def _bytes_to_str(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, dict):
        return {k: _bytes_to_str(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_bytes_to_str(v) for v in value]
    return value


def _nan_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _nan_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nan_safe(v) for v in value]
    return value


@pytest.mark.parametrize(("suite", "case"), _cases("output"))
def test_output_vector(suite: dict[str, Any], case: dict[str, Any]) -> None:
    model, operation = _model(suite, case)
    name = suite["metadata"]["protocol"]
    if "error" in case:
        response = _error_response(name, model, operation, case)
    else:
        response = protocol.serialize_result(name, operation, copy.deepcopy(case["result"]), "rid")
    raw = {
        "status_code": response.status,
        "headers": HeadersDict(response.headers.items()),
        "body": response.body,
        "context": {"operation_name": operation.name},
    }
    parser = create_parser(name)
    parser._timestamp_parser = _compliance_timestamp  # type: ignore[attr-defined]
    parsed = parser.parse(raw, operation.output_shape)
    if "error" in case:
        shape = model.shape_for_error_code(parsed["Error"]["Code"])
        if shape is not None:
            parsed.update(parser.parse(raw, shape))
        parsed["Error"] = {k: v for k, v in parsed["Error"].items() if k in ("Code", "Message")}
        expected = {"Error": {"Code": case.get("errorCode", ""), "Message": case.get("errorMessage", "")}}
        expected.update(case["error"])
    else:
        expected = case["result"]
    parsed.pop("ResponseMetadata", None)
    assert _nan_safe(_bytes_to_str(parsed)) == _nan_safe(expected)


def _error_response(name: str, model: ServiceModel, operation: OperationModel, case: dict[str, Any]) -> Any:
    fields = dict(case["error"])
    message = case.get("errorMessage", "")
    for key in ("Message", "message"):
        fields.pop(key, None)
    error = ServiceError(case["errorCode"], message, case["response"]["status_code"], fields=fields)
    return protocol.serialize_error(name, model, operation, error, "rid")
