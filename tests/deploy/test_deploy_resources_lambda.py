"""Lambda resource handlers against a real server: functions from inline and S3 code,
updates in place, permissions, mappings, versions, aliases, layers, invoke configs."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError
from deploy_support import context, create, delete

from cloudlet.deploy.resources import handler_for
from cloudlet.deploy.resources.base import Provisioned, ResourceHandler
from harness import Server

ROLE = "arn:aws:iam::000000000000:role/fn-role"
INLINE = """
import os
def handler(event, context):
    return {"got": event, "greeting": os.environ.get("GREETING"), "fn": context.function_name}
"""


def handler(type_name: str) -> ResourceHandler:
    found = handler_for(type_name)
    assert found is not None
    return found


def update(
    server: Server, h: ResourceHandler, physical_id: str, new: dict[str, Any], old: dict[str, Any]
) -> Provisioned:
    return asyncio.run(h.update(context(server, h.type_name), physical_id, new, old))


def invoke(server: Server, name: str, payload: Any) -> dict[str, Any]:
    response = server.client("lambda").invoke(FunctionName=name, Payload=json.dumps(payload).encode())
    assert "FunctionError" not in response, response["Payload"].read()
    result: dict[str, Any] = json.loads(response["Payload"].read())
    return result


def function_props(**extra: Any) -> dict[str, Any]:
    return {
        "Runtime": "python3.12",
        "Handler": "index.handler",
        "Role": ROLE,
        "Code": {"ZipFile": INLINE},
        **extra,
    }


def test_function_from_inline_code_runs_and_updates_in_place(server: Server) -> None:
    h = handler("AWS::Lambda::Function")
    props = function_props(
        Environment={"Variables": {"GREETING": "hi"}},
        Timeout="30",
        MemorySize=256,
        Tags=[{"Key": "team", "Value": "a"}],
    )
    made = create(server, h, props, logical_id="Worker")
    assert made.physical_id.startswith("teststack-Worker-")
    config = server.client("lambda").get_function(FunctionName=made.physical_id)
    assert made.attributes["Arn"] == config["Configuration"]["FunctionArn"]
    assert config["Configuration"]["Timeout"] == 30 and config["Configuration"]["MemorySize"] == 256
    assert config["Tags"]["team"] == "a"
    assert invoke(server, made.physical_id, {"n": 1}) == {
        "got": {"n": 1},
        "greeting": "hi",
        "fn": made.physical_id,
    }

    new_code = INLINE.replace('"got"', '"received"')
    new = function_props(Code={"ZipFile": new_code}, ReservedConcurrentExecutions=5)
    again = update(server, h, made.physical_id, new, props)
    assert again.physical_id == made.physical_id
    out = invoke(server, made.physical_id, {"n": 2})
    assert out == {"received": {"n": 2}, "greeting": None, "fn": made.physical_id}  # env reset
    got = server.client("lambda").get_function(FunctionName=made.physical_id)
    assert got["Configuration"]["Timeout"] == 3 and got["Configuration"]["MemorySize"] == 128
    assert got["Concurrency"]["ReservedConcurrentExecutions"] == 5
    assert "team" not in got["Tags"]

    delete(server, h, made.physical_id, new)
    with pytest.raises(ClientError):
        server.client("lambda").get_function(FunctionName=made.physical_id)
    delete(server, h, made.physical_id, new)  # already gone: fine


def test_inline_python_code_gets_cfnresponse(server: Server) -> None:
    code = "import cfnresponse\ndef handler(event, context):\n    return cfnresponse.SUCCESS\n"
    made = create(
        server,
        handler("AWS::Lambda::Function"),
        function_props(FunctionName="cfn-fn", Code={"ZipFile": code}),
    )
    assert made.physical_id == "cfn-fn"
    assert invoke(server, "cfn-fn", {}) == "SUCCESS"


def test_function_from_s3_asset(server: Server) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def main(event, context):\n    return {'asset': True}\n")
    s3 = server.client("s3")
    s3.create_bucket(Bucket="cdk-hnb659fds-assets-000000000000-us-east-1")
    s3.put_object(Bucket="cdk-hnb659fds-assets-000000000000-us-east-1", Key="abc.zip", Body=buffer.getvalue())
    props = function_props(
        Handler="app.main",
        Code={"S3Bucket": "cdk-hnb659fds-assets-000000000000-us-east-1", "S3Key": "abc.zip"},
    )
    made = create(server, handler("AWS::Lambda::Function"), props)
    assert invoke(server, made.physical_id, {}) == {"asset": True}


def test_bad_function_fails_with_the_service_error(server: Server) -> None:
    with pytest.raises(ClientError) as failure:
        create(server, handler("AWS::Lambda::Function"), function_props(FunctionName="bad name!"))
    assert failure.value.response["Error"]["Code"] == "ValidationException"


def test_permission_version_alias_and_invoke_config(server: Server) -> None:
    fn = create(server, handler("AWS::Lambda::Function"), function_props(FunctionName="target"))
    perm_props = {
        "FunctionName": "target",
        "Action": "lambda:InvokeFunction",
        "Principal": "sns.amazonaws.com",
    }
    perm = create(server, handler("AWS::Lambda::Permission"), perm_props, logical_id="Perm")
    policy = json.loads(server.client("lambda").get_policy(FunctionName="target")["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == [perm.physical_id]
    assert handler("AWS::Lambda::Permission").replace_on >= {"Principal", "SourceArn", "FunctionName"}
    delete(server, handler("AWS::Lambda::Permission"), perm.physical_id, perm_props)
    with pytest.raises(ClientError):
        server.client("lambda").get_policy(FunctionName="target")

    version = create(server, handler("AWS::Lambda::Version"), {"FunctionName": fn.attributes["Arn"]})
    assert version.physical_id == fn.attributes["Arn"] + ":1" and version.attributes["Version"] == "1"

    alias_h = handler("AWS::Lambda::Alias")
    alias_props = {"FunctionName": "target", "Name": "live", "FunctionVersion": "1"}
    alias = create(server, alias_h, alias_props)
    assert alias.physical_id == fn.attributes["Arn"] + ":live"
    assert invoke(server, alias.physical_id, {"a": 1})["got"] == {"a": 1}
    changed = {**alias_props, "FunctionVersion": "$LATEST", "Description": "d"}
    update(server, alias_h, alias.physical_id, changed, alias_props)
    got = server.client("lambda").get_alias(FunctionName="target", Name="live")
    assert got["FunctionVersion"] == "$LATEST" and got["Description"] == "d"

    cfg_h = handler("AWS::Lambda::EventInvokeConfig")
    cfg_props = {"FunctionName": "target", "Qualifier": "$LATEST", "MaximumRetryAttempts": "1"}
    cfg = create(server, cfg_h, cfg_props)
    assert cfg.physical_id == "target|$LATEST"
    got_cfg = server.client("lambda").get_function_event_invoke_config(
        FunctionName="target", Qualifier="$LATEST"
    )
    assert got_cfg["MaximumRetryAttempts"] == 1
    delete(server, cfg_h, cfg.physical_id, cfg_props)
    delete(server, alias_h, alias.physical_id, changed)
    delete(server, handler("AWS::Lambda::Version"), version.physical_id, {})
    versions = server.client("lambda").list_versions_by_function(FunctionName="target")["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST"]


def test_event_source_mapping_from_a_queue(server: Server) -> None:
    create(server, handler("AWS::Lambda::Function"), function_props(FunctionName="consumer"))
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    h = handler("AWS::Lambda::EventSourceMapping")
    props = {
        "FunctionName": "consumer",
        "EventSourceArn": arn,
        "BatchSize": "5",
        "FilterCriteria": {"Filters": [{"Pattern": {"body": {"kind": ["a"]}}}]},
        "ScalingConfig": {"MaximumConcurrency": "4"},
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
    }
    made = create(server, h, props)
    mapping = server.client("lambda").get_event_source_mapping(UUID=made.physical_id)
    assert mapping["State"] == "Enabled" and mapping["BatchSize"] == 5
    assert json.loads(mapping["FilterCriteria"]["Filters"][0]["Pattern"]) == {"body": {"kind": ["a"]}}
    assert mapping["ScalingConfig"] == {"MaximumConcurrency": 4}
    assert made.attributes["EventSourceMappingArn"] == mapping["EventSourceMappingArn"]

    new = {**props, "BatchSize": 7, "Enabled": False}
    del new["FilterCriteria"]
    update(server, h, made.physical_id, new, props)
    mapping = server.client("lambda").get_event_source_mapping(UUID=made.physical_id)
    assert mapping["State"] == "Disabled" and mapping["BatchSize"] == 7
    assert not mapping.get("FilterCriteria", {}).get("Filters")
    delete(server, h, made.physical_id, new)
    assert server.client("lambda").list_event_source_mappings()["EventSourceMappings"] == []


def test_layer_version(server: Server) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("python/shared.py", "VALUE = 42\n")
    s3 = server.client("s3")
    s3.create_bucket(Bucket="assets")
    s3.put_object(Bucket="assets", Key="layer.zip", Body=buffer.getvalue())
    h = handler("AWS::Lambda::LayerVersion")
    props = {"LayerName": "shared", "Content": {"S3Bucket": "assets", "S3Key": "layer.zip"}}
    layer = create(server, h, props)
    assert layer.physical_id.endswith(":layer:shared:1")
    code = "import shared\ndef handler(event, context):\n    return shared.VALUE\n"
    create(
        server,
        handler("AWS::Lambda::Function"),
        function_props(FunctionName="uses", Code={"ZipFile": code}, Layers=[layer.physical_id]),
    )
    assert invoke(server, "uses", {}) == 42
    delete(server, h, layer.physical_id, props)
    assert server.client("lambda").list_layer_versions(LayerName="shared")["LayerVersions"] == []


def test_function_updates_through_update_stack(server: Server) -> None:
    """The engine's internal API path: create, update code and configuration, replace by name."""

    def template(code: str, greeting: str, name: str | None = None) -> str:
        props = function_props(Code={"ZipFile": code}, Environment={"Variables": {"GREETING": greeting}})
        if name:
            props["FunctionName"] = name
        return json.dumps(
            {
                "Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": props}},
                "Outputs": {
                    "Name": {"Value": {"Ref": "Fn"}},
                    "Arn": {"Value": {"Fn::GetAtt": ["Fn", "Arn"]}},
                },
            }
        )

    cfn = server.client("cloudformation")

    def outputs() -> dict[str, str]:
        stack = cfn.describe_stacks(StackName="fns")["Stacks"][0]
        assert stack["StackStatus"].endswith("_COMPLETE") and "ROLLBACK" not in stack["StackStatus"], stack
        return {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}

    cfn.create_stack(StackName="fns", TemplateBody=template(INLINE, "one"))
    server.settle(60)
    first = outputs()
    assert invoke(server, first["Name"], {})["greeting"] == "one"
    cfn.update_stack(StackName="fns", TemplateBody=template(INLINE.replace('"got"', '"new"'), "two"))
    server.settle(60)
    assert outputs() == first
    assert invoke(server, first["Name"], {"x": 1}) == {
        "new": {"x": 1},
        "greeting": "two",
        "fn": first["Name"],
    }
    cfn.update_stack(StackName="fns", TemplateBody=template(INLINE, "three", name="renamed"))
    server.settle(60)
    assert outputs()["Name"] == "renamed"
    names = [f["FunctionName"] for f in server.client("lambda").list_functions()["Functions"]]
    assert names == ["renamed"]
