"""AWS::IAM::Role, Policy, ManagedPolicy and InstanceProfile handlers against a real server."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from deploy_support import context, create, delete

from cloudlet.deploy.resources import handler_for
from cloudlet.deploy.resources.base import Provisioned, Replace, ResourceHandler
from harness import Server


def _handler(type_name: str) -> ResourceHandler:
    found = handler_for(type_name)
    assert found is not None
    return found


ROLE = _handler("AWS::IAM::Role")
POLICY = _handler("AWS::IAM::Policy")
MANAGED = _handler("AWS::IAM::ManagedPolicy")
PROFILE = _handler("AWS::IAM::InstanceProfile")

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}
BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def document(action: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}


def update(
    server: Server, handler: ResourceHandler, physical_id: str, new: dict[str, Any], old: dict[str, Any]
) -> Provisioned:
    return asyncio.run(handler.update(context(server, handler.type_name), physical_id, new, old))


def attached(server: Server, role: str) -> list[str]:
    listed = server.client("iam").list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    return [p["PolicyArn"] for p in listed]


def test_role_with_aws_managed_policy_inline_policies_and_attributes(server: Server) -> None:
    iam = server.client("iam")
    properties = {
        "AssumeRolePolicyDocument": TRUST,
        "ManagedPolicyArns": [BASIC],
        "Policies": [{"PolicyName": "read", "PolicyDocument": document("s3:GetObject")}],
        "Description": "worker",
        "MaxSessionDuration": "7200",
        "Tags": [{"Key": "app", "Value": "w"}],
    }
    made = create(server, ROLE, properties, "WorkerRole")
    name = made.physical_id
    assert name.startswith("teststack-WorkerRole-")
    role = iam.get_role(RoleName=name)["Role"]
    assert made.attributes == {"Arn": role["Arn"], "RoleId": role["RoleId"]}
    assert role["MaxSessionDuration"] == 7200 and role["Description"] == "worker"
    assert role["AssumeRolePolicyDocument"] == TRUST
    assert attached(server, name) == [BASIC]
    inline = iam.get_role_policy(RoleName=name, PolicyName="read")["PolicyDocument"]
    assert inline == document("s3:GetObject")


def test_role_update_diffs_policies_and_delete_empties_it(server: Server) -> None:
    iam = server.client("iam")
    old = {
        "RoleName": "svc",
        "AssumeRolePolicyDocument": TRUST,
        "ManagedPolicyArns": [BASIC],
        "Policies": [{"PolicyName": "a", "PolicyDocument": document("s3:*")}],
    }
    create(server, ROLE, old)
    new = {
        "RoleName": "svc",
        "AssumeRolePolicyDocument": TRUST,
        "Policies": [{"PolicyName": "b", "PolicyDocument": document("sqs:*")}],
        "Description": "changed",
    }
    update(server, ROLE, "svc", new, old)
    assert attached(server, "svc") == []
    assert iam.list_role_policies(RoleName="svc")["PolicyNames"] == ["b"]
    assert iam.get_role(RoleName="svc")["Role"]["Description"] == "changed"
    with pytest.raises(Replace):
        update(server, ROLE, "svc", {**new, "RoleName": "svc2"}, new)
    # a policy attached by another resource does not block the delete
    iam.attach_role_policy(RoleName="svc", PolicyArn=BASIC)
    delete(server, ROLE, "svc", new)
    with pytest.raises(ClientError):
        iam.get_role(RoleName="svc")
    delete(server, ROLE, "svc", new)


def test_inline_policy_resource_on_roles(server: Server) -> None:
    iam = server.client("iam")
    iam.create_role(RoleName="r1", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.create_role(RoleName="r2", AssumeRolePolicyDocument=json.dumps(TRUST))
    old = {"PolicyName": "shared", "PolicyDocument": document("logs:*"), "Roles": ["r1", "r2"]}
    made = create(server, POLICY, old, "SharedPolicy")
    assert made.physical_id.startswith("teststack-SharedPolicy-")
    assert iam.list_role_policies(RoleName="r2")["PolicyNames"] == ["shared"]
    new = {"PolicyName": "shared", "PolicyDocument": document("sns:*"), "Roles": ["r1"]}
    update(server, POLICY, made.physical_id, new, old)
    assert iam.list_role_policies(RoleName="r2")["PolicyNames"] == []
    assert iam.get_role_policy(RoleName="r1", PolicyName="shared")["PolicyDocument"] == document("sns:*")
    delete(server, POLICY, made.physical_id, new)
    assert iam.list_role_policies(RoleName="r1")["PolicyNames"] == []


def test_managed_policy_ref_arn_new_version_and_delete(server: Server) -> None:
    iam = server.client("iam")
    iam.create_role(RoleName="user-of-policy", AssumeRolePolicyDocument=json.dumps(TRUST))
    old = {"PolicyDocument": document("s3:*"), "Roles": ["user-of-policy"]}
    made = create(server, MANAGED, old, "Managed")
    arn = made.physical_id
    assert arn.startswith("arn:aws:iam::000000000000:policy/teststack-Managed-")
    assert made.attributes["PolicyArn"] == arn
    assert made.attributes["DefaultVersionId"] == "v1" and "T" in made.attributes["CreateDate"]
    assert attached(server, "user-of-policy") == [arn]
    new = {"PolicyDocument": document("sqs:*"), "Roles": ["user-of-policy"]}
    result = update(server, MANAGED, arn, new, old)
    assert result.attributes["DefaultVersionId"] == "v2"
    delete(server, MANAGED, arn, new)
    with pytest.raises(ClientError):
        iam.get_policy(PolicyArn=arn)
    assert attached(server, "user-of-policy") == []


def test_instance_profile(server: Server) -> None:
    iam = server.client("iam")
    iam.create_role(RoleName="ec2", AssumeRolePolicyDocument=json.dumps(TRUST))
    made = create(server, PROFILE, {"Roles": ["ec2"]}, "Profile")
    profile = iam.get_instance_profile(InstanceProfileName=made.physical_id)["InstanceProfile"]
    assert made.attributes == {"Arn": profile["Arn"]}
    assert [r["RoleName"] for r in profile["Roles"]] == ["ec2"]
    delete(server, PROFILE, made.physical_id, {"Roles": ["ec2"]})
    with pytest.raises(ClientError):
        iam.get_instance_profile(InstanceProfileName=made.physical_id)


# -- end to end through CloudFormation's API (the engine calls services in-process) ----------


def _template(action: str, tag: str) -> dict[str, Any]:
    return {
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": TRUST}},
            "Managed": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {"PolicyDocument": document(action), "Roles": [{"Ref": "Role"}]},
            },
            "Profile": {"Type": "AWS::IAM::InstanceProfile", "Properties": {"Roles": [{"Ref": "Role"}]}},
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"Tags": [{"Key": "v", "Value": tag}]}},
            "TopicPolicy": {
                "Type": "AWS::SNS::TopicPolicy",
                "Properties": {"Topics": [{"Ref": "Topic"}], "PolicyDocument": document(action)},
            },
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"Tags": [{"Key": "v", "Value": tag}]}},
            "QueuePolicy": {
                "Type": "AWS::SQS::QueueInlinePolicy",
                "Properties": {"Queue": {"Ref": "Queue"}, "PolicyDocument": document(action)},
            },
            "Group": {"Type": "AWS::Logs::LogGroup", "Properties": {"Tags": [{"Key": "v", "Value": tag}]}},
            "Stream": {"Type": "AWS::Logs::LogStream", "Properties": {"LogGroupName": {"Ref": "Group"}}},
            "Hosts": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Type": "StringList", "Value": "a,b", "Tags": {"v": tag}},
            },
            "Key": {"Type": "AWS::KMS::Key", "Properties": {"Tags": [{"Key": "v", "Value": tag}]}},
        },
        "Outputs": {
            "Role": {"Value": {"Ref": "Role"}},
            "Managed": {"Value": {"Ref": "Managed"}},
            "Profile": {"Value": {"Fn::GetAtt": ["Profile", "Arn"]}},
            "Queue": {"Value": {"Ref": "Queue"}},
            "Topic": {"Value": {"Ref": "Topic"}},
            "Group": {"Value": {"Ref": "Group"}},
            "Stream": {"Value": {"Ref": "Stream"}},
            "Hosts": {"Value": {"Ref": "Hosts"}},
            "Key": {"Value": {"Fn::GetAtt": ["Key", "KeyId"]}},
        },
    }


def test_iam_and_policy_resources_through_cloudformation(server: Server) -> None:
    cfn, iam = server.client("cloudformation"), server.client("iam")

    def deploy(operation: str, action: str, tag: str, expected: str) -> dict[str, str]:
        body = json.dumps(_template(action, tag))
        getattr(cfn, operation)(StackName="perm", TemplateBody=body, Capabilities=["CAPABILITY_IAM"])
        server.settle()
        stack = cfn.describe_stacks(StackName="perm")["Stacks"][0]
        failures = [
            f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason')}"
            for e in cfn.describe_stack_events(StackName="perm")["StackEvents"]
            if "FAILED" in e["ResourceStatus"]
        ]
        assert stack["StackStatus"] == expected, failures
        return {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}

    out = deploy("create_stack", "s3:*", "1", "CREATE_COMPLETE")
    assert attached(server, out["Role"]) == [out["Managed"]]
    profile = out["Profile"].rsplit("/", 1)[-1]
    assert [
        r["RoleName"]
        for r in iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"]
    ] == [out["Role"]]  # noqa: E501
    policy = server.client("sqs").get_queue_attributes(QueueUrl=out["Queue"], AttributeNames=["Policy"])
    assert json.loads(policy["Attributes"]["Policy"]) == document("s3:*")
    assert server.client("ssm").get_parameter(Name=out["Hosts"])["Parameter"]["Type"] == "StringList"

    out = deploy("update_stack", "sqs:*", "2", "UPDATE_COMPLETE")
    version = iam.get_policy(PolicyArn=out["Managed"])["Policy"]["DefaultVersionId"]
    assert version == "v2"
    topic_policy = server.client("sns").get_topic_attributes(TopicArn=out["Topic"])["Attributes"]["Policy"]
    assert json.loads(topic_policy) == document("sqs:*")
    assert server.client("sqs").list_queue_tags(QueueUrl=out["Queue"])["Tags"] == {"v": "2"}
    tags = server.client("kms").list_resource_tags(KeyId=out["Key"])["Tags"]
    assert tags == [{"TagKey": "v", "TagValue": "2"}]

    cfn.delete_stack(StackName="perm")
    server.settle()
    assert [r for r in iam.list_roles()["Roles"] if r["RoleName"] == out["Role"]] == []
    with pytest.raises(ClientError):
        iam.get_policy(PolicyArn=out["Managed"])
    assert server.client("logs").describe_log_groups(logGroupNamePrefix=out["Group"])["logGroups"] == []
    assert server.client("kms").describe_key(KeyId=out["Key"])["KeyMetadata"]["KeyState"] == "PendingDeletion"
