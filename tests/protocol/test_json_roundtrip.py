"""json codec against botocore: its requests parse back to their params; our responses and
errors parse, with botocore, back to the results and errors we serialized."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.parsers import create_parser
from roundtrip import botocore_request, botocore_view

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import HttpRequest, HttpResponse
from cloudlet.protocol.parsers import json as json_parser
from cloudlet.protocol.serializers import json as json_serializer
from cloudlet.protocol.specs import operation_model, service_model

WHEN = datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
ITEM = {
    "pk": {"S": "user#1"},
    "n": {"N": "1.5"},
    "b": {"B": b"\x00\xff binary"},
    "bs": {"BS": [b"a", b"\x01"]},
    "m": {"M": {"l": {"L": [{"BOOL": True}, {"NULL": True}, {"SS": ["x", "y"]}, {"NS": ["1", "2"]}]}}},
}

INPUTS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "dynamodb",
        "PutItem",
        {"TableName": "t", "Item": ITEM, "ConditionExpression": "attribute_not_exists(pk)"},
    ),
    (
        "dynamodb",
        "Query",
        {
            "TableName": "t",
            "KeyConditionExpression": "pk = :v",
            "ExpressionAttributeValues": {":v": {"S": "a"}, ":b": {"B": b"\x02"}},
            "ExpressionAttributeNames": {"#n": "name"},
            "Limit": 10,
            "ScanIndexForward": False,
            "ExclusiveStartKey": {"pk": {"S": "a"}},
        },
    ),
    (
        "dynamodb",
        "TransactWriteItems",
        {
            "TransactItems": [
                {"Put": {"TableName": "t", "Item": ITEM}},
                {"Delete": {"TableName": "t", "Key": {"pk": {"S": "x"}}}},
            ]
        },
    ),
    (
        "dynamodb",
        "CreateTable",
        {
            "TableName": "t",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        },
    ),
    ("logs", "CreateLogGroup", {"logGroupName": "/aws/lambda/f", "tags": {"team": "a"}}),
    (
        "logs",
        "PutLogEvents",
        {
            "logGroupName": "g",
            "logStreamName": "s",
            "logEvents": [{"timestamp": 1714979289123, "message": "hi\n"}],
        },
    ),
    ("logs", "FilterLogEvents", {"logGroupName": "g", "startTime": 1, "filterPattern": "ERROR", "limit": 5}),
    (
        "events",
        "PutEvents",
        {
            "Entries": [
                {
                    "Time": WHEN,
                    "Source": "app",
                    "DetailType": "d",
                    "Detail": '{"a": 1}',
                    "Resources": ["arn:x"],
                }
            ]
        },
    ),
    (
        "events",
        "PutRule",
        {
            "Name": "r",
            "ScheduleExpression": "rate(1 minute)",
            "State": "ENABLED",
            "Tags": [{"Key": "k", "Value": "v"}],
        },
    ),
    (
        "events",
        "PutTargets",
        {
            "Rule": "r",
            "Targets": [
                {
                    "Id": "1",
                    "Arn": "arn:aws:sqs:us-east-1:000000000000:q",
                    "InputTransformer": {"InputPathsMap": {"a": "$.detail"}, "InputTemplate": "<a>"},
                    "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 60},
                    "SqsParameters": {"MessageGroupId": "g"},
                }
            ],
        },
    ),
]

OUTPUTS: list[tuple[str, str, dict[str, Any]]] = [
    ("dynamodb", "GetItem", {"Item": ITEM, "ConsumedCapacity": {"TableName": "t", "CapacityUnits": 0.5}}),
    (
        "dynamodb",
        "Query",
        {
            "Items": [ITEM, {"pk": {"S": "b"}}],
            "Count": 2,
            "ScannedCount": 3,
            "LastEvaluatedKey": {"pk": {"S": "b"}},
        },
    ),
    ("dynamodb", "BatchGetItem", {"Responses": {"t": [ITEM]}, "UnprocessedKeys": {}}),
    (
        "dynamodb",
        "DescribeTable",
        {
            "Table": {
                "TableName": "t",
                "TableStatus": "ACTIVE",
                "CreationDateTime": WHEN,
                "TableSizeBytes": 12345678901,
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "ProvisionedThroughput": {
                    "LastIncreaseDateTime": WHEN,
                    "ReadCapacityUnits": 0,
                    "WriteCapacityUnits": 0,
                },
                "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
            }
        },
    ),
    (
        "logs",
        "DescribeLogGroups",
        {
            "logGroups": [{"logGroupName": "g", "creationTime": 1714979289123, "retentionInDays": 7}],
            "nextToken": "n",
        },
    ),
    (
        "logs",
        "GetLogEvents",
        {"events": [{"timestamp": 1, "message": "m", "ingestionTime": 2}], "nextForwardToken": "f"},
    ),
    (
        "events",
        "PutEvents",
        {"FailedEntryCount": 1, "Entries": [{"EventId": "e1"}, {"ErrorCode": "X", "ErrorMessage": "y"}]},
    ),
    (
        "events",
        "DescribeRule",
        {"Name": "r", "Arn": "arn:r", "State": "ENABLED", "ScheduleExpression": "rate(1 minute)"},
    ),
    ("events", "ListTargetsByRule", {"Targets": [{"Id": "1", "Arn": "arn:t", "Input": "{}"}]}),
]


@pytest.mark.parametrize(("service", "operation", "params"), INPUTS, ids=[f"{s}.{o}" for s, o, _ in INPUTS])
def test_request_parses_back_to_params(service: str, operation: str, params: dict[str, Any]) -> None:
    request = botocore_request("json", service, operation, params)
    assert json_parser.parse(operation_model(service, operation), request, {}) == params


@pytest.mark.parametrize(("service", "operation", "result"), OUTPUTS, ids=[f"{s}.{o}" for s, o, _ in OUTPUTS])
def test_result_parses_back_with_botocore(service: str, operation: str, result: dict[str, Any]) -> None:
    op = operation_model(service, operation)
    response = json_serializer.serialize(op, result, "req-1")
    version = service_model(service).metadata["jsonVersion"]
    assert (response.status, response.headers["content-type"]) == (200, f"application/x-amz-json-{version}")
    parsed = create_parser("json").parse(botocore_view(response), op.output_shape)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "req-1"
    assert parsed == result


def test_timestamps_become_aware_utc_datetimes() -> None:
    request = botocore_request("json", "events", "PutEvents", {"Entries": [{"Time": WHEN}]})
    parsed = json_parser.parse(operation_model("events", "PutEvents"), request, {})
    moment = parsed["Entries"][0]["Time"]
    assert moment == WHEN and moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 0
    iso = HttpRequest("POST", "/", body=b'{"Entries": [{"Time": "2024-05-06T09:08:09.123+02:00"}]}')
    assert json_parser.parse(operation_model("events", "PutEvents"), iso, {})["Entries"][0]["Time"] == WHEN


def test_timestamps_serialize_as_epoch_seconds() -> None:
    op = operation_model("dynamodb", "DescribeTable")
    body = json.loads(json_serializer.serialize(op, {"Table": {"CreationDateTime": WHEN}}, "r").body)
    assert body == {"Table": {"CreationDateTime": 1714979289.123}}
    body = json.loads(json_serializer.serialize(op, {"Table": {"CreationDateTime": 1714979289}}, "r").body)
    assert body == {"Table": {"CreationDateTime": 1714979289}}


def test_only_modelled_members_are_serialized() -> None:
    op = operation_model("events", "PutEvents")
    result = {
        "FailedEntryCount": 0,
        "Internal": "x",
        "Entries": [{"EventId": "e", "row_id": 7}],
        "None": None,
    }
    body = json.loads(json_serializer.serialize(op, result, "r").body)
    assert body == {"FailedEntryCount": 0, "Entries": [{"EventId": "e"}]}


def test_unknown_and_null_members_are_ignored() -> None:
    request = HttpRequest("POST", "/", body=b'{"Name": "r", "Bogus": {"a": 1}, "Description": null}')
    assert json_parser.parse(operation_model("events", "PutRule"), request, {}) == {"Name": "r"}


@pytest.mark.parametrize("body", [b"", b"  ", b"{}"])
def test_an_empty_body_means_no_params(body: bytes) -> None:
    assert (
        json_parser.parse(operation_model("events", "ListRules"), HttpRequest("POST", "/", body=body), {})
        == {}
    )


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b'{"Name": 5}', b'{"Tags": {"Key": "k"}}', b'{"Tags": [5]}', b"\xff\xfe"],
    ids=[
        "malformed",
        "not-an-object",
        "number-for-string",
        "object-for-list",
        "number-for-structure",
        "not-utf8",
    ],
)
def test_malformed_bodies_are_serialization_exceptions(body: bytes) -> None:
    with pytest.raises(ServiceError) as caught:
        json_parser.parse(operation_model("events", "PutRule"), HttpRequest("POST", "/", body=body), {})
    assert (caught.value.code, caught.value.status) == ("SerializationException", 400)


def test_invalid_blob_and_timestamp_are_serialization_exceptions() -> None:
    for body in (b'{"Item": {"b": {"B": "***"}}}', b'{"Item": {"b": {"B": 5}}}'):
        with pytest.raises(ServiceError, match="SerializationException"):
            json_parser.parse(operation_model("dynamodb", "PutItem"), HttpRequest("POST", "/", body=body), {})
    with pytest.raises(ServiceError, match="SerializationException"):
        request = HttpRequest("POST", "/", body=b'{"Entries": [{"Time": "yesterday"}]}')
        json_parser.parse(operation_model("events", "PutEvents"), request, {})


def test_gzipped_body_is_decompressed() -> None:
    request = botocore_request("json", "logs", "CreateLogGroup", {"logGroupName": "g"})
    request.body = gzip.compress(request.body)
    request.headers.add("Content-Encoding", "gzip")
    assert json_parser.parse(operation_model("logs", "CreateLogGroup"), request, {}) == {"logGroupName": "g"}


def parse_error(service: str, operation: str, error: ServiceError) -> tuple[HttpResponse, dict[str, Any]]:
    op = operation_model(service, operation)
    response = json_serializer.serialize_error(service_model(service), op, error, "req-9")
    return response, create_parser("json").parse(botocore_view(response), op.output_shape)


def test_dynamodb_error_with_namespace_and_modelled_fields() -> None:
    reasons = [
        {"Code": "ConditionalCheckFailed", "Message": "no", "Item": {"pk": {"B": b"\x01"}}},
        {"Code": "None"},
    ]
    error = ServiceError(
        "TransactionCanceledException", "Transaction cancelled", fields={"CancellationReasons": reasons}
    )
    response, parsed = parse_error("dynamodb", "TransactWriteItems", error)
    body = json.loads(response.body)
    assert body["__type"] == "com.amazonaws.dynamodb.v20120810#TransactionCanceledException"
    assert response.status == 400 and response.headers["x-amzn-RequestId"] == "req-9"
    assert parsed["Error"] == {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"}
    assert parsed["ResponseMetadata"]["RequestId"] == "req-9"
    shape = service_model("dynamodb").shape_for("TransactionCanceledException")
    modelled = create_parser("json").parse(botocore_view(response), shape)
    assert modelled["CancellationReasons"] == reasons
    assert "x-amzn-query-error" not in response.headers


def test_bare_error_code_status_and_extra_headers() -> None:
    error = ServiceError(
        "ThrottlingException", "slow down", 429, sender_fault=False, headers={"Retry-After": "1"}
    )
    response, parsed = parse_error("events", "PutEvents", error)
    assert json.loads(response.body) == {"__type": "ThrottlingException", "message": "slow down"}
    assert (response.status, response.headers["retry-after"]) == (429, "1")
    assert response.headers["content-type"] == "application/x-amz-json-1.1"
    assert parsed["Error"] == {"Code": "ThrottlingException", "Message": "slow down"}


def test_unmodelled_error_fields_are_dropped() -> None:
    response, _ = parse_error("logs", "CreateLogGroup", ServiceError("Weird", "m", fields={"x": object()}))
    assert json.loads(response.body) == {"__type": "Weird", "message": "m"}
