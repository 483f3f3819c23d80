"""query codec against botocore (SNS, STS, CloudFormation): its forms parse back to their
params; our XML results and errors parse, with botocore, back to what we serialized."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from botocore.parsers import create_parser
from roundtrip import botocore_request, botocore_view

from cloudlet.errors import ServiceError
from cloudlet.protocol.http import HttpRequest, HttpResponse
from cloudlet.protocol.parsers import query as query_parser
from cloudlet.protocol.serializers import query as query_serializer
from cloudlet.protocol.specs import operation_model, service_model

WHEN = datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
TOPIC = "arn:aws:sns:us-east-1:000000000000:t"
SNS_ATTRIBUTES = {
    "s": {"DataType": "String", "StringValue": "v & <w>"},
    "n": {"DataType": "Number", "StringValue": "1.5"},
    "b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"},
}

INPUTS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "sns",
        "Publish",
        {"TopicArn": TOPIC, "Message": "hi\r\nthere", "Subject": "s", "MessageAttributes": SNS_ATTRIBUTES},
    ),
    (
        "sns",
        "CreateTopic",
        {
            "Name": "t.fifo",
            "Attributes": {"FifoTopic": "true"},
            "Tags": [{"Key": "k", "Value": "v"}, {"Key": "e", "Value": ""}],
        },
    ),
    (
        "sns",
        "Subscribe",
        {"TopicArn": TOPIC, "Protocol": "sqs", "Endpoint": "arn:q", "ReturnSubscriptionArn": True},
    ),
    (
        "sns",
        "PublishBatch",
        {
            "TopicArn": TOPIC,
            "PublishBatchRequestEntries": [
                {"Id": "1", "Message": "a", "MessageAttributes": SNS_ATTRIBUTES},
                {"Id": "2", "Message": "b", "MessageGroupId": "g"},
            ],
        },
    ),
    ("sns", "ListTopics", {}),
    ("sns", "UntagResource", {"ResourceArn": TOPIC, "TagKeys": []}),
    (
        "sts",
        "AssumeRole",
        {
            "RoleArn": "arn:aws:iam::000000000000:role/r",
            "RoleSessionName": "session",
            "DurationSeconds": 900,
            "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/A"}, {"arn": "arn:aws:iam::aws:policy/B"}],
            "Tags": [{"Key": "k", "Value": "v"}],
            "TransitiveTagKeys": ["k"],
        },
    ),
    ("sts", "GetCallerIdentity", {}),
    (
        "cloudformation",
        "CreateStack",
        {
            "StackName": "s",
            "TemplateBody": '{"Resources": {}}',
            "Parameters": [
                {"ParameterKey": "A", "ParameterValue": "1"},
                {"ParameterKey": "B", "UsePreviousValue": True},
            ],
            "Capabilities": ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
            "TimeoutInMinutes": 5,
            "DisableRollback": False,
            "Tags": [{"Key": "k", "Value": "v"}],
        },
    ),
    ("cloudformation", "ListStacks", {"StackStatusFilter": ["CREATE_COMPLETE"], "NextToken": "n"}),
]

OUTPUTS: list[tuple[str, str, dict[str, Any]]] = [
    ("sns", "Publish", {"MessageId": "m-1", "SequenceNumber": "1"}),
    ("sns", "ListTopics", {"Topics": [{"TopicArn": TOPIC}, {"TopicArn": TOPIC + "2"}], "NextToken": "n"}),
    ("sns", "GetTopicAttributes", {"Attributes": {"Policy": '{"a": "<&>"}', "DisplayName": ""}}),
    ("sns", "ListTagsForResource", {"Tags": [{"Key": "k", "Value": "v"}]}),
    (
        "sns",
        "PublishBatch",
        {
            "Successful": [{"Id": "1", "MessageId": "m"}],
            "Failed": [{"Id": "2", "Code": "X", "SenderFault": True}],
        },
    ),
    (
        "sts",
        "AssumeRole",
        {
            "Credentials": {
                "AccessKeyId": "AKIA",
                "SecretAccessKey": "s",
                "SessionToken": "t",
                "Expiration": WHEN,
            },
            "AssumedRoleUser": {"AssumedRoleId": "AROA:s", "Arn": "arn:sts"},
            "PackedPolicySize": 6,
        },
    ),
    (
        "sts",
        "GetCallerIdentity",
        {"UserId": "u", "Account": "000000000000", "Arn": "arn:aws:iam::000000000000:root"},
    ),
    (
        "cloudformation",
        "DescribeStacks",
        {
            "Stacks": [
                {
                    "StackId": "id",
                    "StackName": "s",
                    "CreationTime": WHEN,
                    "StackStatus": "CREATE_COMPLETE",
                    "DisableRollback": False,
                    "EnableTerminationProtection": True,
                    "TimeoutInMinutes": 5,
                    "Capabilities": ["CAPABILITY_IAM"],
                    "Parameters": [{"ParameterKey": "A", "ParameterValue": "1"}],
                    "Outputs": [{"OutputKey": "Url", "OutputValue": "http://x?a=1&b=2", "ExportName": "e"}],
                    "Tags": [],
                }
            ]
        },
    ),
    ("cloudformation", "ValidateTemplate", {"Parameters": [], "Capabilities": [], "Description": "d"}),
]


@pytest.mark.parametrize(("service", "operation", "params"), INPUTS, ids=[f"{s}.{o}" for s, o, _ in INPUTS])
def test_request_parses_back_to_params(service: str, operation: str, params: dict[str, Any]) -> None:
    request = botocore_request("query", service, operation, params)
    assert query_parser.parse(operation_model(service, operation), request, {}) == params


@pytest.mark.parametrize(("service", "operation", "result"), OUTPUTS, ids=[f"{s}.{o}" for s, o, _ in OUTPUTS])
def test_result_parses_back_with_botocore(service: str, operation: str, result: dict[str, Any]) -> None:
    op = operation_model(service, operation)
    response = query_serializer.serialize(op, result, "req-1")
    assert (response.status, response.headers["content-type"]) == (200, "text/xml")
    parsed = create_parser("query").parse(botocore_view(response), op.output_shape)
    assert parsed.pop("ResponseMetadata")["RequestId"] == "req-1"
    assert parsed == result


def test_response_envelope_names_the_operation_and_namespace() -> None:
    op = operation_model("sts", "GetCallerIdentity")
    root = ElementTree.fromstring(query_serializer.serialize(op, {"Account": "1", "Bogus": "x"}, "r-1").body)
    ns = "{https://sts.amazonaws.com/doc/2011-06-15/}"
    assert root.tag == f"{ns}GetCallerIdentityResponse"
    assert [child.tag for child in root] == [f"{ns}GetCallerIdentityResult", f"{ns}ResponseMetadata"]
    assert [child.tag for child in root[0]] == [f"{ns}Account"]
    assert root.findtext(f"{ns}ResponseMetadata/{ns}RequestId") == "r-1"


def test_operation_without_output_has_only_metadata() -> None:
    op = operation_model("sns", "DeleteTopic")
    root = ElementTree.fromstring(query_serializer.serialize(op, {}, "r-2").body)
    assert [child.tag.split("}")[1] for child in root] == ["ResponseMetadata"]


def test_get_request_reads_the_query_string() -> None:
    query = urlencode({"Action": "GetTopicAttributes", "Version": "2010-03-31", "TopicArn": TOPIC})
    request = HttpRequest("GET", "/", query_string=query)
    assert query_parser.parse(operation_model("sns", "GetTopicAttributes"), request, {}) == {
        "TopicArn": TOPIC
    }


def test_gzipped_form_is_decompressed() -> None:
    request = botocore_request("query", "sns", "Publish", {"TopicArn": TOPIC, "Message": "m"})
    request.body = gzip.compress(request.body)
    request.headers.add("Content-Encoding", "gzip")
    assert query_parser.parse(operation_model("sns", "Publish"), request, {}) == {
        "TopicArn": TOPIC,
        "Message": "m",
    }


@pytest.mark.parametrize(
    ("form", "name"),
    [
        ("DurationSeconds=soon", "DurationSeconds"),
        ("Tags.member.1.Key.x=1", "Key"),
        ("RoleArn.x=1", "RoleArn"),
    ],
)
def test_values_of_the_wrong_type_are_invalid_parameter_values(form: str, name: str) -> None:
    request = HttpRequest("POST", "/", body=f"Action=AssumeRole&{form}".encode())
    with pytest.raises(ServiceError) as caught:
        query_parser.parse(operation_model("sts", "AssumeRole"), request, {})
    assert (caught.value.code, caught.value.status) == ("InvalidParameterValue", 400)
    assert name in caught.value.message


def test_bad_boolean_and_timestamp_are_invalid() -> None:
    for form in ("ReturnSubscriptionArn=maybe", "Attributes.entry.1.key=a&Attributes.entry.1.value.x=1"):
        with pytest.raises(ServiceError, match="InvalidParameterValue"):
            query_parser.parse(
                operation_model("sns", "Subscribe"), HttpRequest("POST", "/", body=form.encode()), {}
            )


def test_list_items_come_in_index_order_and_gaps_close() -> None:
    form = "Action=ListStacks&StackStatusFilter.member.10=C&StackStatusFilter.member.2=B&StackStatusFilter.member.1=A"
    request = HttpRequest("POST", "/", body=form.encode())
    parsed = query_parser.parse(operation_model("cloudformation", "ListStacks"), request, {})
    assert parsed == {"StackStatusFilter": ["A", "B", "C"]}


def parse_error(service: str, operation: str, error: ServiceError) -> tuple[HttpResponse, dict[str, Any]]:
    op = operation_model(service, operation)
    response = query_serializer.serialize_error(service_model(service), op, error, "req-9")
    return response, create_parser("query").parse(botocore_view(response), op.output_shape)


def test_error_response_shape() -> None:
    error = ServiceError("NotFound", "Topic <t> does not exist", 404)
    response, parsed = parse_error("sns", "GetTopicAttributes", error)
    assert response.status == 404 and response.headers["content-type"] == "text/xml"
    assert parsed["Error"] == {"Type": "Sender", "Code": "NotFound", "Message": "Topic <t> does not exist"}
    assert parsed["ResponseMetadata"]["RequestId"] == "req-9"
    root = ElementTree.fromstring(response.body)
    assert root.tag == "{http://sns.amazonaws.com/doc/2010-03-31/}ErrorResponse"


def test_error_uses_the_models_query_code_and_receiver_fault() -> None:
    # The error shape's awsQueryError code is what query clients see (and map back to the shape).
    error = ServiceError("ChangeSetNotFoundException", "no such change set", 404)
    response, parsed = parse_error("cloudformation", "DescribeChangeSet", error)
    assert (response.status, parsed["Error"]["Code"]) == (404, "ChangeSetNotFound")
    _, parsed = parse_error("sns", "Publish", ServiceError("NotFoundException", "Topic does not exist"))
    assert parsed["Error"]["Code"] == "NotFound"
    error = ServiceError("InternalFailure", "boom", 500, sender_fault=False)
    response, parsed = parse_error("sts", "GetCallerIdentity", error)
    assert (response.status, parsed["Error"]["Type"], parsed["Error"]["Code"]) == (
        500,
        "Receiver",
        "InternalFailure",
    )


def test_error_query_code_wins() -> None:
    error = ServiceError(
        "Throttling", "slow", 400, query_code="Throttling.Custom", headers={"Retry-After": "2"}
    )
    response, parsed = parse_error("sts", "AssumeRole", error)
    assert parsed["Error"]["Code"] == "Throttling.Custom"
    assert response.headers["retry-after"] == "2"
