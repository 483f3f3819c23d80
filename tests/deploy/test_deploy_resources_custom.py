"""The Lambda-backed custom resource handler against a real server: a function with inline
code answers through cfn-response to a ResponseURL. The engine's CustomResponses is stood in
for by a small HTTP server this test starts (scaffolding for the seam, not our code path)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from deploy_support import context, create

from cloudlet.deploy.resources import awslambda, handler_for
from cloudlet.deploy.resources.base import Provisioned, ResourceContext
from cloudlet.deploy.resources.custom import CustomResourceFailed
from harness import Server

ROLE = "arn:aws:iam::000000000000:role/provider"
PROVIDER = """
import cfnresponse

def handler(event, context):
    props = event["ResourceProperties"]
    if props.get("Silent") == "true":
        return
    if props.get("Fail") == "true" and event["RequestType"] != "Delete":
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, reason="it broke: " + props["Name"])
        return
    data = {
        "Greeting": "hello " + props["Name"],
        "RequestType": event["RequestType"],
        "Old": event.get("OldResourceProperties", {}).get("Name", ""),
        "Previous": event.get("PhysicalResourceId", ""),
        "Token": props["ServiceToken"],
        "Type": event["ResourceType"],
        "Count": props.get("Count", ""),
    }
    cfnresponse.send(event, context, cfnresponse.SUCCESS, data, physicalResourceId="res-" + props["Name"])
