"""Template checks at CreateStack/ValidateTemplate, parameters from SSM, Rules, TemplateURL,
exports across stacks, and stack events."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from cfn_support import body, create, events, outputs, status

from harness import Server


def error_of(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    err = caught.value.response["Error"]
    return err["Code"], err["Message"]


def test_validate_template(cfn: Any) -> None:
    template = {
        "Description": "demo",
        "Parameters": {
            "Env": {"Type": "String", "Default": "dev", "Description": "where"},
            "Secret": {"Type": "String", "NoEcho": True},
        },
        "Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}},
    }
    result = cfn.validate_template(TemplateBody=body(template))
    assert result["Description"] == "demo"
    assert result["Parameters"] == [
        {"ParameterKey": "Env", "DefaultValue": "dev", "NoEcho": False, "Description": "where"},
        {"ParameterKey": "Secret", "NoEcho": True},
    ]
    assert result["Capabilities"] == ["CAPABILITY_IAM"]
    assert result["CapabilitiesReason"] == "The following resource(s) require capabilities: [AWS::IAM::Role]"
    code, message = error_of(cfn.validate_template, TemplateBody="{not json")
    assert code == "ValidationError" and message.startswith("Template format error: JSON not well-formed.")


def test_create_stack_checks_before_anything_runs(server: Server, cfn: Any) -> None:
    unknown = {"Resources": {"X": {"Type": "AWS::Made::Up"}}}
    assert error_of(cfn.create_stack, StackName="s", TemplateBody=body(unknown)) == (
        "ValidationError",
        "Template format error: Unrecognized resource types: [AWS::Made::Up]",
    )
    cycle = {
        "Resources": {
            "A": {"Type": "AWS::SQS::Queue", "DependsOn": "B"},
            "B": {"Type": "AWS::SQS::Queue", "DependsOn": "A"},
        }
    }
    assert error_of(cfn.create_stack, StackName="s", TemplateBody=body(cycle)) == (
        "ValidationError",
        "Circular dependency between resources: [A, B]",
    )
    iam = {"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}}}
    assert error_of(cfn.create_stack, StackName="s", TemplateBody=body(iam)) == (
        "InsufficientCapabilitiesException",
        "Requires capabilities : [CAPABILITY_IAM]",
    )
    missing = {"Parameters": {"P": {"Type": "String"}}, "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}
    assert error_of(cfn.create_stack, StackName="s", TemplateBody=body(missing)) == (
        "ValidationError",
        "Parameters: [P] must have values",
    )
    assert cfn.list_stacks()["StackSummaries"] == []
    template = {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}
    create(server, cfn, "s", template)
    assert error_of(cfn.create_stack, StackName="s", TemplateBody=body(template)) == (
        "AlreadyExistsException",
        "Stack [s] already exists",
    )
    assert error_of(cfn.update_stack, StackName="s", TemplateBody=body(template)) == (
        "ValidationError",
        "No updates are to be performed.",
    )
    assert error_of(cfn.describe_stacks, StackName="nope") == (
        "ValidationError",
        "Stack with id nope does not exist",
    )


def test_ssm_parameter_type_and_cdk_bootstrap_rule(server: Server, cfn: Any) -> None:
    template = {
        "Parameters": {
            "BootstrapVersion": {
                "Type": "AWS::SSM::Parameter::Value<String>",
                "Default": "/cdk-bootstrap/hnb659fds/version",
            }
        },
        "Rules": {
            "CheckBootstrapVersion": {
                "Assertions": [
                    {
                        "Assert": {
                            "Fn::Not": [
                                {"Fn::Contains": [["1", "2", "3", "4", "5"], {"Ref": "BootstrapVersion"}]}
                            ]
                        },
                        "AssertDescription": "CDK bootstrap stack version 6 required.",
                    }
                ]
            }
        },
        "Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"Version": {"Value": {"Ref": "BootstrapVersion"}}},
    }
    stack = create(server, cfn, "cdkish", template)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert outputs(stack)["Version"] == "28"
    assert stack["Parameters"] == [
        {
            "ParameterKey": "BootstrapVersion",
            "ParameterValue": "/cdk-bootstrap/hnb659fds/version",
            "ResolvedValue": "28",
        }
    ]
    server.client("s3").head_bucket(Bucket="cdk-hnb659fds-assets-000000000000-us-east-1")
    server.client("ssm").put_parameter(Name="/old/version", Value="3", Type="String")
    params = [{"ParameterKey": "BootstrapVersion", "ParameterValue": "/old/version"}]
    assert error_of(cfn.create_stack, StackName="old", TemplateBody=body(template), Parameters=params) == (
        "ValidationError",
        "CDK bootstrap stack version 6 required.",
    )


def test_template_url_in_cloudlet_s3(server: Server, cfn: Any) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="templates")
    s3.put_object(Bucket="templates", Key="t.yaml", Body=b"Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    for url in (
        f"{server.endpoint}/templates/t.yaml",
        "https://templates.s3.amazonaws.com/t.yaml",
        "https://templates.s3.us-east-1.amazonaws.com/t.yaml",
    ):
        name = f"fromurl{len(url)}"
        cfn.create_stack(StackName=name, TemplateURL=url)
        server.settle()
        assert status(cfn, name) == "CREATE_COMPLETE"


def test_exports_and_import_value_across_stacks(server: Server, cfn: Any, sqs: Any) -> None:
    producer = {
        "Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "shared"}}},
        "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Q", "Arn"]}, "Export": {"Name": "shared-arn"}}},
    }
    consumer = {
        "Resources": {
            "P": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Type": "String", "Value": {"Fn::ImportValue": "shared-arn"}},
            }
        },
        "Outputs": {"Seen": {"Value": {"Fn::ImportValue": "shared-arn"}}},
    }
    made = create(server, cfn, "producer", producer)
    arn = outputs(made)["Arn"]
    assert outputs(create(server, cfn, "consumer", consumer))["Seen"] == arn
    assert cfn.list_imports(ExportName="shared-arn")["Imports"] == ["consumer"]
    # the same export name from another stack fails that stack
    clash = create(server, cfn, "clash", {**producer, "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})
    assert clash["StackStatus"] == "ROLLBACK_COMPLETE"
    reasons = [e[2] for e in events(cfn, "clash") if e[1] == "ROLLBACK_IN_PROGRESS"]
    assert reasons == ["Export with name shared-arn is already exported by stack producer"]
    # an export in use can be neither changed nor removed
    renamed = {
        **producer,
        "Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "moved"}}},
    }
    cfn.update_stack(StackName="producer", TemplateBody=body(renamed))
    server.settle()
    assert status(cfn, "producer") == "UPDATE_ROLLBACK_COMPLETE"
    reasons = [e[2] for e in events(cfn, "producer") if e[1] == "UPDATE_ROLLBACK_IN_PROGRESS"]
    assert reasons == ["Cannot update export shared-arn as it is in use by consumer."]
    assert [u.split("/")[-1] for u in sqs.list_queues()["QueueUrls"]] == ["shared"]
    # an export in use blocks deleting its stack
    cfn.delete_stack(StackName="producer")
    server.settle()
    stack = cfn.describe_stacks(StackName="producer")["Stacks"][0]
    assert stack["StackStatus"] == "DELETE_FAILED"
    assert stack["StackStatusReason"] == "Export shared-arn cannot be deleted as it is in use by consumer"
    cfn.delete_stack(StackName="consumer")
    server.settle()
    cfn.delete_stack(StackName="producer")
    server.settle()
    assert cfn.list_exports()["Exports"] == []
    assert sqs.list_queues().get("QueueUrls", []) == []


def test_stack_events_newest_first(server: Server, cfn: Any) -> None:
    template = {
        "Resources": {
            "A": {"Type": "AWS::SQS::Queue"},
            "B": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"DelaySeconds": {"Fn::GetAtt": ["A", "QueueName"]}},
            },
        }
    }
    template["Resources"]["B"]["Properties"] = {"Tags": [{"Key": "after", "Value": {"Ref": "A"}}]}
    create(server, cfn, "ordered", template)
    raw = cfn.describe_stack_events(StackName="ordered")["StackEvents"]
    assert raw[0]["ResourceStatus"] == "CREATE_COMPLETE" and raw[0]["LogicalResourceId"] == "ordered"
    assert (
        raw[-1]["ResourceStatus"] == "CREATE_IN_PROGRESS"
        and raw[-1]["ResourceType"] == "AWS::CloudFormation::Stack"
    )
    assert [(e[0], e[1], e[2]) for e in events(cfn, "ordered")] == [
        ("ordered", "CREATE_IN_PROGRESS", "User Initiated"),
        ("A", "CREATE_IN_PROGRESS", ""),
        ("A", "CREATE_IN_PROGRESS", "Resource creation Initiated"),
        ("A", "CREATE_COMPLETE", ""),
        ("B", "CREATE_IN_PROGRESS", ""),
        ("B", "CREATE_IN_PROGRESS", "Resource creation Initiated"),
        ("B", "CREATE_COMPLETE", ""),
        ("ordered", "CREATE_COMPLETE", ""),
    ]
    summaries = cfn.list_stack_resources(StackName="ordered")["StackResourceSummaries"]
    assert [(s["LogicalResourceId"], s["ResourceStatus"]) for s in summaries] == [
        ("A", "CREATE_COMPLETE"),
        ("B", "CREATE_COMPLETE"),
    ]
    detail = cfn.describe_stack_resource(StackName="ordered", LogicalResourceId="A")["StackResourceDetail"]
    assert detail["PhysicalResourceId"].startswith("http")
    assert error_of(cfn.describe_stack_resource, StackName="ordered", LogicalResourceId="Z") == (
        "ValidationError",
        "Resource Z does not exist for stack ordered",
    )


def test_conditions_mappings_and_previous_template(server: Server, cfn: Any, sqs: Any) -> None:
    template = {
        "Parameters": {"Env": {"Type": "String", "AllowedValues": ["dev", "prod"]}},
        "Mappings": {"Delays": {"dev": {"Seconds": 1}, "prod": {"Seconds": 7}}},
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
        "Resources": {
            "Q": {
                "Type": "AWS::SQS::Queue",
                "Properties": {
                    "QueueName": {"Fn::Sub": "${AWS::StackName}-${Env}"},
                    "DelaySeconds": {"Fn::FindInMap": ["Delays", {"Ref": "Env"}, "Seconds"]},
                    "VisibilityTimeout": {"Fn::If": ["IsProd", 60, {"Ref": "AWS::NoValue"}]},
                },
            },
            "ProdOnly": {"Type": "AWS::SQS::Queue", "Condition": "IsProd"},
        },
        "Outputs": {"Prod": {"Value": {"Ref": "ProdOnly"}, "Condition": "IsProd"}},
    }
    params = [{"ParameterKey": "Env", "ParameterValue": "dev"}]
    stack = create(server, cfn, "conds", template, Parameters=params)
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert outputs(stack) == {}
    url = sqs.get_queue_url(QueueName="conds-dev")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (attributes["DelaySeconds"], attributes["VisibilityTimeout"]) == ("1", "30")
    assert error_of(
        cfn.create_stack,
        StackName="bad",
        TemplateBody=body(template),
        Parameters=[{"ParameterKey": "Env", "ParameterValue": "qa"}],
    ) == ("ValidationError", "Parameter 'Env' must be one of AllowedValues")

    cfn.update_stack(
        StackName="conds",
        UsePreviousTemplate=True,
        Parameters=[{"ParameterKey": "Env", "ParameterValue": "prod"}],
    )
    server.settle()
    stack = cfn.describe_stacks(StackName="conds")["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_COMPLETE", events(cfn, "conds")
    assert "Prod" in outputs(stack)
    names = sorted(u.split("/")[-1] for u in sqs.list_queues()["QueueUrls"])
    assert names[0] == "conds-ProdOnly-" + names[0].rsplit("-", 1)[1] and names[1] == "conds-prod"


def test_termination_protection_and_deleting_what_does_not_exist(server: Server, cfn: Any) -> None:
    cfn.delete_stack(StackName="never-was")  # succeeds, as on AWS
    create(
        server,
        cfn,
        "guarded",
        {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}},
        EnableTerminationProtection=True,
    )
    assert error_of(cfn.delete_stack, StackName="guarded") == (
        "ValidationError",
        "Stack [guarded] cannot be deleted while TerminationProtection is enabled",
    )
    cfn.update_termination_protection(StackName="guarded", EnableTerminationProtection=False)
    cfn.delete_stack(StackName="guarded")
    server.settle()
    assert status_of_deleted(cfn, "guarded") == "DELETE_COMPLETE"


def status_of_deleted(cfn: Any, name: str) -> str:
    return str(next(s["StackStatus"] for s in cfn.list_stacks()["StackSummaries"] if s["StackName"] == name))


def test_get_template_summary(server: Server, cfn: Any) -> None:
    template = {
        "Description": "summary",
        "Parameters": {"Size": {"Type": "Number", "Default": 3}},
        "Resources": {"Q": {"Type": "AWS::SQS::Queue"}, "T": {"Type": "AWS::SNS::Topic"}},
    }
    summary = cfn.get_template_summary(TemplateBody=body(template))
    assert summary["Description"] == "summary"
    assert summary["ResourceTypes"] == ["AWS::SNS::Topic", "AWS::SQS::Queue"]
    assert summary["Parameters"] == [
        {"ParameterKey": "Size", "DefaultValue": "3", "ParameterType": "Number", "NoEcho": False}
    ]
    create(server, cfn, "summed", template)
    assert cfn.get_template_summary(StackName="summed")["Version"] == "2010-09-09"


def test_named_iam_needs_its_capability_and_on_failure_delete(server: Server, cfn: Any) -> None:
    named = {
        "Resources": {
            "R": {
                "Type": "AWS::IAM::Role",
                "Properties": {"RoleName": "fixed", "AssumeRolePolicyDocument": {}},
            }
        }
    }
    assert error_of(
        cfn.create_stack, StackName="n", TemplateBody=body(named), Capabilities=["CAPABILITY_IAM"]
    ) == (
        "InsufficientCapabilitiesException",
        "Requires capabilities : [CAPABILITY_NAMED_IAM]",
    )
    failing = {"Resources": {"Bad": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 9999}}}}
    cfn.create_stack(StackName="gone", TemplateBody=body(failing), OnFailure="DELETE")
    server.settle()
    assert error_of(cfn.describe_stacks, StackName="gone")[1] == "Stack with id gone does not exist"
    assert status_of_deleted(cfn, "gone") == "DELETE_COMPLETE"
