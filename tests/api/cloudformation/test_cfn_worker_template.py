"""The committed short-form YAML template (tests/deploy/fixtures/worker.yaml) deployed for
both stages, every resource asserted through boto3, then updated and destroyed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cfn_support import events, outputs, resources

from harness import Server

WORKER = (Path(__file__).parents[2] / "deploy" / "fixtures" / "worker.yaml").read_text()


def deploy(server: Server, cfn: Any, stage: str, *, update: bool = False) -> dict[str, Any]:
    call = cfn.update_stack if update else cfn.create_stack
    call(
        StackName="worker-app",
        TemplateBody=WORKER,
        Capabilities=["CAPABILITY_IAM"],
        Parameters=[{"ParameterKey": "Stage", "ParameterValue": stage}],
    )
    server.settle()
    stack: dict[str, Any] = cfn.describe_stacks(StackName="worker-app")["Stacks"][0]
    return stack


def test_worker_template_dev_then_prod_then_destroy(server: Server, cfn: Any, sqs: Any) -> None:
    lam = server.client("lambda")
    stack = deploy(server, cfn, "dev")
    assert stack["StackStatus"] == "CREATE_COMPLETE", events(cfn, "worker-app")
    assert stack["Description"] == "A queue worker written with the short-form intrinsics"
    found = resources(cfn, "worker-app")
    assert set(found) == {"Jobs", "WorkerRole", "Worker", "Mapping"}  # DeadLetters is prod only
    url = outputs(stack)["QueueUrl"]
    assert cfn.list_exports()["Exports"][0]["Name"] == "worker-app-QueueUrl"
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (attributes["VisibilityTimeout"], attributes["MessageRetentionPeriod"]) == ("30", "345600")
    assert "RedrivePolicy" not in attributes
    function = lam.get_function(FunctionName=found["Worker"]["PhysicalResourceId"])["Configuration"]
    variables = function["Environment"]["Variables"]
    assert variables == {
        "QUEUE_ARN": attributes["QueueArn"],
        "STAGE": "worker-dev",
        "ZONES": "us-east-1a,us-east-1b,us-east-1c",
        "DEBUG": "true",
    }
    assert (
        function["Role"]
        == server.client("iam").get_role(RoleName=found["WorkerRole"]["PhysicalResourceId"])["Role"]["Arn"]
    )
    mapping = lam.get_event_source_mapping(UUID=found["Mapping"]["PhysicalResourceId"])
    assert mapping["EventSourceArn"] == attributes["QueueArn"]

    stack = deploy(server, cfn, "prod", update=True)
    assert stack["StackStatus"] == "UPDATE_COMPLETE", events(cfn, "worker-app")
    dead = outputs(stack)["DeadLetterArn"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "120"
    assert f'"deadLetterTargetArn":"{dead}"' in attributes["RedrivePolicy"].replace(" ", "")
    function = lam.get_function(FunctionName=found["Worker"]["PhysicalResourceId"])["Configuration"]
    assert "DEBUG" not in function["Environment"]["Variables"]
    assert function["Environment"]["Variables"]["STAGE"] == "worker-prod"

    cfn.delete_stack(StackName="worker-app")
    server.settle()
    assert sqs.list_queues().get("QueueUrls", []) == []
    assert lam.list_functions()["Functions"] == []
    assert lam.list_event_source_mappings()["EventSourceMappings"] == []
    assert cfn.list_exports()["Exports"] == []
