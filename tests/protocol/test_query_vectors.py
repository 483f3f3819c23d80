"""botocore's query protocol test vectors, read in reverse.

Input vectors: the form a client sends must parse back to the params it was built from.
Output vectors: given the result (or error), our XML must parse, with botocore, back to it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from botocore.model import OperationModel
from botocore.parsers import create_parser
from roundtrip import botocore_view
from vectors import cases, error_round_trip, normalize, operation, request

from cloudlet.protocol.parsers import query as query_parser
from cloudlet.protocol.serializers import query as query_serializer

FILES = ("query",)

# Cases a server need not (or cannot) reverse. botocore's protocol-tests-ignore-list.json is not
# applied: it records where botocore the client deviates, and reversed those cases pass.
SKIPPED = {
    "SDKAppliedContentEncoding_awsQuery": "the vector omits the gzipped body (test_query_roundtrip covers gzip)",
    "SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsQuery": "the vector omits the gzipped body",
    # The token is the SDK's invention; a server sees it as a param like any other.
    "QueryProtocolIdempotencyTokenAutoFill": "the SDK fills the token the params leave out",
    "QueryEmptyQueryMaps": "an empty map leaves nothing on the wire",
    # botocore names a flattened list's elements after the list's member (`item`), Smithy after
    # the structure member; we follow botocore, whose models (SQS, SNS) are written for it.
    "QueryXmlLists": "flattened list with a member locationName: botocore's reading, not Smithy's",
}


@pytest.mark.parametrize(("suite", "case"), cases("input", FILES, SKIPPED, prefix_ids=False))
def test_input_vector_parses_back_to_params(suite: dict[str, Any], case: dict[str, Any]) -> None:
    parsed = query_parser.parse(operation(suite, case), request(case), {})
    assert normalize(parsed) == normalize(case["params"])


@pytest.mark.parametrize(("suite", "case"), cases("output", FILES, SKIPPED, prefix_ids=False))
def test_output_vector_serializes_to_what_botocore_parses(
    suite: dict[str, Any], case: dict[str, Any]
) -> None:
    op = operation(suite, case)
    if "error" in case:
        _assert_error_round_trip(op, case)
        return
    response = query_serializer.serialize(op, copy.deepcopy(case["result"]), "req-1")
    assert response.headers["Content-Type"] == "text/xml"
    parsed = create_parser("query").parse(botocore_view(response), op.output_shape)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "req-1"
    assert normalize(parsed) == normalize(case["result"])


def _assert_error_round_trip(op: OperationModel, case: dict[str, Any]) -> None:
    response, parsed, modeled = error_round_trip("query", query_serializer.serialize_error, op, case)
    assert response.status == case["response"]["status_code"]
    assert parsed["Error"]["Code"] == case["errorCode"]
    assert (parsed["Error"].get("Message") or "") == case.get("errorMessage", "")
    assert parsed["Error"]["Type"] == "Sender"
    assert parsed["ResponseMetadata"]["RequestId"] == "req-1"
    assert normalize(modeled) == normalize(case["error"])
