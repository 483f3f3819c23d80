"""IAM roles through boto3: create/get/list/update/delete, tags, inline and attached policies."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import Server

LAMBDA_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_create_get_and_list_roles(iam: Any, trust: str) -> None:
    role = iam.create_role(
        RoleName="Fn",
        Path="/app/",
        AssumeRolePolicyDocument=trust,
        Description="runs the function",
        MaxSessionDuration=7200,
        Tags=[{"Key": "team", "Value": "core"}],
    )["Role"]
    assert re.fullmatch(r"AROA[A-Z2-7]{17}", role["RoleId"])
    assert role["Arn"] == "arn:aws:iam::000000000000:role/app/Fn"
    assert role["AssumeRolePolicyDocument"] == json.loads(trust)  # botocore decodes the URL-encoded JSON
    got = iam.get_role(RoleName="fn")["Role"]  # names are case-insensitive
    assert got["RoleName"] == "Fn" and got["Description"] == "runs the function"
    assert got["MaxSessionDuration"] == 7200 and got["Tags"] == [{"Key": "team", "Value": "core"}]
    assert got["CreateDate"] == role["CreateDate"]
    iam.create_role(RoleName="Other", AssumeRolePolicyDocument=trust)
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["Fn", "Other"]
    assert [r["RoleName"] for r in iam.list_roles(PathPrefix="/app/")["Roles"]] == ["Fn"]
    assert "Tags" not in iam.list_roles()["Roles"][0]
    with pytest.raises(ClientError) as caught:
        iam.create_role(RoleName="FN", AssumeRolePolicyDocument=trust)
    assert error_of(caught) == ("EntityAlreadyExists", "Role with name FN already exists.", 409)


def test_policy_documents_come_back_url_encoded(server: Server, iam: Any, trust: str) -> None:
    iam.create_role(RoleName="Raw", AssumeRolePolicyDocument=trust)
    query = urllib.parse.urlencode({"Action": "GetRole", "Version": "2010-05-08", "RoleName": "Raw"})
    with urllib.request.urlopen(server.endpoint + "/?" + query, timeout=5) as response:
        body = response.read().decode()
    document = re.search(r"<AssumeRolePolicyDocument>(.*)</AssumeRolePolicyDocument>", body)
    assert document is not None and document.group(1).startswith("%7B%22Version%22")
    assert urllib.parse.unquote(document.group(1)) == trust


def test_roles_are_per_account_and_global(server: Server, trust: str) -> None:
    server.client("iam", region="eu-west-1").create_role(RoleName="Global", AssumeRolePolicyDocument=trust)
    assert (
        server.client("iam", region="us-west-2").get_role(RoleName="Global")["Role"]["RoleName"] == "Global"
    )
    with pytest.raises(ClientError) as caught:
        server.client("iam", access_key="111122223333").get_role(RoleName="Global")
    assert error_of(caught) == ("NoSuchEntity", "The role with name Global cannot be found.", 404)


def test_list_roles_pages_with_marker(iam: Any, trust: str) -> None:
    for index in range(5):
        iam.create_role(RoleName=f"r{index}", AssumeRolePolicyDocument=trust)
    first = iam.list_roles(MaxItems=2)
    assert [r["RoleName"] for r in first["Roles"]] == ["r0", "r1"] and first["IsTruncated"]
    second = iam.list_roles(MaxItems=2, Marker=first["Marker"])
    assert [r["RoleName"] for r in second["Roles"]] == ["r2", "r3"]
    names = [
        r["RoleName"]
        for page in iam.get_paginator("list_roles").paginate(PaginationConfig={"PageSize": 2})
        for r in page["Roles"]
    ]
    assert names == ["r0", "r1", "r2", "r3", "r4"]


def test_invalid_inputs(iam: Any, trust: str) -> None:
    with pytest.raises(ClientError) as caught:
        iam.create_role(RoleName="Bad", AssumeRolePolicyDocument="{not json")
    assert error_of(caught) == ("MalformedPolicyDocument", "This policy contains invalid Json", 400)
    with pytest.raises(ClientError) as caught:
        iam.create_role(RoleName="Bad", AssumeRolePolicyDocument=trust, Path="no-slash")
    assert error_of(caught)[0] == "ValidationError"
    with pytest.raises(ClientError) as caught:
        iam.create_role(RoleName="Bad", AssumeRolePolicyDocument=trust, MaxSessionDuration=100000)
    assert error_of(caught) == (
        "ValidationError",
        "1 validation error detected: Value '100000' at 'maxSessionDuration' failed to satisfy constraint: "
        "Member must have value less than or equal to 43200",
        400,
    )
    with pytest.raises(ClientError) as caught:
        iam.create_role(RoleName="has space", AssumeRolePolicyDocument=trust)
    assert error_of(caught)[0] == "ValidationError"


def test_update_role_and_trust_policy(iam: Any, trust: str) -> None:
    iam.create_role(RoleName="U", AssumeRolePolicyDocument=trust)
    iam.update_role(RoleName="U", Description="new", MaxSessionDuration=43200)
    new_trust = {"Version": "2012-10-17", "Statement": []}
    iam.update_assume_role_policy(RoleName="U", PolicyDocument=json.dumps(new_trust))
    role = iam.get_role(RoleName="U")["Role"]
    assert (role["Description"], role["MaxSessionDuration"]) == ("new", 43200)
    assert role["AssumeRolePolicyDocument"] == new_trust


def test_role_tags(iam: Any, trust: str) -> None:
    iam.create_role(RoleName="T", AssumeRolePolicyDocument=trust, Tags=[{"Key": "a", "Value": "1"}])
    iam.tag_role(RoleName="T", Tags=[{"Key": "b", "Value": "2"}, {"Key": "A", "Value": "3"}])
    assert iam.list_role_tags(RoleName="T")["Tags"] == [
        {"Key": "A", "Value": "3"},
        {"Key": "b", "Value": "2"},
    ]
    iam.untag_role(RoleName="T", TagKeys=["a"])
    assert iam.list_role_tags(RoleName="T")["Tags"] == [{"Key": "b", "Value": "2"}]
    with pytest.raises(ClientError) as caught:
        iam.tag_role(RoleName="T", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert error_of(caught) == ("LimitExceeded", "Cannot exceed quota for TagsPerRole: 50", 409)


def test_inline_policies(iam: Any, trust: str, policy: str) -> None:
    iam.create_role(RoleName="I", AssumeRolePolicyDocument=trust)
    iam.put_role_policy(RoleName="I", PolicyName="read", PolicyDocument=policy)
    got = iam.get_role_policy(RoleName="I", PolicyName="read")
    assert got["PolicyDocument"] == json.loads(policy) and got["RoleName"] == "I"
    assert iam.list_role_policies(RoleName="I")["PolicyNames"] == ["read"]
    with pytest.raises(ClientError) as caught:
        iam.delete_role(RoleName="I")
    assert error_of(caught) == ("DeleteConflict", "Cannot delete entity, must delete policies first.", 409)
    iam.delete_role_policy(RoleName="I", PolicyName="read")
    with pytest.raises(ClientError) as caught:
        iam.get_role_policy(RoleName="I", PolicyName="read")
    assert error_of(caught) == ("NoSuchEntity", "The role policy with name read cannot be found.", 404)
    iam.delete_role(RoleName="I")


def test_attached_policies(iam: Any, trust: str, policy: str) -> None:
    iam.create_role(RoleName="A", AssumeRolePolicyDocument=trust)
    local = iam.create_policy(PolicyName="Mine", PolicyDocument=policy)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="A", PolicyArn=LAMBDA_BASIC)
    iam.attach_role_policy(RoleName="A", PolicyArn=local)
    assert iam.list_attached_role_policies(RoleName="A")["AttachedPolicies"] == [
        {"PolicyName": "AWSLambdaBasicExecutionRole", "PolicyArn": LAMBDA_BASIC},
        {"PolicyName": "Mine", "PolicyArn": local},
    ]
    with pytest.raises(ClientError) as caught:
        iam.attach_role_policy(RoleName="A", PolicyArn="arn:aws:iam::000000000000:policy/Nope")
    assert error_of(caught) == (
        "NoSuchEntity",
        "Policy arn:aws:iam::000000000000:policy/Nope does not exist or is not attachable.",
        404,
    )
    with pytest.raises(ClientError) as caught:
        iam.delete_role(RoleName="A")
    assert error_of(caught) == (
        "DeleteConflict",
        "Cannot delete entity, must detach all policies first.",
        409,
    )
    iam.detach_role_policy(RoleName="A", PolicyArn=LAMBDA_BASIC)
    iam.detach_role_policy(RoleName="A", PolicyArn=local)
    with pytest.raises(ClientError) as caught:
        iam.detach_role_policy(RoleName="A", PolicyArn=local)
    assert error_of(caught)[0] == "NoSuchEntity"
    iam.delete_role(RoleName="A")
    with pytest.raises(ClientError) as caught:
        iam.get_role(RoleName="A")
    assert error_of(caught)[0] == "NoSuchEntity"


def test_service_linked_role_and_boundary(iam: Any, trust: str, policy: str) -> None:
    role = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForAutoScaling"
    assert role["Path"] == "/aws-service-role/autoscaling.amazonaws.com/"
    assert (
        role["Arn"]
        == "arn:aws:iam::000000000000:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    )
    iam.create_role(RoleName="B", AssumeRolePolicyDocument=trust)
    iam.put_role_permissions_boundary(RoleName="B", PermissionsBoundary=LAMBDA_BASIC)
    boundary = iam.get_role(RoleName="B")["Role"]["PermissionsBoundary"]
    assert boundary["PermissionsBoundaryArn"] == LAMBDA_BASIC


def test_path_prefix_need_not_end_with_a_slash(iam: Any, trust: str) -> None:
    iam.create_role(RoleName="P1", Path="/apps/web/", AssumeRolePolicyDocument=trust)
    iam.create_role(RoleName="P2", Path="/other/", AssumeRolePolicyDocument=trust)
    assert [r["RoleName"] for r in iam.list_roles(PathPrefix="/apps")["Roles"]] == ["P1"]
    with pytest.raises(ClientError) as caught:
        iam.list_roles(PathPrefix="apps")
    assert error_of(caught)[0] == "ValidationError"
    assert "pathPrefix" in error_of(caught)[1]


def test_bad_markers_and_max_items_are_client_errors(server: Server, iam: Any, trust: str) -> None:
    iam.create_role(RoleName="M", AssumeRolePolicyDocument=trust)
    for call in (
        lambda: iam.list_roles(Marker="%%%"),
        lambda: iam.list_role_policies(RoleName="M", Marker="bm90LWEtbnVtYmVy"),
        lambda: server.client("iam", parameter_validation=False).list_roles(MaxItems=0),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert error_of(caught)[0] == "ValidationError" and error_of(caught)[2] == 400
