"""SQS speaks both protocols: json (its current model, query-compatible errors) and the
legacy 2012-11-05 query API (form names such as `Attribute.1.Name`, XML such as
`<Message>...<Attribute><Name/><Value/></Attribute></Message>`) that older SDKs still send.

The legacy side is checked here with botocore's QuerySerializer/QueryParser on the legacy
model (query_legacy.legacy_model) and botocore's QuerySerializer on the json model (the
model's member names over query); test_query_sqs_documented checks the forms and elements
the SQS API reference shows."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from roundtrip import botocore_request, botocore_view, form_request

from cloudlet.errors import ServiceError
from cloudlet.protocol import query_legacy
from cloudlet.protocol.parsers import json as json_parser
from cloudlet.protocol.parsers import query as query_parser
from cloudlet.protocol.serializers import json as json_serializer
from cloudlet.protocol.serializers import query as query_serializer
from cloudlet.protocol.specs import operation_model, service_model

QUEUE = "http://localhost:4566/000000000000/q"
SOURCE = "arn:aws:sqs:us-east-1:000000000000:dlq"
ATTRIBUTES = {
    "s": {"DataType": "String", "StringValue": "v & <w>"},
    "n": {"DataType": "Number.int", "StringValue": "15"},
    "b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
    "l": {"DataType": "String", "StringListValues": ["a", "b"]},
}

INPUTS: list[tuple[str, dict[str, Any]]] = [
    (
        "CreateQueue",
        {"QueueName": "q.fifo", "Attributes": {"FifoQueue": "true", "DelaySeconds": "0"}, "tags": {"t": ""}},
    ),
    (
        "SendMessage",
        {
            "QueueUrl": QUEUE,
            "MessageBody": "hello\r\n<&> ünï",
            "DelaySeconds": 5,
            "MessageAttributes": ATTRIBUTES,
            "MessageSystemAttributes": {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1"}},
            "MessageDeduplicationId": "d",
            "MessageGroupId": "g",
        },
    ),
    (
        "SendMessageBatch",
        {
            "QueueUrl": QUEUE,
            "Entries": [
                {"Id": "1", "MessageBody": "a", "MessageAttributes": ATTRIBUTES},
                {"Id": "2", "MessageBody": "b"},
            ],
        },
    ),
    (
        "ReceiveMessage",
        {
            "QueueUrl": QUEUE,
            "AttributeNames": ["All"],
            "MessageSystemAttributeNames": ["SentTimestamp", "SenderId"],
            "MessageAttributeNames": ["All"],
            "MaxNumberOfMessages": 10,
            "VisibilityTimeout": 0,
            "WaitTimeSeconds": 20,
            "ReceiveRequestAttemptId": "r",
        },
    ),
    ("DeleteMessage", {"QueueUrl": QUEUE, "ReceiptHandle": "rh+/="}),
    (
        "DeleteMessageBatch",
        {
            "QueueUrl": QUEUE,
            "Entries": [{"Id": "1", "ReceiptHandle": "a"}, {"Id": "2", "ReceiptHandle": "b"}],
        },
    ),
    ("ChangeMessageVisibility", {"QueueUrl": QUEUE, "ReceiptHandle": "rh", "VisibilityTimeout": 60}),
    (
        "ChangeMessageVisibilityBatch",
        {"QueueUrl": QUEUE, "Entries": [{"Id": "1", "ReceiptHandle": "rh", "VisibilityTimeout": 9}]},
    ),
    ("GetQueueAttributes", {"QueueUrl": QUEUE, "AttributeNames": ["All"]}),
    ("SetQueueAttributes", {"QueueUrl": QUEUE, "Attributes": {"RedrivePolicy": '{"maxReceiveCount":"5"}'}}),
    ("GetQueueUrl", {"QueueName": "q", "QueueOwnerAWSAccountId": "000000000000"}),
    ("ListQueues", {"QueueNamePrefix": "q", "MaxResults": 10, "NextToken": "t"}),
    ("TagQueue", {"QueueUrl": QUEUE, "Tags": {"a": "1", "b": "2"}}),
    ("UntagQueue", {"QueueUrl": QUEUE, "TagKeys": ["a", "b"]}),
    (
        "AddPermission",
        {
            "QueueUrl": QUEUE,
            "Label": "l",
            "AWSAccountIds": ["111111111111"],
            "Actions": ["SendMessage", "ReceiveMessage"],
        },
    ),
    ("RemovePermission", {"QueueUrl": QUEUE, "Label": "l"}),
    ("PurgeQueue", {"QueueUrl": QUEUE}),
    ("ListDeadLetterSourceQueues", {"QueueUrl": QUEUE, "MaxResults": 5}),
    (
        "StartMessageMoveTask",
        {"SourceArn": SOURCE, "DestinationArn": SOURCE + "2", "MaxNumberOfMessagesPerSecond": 10},
    ),
    ("ListMessageMoveTasks", {"SourceArn": SOURCE, "MaxResults": 10}),
    ("CancelMessageMoveTask", {"TaskHandle": "h"}),
]

MESSAGE = {
    "MessageId": "m1",
    "ReceiptHandle": "rh+/=",
    "MD5OfBody": "md5",
    "Body": "hello\r\n<&> ünï",
    "Attributes": {"SentTimestamp": "1714979289123", "ApproximateReceiveCount": "1"},
    "MD5OfMessageAttributes": "md5a",
    "MessageAttributes": ATTRIBUTES,
}
OUTPUTS: list[tuple[str, dict[str, Any]]] = [
    (
        "ReceiveMessage",
        {"Messages": [MESSAGE, {"MessageId": "m2", "ReceiptHandle": "r2", "MD5OfBody": "x", "Body": ""}]},
    ),
    ("ReceiveMessage", {}),
    (
        "SendMessage",
        {"MD5OfMessageBody": "a", "MD5OfMessageAttributes": "b", "MessageId": "m", "SequenceNumber": "1"},
    ),
    (
        "SendMessageBatch",
        {
            "Successful": [{"Id": "1", "MessageId": "m", "MD5OfMessageBody": "x"}],
            "Failed": [{"Id": "2", "SenderFault": True, "Code": "InvalidParameterValue", "Message": "bad"}],
        },
    ),
    ("DeleteMessageBatch", {"Successful": [{"Id": "1"}, {"Id": "2"}], "Failed": []}),
    (
        "ChangeMessageVisibilityBatch",
        {"Successful": [], "Failed": [{"Id": "2", "SenderFault": False, "Code": "c"}]},
    ),
    ("GetQueueAttributes", {"Attributes": {"QueueArn": "arn", "Policy": '{"a": "<&>"}'}}),
    ("ListQueues", {"QueueUrls": [QUEUE, QUEUE + "2"], "NextToken": "t"}),
    ("ListQueueTags", {"Tags": {"a": "1", "b": ""}}),
    ("ListDeadLetterSourceQueues", {"queueUrls": [QUEUE]}),
    ("CreateQueue", {"QueueUrl": QUEUE}),
    ("GetQueueUrl", {"QueueUrl": QUEUE}),
    (
        "ListMessageMoveTasks",
        {
            "Results": [
                {
                    "TaskHandle": "h",
                    "Status": "RUNNING",
                    "SourceArn": SOURCE,
                    "StartedTimestamp": 1714979289123,
                }
            ]
        },
    ),
    ("StartMessageMoveTask", {"TaskHandle": "h"}),
    ("CancelMessageMoveTask", {"ApproximateNumberOfMessagesMoved": 5}),
]
INPUT_IDS = [name for name, _ in INPUTS]
OUTPUT_IDS = [f"{name}-{i}" for i, (name, _) in enumerate(OUTPUTS)]


def without_empty_lists(value: Any) -> Any:
    # A flattened list without items leaves no element in XML: botocore then has no key.
    if isinstance(value, dict):
        return {key: without_empty_lists(item) for key, item in value.items() if item != []}
    if isinstance(value, list):
        return [without_empty_lists(item) for item in value]
    return value


# -- json ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("operation", "params"), INPUTS, ids=INPUT_IDS)
def test_json_request_parses_back(operation: str, params: dict[str, Any]) -> None:
    request = botocore_request("json", "sqs", operation, params)
    assert json_parser.parse(operation_model("sqs", operation), request, {}) == params


@pytest.mark.parametrize(("operation", "result"), OUTPUTS, ids=OUTPUT_IDS)
def test_json_result_parses_back(operation: str, result: dict[str, Any]) -> None:
    op = operation_model("sqs", operation)
    response = json_serializer.serialize(op, result, "req-1")
    assert response.headers["content-type"] == "application/x-amz-json-1.0"
    parsed = create_parser("json").parse(botocore_view(response), op.output_shape)
    parsed.pop("ResponseMetadata")
    assert parsed == result


def test_json_error_is_query_compatible() -> None:
    op = operation_model("sqs", "GetQueueUrl")
    error = ServiceError("QueueDoesNotExist", "The specified queue does not exist.")
    response = json_serializer.serialize_error(service_model("sqs"), op, error, "req-2")
    assert (
        response.body
        == b'{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}'
    )
    assert response.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender"
    parsed = create_parser("json").parse(botocore_view(response), op.output_shape)
    assert parsed["Error"] == {
        "Code": "AWS.SimpleQueueService.NonExistentQueue",
        "QueryErrorCode": "QueueDoesNotExist",
        "Message": "The specified queue does not exist.",
        "Type": "Sender",
    }
    assert parsed["ResponseMetadata"]["RequestId"] == "req-2"


def test_json_error_takes_the_providers_query_code() -> None:
    error = ServiceError("InvalidParameterValueException", "bad", query_code="InvalidParameterValue")
    response = json_serializer.serialize_error(service_model("sqs"), None, error, "req-3")
    parsed = create_parser("json").parse(botocore_view(response), None)
    assert (parsed["Error"]["Code"], parsed["Error"]["QueryErrorCode"]) == (
        "InvalidParameterValue",
        "InvalidParameterValueException",
    )
    error = ServiceError("InternalError", "oops", 500, sender_fault=False)
    response = json_serializer.serialize_error(service_model("sqs"), None, error, "req-4")
    assert response.headers["x-amzn-query-error"] == "InternalError;Receiver"


# -- legacy query -------------------------------------------------------------------------


@pytest.mark.parametrize(("operation", "params"), INPUTS, ids=INPUT_IDS)
def test_legacy_query_request_parses_back(operation: str, params: dict[str, Any]) -> None:
    legacy = query_legacy.legacy_model("sqs").operation_model(operation)
    body = create_serializer("query").serialize_to_request(params, legacy)["body"]
    assert query_parser.parse(operation_model("sqs", operation), form_request(body), {}) == params


@pytest.mark.parametrize(("operation", "params"), INPUTS, ids=INPUT_IDS)
def test_model_member_names_over_query_parse_too(operation: str, params: dict[str, Any]) -> None:
    op = operation_model("sqs", operation)
    body = create_serializer("query").serialize_to_request(params, op)["body"]
    assert query_parser.parse(op, form_request(body), {}) == params


@pytest.mark.parametrize(("operation", "result"), OUTPUTS, ids=OUTPUT_IDS)
def test_legacy_query_result_parses_back(operation: str, result: dict[str, Any]) -> None:
    response = query_serializer.serialize(operation_model("sqs", operation), result, "req-1")
    assert response.headers["content-type"] == "text/xml"
    legacy = query_legacy.legacy_model("sqs").operation_model(operation)
    parsed = create_parser("query").parse(botocore_view(response), legacy.output_shape)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "req-1"
    assert parsed == without_empty_lists(result)


def test_legacy_operation_is_cached_and_query_services_pass_through() -> None:
    op = operation_model("sqs", "SendMessage")
    assert query_legacy.query_operation(op) is query_legacy.query_operation(op)
    assert query_legacy.query_operation(op).metadata["protocol"] == "query"
    sns = operation_model("sns", "Publish")
    assert query_legacy.query_operation(sns) is sns
