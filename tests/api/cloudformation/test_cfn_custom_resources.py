"""Lambda-backed custom resources through a stack: properties arrive as strings, Data
becomes Fn::GetAtt, and a handler that answers FAILED fails the stack with its reason."""

from __future__ import annotations

import json
from typing import Any

from cfn_support import create, events, outputs, update

from harness import Server

CODE = """
import cfnresponse

def handler(event, context):
    props = event["ResourceProperties"]
    if event["RequestType"] != "Delete" and props.get("Fail") == "true":
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, reason="the handler said no")
        return
    kinds = ",".join(type(props[k]).__name__ for k in ("Count", "On"))
    cfnresponse.send(event, context, cfnresponse.SUCCESS, {"Kinds": kinds, "Count": props["Count"]},
                     physicalResourceId="thing-" + props["Count"])
"""


def template(**props: Any) -> dict[str, Any]:
    return {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "lambda.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    }
                },
            },
            "Provider": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "index.handler",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Code": {"ZipFile": CODE},
                },
            },
            "Thing": {
                "Type": "Custom::Thing",
                "Properties": {"ServiceToken": {"Fn::GetAtt": ["Provider", "Arn"]}, "On": True, **props},
            },
        },
        "Outputs": {
            "Kinds": {"Value": {"Fn::GetAtt": ["Thing", "Kinds"]}},
            "Id": {"Value": {"Ref": "Thing"}},
        },
    }


def test_custom_resource_gets_strings_and_answers_data(server: Server, cfn: Any) -> None:
    stack = create(server, cfn, "custom", template(Count=3), Capabilities=["CAPABILITY_IAM"])
    assert stack["StackStatus"] == "CREATE_COMPLETE", events(cfn, "custom")
    assert outputs(stack) == {"Kinds": "str,str", "Id": "thing-3"}
    stack = update(server, cfn, "custom", template(Count=4), Capabilities=["CAPABILITY_IAM"])
    assert stack["StackStatus"] == "UPDATE_COMPLETE", events(cfn, "custom")
    assert outputs(stack)["Id"] == "thing-4"
    cfn.delete_stack(StackName="custom")
    server.settle()
    assert cfn.describe_stacks(StackName=stack["StackId"])["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"


def test_failing_custom_resource_fails_the_stack_with_its_reason(server: Server, cfn: Any) -> None:
    stack = create(server, cfn, "refused", template(Count=1, Fail=True), Capabilities=["CAPABILITY_IAM"])
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE", events(cfn, "refused")
    failed = [e for e in events(cfn, "refused") if e[1] == "CREATE_FAILED"]
    assert failed[0][0] == "Thing"
    assert failed[0][2].startswith(
        "Received response status [FAILED] from custom resource. Message returned: the handler said no"
    )
    assert server.client("lambda").list_functions()["Functions"] == []


def test_unanswered_custom_resource_times_out_on_the_virtual_clock(server: Server, cfn: Any) -> None:
    silent = {
        "Resources": {
            "Topic": {"Type": "AWS::SNS::Topic"},  # nobody reads it: no answer ever comes
            "Waiting": {
                "Type": "Custom::Waiting",
                "Properties": {"ServiceToken": {"Ref": "Topic"}, "ServiceTimeout": 120},
            },
        }
    }
    cfn.create_stack(StackName="silent", TemplateBody=json.dumps(silent))
    assert server.settle()  # waiting for an answer is not work: settle returns
    assert cfn.describe_stacks(StackName="silent")["Stacks"][0]["StackStatus"] == "CREATE_IN_PROGRESS"
    server.advance(121)
    stack = cfn.describe_stacks(StackName="silent")["Stacks"][0]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE", events(cfn, "silent")
    failed = [e for e in events(cfn, "silent") if e[1] == "CREATE_FAILED"]
    assert failed[0][0] == "Waiting"
    assert failed[0][2].startswith("CloudFormation did not receive a response from your Custom Resource.")
    assert server.client("sns").list_topics()["Topics"] == []
