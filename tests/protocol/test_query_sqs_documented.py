"""SQS's legacy query API as the SQS API reference documents it: the forms its examples send
(`Attribute.1.Name`, `SendMessageBatchRequestEntry.1.Id`, `TagKey.1`...) and the XML elements
its responses carry (`<Message>`, `<Attribute><Name/><Value/></Attribute>`, `<QueueUrl>`...)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from botocore.parsers import create_parser
from roundtrip import botocore_view, form_request

from cloudlet.errors import ServiceError
from cloudlet.protocol import query_legacy
from cloudlet.protocol.parsers import query as query_parser
from cloudlet.protocol.serializers import query as query_serializer
from cloudlet.protocol.specs import operation_model, service_model

QUEUE = "http://localhost:4566/000000000000/q"
NS = "{http://queue.amazonaws.com/doc/2012-11-05/}"
STRING_ATTRIBUTE = {"DataType": "String", "StringValue": "v & <w>"}
MESSAGE = {
    "MessageId": "m1",
    "ReceiptHandle": "rh+/=",
    "MD5OfBody": "md5",
    "Body": "hello\r\n<&>",
    "Attributes": {"SenderId": "195004372649"},
    "MD5OfMessageAttributes": "md5a",
    "MessageAttributes": {"s": STRING_ATTRIBUTE},
}


DOCUMENTED_REQUESTS: list[tuple[str, dict[str, str], dict[str, Any]]] = [
    (
        "SendMessage",
        {
            "QueueUrl": QUEUE,
            "MessageBody": "This is a test message",
            "MessageAttribute.1.Name": "my_attribute_name_1",
            "MessageAttribute.1.Value.StringValue": "my_attribute_value_1",
            "MessageAttribute.1.Value.DataType": "String",
            "MessageAttribute.2.Name": "bin",
            "MessageAttribute.2.Value.BinaryValue": "AAE=",
            "MessageAttribute.2.Value.DataType": "Binary",
            "MessageSystemAttribute.1.Name": "AWSTraceHeader",
            "MessageSystemAttribute.1.Value.StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793",
            "MessageSystemAttribute.1.Value.DataType": "String",
        },
        {
            "QueueUrl": QUEUE,
            "MessageBody": "This is a test message",
            "MessageAttributes": {
                "my_attribute_name_1": {"StringValue": "my_attribute_value_1", "DataType": "String"},
                "bin": {"BinaryValue": b"\x00\x01", "DataType": "Binary"},
            },
            "MessageSystemAttributes": {
                "AWSTraceHeader": {
                    "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793",
                    "DataType": "String",
                }
            },
        },
    ),
    (
        "ReceiveMessage",
        {
            "QueueUrl": QUEUE,
            "AttributeName.1": "All",
            "MessageAttributeName.1": "All",
            "MaxNumberOfMessages": "5",
        },
        {
            "QueueUrl": QUEUE,
            "AttributeNames": ["All"],
            "MessageAttributeNames": ["All"],
            "MaxNumberOfMessages": 5,
        },
    ),
    (
        "CreateQueue",
        {
            "QueueName": "MyQueue",
            "Attribute.1.Name": "DelaySeconds",
            "Attribute.1.Value": "45",
            "Attribute.2.Name": "VisibilityTimeout",
            "Attribute.2.Value": "",
            "Tag.1.Key": "QueueType",
            "Tag.1.Value": "Production",
        },
        {
            "QueueName": "MyQueue",
            "Attributes": {"DelaySeconds": "45", "VisibilityTimeout": ""},
            "tags": {"QueueType": "Production"},
        },
    ),
    (
        "SendMessageBatch",
        {
            "QueueUrl": QUEUE,
            "SendMessageBatchRequestEntry.1.Id": "test_msg_001",
            "SendMessageBatchRequestEntry.1.MessageBody": "test message body 1",
            "SendMessageBatchRequestEntry.2.Id": "test_msg_002",
            "SendMessageBatchRequestEntry.2.MessageBody": "test message body 2",
            "SendMessageBatchRequestEntry.2.DelaySeconds": "60",
            "SendMessageBatchRequestEntry.2.MessageAttribute.1.Name": "test_attribute_name_1",
            "SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue": "test_attribute_value_1",
            "SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType": "String",
        },
        {
            "QueueUrl": QUEUE,
            "Entries": [
                {"Id": "test_msg_001", "MessageBody": "test message body 1"},
                {
                    "Id": "test_msg_002",
                    "MessageBody": "test message body 2",
                    "DelaySeconds": 60,
                    "MessageAttributes": {
                        "test_attribute_name_1": {
                            "StringValue": "test_attribute_value_1",
                            "DataType": "String",
                        }
                    },
                },
            ],
        },
    ),
    (
        "DeleteMessageBatch",
        {
            "QueueUrl": QUEUE,
            "DeleteMessageBatchRequestEntry.1.Id": "msg1",
            "DeleteMessageBatchRequestEntry.1.ReceiptHandle": "gfk0T0R0waama4fVFffkjPQrrvzMrOg0fTFk2LxT33EuB8wR0ZCFgKWyXGWFoqqpCIiprQUEhir",
            "DeleteMessageBatchRequestEntry.2.Id": "msg2",
            "DeleteMessageBatchRequestEntry.2.ReceiptHandle": "gfk0T0R0waama4fVFffkjKzmhMCymjQvfTFk2LxT33G4ms5subrE0deLKWSscPU1oD3J9zgeS4PQQ3U30qOumIE6AdAv3w",
        },
        {
            "QueueUrl": QUEUE,
            "Entries": [
                {
                    "Id": "msg1",
                    "ReceiptHandle": "gfk0T0R0waama4fVFffkjPQrrvzMrOg0fTFk2LxT33EuB8wR0ZCFgKWyXGWFoqqpCIiprQUEhir",
                },
                {
                    "Id": "msg2",
                    "ReceiptHandle": "gfk0T0R0waama4fVFffkjKzmhMCymjQvfTFk2LxT33G4ms5subrE0deLKWSscPU1oD3J9zgeS4PQQ3U30qOumIE6AdAv3w",
                },
            ],
        },
    ),
    (
        "ChangeMessageVisibilityBatch",
        {
            "QueueUrl": QUEUE,
            "ChangeMessageVisibilityBatchRequestEntry.1.Id": "change_visibility_msg_2",
            "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle": "gfk0T0R0waama4fVFffkjKzmhMCymjQvfTFk2LxT33G4ms5subrE0deLKWSscPU1oD3J9zgeS4PQQ3U30qOumIE6AdAv3w",
            "ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout": "45",
        },
        {
            "QueueUrl": QUEUE,
            "Entries": [
                {
                    "Id": "change_visibility_msg_2",
                    "ReceiptHandle": "gfk0T0R0waama4fVFffkjKzmhMCymjQvfTFk2LxT33G4ms5subrE0deLKWSscPU1oD3J9zgeS4PQQ3U30qOumIE6AdAv3w",
                    "VisibilityTimeout": 45,
                }
            ],
        },
    ),
    (
        "GetQueueAttributes",
        {"QueueUrl": QUEUE, "AttributeName.1": "All"},
        {"QueueUrl": QUEUE, "AttributeNames": ["All"]},
    ),
    (
        "TagQueue",
        {
            "QueueUrl": QUEUE,
            "Tag.1.Key": "QueueType",
            "Tag.1.Value": "Production",
            "Tag.2.Key": "Owner",
            "Tag.2.Value": "Dev",
        },
        {"QueueUrl": QUEUE, "Tags": {"QueueType": "Production", "Owner": "Dev"}},
    ),
    (
        "UntagQueue",
        {"QueueUrl": QUEUE, "TagKey.1": "QueueType", "TagKey.2": "Owner"},
        {"QueueUrl": QUEUE, "TagKeys": ["QueueType", "Owner"]},
    ),
    (
        "AddPermission",
        {
            "QueueUrl": QUEUE,
            "Label": "MyLabel",
            "AWSAccountId.1": "177715257436",
            "ActionName.1": "SendMessage",
            "AWSAccountId.2": "111111111111",
            "ActionName.2": "ReceiveMessage",
        },
        {
            "QueueUrl": QUEUE,
            "Label": "MyLabel",
            "AWSAccountIds": ["177715257436", "111111111111"],
            "Actions": ["SendMessage", "ReceiveMessage"],
        },
    ),
    (
        "ReceiveMessage",  # the older docs' spelling of lists: Name.member.N
        {
            "QueueUrl": QUEUE,
            "AttributeName.member.1": "SenderId",
            "MessageSystemAttributeName.1": "SentTimestamp",
        },
        {"QueueUrl": QUEUE, "AttributeNames": ["SenderId"], "MessageSystemAttributeNames": ["SentTimestamp"]},
    ),
]


@pytest.mark.parametrize(
    ("operation", "form", "params"), DOCUMENTED_REQUESTS, ids=[d[0] for d in DOCUMENTED_REQUESTS]
)
def test_documented_legacy_requests(operation: str, form: dict[str, str], params: dict[str, Any]) -> None:
    body = urlencode({"Action": operation, "Version": "2012-11-05", **form})
    assert query_parser.parse(operation_model("sqs", operation), form_request(body), {}) == params


def xml_of(operation: str, result: dict[str, Any]) -> ElementTree.Element:
    return ElementTree.fromstring(
        query_serializer.serialize(operation_model("sqs", operation), result, "req-1").body
    )


def paths(element: ElementTree.Element, prefix: str = "") -> list[str]:
    """Every element path without the namespace, in document order."""
    found = []
    for child in element:
        path = f"{prefix}/{child.tag.removeprefix(NS)}" if prefix else child.tag.removeprefix(NS)
        found.append(path)
        found.extend(paths(child, path))
    return found


def test_receive_message_xml_is_the_documented_shape() -> None:
    root = xml_of("ReceiveMessage", {"Messages": [MESSAGE]})
    assert root.tag == f"{NS}ReceiveMessageResponse"
    assert paths(root) == [
        "ReceiveMessageResult",
        "ReceiveMessageResult/Message",
        *(
            f"ReceiveMessageResult/Message/{name}"
            for name in ("MessageId", "ReceiptHandle", "MD5OfBody", "Body")
        ),
        "ReceiveMessageResult/Message/Attribute",
        "ReceiveMessageResult/Message/Attribute/Name",
        "ReceiveMessageResult/Message/Attribute/Value",
        "ReceiveMessageResult/Message/MD5OfMessageAttributes",
        "ReceiveMessageResult/Message/MessageAttribute",
        "ReceiveMessageResult/Message/MessageAttribute/Name",
        "ReceiveMessageResult/Message/MessageAttribute/Value",
        "ReceiveMessageResult/Message/MessageAttribute/Value/DataType",
        "ReceiveMessageResult/Message/MessageAttribute/Value/StringValue",
        "ResponseMetadata",
        "ResponseMetadata/RequestId",
    ]
    assert root.findtext(f"{NS}ReceiveMessageResult/{NS}Message/{NS}Body") == MESSAGE["Body"]  # \r survives


@pytest.mark.parametrize(
    ("operation", "result", "expected"),
    [
        (
            "ListQueues",
            {"QueueUrls": ["a", "b"]},
            ["ListQueuesResult", "ListQueuesResult/QueueUrl", "ListQueuesResult/QueueUrl"],
        ),
        (
            "ListDeadLetterSourceQueues",
            {"queueUrls": ["a"]},
            ["ListDeadLetterSourceQueuesResult", "ListDeadLetterSourceQueuesResult/QueueUrl"],
        ),
        ("CreateQueue", {"QueueUrl": "a"}, ["CreateQueueResult", "CreateQueueResult/QueueUrl"]),
        (
            "GetQueueAttributes",
            {"Attributes": {"VisibilityTimeout": "30"}},
            [
                "GetQueueAttributesResult",
                *(f"GetQueueAttributesResult/Attribute{p}" for p in ("", "/Name", "/Value")),
            ],
        ),
        (
            "ListQueueTags",
            {"Tags": {"k": "v"}},
            ["ListQueueTagsResult", *(f"ListQueueTagsResult/Tag{p}" for p in ("", "/Key", "/Value"))],
        ),
        (
            "SendMessageBatch",
            {
                "Successful": [{"Id": "1", "MessageId": "m", "MD5OfMessageBody": "x"}],
                "Failed": [{"Id": "2", "SenderFault": True, "Code": "c"}],
            },
            [
                "SendMessageBatchResult",
                *(
                    f"SendMessageBatchResult/SendMessageBatchResultEntry{p}"
                    for p in ("", "/Id", "/MessageId", "/MD5OfMessageBody")
                ),
                *(
                    f"SendMessageBatchResult/BatchResultErrorEntry{p}"
                    for p in ("", "/Id", "/SenderFault", "/Code")
                ),
            ],
        ),
        (
            "DeleteMessageBatch",
            {"Successful": [{"Id": "1"}]},
            [
                "DeleteMessageBatchResult",
                *(f"DeleteMessageBatchResult/DeleteMessageBatchResultEntry{p}" for p in ("", "/Id")),
            ],
        ),
        ("DeleteQueue", {}, []),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_legacy_result_elements(operation: str, result: dict[str, Any], expected: list[str]) -> None:
    assert paths(xml_of(operation, result)) == [*expected, "ResponseMetadata", "ResponseMetadata/RequestId"]


def test_legacy_error_xml() -> None:
    error = ServiceError("QueueDoesNotExist", "The specified queue does not exist for this wsdl version.")
    response = query_serializer.serialize_error(
        service_model("sqs"), operation_model("sqs", "GetQueueUrl"), error, "req-5"
    )
    root = ElementTree.fromstring(response.body)
    assert root.tag == f"{NS}ErrorResponse" and response.status == 400
    assert root.findtext(f"{NS}Error/{NS}Code") == "AWS.SimpleQueueService.NonExistentQueue"
    parsed = create_parser("query").parse(botocore_view(response), None)
    assert parsed["Error"] == {
        "Type": "Sender",
        "Code": "AWS.SimpleQueueService.NonExistentQueue",
        "Message": "The specified queue does not exist for this wsdl version.",
    }
    assert parsed["ResponseMetadata"]["RequestId"] == "req-5"
    legacy_shape = query_legacy.legacy_model("sqs").shape_for("QueueDoesNotExist")
    assert legacy_shape.error_code == "AWS.SimpleQueueService.NonExistentQueue"  # boto3's exception mapping


def test_queue_url_from_the_path_when_the_form_has_none() -> None:
    request = form_request("Action=SendMessage&Version=2012-11-05&MessageBody=hi")
    request.path, request.host = "/000000000000/q", "localhost:4566"
    assert query_parser.parse(operation_model("sqs", "SendMessage"), request, {}) == {
        "MessageBody": "hi",
        "QueueUrl": QUEUE,
    }
    request = form_request(f"Action=SendMessage&QueueUrl={QUEUE}2&MessageBody=hi")
    request.path = "/000000000000/q"
    assert query_parser.parse(operation_model("sqs", "SendMessage"), request, {})["QueueUrl"] == QUEUE + "2"
    request = form_request("Action=ListQueues")
    request.path = "/000000000000/q"
    assert query_parser.parse(operation_model("sqs", "ListQueues"), request, {}) == {}
