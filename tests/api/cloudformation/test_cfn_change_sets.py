"""Change sets through boto3, and `aws cloudformation deploy` (which drives them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cfn_support import body, create, outputs, status

from harness import Server

TEMPLATE: dict[str, Any] = {
    "Parameters": {"Name": {"Type": "String", "Default": "one"}},
    "Resources": {
        "Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Name"}}},
        "T": {"Type": "AWS::SNS::Topic"},
    },
    "Outputs": {"Url": {"Value": {"Ref": "Q"}}},
}


def changes(cfn: Any, name: str, stack: str) -> list[tuple[str, str, str | None]]:
    described = cfn.describe_change_set(ChangeSetName=name, StackName=stack)
    return [
        (
            c["ResourceChange"]["Action"],
            c["ResourceChange"]["LogicalResourceId"],
            c["ResourceChange"].get("Replacement"),
        )
        for c in described["Changes"]
    ]


def test_create_and_update_through_change_sets(server: Server, cfn: Any, sqs: Any) -> None:
    made = cfn.create_change_set(
        StackName="cs", ChangeSetName="first", ChangeSetType="CREATE", TemplateBody=body(TEMPLATE)
    )
    assert made["Id"].startswith("arn:aws:cloudformation:us-east-1:000000000000:changeSet/first/")
    assert status(cfn, "cs") == "REVIEW_IN_PROGRESS"
    cfn.get_waiter("change_set_create_complete").wait(
        ChangeSetName="first", StackName="cs", WaiterConfig={"Delay": 0}
    )
    described = cfn.describe_change_set(ChangeSetName=made["Id"])
    assert (described["Status"], described["ExecutionStatus"]) == ("CREATE_COMPLETE", "AVAILABLE")
    assert changes(cfn, "first", "cs") == [("Add", "Q", None), ("Add", "T", None)]
    assert sqs.list_queues().get("QueueUrls", []) == []
    cfn.execute_change_set(ChangeSetName="first", StackName="cs")
    server.settle()
    stack = cfn.describe_stacks(StackName="cs")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert stack["ChangeSetId"] == made["Id"]
    assert cfn.describe_change_set(ChangeSetName=made["Id"])["ExecutionStatus"] == "EXECUTE_COMPLETE"
    assert outputs(stack)["Url"].endswith("/one")

    update = dict(TEMPLATE, Resources={"Q": TEMPLATE["Resources"]["Q"]})
    cfn.create_change_set(
        StackName="cs",
        ChangeSetName="second",
        TemplateBody=body(update),
        Parameters=[{"ParameterKey": "Name", "ParameterValue": "two"}],
    )
    assert changes(cfn, "second", "cs") == [("Modify", "Q", "True"), ("Remove", "T", None)]
    summaries = cfn.list_change_sets(StackName="cs")["Summaries"]
    assert [s["ChangeSetName"] for s in summaries] == ["second"]  # executed ones are gone
    cfn.execute_change_set(ChangeSetName="second", StackName="cs")
    server.settle()
    stack = cfn.describe_stacks(StackName="cs")["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    assert [u.split("/")[-1] for u in sqs.list_queues()["QueueUrls"]] == ["two"]
    assert server.client("sns").list_topics()["Topics"] == []

    # nothing changed: the change set fails with AWS's reason
    cfn.create_change_set(
        StackName="cs",
        ChangeSetName="same",
        TemplateBody=body(update),
        Parameters=[{"ParameterKey": "Name", "UsePreviousValue": True}],
    )
    described = cfn.describe_change_set(ChangeSetName="same", StackName="cs")
    assert described["Status"] == "FAILED"
    assert described["ExecutionStatus"] == "UNAVAILABLE"
    assert described["StatusReason"] == (
        "The submitted information didn't contain changes. Submit different information to create a change set."
    )
    cfn.delete_change_set(ChangeSetName="same", StackName="cs")
    with pytest.raises(ClientError) as error:
        cfn.describe_change_set(ChangeSetName="same", StackName="cs")
    assert error.value.response["Error"]["Code"] == "ChangeSetNotFound"
    assert error.value.response["Error"]["Message"] == "ChangeSet [same] does not exist"
    cfn.delete_change_set(ChangeSetName="never-made", StackName="cs")  # succeeds: the stack exists


def test_aws_cloudformation_deploy(server: Server, cfn: Any, sqs: Any, tmp_path: Path) -> None:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(TEMPLATE))
    server.aws("cloudformation", "deploy", "--stack-name", "cli", "--template-file", str(path))
    assert status(cfn, "cli") == "CREATE_COMPLETE"
    assert sqs.get_queue_url(QueueName="one")["QueueUrl"]
    server.aws(
        "cloudformation",
        "deploy",
        "--stack-name",
        "cli",
        "--template-file",
        str(path),
        "--parameter-overrides",
        "Name=three",
    )
    assert status(cfn, "cli") == "UPDATE_COMPLETE"
    assert sqs.get_queue_url(QueueName="three")["QueueUrl"]
    again = server.aws(
        "cloudformation",
        "deploy",
        "--stack-name",
        "cli",
        "--template-file",
        str(path),
        "--parameter-overrides",
        "Name=three",
        "--no-fail-on-empty-changeset",
    )
    assert "No changes to deploy" in again.stdout
    server.aws("cloudformation", "delete-stack", "--stack-name", "cli")
    server.settle()
    assert sqs.list_queues().get("QueueUrls", []) == []
    assert (
        create(server, cfn, "after", {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})["StackStatus"]
        == "CREATE_COMPLETE"
    )


def test_aws_cloudformation_deploy_through_s3(server: Server, cfn: Any, sqs: Any, tmp_path: Path) -> None:
    server.client("s3").create_bucket(Bucket="deploy-templates")
    path = tmp_path / "template.json"
    path.write_text(json.dumps(TEMPLATE))
    server.aws(
        "cloudformation",
        "deploy",
        "--stack-name",
        "bys3",
        "--template-file",
        str(path),
        "--s3-bucket",
        "deploy-templates",
    )
    assert status(cfn, "bys3") == "CREATE_COMPLETE"
    assert server.client("s3").list_objects_v2(Bucket="deploy-templates")["KeyCount"] == 1
    assert sqs.get_queue_url(QueueName="one")["QueueUrl"]


def test_second_create_change_set_wins_and_review_stack_can_be_deleted(server: Server, cfn: Any) -> None:
    first = {"Resources": {"A": {"Type": "AWS::SQS::Queue"}}}
    second = {"Resources": {"B": {"Type": "AWS::SNS::Topic"}}}
    cfn.create_change_set(
        StackName="rev", ChangeSetName="one", ChangeSetType="CREATE", TemplateBody=body(first)
    )
    cfn.create_change_set(
        StackName="rev", ChangeSetName="two", ChangeSetType="CREATE", TemplateBody=body(second)
    )
    assert [s["ChangeSetName"] for s in cfn.list_change_sets(StackName="rev")["Summaries"]] == ["one", "two"]
    cfn.execute_change_set(ChangeSetName="two", StackName="rev")
    server.settle()
    assert status(cfn, "rev") == "CREATE_COMPLETE"
    assert cfn.get_template(StackName="rev")["TemplateBody"] == second
    assert cfn.list_change_sets(StackName="rev")["Summaries"] == []
    cfn.create_change_set(
        StackName="review", ChangeSetName="x", ChangeSetType="CREATE", TemplateBody=body(first)
    )
    cfn.delete_stack(StackName="review")
    server.settle()
    assert [s["StackStatus"] for s in cfn.list_stacks()["StackSummaries"] if s["StackName"] == "review"] == [
        "DELETE_COMPLETE"
    ]