"""


class Responses:
    """url()/wait() over a local HTTP server that stores what is PUT to /<request id>."""

    def __init__(self) -> None:
        self.bodies: dict[str, dict[str, Any]] = {}
        self.arrived: dict[str, threading.Event] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:  # noqa: N802 - http.server's naming
                request_id = self.path.strip("/")
                length = int(self.headers.get("content-length") or 0)
                outer.bodies[request_id] = json.loads(self.rfile.read(length))
                outer.arrived.setdefault(request_id, threading.Event()).set()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, request_id: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{request_id}"

    async def wait(self, request_id: str, timeout: float) -> dict[str, Any]:
        arrived = self.arrived.setdefault(request_id, threading.Event())
        if not await asyncio.to_thread(arrived.wait, min(timeout, 30)):
            raise TimeoutError(request_id)
        return self.bodies[request_id]


@pytest.fixture
def responses() -> Iterator[Responses]:
    stand_in = Responses()
    yield stand_in
    stand_in.server.shutdown()


def custom_context(
    server: Server, responses: Responses, type_name: str = "Custom::Greeter"
) -> ResourceContext:
    ctx = context(server, type_name, logical_id="Greeter")
    ctx.responses = responses
    return ctx


def provider(server: Server) -> str:
    props = {
        "FunctionName": "provider",
        "Runtime": "python3.12",
        "Handler": "index.handler",
        "Role": ROLE,
        "Code": {"ZipFile": PROVIDER},
    }
    return create(server, awslambda.FunctionHandler(), props).attributes["Arn"]


def test_create_update_replace_and_delete(server: Server, responses: Responses) -> None:
    token = provider(server)
    h = handler_for("Custom::Greeter")
    assert h is not None and h.type_name == "AWS::CloudFormation::CustomResource"
    ctx = custom_context(server, responses)
    props = {"ServiceToken": token, "Name": "ann", "Count": "3"}
    made: Provisioned = asyncio.run(h.create(ctx, props))
    assert made.physical_id == "res-ann"
    assert made.attributes == {
        "Greeting": "hello ann",
        "RequestType": "Create",
        "Old": "",
        "Previous": "",
        "Token": token,
        "Type": "Custom::Greeter",
        "Count": "3",
    }

    same_id = {**props, "Count": "4"}
    updated = asyncio.run(h.update(ctx, "res-ann", same_id, props))
    assert updated.physical_id == "res-ann"
    assert updated.attributes["RequestType"] == "Update" and updated.attributes["Old"] == "ann"
    assert updated.attributes["Previous"] == "res-ann" and updated.attributes["Count"] == "4"

    renamed = {**same_id, "Name": "bob"}
    replaced = asyncio.run(h.update(ctx, "res-ann", renamed, same_id))
    assert replaced.physical_id == "res-bob"  # a new id: the engine deletes "res-ann" later

    asyncio.run(h.delete(ctx, "res-bob", renamed))
    last = list(responses.bodies.values())[-1]
    assert last["Status"] == "SUCCESS" and last["Data"]["RequestType"] == "Delete"
    assert last["Data"]["Previous"] == "res-bob"


def test_failure_surfaces_the_reason(server: Server, responses: Responses) -> None:
    token = provider(server)
    h = handler_for("AWS::CloudFormation::CustomResource")
    assert h is not None
    ctx = custom_context(server, responses, "AWS::CloudFormation::CustomResource")
    with pytest.raises(CustomResourceFailed) as failure:
        asyncio.run(h.create(ctx, {"ServiceToken": token, "Name": "zed", "Fail": "true"}))
    message = str(failure.value)
    assert message.startswith(
        "Received response status [FAILED] from custom resource. Message returned: it broke: zed (RequestId: "
    )


def test_no_answer_times_out_with_cloudformations_words(server: Server, responses: Responses) -> None:
    token = provider(server)
    h = handler_for("Custom::Quiet")
    assert h is not None
    ctx = custom_context(server, responses, "Custom::Quiet")
    with pytest.raises(CustomResourceFailed) as failure:
        asyncio.run(
            h.create(ctx, {"ServiceToken": token, "Name": "q", "Silent": "true", "ServiceTimeout": "1"})
        )
    assert str(failure.value).startswith(
        "CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId ["
    )


def test_delete_after_the_provider_is_gone(server: Server, responses: Responses) -> None:
    h = handler_for("Custom::Orphan")
    assert h is not None
    ctx = custom_context(server, responses, "Custom::Orphan")
    token = "arn:aws:lambda:us-east-1:000000000000:function:deleted-already"
    asyncio.run(h.delete(ctx, "orphan-1", {"ServiceToken": token}))


# -- through the engine (CreateStack): the internal API path, the real ResponseURL --------------
STACK_TEMPLATE: dict[str, Any] = {
    "Resources": {
        "Provider": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "index.handler",
                "Role": ROLE,
                "Timeout": 30,
                "Code": {"ZipFile": PROVIDER},
            },
        },
        "Table": {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
                "StreamSpecification": {"StreamViewType": "NEW_IMAGE"},
                "TimeToLiveSpecification": {"AttributeName": "ttl", "Enabled": True},
            },
        },
        "Stream": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "FunctionName": {"Ref": "Provider"},
                "EventSourceArn": {"Fn::GetAtt": ["Table", "StreamArn"]},
                "StartingPosition": "LATEST",
                "BatchSize": 10,
            },
        },
        "Rule": {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "ScheduleExpression": "rate(1 hour)",
                "Targets": [{"Id": "fn", "Arn": {"Fn::GetAtt": ["Provider", "Arn"]}}],
            },
        },
        "Allow": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": {"Ref": "Provider"},
                "Action": "lambda:InvokeFunction",
                "Principal": "events.amazonaws.com",
                "SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]},
            },
        },
        "Schedule": {
            "Type": "AWS::Scheduler::Schedule",
            "Properties": {
                "ScheduleExpression": "rate(1 day)",
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "Target": {"Arn": {"Fn::GetAtt": ["Provider", "Arn"]}, "RoleArn": ROLE},
            },
        },
        "Greeter": {
            "Type": "Custom::Greeter",
            "Properties": {"ServiceToken": {"Fn::GetAtt": ["Provider", "Arn"]}, "Name": "eve", "Count": 2},
        },
    },
    "Outputs": {
        "Greeting": {"Value": {"Fn::GetAtt": ["Greeter", "Greeting"]}},
        "Count": {"Value": {"Fn::GetAtt": ["Greeter", "Count"]}},
        "Id": {"Value": {"Ref": "Greeter"}},
        "TableStream": {"Value": {"Fn::GetAtt": ["Table", "StreamArn"]}},
    },
}


def test_stack_of_these_types_through_create_stack(server: Server) -> None:
    cfn = server.client("cloudformation")
    cfn.create_stack(StackName="mix", TemplateBody=json.dumps(STACK_TEMPLATE))
    server.settle(60)
    stack = cfn.describe_stacks(StackName="mix")["Stacks"][0]
    reasons = [
        (e["LogicalResourceId"], e.get("ResourceStatusReason", ""))
        for e in cfn.describe_stack_events(StackName="mix")["StackEvents"]
        if e["ResourceStatus"].endswith("FAILED")
    ]
    assert stack["StackStatus"] == "CREATE_COMPLETE", reasons
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["Greeting"] == "hello eve" and outputs["Count"] == "2" and outputs["Id"] == "res-eve"
    assert "/stream/" in outputs["TableStream"]

    failing = {**STACK_TEMPLATE, "Resources": {**STACK_TEMPLATE["Resources"]}}
    failing["Resources"]["Greeter"] = {
        "Type": "Custom::Greeter",
        "Properties": {"ServiceToken": {"Fn::GetAtt": ["Provider", "Arn"]}, "Name": "eve", "Fail": True},
    }
    cfn.update_stack(StackName="mix", TemplateBody=json.dumps(failing))
    server.settle(60)
    failed = [
        e.get("ResourceStatusReason", "")
        for e in cfn.describe_stack_events(StackName="mix")["StackEvents"]
        if e["LogicalResourceId"] == "Greeter" and e["ResourceStatus"] == "UPDATE_FAILED"
    ]
    assert failed and failed[0].startswith(
        "Received response status [FAILED] from custom resource. Message returned: it broke: eve"
    )
    cfn.delete_stack(StackName="mix")
    server.settle(60)
    assert server.client("lambda").list_functions()["Functions"] == []
    assert server.client("dynamodb").list_tables()["TableNames"] == []


def test_unanswered_custom_resource_fails_the_stack_after_its_service_timeout(server: Server) -> None:
    # ServiceTimeout on the real ResponseURL path, run out by advancing the clock past it (a
    # stack operation that only waits for an answer does not keep /_cloudlet/settle busy).
    template = {
        "Resources": {
            "Provider": STACK_TEMPLATE["Resources"]["Provider"],
            "Quiet": {
                "Type": "Custom::Quiet",
                "Properties": {
                    "ServiceToken": {"Fn::GetAtt": ["Provider", "Arn"]},
                    "Name": "q",
                    "Silent": True,
                    "ServiceTimeout": 2,
                },
            },
        }
    }
    cfn = server.client("cloudformation")
    cfn.create_stack(StackName="quiet", TemplateBody=json.dumps(template), DisableRollback=True)
    server.advance(3)
    stack = cfn.describe_stacks(StackName="quiet")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_FAILED"
    reasons = [
        e.get("ResourceStatusReason", "")
        for e in cfn.describe_stack_events(StackName="quiet")["StackEvents"]
        if e["LogicalResourceId"] == "Quiet" and e["ResourceStatus"] == "CREATE_FAILED"
    ]
    assert reasons and reasons[0].startswith(
        "CloudFormation did not receive a response from your Custom Resource. Please check your logs for requestId ["
    )


SNS_PROVIDER = """
import json
import cfnresponse

def handler(event, context):
    request = json.loads(event["Records"][0]["Sns"]["Message"])
    name = request["ResourceProperties"]["Name"]
    cfnresponse.send(request, context, cfnresponse.SUCCESS, {"Via": "sns"}, physicalResourceId="sns-" + name)
"""


def test_sns_backed_custom_resource(server: Server, responses: Responses) -> None:
    props = {
        "FunctionName": "sns-provider",
        "Runtime": "python3.12",
        "Handler": "index.handler",
        "Role": ROLE,
        "Code": {"ZipFile": SNS_PROVIDER},
    }
    function_arn = create(server, awslambda.FunctionHandler(), props).attributes["Arn"]
    sns = server.client("sns")
    topic = sns.create_topic(Name="provider")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function_arn)
    h = handler_for("Custom::ViaTopic")
    assert h is not None
    made = asyncio.run(
        h.create(custom_context(server, responses, "Custom::ViaTopic"), {"ServiceToken": topic, "Name": "t"})
    )
    assert (made.physical_id, made.attributes) == ("sns-t", {"Via": "sns"})
