"""botocore's protocol test vectors as the test_*_vectors modules read them: where they live,
their cases as pytest params, each case's operation, and the comparisons both directions share.
Imported as `vectors` (pytest puts this folder on sys.path: it has no __init__.py)."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser
from roundtrip import botocore_view

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import Headers, HttpRequest, HttpResponse

VECTORS = Path(__file__).parents[2].parent / "shared" / "data" / "botocore-protocol-tests"

ErrorSerializer = Callable[[ServiceModel, OperationModel, ServiceError, str], HttpResponse]


def cases(direction: str, files: Iterable[str], skipped: Mapping[str, str], *, prefix_ids: bool) -> list[Any]:
    """(suite, case) params from VECTORS/<direction>/<file>.json, cases in `skipped` marked to
    skip with its reason; ids are the case ids, behind "<file>:" when `prefix_ids`."""
    params = []
    for name in files:
        path = VECTORS / direction / f"{name}.json"
        if not path.exists():
            continue
        for suite in json.loads(path.read_text()):
            for case in suite["cases"]:
                reason = skipped.get(case["id"])
                marks = [pytest.mark.skip(reason=reason)] if reason else []
                ident = f"{name}:{case['id']}" if prefix_ids else case["id"]
                params.append(pytest.param(suite, case, id=ident, marks=marks))
    if not params:
        params.append(pytest.param(None, None, marks=pytest.mark.skip(reason=f"no vectors at {VECTORS}")))
    return params


def operation(suite: dict[str, Any], case: dict[str, Any]) -> OperationModel:
    description = copy.deepcopy({key: value for key, value in suite.items() if key != "cases"})
    description["operations"] = {case["given"]["name"]: case["given"]}
    return ServiceModel(description, service_name="protocoltests").operation_model(case["given"]["name"])


def request(case: dict[str, Any]) -> HttpRequest:
    """An input case's serialized request, as the gateway hands it on."""
    serialized = case["serialized"]
    return HttpRequest(
        method=serialized.get("method", "POST"),
        path=serialized.get("uri", "/"),
        headers=Headers(serialized.get("headers", {}).items()),
        body=serialized.get("body", "").encode(),
    )


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


def error_round_trip(
    protocol: str, serialize_error: ErrorSerializer, operation: OperationModel, case: dict[str, Any]
) -> tuple[HttpResponse, dict[str, Any], dict[str, Any]]:
    """An output case's error through `serialize_error` and back through botocore's parser:
    the response, what botocore makes of it for the operation (Error, ResponseMetadata) and
    the error shape's members it reads (ResponseMetadata dropped). The caller asserts."""
    shape = operation.service_model.shape_for(case["given"]["errors"][0]["shape"])
    fields = {key: value for key, value in case["error"].items() if key.lower() != "message"}
    status = case["response"]["status_code"]
    error = ServiceError(shape.name, case.get("errorMessage", ""), status, fields=fields)
    response = serialize_error(operation.service_model, operation, error, "req-1")
    parser = create_parser(protocol)
    parsed = parser.parse(botocore_view(response), operation.output_shape)
    modeled = parser.parse(botocore_view(response), shape)
    modeled.pop("ResponseMetadata", None)
    return response, parsed, modeled
