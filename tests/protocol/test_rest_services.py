"""Round trips through real service models, botocore as the oracle.

Requests: botocore's serializer writes a request from sample params for every operation of
S3, Lambda, Scheduler and API Gateway; it must route back to that operation (S3: path and
virtual-hosted style) and parse back to the params. Responses: our serializer writes a
sample result; botocore's parser must read it back. Errors: Code, Message and status."""

from __future__ import annotations

import io
import math
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote
from xml.etree.ElementTree import fromstring

import pytest
from botocore.awsrequest import HeadersDict
from botocore.model import OperationModel, Shape
from botocore.parsers import create_parser
from botocore.response import StreamingBody
from botocore.serialize import create_serializer
from botocore.utils import percent_encode_sequence

from cloudlet import protocol
from cloudlet.errors import ServiceError
from cloudlet.protocol import rest_routes
from cloudlet.protocol.http import Headers, HttpRequest, HttpResponse
from cloudlet.protocol.specs import protocol_of, service_model

SERVICES = ("s3", "lambda", "scheduler", "apigateway")
MOMENT = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
BUCKET = "my-bucket"
KEY = "dir/some key+%.txt"

# Operations whose requests are byte-for-byte those of another: the server picks one.
S3_ALIASES = {
    "ListDirectoryBuckets": "ListBuckets",  # S3 Express directory buckets: same GET /
    "GetBucketLifecycle": "GetBucketLifecycleConfiguration",  # deprecated twin
    "PutBucketLifecycle": "PutBucketLifecycleConfiguration",
    "GetBucketNotification": "GetBucketNotificationConfiguration",
    "PutBucketNotification": "PutBucketNotificationConfiguration",
}

# The deprecated NotificationConfigurationDeprecated names a member `Event` and a flattened
# list `Events` of `<Event>` alike: no reader can tell them apart (botocore neither).
AMBIGUOUS_REQUESTS = {("s3", "PutBucketNotification")}
AMBIGUOUS_RESPONSES = {("s3", "GetBucketNotification")}


# -- samples -----------------------------------------------------------------------------------


def sample(shape: Shape, name: str = "value", depth: int = 0, required_only: bool = False) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _sample_structure(shape, depth, required_only)
    if kind == "list":
        item = sample(shape.member, name, depth + 1)  # type: ignore[attr-defined]
        return None if item is None else [item]
    if kind == "map":
        item = sample(shape.value, name, depth + 1)  # type: ignore[attr-defined]
        return None if item is None else {"key1": item}
    if kind == "string":
        if shape.serialization.get("jsonvalue"):
            return {"answer": [42, "yes"]}
        enum = shape.metadata.get("enum")
        return enum[0] if enum else {"Bucket": BUCKET, "Key": KEY}.get(name, f"{name}-text")
    if kind == "timestamp":
        return MOMENT
    if kind == "blob":
        return b"blob \x00\xff data"
    if kind in ("integer", "long"):
        return 200 if shape.serialization.get("location") == "statusCode" else 7
    if kind in ("float", "double"):
        return 1.5
    if kind == "boolean":
        return True
    return f"{name}-text"


def _sample_structure(shape: Shape, depth: int, required_only: bool) -> Any:
    if shape.metadata.get("document"):
        return {"doc": [1, "two"]}
    if depth > 8:
        return None
    wanted = set(shape.required_members) if required_only else None  # type: ignore[attr-defined]
    out = {}
    for name, member in shape.members.items():  # type: ignore[attr-defined]
        if member.serialization.get("eventstream") or (wanted is not None and name not in wanted):
            continue
        value = sample(member, name, depth + 1)
        if value is not None:
            out[name] = value
            if shape.metadata.get("union"):
                break
    return out


# -- comparison --------------------------------------------------------------------------------


def normalize(shape: Shape | None, value: Any) -> Any:
    if value is None or shape is None:
        return value
    kind = shape.type_name
    if kind == "structure" and not shape.metadata.get("document"):
        members = shape.members  # type: ignore[attr-defined]
        return {k: normalize(members[k], v) for k, v in value.items() if k in members and v is not None}
    if kind == "list":
        return [normalize(shape.member, v) for v in value]  # type: ignore[attr-defined]
    if kind == "map":
        return {k: normalize(shape.value, v) for k, v in value.items()}  # type: ignore[attr-defined]
    if kind == "timestamp":
        return value.timestamp() if isinstance(value, datetime) else float(value)
    if kind == "blob":
        if hasattr(value, "read"):
            value = value.read()
        return value.encode() if isinstance(value, str) else bytes(value)
    if kind in ("float", "double"):
        return "NaN" if math.isnan(value) else float(value)
    return value


# -- requests ----------------------------------------------------------------------------------


def http_request(
    operation: OperationModel, params: dict[str, Any], virtual_host: bool = False
) -> HttpRequest:
    """botocore's serialized request for params, as the gateway would hand it to us."""
    serializer = create_serializer(protocol_of(operation.service_model), include_validation=False)
    serialized = serializer.serialize_to_request(params, operation)
    path, _, literal_query = serialized["url_path"].partition("?")
    query = percent_encode_sequence(serialized["query_string"]) if serialized["query_string"] else ""
    body = serialized["body"]
    host = "localhost:4566"
    if virtual_host:
        bucket = params["Bucket"]
        assert path.startswith(f"/{bucket}")
        path = path[len(bucket) + 1 :] or "/"
        host = f"{bucket}.s3.localhost.localstack.cloud:4566"
    return HttpRequest(
        method=serialized["method"],
        path=unquote(path),
        raw_path=path,
        query_string="&".join(part for part in (literal_query, query) if part),
        headers=Headers((name, str(value)) for name, value in serialized["headers"].items()),
        body=body.encode("utf-8") if isinstance(body, str) else bytes(body or b""),
        host=host,
    )


