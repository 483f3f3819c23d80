"""botocore's json protocol test vectors, read in reverse.

Input vectors: the request a client sends must parse back to the params it was built from.
Output vectors: given the result (or error), our response must parse, with botocore, back to it."""

from __future__ import annotations

import copy
import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import HeadersDict
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import Headers, HttpRequest, HttpResponse
from cloudlet.protocol.parsers import json as json_parser
from cloudlet.protocol.serializers import json as json_serializer

VECTORS = Path(__file__).parents[2].parent / "shared" / "data" / "botocore-protocol-tests"
FILES = ("json", "json_1_0", "json_1_0-query-compatible")

# Cases a server need not (or cannot) reverse. botocore's protocol-tests-ignore-list.json is not
# applied: it records where botocore the client deviates, and reversed those cases pass.
SKIPPED = {
    "AwsJson11StructuresDontSerializeNullValues": "a null member is an absent one for a server",
    **dict.fromkeys(
        (
            "SDKAppliedContentEncoding_awsJson1_0",
            "SDKAppliedContentEncoding_awsJson1_1",
            "SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_0",
            "SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_1",
        ),
        "the vector omits the gzipped body (test_json_roundtrip covers gzip)",
    ),
}


def _cases(direction: str) -> list[Any]:
    params = []
    for name in FILES:
        path = VECTORS / direction / f"{name}.json"
        if not path.exists():
            continue
        for suite in json.loads(path.read_text()):
            for case in suite["cases"]:
                reason = SKIPPED.get(case["id"])
                marks = [pytest.mark.skip(reason=reason)] if reason else []
                params.append(pytest.param(suite, case, id=f"{name}:{case['id']}", marks=marks))
    if not params:
        params.append(pytest.param(None, None, marks=pytest.mark.skip(reason=f"no vectors at {VECTORS}")))
    return params


def _operation(suite: dict[str, Any], case: dict[str, Any]) -> OperationModel:
    description = copy.deepcopy({key: value for key, value in suite.items() if key != "cases"})
    description["operations"] = {case["given"]["name"]: case["given"]}
    return ServiceModel(description, service_name="protocoltests").operation_model(case["given"]["name"])


def normalize(value: Any) -> Any:
    """Both sides in the vectors' notation: epoch numbers, text blobs, special floats as strings."""
    if isinstance(value, dict):
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalize(item) for item in value]
    if isinstance(value, datetime):
        return round(value.timestamp(), 3)
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    return value


def botocore_view(response: HttpResponse) -> dict[str, Any]:
    return {
        "status_code": response.status,
        "headers": HeadersDict(dict(response.headers.items())),
        "body": response.body,
    }


@pytest.mark.parametrize(("suite", "case"), _cases("input"))
def test_input_vector_parses_back_to_params(suite: dict[str, Any], case: dict[str, Any]) -> None:
    operation = _operation(suite, case)
    serialized = case["serialized"]
    request = HttpRequest(
        method=serialized.get("method", "POST"),
        path=serialized.get("uri", "/"),
        headers=Headers(serialized.get("headers", {}).items()),
        body=serialized.get("body", "").encode(),
    )
    assert normalize(json_parser.parse(operation, request, {})) == normalize(case["params"])


@pytest.mark.parametrize(("suite", "case"), _cases("output"))
def test_output_vector_serializes_to_what_botocore_parses(
    suite: dict[str, Any], case: dict[str, Any]
) -> None:
    operation = _operation(suite, case)
    parser = create_parser("json")
    if "error" in case:
        _assert_error_round_trip(operation, case)
        return
    response = json_serializer.serialize(operation, copy.deepcopy(case["result"]), "req-1")
    assert response.headers["Content-Type"] == f"application/x-amz-json-{operation.metadata['jsonVersion']}"
    parsed = parser.parse(botocore_view(response), operation.output_shape)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "req-1"
    assert normalize(parsed) == normalize(case["result"])


def _assert_error_round_trip(operation: OperationModel, case: dict[str, Any]) -> None:
    shape = operation.service_model.shape_for(case["given"]["errors"][0]["shape"])
    fields = {key: value for key, value in case["error"].items() if key.lower() != "message"}
    status = case["response"]["status_code"]
    error = ServiceError(shape.name, case.get("errorMessage", ""), status, fields=fields)
    response = json_serializer.serialize_error(operation.service_model, operation, error, "req-1")
    assert response.status == status
    parser = create_parser("json")
    parsed = parser.parse(botocore_view(response), operation.output_shape)
    assert (parsed["Error"]["Code"], parsed["Error"]["Message"]) == (
        case["errorCode"],
        case.get("errorMessage", ""),
    )
    assert parsed["ResponseMetadata"]["RequestId"] == "req-1"
    modeled = parser.parse(botocore_view(response), shape)
    modeled.pop("ResponseMetadata", None)
    assert normalize(modeled) == normalize(case["error"])
