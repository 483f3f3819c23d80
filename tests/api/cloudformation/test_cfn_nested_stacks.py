"""AWS::CloudFormation::Stack: a nested stack from a template in cloudlet's S3, its
parameters and Outputs.<key> attributes, its update, failure and deletion with the parent."""

from __future__ import annotations

import json
from typing import Any

from cfn_support import create, events, outputs, resources, update

from harness import Server

CHILD = {
    "Parameters": {"Delay": {"Type": "Number"}},
    "Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": {"Ref": "Delay"}}}},
    "Outputs": {"Url": {"Value": {"Ref": "Q"}}},
}


def parent(server: Server, delay: Any) -> dict[str, Any]:
    return {
        "Resources": {
            "Child": {
                "Type": "AWS::CloudFormation::Stack",
                "Properties": {
                    "TemplateURL": f"{server.endpoint}/nested-templates/child.json",
                    "Parameters": {"Delay": delay},
                },
            }
        },
        "Outputs": {"ChildUrl": {"Value": {"Fn::GetAtt": ["Child", "Outputs.Url"]}}},
    }


def test_nested_stack_lives_and_dies_with_its_parent(server: Server, cfn: Any, sqs: Any) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="nested-templates")
    s3.put_object(Bucket="nested-templates", Key="child.json", Body=json.dumps(CHILD).encode())
    stack = create(server, cfn, "outer", parent(server, 2))
    assert stack["StackStatus"] == "CREATE_COMPLETE", events(cfn, "outer")
    child_id = resources(cfn, "outer")["Child"]["PhysicalResourceId"]
    child = cfn.describe_stacks(StackName=child_id)["Stacks"][0]
    assert child["StackName"].startswith("outer-Child-") and child["StackStatus"] == "CREATE_COMPLETE"
    assert child["ParentId"] == child["RootId"] == stack["StackId"]
    assert "ParentId" not in stack
    url = outputs(stack)["ChildUrl"]
    assert (
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])["Attributes"]["DelaySeconds"]
        == "2"
    )

    stack = update(server, cfn, "outer", parent(server, 4))
    assert stack["StackStatus"] == "UPDATE_COMPLETE", events(cfn, "outer")
    assert (
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])["Attributes"]["DelaySeconds"]
        == "4"
    )
    assert cfn.describe_stacks(StackName=child_id)["Stacks"][0]["StackStatus"] == "UPDATE_COMPLETE"

    cfn.delete_stack(StackName="outer")
    server.settle()
    assert cfn.describe_stacks(StackName=child_id)["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"
    assert sqs.list_queues().get("QueueUrls", []) == []


def test_failing_nested_stack_fails_the_parent(server: Server, cfn: Any, sqs: Any) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="nested-templates")
    s3.put_object(Bucket="nested-templates", Key="child.json", Body=json.dumps(CHILD).encode())
    stack = create(server, cfn, "outer", parent(server, 9999))
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    failed = [e for e in events(cfn, "outer") if e[1] == "CREATE_FAILED"]
    assert failed[0][0] == "Child"
    assert "was not successfully created: The following resource(s) failed to create: [Q]." in failed[0][2]
    assert [s["StackStatus"] for s in cfn.list_stacks()["StackSummaries"] if s["StackName"] != "outer"] == [
        "DELETE_COMPLETE"
    ]
    assert sqs.list_queues().get("QueueUrls", []) == []
