"""Stacks live in the database: a restarted server knows them, and a stack whose operation
was cut short by the stop is failed (its engine is gone) and can be deleted."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from harness import Server

TEMPLATE = {
    "Resources": {
        "Topic": {"Type": "AWS::SNS::Topic"},
        # Published to a topic nobody reads: the custom resource waits for an answer.
        "Waiting": {"Type": "Custom::Waiting", "Properties": {"ServiceToken": {"Ref": "Topic"}}},
    }
}


def test_restart_fails_the_interrupted_stack_and_keeps_the_rest() -> None:
    with tempfile.TemporaryDirectory(prefix="cloudlet-cfn-") as directory:
        data_dir = Path(directory)
        first = Server(data_dir=data_dir).start()
        try:
            cfn = first.client("cloudformation")
            cfn.create_stack(
                StackName="done", TemplateBody=json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})
            )
            cfn.create_stack(StackName="cut", TemplateBody=json.dumps(TEMPLATE))
            assert cfn.describe_stacks(StackName="cut")["Stacks"][0]["StackStatus"] == "CREATE_IN_PROGRESS"
        finally:
            first.kill()
        second = Server(data_dir=data_dir, port=first.port).start()
        try:
            cfn = second.client("cloudformation")
            assert cfn.describe_stacks(StackName="done")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
            stack = cfn.describe_stacks(StackName="cut")["Stacks"][0]
            assert stack["StackStatus"] == "CREATE_FAILED"
            assert stack["StackStatusReason"] == "Internal Failure: the server stopped during the operation"
            cfn.delete_stack(StackName="cut")
            cfn.delete_stack(StackName="done")
            second.settle()
            assert [s["StackStatus"] for s in cfn.list_stacks()["StackSummaries"]] == ["DELETE_COMPLETE"] * 2
            assert second.client("sns").list_topics()["Topics"] == []
            assert second.client("sqs").list_queues().get("QueueUrls", []) == []
        finally:
            second.stop()
