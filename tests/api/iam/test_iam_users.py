"""IAM users, access keys and instance profiles through boto3 and the AWS CLI."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import Server


def code_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_users_and_access_keys(iam: Any) -> None:
    user = iam.create_user(UserName="alice", Path="/dev/", Tags=[{"Key": "t", "Value": "1"}])["User"]
    assert re.fullmatch(r"AIDA[A-Z2-7]{17}", user["UserId"])
    assert user["Arn"] == "arn:aws:iam::000000000000:user/dev/alice"
    assert iam.get_user(UserName="alice")["User"]["Tags"] == [{"Key": "t", "Value": "1"}]
    with pytest.raises(ClientError) as caught:
        iam.create_user(UserName="Alice")
    assert code_of(caught) == ("EntityAlreadyExists", "User with name Alice already exists.")
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", key["AccessKeyId"]) and key["SecretAccessKey"]
    iam.create_access_key(UserName="alice")
    with pytest.raises(ClientError) as caught:
        iam.create_access_key(UserName="alice")
    assert code_of(caught) == ("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")
    listed = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert len(listed) == 2 and "SecretAccessKey" not in listed[0]
    with pytest.raises(ClientError) as caught:
        iam.delete_user(UserName="alice")
    assert code_of(caught) == ("DeleteConflict", "Cannot delete entity, must delete access keys first.")
    for entry in listed:
        iam.delete_access_key(UserName="alice", AccessKeyId=entry["AccessKeyId"])
    with pytest.raises(ClientError) as caught:
        iam.delete_access_key(UserName="alice", AccessKeyId=listed[0]["AccessKeyId"])
    assert code_of(caught)[0] == "NoSuchEntity"
    iam.create_user(UserName="bob")
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["alice", "bob"]
    iam.delete_user(UserName="alice")
    with pytest.raises(ClientError) as caught:
        iam.get_user(UserName="alice")
    assert code_of(caught) == ("NoSuchEntity", "The user with name alice cannot be found.")


def test_instance_profiles(iam: Any, trust: str) -> None:
    iam.create_role(RoleName="Ec2", AssumeRolePolicyDocument=trust)
    profile = iam.create_instance_profile(InstanceProfileName="Prof")["InstanceProfile"]
    assert profile["Arn"] == "arn:aws:iam::000000000000:instance-profile/Prof" and profile["Roles"] == []
    iam.add_role_to_instance_profile(InstanceProfileName="Prof", RoleName="Ec2")
    assert [
        r["RoleName"]
        for r in iam.get_instance_profile(InstanceProfileName="Prof")["InstanceProfile"]["Roles"]
    ] == ["Ec2"]
    with pytest.raises(ClientError) as caught:
        iam.delete_role(RoleName="Ec2")
    assert code_of(caught)[0] == "DeleteConflict"
    with pytest.raises(ClientError) as caught:
        iam.delete_instance_profile(InstanceProfileName="Prof")
    assert code_of(caught)[0] == "DeleteConflict"
    iam.remove_role_from_instance_profile(InstanceProfileName="Prof", RoleName="Ec2")
    iam.delete_instance_profile(InstanceProfileName="Prof")
    with pytest.raises(ClientError) as caught:
        iam.get_instance_profile(InstanceProfileName="Prof")
    assert code_of(caught) == ("NoSuchEntity", "Instance Profile Prof cannot be found.")


def test_cli_role_round_trip(server: Server, trust: str) -> None:
    created = json.loads(
        server.aws(
            "iam", "create-role", "--role-name", "CliRole", "--assume-role-policy-document", trust
        ).stdout
    )
    assert created["Role"]["AssumeRolePolicyDocument"] == json.loads(trust)
    server.aws(
        "iam",
        "attach-role-policy",
        "--role-name",
        "CliRole",
        "--policy-arn",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    )
    attached = json.loads(server.aws("iam", "list-attached-role-policies", "--role-name", "CliRole").stdout)
    assert attached["AttachedPolicies"][0]["PolicyName"] == "AWSLambdaBasicExecutionRole"
    missing = server.aws("iam", "get-role", "--role-name", "Nope", check=False)
    assert missing.returncode != 0 and "NoSuchEntity" in missing.stderr


def test_user_policies_tags_and_rename(iam: Any, policy: str) -> None:
    iam.create_user(UserName="carol")
    iam.put_user_policy(UserName="carol", PolicyName="inline", PolicyDocument=policy)
    assert iam.get_user_policy(UserName="carol", PolicyName="inline")["PolicyDocument"] == json.loads(policy)
    assert iam.list_user_policies(UserName="carol")["PolicyNames"] == ["inline"]
    iam.attach_user_policy(UserName="carol", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.tag_user(UserName="carol", Tags=[{"Key": "team", "Value": "a"}])
    iam.update_user(UserName="carol", NewUserName="carla", NewPath="/ops/")
    renamed = iam.get_user(UserName="carla")["User"]
    assert renamed["Arn"] == "arn:aws:iam::000000000000:user/ops/carla"
    assert iam.list_user_tags(UserName="carla")["Tags"] == [{"Key": "team", "Value": "a"}]
    attached = iam.list_attached_user_policies(UserName="carla")["AttachedPolicies"]
    assert attached == [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}
    ]
    with pytest.raises(ClientError) as caught:
        iam.delete_user(UserName="carla")
    assert code_of(caught) == ("DeleteConflict", "Cannot delete entity, must detach all policies first.")
    iam.detach_user_policy(UserName="carla", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    with pytest.raises(ClientError) as caught:
        iam.delete_user(UserName="carla")
    assert code_of(caught) == ("DeleteConflict", "Cannot delete entity, must delete policies first.")
    iam.delete_user_policy(UserName="carla", PolicyName="inline")
    iam.delete_user(UserName="carla")
