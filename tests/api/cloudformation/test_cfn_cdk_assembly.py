"""The committed cdk.out (tests/deploy/fixtures) deployed through CreateStack as the CDK CLI
would (assets published first, CAPABILITY_IAM), asserted through boto3, then destroyed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cfn_support import events, outputs, resources

from cloudlet.deploy.assembly import load_assembly
from cloudlet.deploy.publish import Publisher
from harness import Server

FIXTURE = Path(__file__).parents[2] / "deploy" / "fixtures" / "cdk.out"


def test_deploy_and_destroy_the_cdk_assembly(server: Server, cfn: Any, sqs: Any) -> None:
    assembly = load_assembly(FIXTURE)
    publisher = Publisher(server.client("s3"), "000000000000", "us-east-1")
    for stack in assembly.stacks:
        publisher.publish([a for a in stack.assets if not a.is_template])
        cfn.create_stack(
            StackName=stack.stack_name,
            TemplateBody=(stack.template_file).read_text(),
            Capabilities=["CAPABILITY_IAM"],
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in stack.parameters.items()],
        )
        server.settle()
        described = cfn.describe_stacks(StackName=stack.stack_name)["Stacks"][0]
        assert described["StackStatus"] == "CREATE_COMPLETE", events(cfn, stack.stack_name)
    app = cfn.describe_stacks(StackName="AppStack")["Stacks"][0]
    queue_url = outputs(app)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    app_resources = resources(cfn, "AppStack")
    function = app_resources["Handler886CB40B"]["PhysicalResourceId"]
    lam = server.client("lambda")
    assert lam.get_function(FunctionName=function)["Configuration"]["FunctionName"] == function
    mappings = lam.list_event_source_mappings(FunctionName=function)["EventSourceMappings"]
    assert [m["EventSourceArn"] for m in mappings] == [arn]
    table = app_resources["ItemsTable5AAC2C46"]["PhysicalResourceId"]
    assert server.client("dynamodb").describe_table(TableName=table)["Table"]["TableStatus"] == "ACTIVE"
    topic = resources(cfn, "ConsumerStack")["AlertsTopic2B6E2C8A"]["PhysicalResourceId"]
    subscriptions = server.client("sns").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [s["Endpoint"] for s in subscriptions] == [arn]
    assert cfn.list_imports(ExportName=next(e["Name"] for e in cfn.list_exports()["Exports"]))["Imports"] == [
        "ConsumerStack"
    ]

    for stack in reversed(assembly.stacks):
        cfn.delete_stack(StackName=stack.stack_name)
        server.settle()
    assert [s["StackStatus"] for s in cfn.list_stacks()["StackSummaries"]] == ["DELETE_COMPLETE"] * 2
    assert sqs.list_queues().get("QueueUrls", []) == []
    assert lam.list_functions()["Functions"] == []
    # CDK's tables default to DeletionPolicy Retain: the table outlives its stack
    assert server.client("dynamodb").list_tables()["TableNames"] == [table]
