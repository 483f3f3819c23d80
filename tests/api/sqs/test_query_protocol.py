"""The query/XML protocol, as older SDKs speak it: form POSTs with Action=..., XML answers."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from typing import Any

from harness import Server

AUTH = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"


def strip(element: ET.Element) -> ET.Element:
    for node in element.iter():
        node.tag = node.tag.split("}", 1)[-1]
    return element


def call(server: Server, action: str, path: str = "/", **form: str) -> tuple[int, ET.Element]:
    body = urllib.parse.urlencode({"Action": action, "Version": "2012-11-05", **form}).encode()
    request = urllib.request.Request(
        server.endpoint + path,
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Authorization": AUTH},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, strip(ET.fromstring(response.read()))
    except urllib.error.HTTPError as error:
        return error.code, strip(ET.fromstring(error.read()))


def text(root: ET.Element, path: str) -> str:
    found = root.find(path)
    assert found is not None, f"{path} not in {ET.tostring(root)!r}"
    return found.text or ""


def pairs(element: ET.Element, tag: str) -> dict[str, Any]:
    return {text(node, "Name"): node.find("Value") for node in element.findall(tag)}


def test_create_send_receive_delete_over_query(server: Server) -> None:
    status, created = call(
        server,
        "CreateQueue",
        QueueName="legacy",
        **{"Attribute.1.Name": "VisibilityTimeout", "Attribute.1.Value": "40"},
    )
    assert status == 200 and created.tag == "CreateQueueResponse"
    url = text(created, "CreateQueueResult/QueueUrl")
    assert url == f"{server.endpoint}/000000000000/legacy"
    assert text(created, "ResponseMetadata/RequestId")

    status, sent = call(
        server,
        "SendMessage",
        QueueUrl=url,
        MessageBody="hello <xml> & friends",
        **{
            "MessageAttribute.1.Name": "colour",
            "MessageAttribute.1.Value.DataType": "String",
            "MessageAttribute.1.Value.StringValue": "blue",
            "MessageAttribute.2.Name": "raw",
            "MessageAttribute.2.Value.DataType": "Binary",
            "MessageAttribute.2.Value.BinaryValue": "AAE=",
        },
    )
    assert status == 200
    message_id = text(sent, "SendMessageResult/MessageId")
    assert (
        text(sent, "SendMessageResult/MD5OfMessageBody") == hashlib.md5(b"hello <xml> & friends").hexdigest()
    )
    assert len(text(sent, "SendMessageResult/MD5OfMessageAttributes")) == 32

    status, received = call(
        server,
        "ReceiveMessage",
        QueueUrl=url,
        **{"AttributeName.1": "All", "MessageAttributeName.1": "All", "MaxNumberOfMessages": "5"},
    )
    assert status == 200
    messages = received.findall("ReceiveMessageResult/Message")
    assert len(messages) == 1
    message = messages[0]
    assert text(message, "MessageId") == message_id
    assert text(message, "Body") == "hello <xml> & friends"
    system = pairs(message, "Attribute")
    assert system["SenderId"] is not None and system["SenderId"].text == "000000000000"
    assert system["ApproximateReceiveCount"].text == "1"
    user = pairs(message, "MessageAttribute")
    assert text(user["colour"], "StringValue") == "blue"
    assert text(user["colour"], "DataType") == "String"
    assert text(user["raw"], "BinaryValue") == "AAE="
    assert text(message, "MD5OfMessageAttributes") == text(sent, "SendMessageResult/MD5OfMessageAttributes")

    status, _ = call(server, "DeleteMessage", QueueUrl=url, ReceiptHandle=text(message, "ReceiptHandle"))
    assert status == 200
    status, attributes = call(server, "GetQueueAttributes", QueueUrl=url, **{"AttributeName.1": "All"})
    values = {
        text(node, "Name"): text(node, "Value")
        for node in attributes.findall("GetQueueAttributesResult/Attribute")
    }
    assert values["VisibilityTimeout"] == "40"
    assert values["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_batch_over_query(server: Server) -> None:
    _, created = call(server, "CreateQueue", QueueName="legacy-batch")
    url = text(created, "CreateQueueResult/QueueUrl")
    status, result = call(
        server,
        "SendMessageBatch",
        QueueUrl=url,
        **{
            "SendMessageBatchRequestEntry.1.Id": "one",
            "SendMessageBatchRequestEntry.1.MessageBody": "1",
            "SendMessageBatchRequestEntry.2.Id": "two",
            "SendMessageBatchRequestEntry.2.MessageBody": "2",
            "SendMessageBatchRequestEntry.2.DelaySeconds": "1000",
        },
    )
    assert status == 200
    assert [text(e, "Id") for e in result.findall("SendMessageBatchResult/SendMessageBatchResultEntry")] == [
        "one"
    ]
    failed = result.findall("SendMessageBatchResult/BatchResultErrorEntry")
    assert [text(e, "Id") for e in failed] == ["two"]
    assert text(failed[0], "Code") == "InvalidParameterValue"
    assert text(failed[0], "SenderFault") == "true"


def test_errors_over_query(server: Server) -> None:
    status, error = call(server, "GetQueueUrl", QueueName="missing")
    assert status == 400 and error.tag == "ErrorResponse"
    assert text(error, "Error/Code") == "AWS.SimpleQueueService.NonExistentQueue"
    assert text(error, "Error/Type") == "Sender"
    assert text(error, "Error/Message") == "The specified queue does not exist for this wsdl version."
    _, created = call(server, "CreateQueue", QueueName="errs")
    url = text(created, "CreateQueueResult/QueueUrl")
    status, error = call(server, "ReceiveMessage", QueueUrl=url, MaxNumberOfMessages="11")
    assert status == 400 and text(error, "Error/Code") == "InvalidParameterValue"
    status, error = call(server, "DeleteMessage", QueueUrl=url, ReceiptHandle="nope")
    assert text(error, "Error/Code") == "ReceiptHandleIsInvalid"


def test_action_posted_to_the_queue_url(server: Server) -> None:
    """Some SDKs post to the queue URL itself and leave QueueUrl out of the form."""
    _, created = call(server, "CreateQueue", QueueName="by-path")
    status, sent = call(server, "SendMessage", path="/000000000000/by-path", MessageBody="m")
    assert status == 200 and text(sent, "SendMessageResult/MessageId")
    _, received = call(server, "ReceiveMessage", path="/000000000000/by-path")
    assert text(received, "ReceiveMessageResult/Message/Body") == "m"
