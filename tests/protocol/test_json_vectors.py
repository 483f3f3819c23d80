"""botocore's json protocol test vectors, read in reverse.

Input vectors: the request a client sends must parse back to the params it was built from.
Output vectors: given the result (or error), our response must parse, with botocore, back to it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from botocore.model import OperationModel
from botocore.parsers import create_parser
from roundtrip import botocore_view
from vectors import cases, error_round_trip, normalize, operation, request

from cloudlet.protocol.parsers import json as json_parser
from cloudlet.protocol.serializers import json as json_serializer

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


@pytest.mark.parametrize(("suite", "case"), cases("input", FILES, SKIPPED, prefix_ids=True))
def test_input_vector_parses_back_to_params(suite: dict[str, Any], case: dict[str, Any]) -> None:
    parsed = json_parser.parse(operation(suite, case), request(case), {})
    assert normalize(parsed) == normalize(case["params"])


@pytest.mark.parametrize(("suite", "case"), cases("output", FILES, SKIPPED, prefix_ids=True))
def test_output_vector_serializes_to_what_botocore_parses(
    suite: dict[str, Any], case: dict[str, Any]
) -> None:
    op = operation(suite, case)
    if "error" in case:
        _assert_error_round_trip(op, case)
        return
    response = json_serializer.serialize(op, copy.deepcopy(case["result"]), "req-1")
    assert response.headers["Content-Type"] == f"application/x-amz-json-{op.metadata['jsonVersion']}"
    parsed = create_parser("json").parse(botocore_view(response), op.output_shape)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "req-1"
    assert normalize(parsed) == normalize(case["result"])


def _assert_error_round_trip(op: OperationModel, case: dict[str, Any]) -> None:
    response, parsed, modeled = error_round_trip("json", json_serializer.serialize_error, op, case)
    assert response.status == case["response"]["status_code"]
    assert (parsed["Error"]["Code"], parsed["Error"]["Message"]) == (
        case["errorCode"],
        case.get("errorMessage", ""),
    )
    assert parsed["ResponseMetadata"]["RequestId"] == "req-1"
    assert normalize(modeled) == normalize(case["error"])
