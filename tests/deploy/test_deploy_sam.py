"""The SAM transform through aws-sam-translator, with no AWS call (no region in the
environment, no IAM ListPolicies)."""

from __future__ import annotations

import pytest

from cloudlet.deploy import sam
from cloudlet.deploy.errors import ValidationError

pytestmark = pytest.mark.skipif(not sam.available(), reason="aws-sam-translator not installed ([sam] extra)")

TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Transform": "AWS::Serverless-2016-10-31",
    "Resources": {
        "Jobs": {"Type": "AWS::SQS::Queue"},
        "Worker": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "index.handler",
                "InlineCode": "def handler(event, context):\n    return None\n",
                "Policies": ["AWSLambdaBasicExecutionRole"],
                "Events": {
                    "FromJobs": {
                        "Type": "SQS",
                        "Properties": {"Queue": {"Fn::GetAtt": ["Jobs", "Arn"]}, "BatchSize": 5},
                    }
                },
            },
        },
        "Items": {"Type": "AWS::Serverless::SimpleTable"},
    },
}


@pytest.fixture(autouse=True)
def no_region(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)


def test_function_with_an_sqs_event_and_a_simple_table() -> None:
    out = sam.translate(TEMPLATE, "123456789012", "eu-west-1")
    types = {logical_id: r["Type"] for logical_id, r in out["Resources"].items()}
    assert types == {
        "Jobs": "AWS::SQS::Queue",
        "Worker": "AWS::Lambda::Function",
        "WorkerRole": "AWS::IAM::Role",
        "WorkerFromJobs": "AWS::Lambda::EventSourceMapping",
        "Items": "AWS::DynamoDB::Table",
    }
    assert "Transform" not in out
    mapping = out["Resources"]["WorkerFromJobs"]["Properties"]
    assert mapping == {
        "BatchSize": 5,
        "EventSourceArn": {"Fn::GetAtt": ["Jobs", "Arn"]},
        "FunctionName": {"Ref": "Worker"},
    }
    role = out["Resources"]["WorkerRole"]["Properties"]
    assert "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" in role["ManagedPolicyArns"]
    assert "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole" in role["ManagedPolicyArns"]
    table = out["Resources"]["Items"]["Properties"]
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert out["Resources"]["Worker"]["Properties"]["Code"] == {
        "ZipFile": TEMPLATE["Resources"]["Worker"]["Properties"]["InlineCode"]
    }  # type: ignore[index]


def test_input_is_not_modified() -> None:
    before = repr(TEMPLATE)
    sam.translate(TEMPLATE, "123456789012", "us-east-1")
    assert repr(TEMPLATE) == before


def test_partition_follows_the_region() -> None:
    out = sam.translate(TEMPLATE, "123456789012", "cn-north-1")
    arns = out["Resources"]["WorkerRole"]["Properties"]["ManagedPolicyArns"]
    assert all(arn.startswith("arn:aws-cn:iam::aws:policy/") for arn in arns)


def test_a_policy_outside_the_bundled_map_comes_from_the_static_one() -> None:
    loader = sam.StaticPolicyLoader()
    assert loader.load()["AWSLambdaBasicExecutionRole"] == (
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    )


def test_invalid_sam_is_a_validation_error_with_sams_message() -> None:
    bad = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Handler": "x"}}},
    }
    with pytest.raises(ValidationError) as caught:
        sam.translate(bad, "123456789012", "us-east-1")
    assert caught.value.code == "ValidationError"
    assert str(caught.value.message).startswith("Transform AWS::Serverless-2016-10-31 failed with: ")
    assert "Resource with id [Fn] is invalid" in caught.value.message


def test_is_sam() -> None:
    assert sam.is_sam(TEMPLATE)
    assert sam.is_sam({"Transform": ["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"]})
    assert not sam.is_sam({"Resources": {}})
