"""IAM managed policies and versions through boto3."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

LAMBDA_BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def code_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_create_get_list_delete_policy(iam: Any, policy: str) -> None:
    created = iam.create_policy(
        PolicyName="Reader",
        Path="/team/",
        PolicyDocument=policy,
        Description="reads",
        Tags=[{"Key": "k", "Value": "v"}],
    )["Policy"]
    assert re.fullmatch(r"ANPA[A-Z2-7]{17}", created["PolicyId"])
    assert created["Arn"] == "arn:aws:iam::000000000000:policy/team/Reader"
    assert (created["DefaultVersionId"], created["AttachmentCount"], created["IsAttachable"]) == (
        "v1",
        0,
        True,
    )
    got = iam.get_policy(PolicyArn=created["Arn"])["Policy"]
    assert got["Description"] == "reads" and got["Tags"] == [{"Key": "k", "Value": "v"}]
    version = iam.get_policy_version(PolicyArn=created["Arn"], VersionId="v1")["PolicyVersion"]
    assert version["Document"] == json.loads(policy) and version["IsDefaultVersion"]
    with pytest.raises(ClientError) as caught:
        iam.create_policy(PolicyName="reader", PolicyDocument=policy)
    assert code_of(caught) == (
        "EntityAlreadyExists",
        "A policy called reader already exists. Duplicate names are not allowed.",
    )
    assert [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]] == ["Reader"]
    iam.delete_policy(PolicyArn=created["Arn"])
    with pytest.raises(ClientError) as caught:
        iam.get_policy(PolicyArn=created["Arn"])
    assert code_of(caught) == ("NoSuchEntity", f"Policy {created['Arn']} was not found.")


def test_malformed_and_oversized_documents(iam: Any) -> None:
    with pytest.raises(ClientError) as caught:
        iam.create_policy(PolicyName="Bad", PolicyDocument="nope")
    assert code_of(caught) == ("MalformedPolicyDocument", "This policy contains invalid Json")
    huge = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "x" * 7000}]})
    with pytest.raises(ClientError) as caught:
        iam.create_policy(PolicyName="Huge", PolicyDocument=huge)
    assert code_of(caught) == ("LimitExceeded", "Cannot exceed quota for PolicySize: 6144")


def test_policy_versions(iam: Any, policy: str) -> None:
    arn = iam.create_policy(PolicyName="V", PolicyDocument=policy)["Policy"]["Arn"]
    v2 = iam.create_policy_version(PolicyArn=arn, PolicyDocument=policy, SetAsDefault=True)["PolicyVersion"]
    assert v2["VersionId"] == "v2" and v2["IsDefaultVersion"]
    for _ in range(3):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=policy)
    with pytest.raises(ClientError) as caught:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=policy)
    assert code_of(caught)[0] == "LimitExceeded"
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v5", "v4", "v3", "v2", "v1"]
    assert [v["IsDefaultVersion"] for v in versions] == [False, False, False, True, False]
    with pytest.raises(ClientError) as caught:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v2")
    assert code_of(caught) == ("DeleteConflict", "Cannot delete the default version of a policy.")
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v4")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v4"
    with pytest.raises(ClientError) as caught:
        iam.delete_policy(PolicyArn=arn)
    assert code_of(caught)[0] == "DeleteConflict"
    for version_id in ("v1", "v2", "v3", "v5"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=version_id)
    with pytest.raises(ClientError) as caught:
        iam.get_policy_version(PolicyArn=arn, VersionId="v1")
    assert code_of(caught)[0] == "NoSuchEntity"
    iam.delete_policy(PolicyArn=arn)


def test_attached_policies_count_and_scope(iam: Any, trust: str, policy: str) -> None:
    arn = iam.create_policy(PolicyName="Used", PolicyDocument=policy)["Policy"]["Arn"]
    iam.create_policy(PolicyName="Unused", PolicyDocument=policy)
    iam.create_role(RoleName="R", AssumeRolePolicyDocument=trust)
    iam.attach_role_policy(RoleName="R", PolicyArn=arn)
    iam.attach_role_policy(RoleName="R", PolicyArn=LAMBDA_BASIC)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    with pytest.raises(ClientError) as caught:
        iam.delete_policy(PolicyArn=arn)
    assert code_of(caught) == ("DeleteConflict", "Cannot delete a policy attached to entities.")
    aws = iam.get_policy(PolicyArn=LAMBDA_BASIC)["Policy"]
    assert (aws["PolicyName"], aws["Path"], aws["AttachmentCount"]) == (
        "AWSLambdaBasicExecutionRole",
        "/service-role/",
        1,
    )
    assert [p["Arn"] for p in iam.list_policies(Scope="AWS")["Policies"]] == [LAMBDA_BASIC]
    assert [p["PolicyName"] for p in iam.list_policies(OnlyAttached=True)["Policies"]] == [
        "AWSLambdaBasicExecutionRole",
        "Used",
    ]
    assert len(iam.list_policies()["Policies"]) == 3
    page = iam.list_policies(Scope="Local", MaxItems=1)
    assert page["IsTruncated"] and len(page["Policies"]) == 1
    rest = iam.list_policies(Scope="Local", MaxItems=1, Marker=page["Marker"])
    assert [p["PolicyName"] for p in page["Policies"] + rest["Policies"]] == ["Unused", "Used"]


def test_list_entities_for_policy(iam: Any, trust: str) -> None:
    iam.create_role(RoleName="R1", AssumeRolePolicyDocument=trust)
    iam.create_user(UserName="u1")
    iam.attach_role_policy(RoleName="R1", PolicyArn=LAMBDA_BASIC)
    iam.attach_user_policy(UserName="u1", PolicyArn=LAMBDA_BASIC)
    entities = iam.list_entities_for_policy(PolicyArn=LAMBDA_BASIC)
    assert [r["RoleName"] for r in entities["PolicyRoles"]] == ["R1"]
    assert [u["UserName"] for u in entities["PolicyUsers"]] == ["u1"]
    roles_only = iam.list_entities_for_policy(PolicyArn=LAMBDA_BASIC, EntityFilter="Role")
    assert roles_only["PolicyUsers"] == [] and len(roles_only["PolicyRoles"]) == 1