def _operations(services: tuple[str, ...]) -> list[Any]:
    return [
        pytest.param(name, op, id=f"{name}.{op}")
        for name in services
        for op in service_model(name).operation_names
    ]


def _without_empty_payload(operation: OperationModel, params: dict[str, Any]) -> dict[str, Any]:
    payload = operation.input_shape.serialization.get("payload") if operation.input_shape else None
    return {k: v for k, v in params.items() if not (k == payload and v in (b"", ""))}


@pytest.mark.parametrize(("service", "name"), _operations(SERVICES))
def test_request_round_trip(service: str, name: str) -> None:
    if (service, name) in AMBIGUOUS_REQUESTS:
        pytest.skip("Event and Events share an element name")
    model = service_model(service)
    operation = model.operation_model(name)
    params = sample(operation.input_shape) if operation.input_shape is not None else {}
    request = http_request(operation, params)
    routed, uri_params = rest_routes.match(model, request)
    assert routed == (S3_ALIASES.get(name, name) if service == "s3" else name)
    parsed = protocol.parse_request(protocol_of(model), operation, request, uri_params)
    shape = operation.input_shape
    assert normalize(shape, _without_empty_payload(operation, parsed)) == normalize(shape, params)


@pytest.mark.parametrize(("service", "name"), _operations(SERVICES))
def test_minimal_request_routes(service: str, name: str) -> None:
    model = service_model(service)
    operation = model.operation_model(name)
    shape = operation.input_shape
    params = sample(shape, required_only=True) if shape is not None else {}
    routed, _ = rest_routes.match(model, http_request(operation, params))
    assert routed == (S3_ALIASES.get(name, name) if service == "s3" else name)


@pytest.mark.parametrize(("service", "name"), _operations(("s3",)))
def test_s3_virtual_host_routes(service: str, name: str) -> None:
    model = service_model(service)
    operation = model.operation_model(name)
    shape = operation.input_shape
    if shape is None or "Bucket" not in shape.members:
        pytest.skip("no bucket in the request")
    params = sample(shape, required_only=True)
    request = http_request(operation, params, virtual_host=True)
    routed, uri_params = rest_routes.match(model, request)
    assert routed == S3_ALIASES.get(name, name)
    assert uri_params["Bucket"] == BUCKET
    if "Key" in uri_params:
        assert uri_params["Key"] == KEY


# -- responses ---------------------------------------------------------------------------------


def botocore_parse(operation: OperationModel, response: HttpResponse, shape: Shape | None) -> dict[str, Any]:
    raw = {
        "status_code": response.status,
        "headers": HeadersDict(response.headers.items()),
        "body": response.body,
        "context": {"operation_name": operation.name},
    }
    if operation.has_streaming_output and response.status < 300:
        # As botocore's endpoint hands a streaming body to the parser.
        raw["body"] = StreamingBody(io.BytesIO(response.body), len(response.body))
    parsed: dict[str, Any] = create_parser(protocol_of(operation.service_model)).parse(raw, shape)
    return parsed


@pytest.mark.parametrize(("service", "name"), _operations(SERVICES))
def test_response_round_trip(service: str, name: str) -> None:
    if (service, name) in AMBIGUOUS_RESPONSES:
        pytest.skip("Event and Events share an element name")
    operation = service_model(service).operation_model(name)
    shape = operation.output_shape
    if shape is None:
        response = protocol.serialize_result(protocol_of(operation.service_model), operation, {}, "req-1")
        assert response.status < 300
        return
    if any(m.serialization.get("eventstream") for m in shape.members.values()):
        pytest.skip("event streams are not written by this codec")
    result = sample(shape)
    response = protocol.serialize_result(protocol_of(operation.service_model), operation, result, "req-1")
    parsed = botocore_parse(operation, response, shape)
    metadata = parsed.pop("ResponseMetadata")
    assert metadata["RequestId"] == "req-1"
    if (service, name) == ("s3", "GetBucketLocation"):
        # botocore reads this one by hand (handlers.parse_get_bucket_location).
        parsed["LocationConstraint"] = fromstring(response.body).text
    assert normalize(shape, parsed) == normalize(shape, result)


@pytest.mark.parametrize("service", SERVICES)
def test_modeled_errors_round_trip(service: str) -> None:
    model = service_model(service)
    operation = model.operation_model(model.operation_names[0])
    for shape in model.error_shapes:
        status = int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
        error = ServiceError(shape.name, f"{shape.name} <happened> & more", status)
        response = protocol.serialize_error(protocol_of(model), model, operation, error, "req-2")
        parsed = botocore_parse(operation, response, operation.output_shape)
        assert response.status == status
        assert parsed["Error"]["Code"] == shape.error_code
        assert parsed["Error"]["Message"] == error.message
        assert parsed["ResponseMetadata"]["RequestId"] == "req-2"
