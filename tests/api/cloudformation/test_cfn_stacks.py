"""CreateStack / UpdateStack / DeleteStack round trips, asserted through the services."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from cfn_support import body, create, events, outputs, resources, status, update

from harness import Server

QUEUES = {
    "Parameters": {"Delay": {"Type": "Number", "Default": "5"}},
    "Resources": {
        "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": {"Ref": "Delay"}}},
        "Dead": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "dead-letters"}},
        "Topic": {"Type": "AWS::SNS::Topic"},
        "Setting": {
            "Type": "AWS::SSM::Parameter",
            "Properties": {"Type": "String", "Name": "/app/queue", "Value": {"Fn::GetAtt": ["Jobs", "Arn"]}},
        },
    },
    "Outputs": {
        "JobsUrl": {"Value": {"Ref": "Jobs"}},
        "JobsArn": {"Value": {"Fn::GetAtt": ["Jobs", "Arn"]}, "Export": {"Name": "jobs-arn"}},
        "TopicArn": {"Value": {"Ref": "Topic"}},
    },
}


def test_create_update_delete_round_trip(server: Server, cfn: Any, sqs: Any) -> None:
    stack = create(server, cfn, "app", QUEUES)
    assert stack["StackStatus"] == "CREATE_COMPLETE", events(cfn, "app")
    out = outputs(stack)
    url = out["JobsUrl"]
    assert url.split("/")[-1].startswith("app-Jobs-")
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["DelaySeconds"] == "5"
    assert out["JobsArn"] == attributes["QueueArn"]
    assert sqs.get_queue_url(QueueName="dead-letters")["QueueUrl"]
    sns = server.client("sns")
    assert out["TopicArn"] in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    ssm = server.client("ssm")
    assert ssm.get_parameter(Name="/app/queue")["Parameter"]["Value"] == attributes["QueueArn"]
    assert set(resources(cfn, "app")) == {"Jobs", "Dead", "Topic", "Setting"}
    assert cfn.list_exports()["Exports"] == [
        {"ExportingStackId": stack["StackId"], "Name": "jobs-arn", "Value": attributes["QueueArn"]}
    ]

    # update in place: a parameter changes DelaySeconds; the queue stays the same
    stack = update(server, cfn, "app", QUEUES, Parameters=[{"ParameterKey": "Delay", "ParameterValue": "9"}])
    assert stack["StackStatus"] == "UPDATE_COMPLETE", events(cfn, "app")
    assert outputs(stack)["JobsUrl"] == url
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])["Attributes"]
    assert attributes["DelaySeconds"] == "9"
    assert stack["Parameters"] == [{"ParameterKey": "Delay", "ParameterValue": "9"}]

    cfn.delete_stack(StackName="app")
    server.settle()
    with pytest.raises(ClientError) as error:
        cfn.describe_stacks(StackName="app")
    assert error.value.response["Error"]["Message"] == "Stack with id app does not exist"
    assert sqs.list_queues().get("QueueUrls", []) == []
    assert sns.list_topics()["Topics"] == []
    assert (
        ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": ["/app/queue"]}])["Parameters"]
        == []
    )
    deleted = [s for s in cfn.list_stacks()["StackSummaries"] if s["StackName"] == "app"]
    assert deleted[0]["StackStatus"] == "DELETE_COMPLETE"
    assert cfn.describe_stacks(StackName=stack["StackId"])["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"


def test_waiters_work_after_settle(server: Server, cfn: Any) -> None:
    template = {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}
    cfn.create_stack(StackName="waited", TemplateBody=body(template))
    server.settle()
    cfn.get_waiter("stack_create_complete").wait(StackName="waited", WaiterConfig={"Delay": 0})
    cfn.delete_stack(StackName="waited")
    server.settle()
    cfn.get_waiter("stack_delete_complete").wait(StackName="waited", WaiterConfig={"Delay": 0})


def test_failing_resource_rolls_back_and_leaves_nothing(server: Server, cfn: Any, sqs: Any) -> None:
    template = {
        "Resources": {
            "Good": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "good"}},
            "Bad": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"QueueName": "bad", "DelaySeconds": 9999},
                "DependsOn": "Good",
            },
        }
    }
    stack = create(server, cfn, "broken", template)
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    assert "StackStatusReason" not in stack
    seen = events(cfn, "broken")
    failed = [e for e in seen if e[1] == "CREATE_FAILED"]
    assert failed[0][0] == "Bad" and "Resource handler returned message" in failed[0][2]
    rollback = [e for e in seen if e[1] == "ROLLBACK_IN_PROGRESS"]
    assert rollback[0][2] == "The following resource(s) failed to create: [Bad]. Rollback requested by user."
    assert ("Good", "DELETE_COMPLETE", "") in seen
    assert sqs.list_queues().get("QueueUrls", []) == []
    assert cfn.describe_stack_resources(StackName="broken")["StackResources"] == []
    with pytest.raises(ClientError) as error:
        cfn.update_stack(StackName="broken", TemplateBody=body(template))
    assert "ROLLBACK_COMPLETE state and can not be updated" in error.value.response["Error"]["Message"]
    cfn.delete_stack(StackName="broken")
    server.settle()
    assert [s["StackStatus"] for s in cfn.list_stacks()["StackSummaries"]] == ["DELETE_COMPLETE"]


def test_disable_rollback_keeps_what_was_created(server: Server, cfn: Any, sqs: Any) -> None:
    template = {
        "Resources": {
            "Good": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "kept"}},
            "Bad": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 9999}, "DependsOn": "Good"},
        }
    }
    stack = create(server, cfn, "nofallback", template, DisableRollback=True)
    assert stack["StackStatus"] == "CREATE_FAILED"
    assert sqs.get_queue_url(QueueName="kept")["QueueUrl"]
    cfn.rollback_stack(StackName="nofallback")
    server.settle()
    assert status(cfn, "nofallback") == "ROLLBACK_COMPLETE"
    assert sqs.list_queues().get("QueueUrls", []) == []
    cfn.delete_stack(StackName="nofallback")
    server.settle()


def test_replacement_on_name_change_and_failed_update_rolls_back(server: Server, cfn: Any, sqs: Any) -> None:
    template: dict[str, Any] = {
        "Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "first"}}},
        "Outputs": {"Url": {"Value": {"Ref": "Q"}}},
    }
    create(server, cfn, "renamed", template)
    template["Resources"]["Q"]["Properties"]["QueueName"] = "second"
    stack = update(server, cfn, "renamed", template)
    assert stack["StackStatus"] == "UPDATE_COMPLETE", events(cfn, "renamed")
    assert outputs(stack)["Url"].endswith("/second")
    assert [u.split("/")[-1] for u in sqs.list_queues()["QueueUrls"]] == ["second"]
    seen = events(cfn, "renamed")
    assert any(
        e[0] == "Q"
        and e[2] == "Requested update requires the creation of a new physical resource; hence creating one."
        for e in seen
    )
    assert ("renamed", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "") in seen

    # a failing in-place update rolls back to the previous template
    template["Resources"]["Q"]["Properties"]["DelaySeconds"] = 9999
    stack = update(server, cfn, "renamed", template)
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE", events(cfn, "renamed")
    original = cfn.get_template(StackName="renamed")["TemplateBody"]
    assert "DelaySeconds" not in str(original)
    attributes = sqs.get_queue_attributes(QueueUrl=outputs(stack)["Url"], AttributeNames=["DelaySeconds"])
    assert attributes["Attributes"]["DelaySeconds"] == "0"


def test_custom_named_resource_cannot_be_replaced(server: Server, cfn: Any) -> None:
    template: dict[str, Any] = {
        "Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "fixed"}}}
    }
    create(server, cfn, "named", template)
    template["Resources"]["Q"]["Properties"]["FifoQueue"] = True
    template["Resources"]["Q"]["Properties"]["QueueName"] = "fixed"
    stack = update(server, cfn, "named", template)
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    failed = [e for e in events(cfn, "named") if e[1] == "UPDATE_FAILED"]
    assert failed[0][2] == (
        "CloudFormation cannot update a stack when a custom-named resource requires replacing. "
        "Rename fixed and update the stack again."
    )


def test_retain_policies(server: Server, cfn: Any, sqs: Any) -> None:
    template: dict[str, Any] = {
        "Resources": {
            "Kept": {
                "Type": "AWS::SQS::Queue",
                "DeletionPolicy": "Retain",
                "Properties": {"QueueName": "kept"},
            },
            "Old": {
                "Type": "AWS::SQS::Queue",
                "UpdateReplacePolicy": "Retain",
                "Properties": {"QueueName": "old"},
            },
            "Gone": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "gone"}},
        }
    }
    create(server, cfn, "retainer", template)
    template["Resources"]["Old"]["Properties"]["QueueName"] = "new"
    del template["Resources"]["Gone"]
    assert update(server, cfn, "retainer", template)["StackStatus"] == "UPDATE_COMPLETE"
    names = sorted(u.split("/")[-1] for u in sqs.list_queues()["QueueUrls"])
    assert names == ["kept", "new", "old"]
    cfn.delete_stack(StackName="retainer")
    server.settle()
    names = sorted(u.split("/")[-1] for u in sqs.list_queues()["QueueUrls"])
    assert names == ["kept", "old"]


def test_replacement_repoints_references(server: Server, cfn: Any, sqs: Any) -> None:
    template: dict[str, Any] = {
        "Resources": {
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "before"}},
            "Where": {"Type": "AWS::SSM::Parameter", "Properties": {"Type": "String", "Value": {"Ref": "Q"}}},
        }
    }
    create(server, cfn, "repoint", template)
    template["Resources"]["Q"]["Properties"]["QueueName"] = "after"
    assert update(server, cfn, "repoint", template)["StackStatus"] == "UPDATE_COMPLETE"
    name = resources(cfn, "repoint")["Where"]["PhysicalResourceId"]
    assert name.startswith("CFN-Where-")
    value = server.client("ssm").get_parameter(Name=name)["Parameter"]["Value"]
    assert value == sqs.get_queue_url(QueueName="after")["QueueUrl"]
    assert [u.split("/")[-1] for u in sqs.list_queues()["QueueUrls"]] == ["after"]
    cfn.delete_stack(StackName="repoint")
    server.settle()
    seen = events(cfn, resources_id(cfn, "repoint"))
    deleting = seen[seen.index(("repoint", "DELETE_IN_PROGRESS", "User Initiated")) :]
    assert [e[0] for e in deleting if e[1] == "DELETE_COMPLETE"] == ["Where", "Q", "repoint"]


def resources_id(cfn: Any, name: str) -> str:
    return str(next(s["StackId"] for s in cfn.list_stacks()["StackSummaries"] if s["StackName"] == name))
