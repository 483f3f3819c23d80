"""Lambda resource-based policies through boto3."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from lambda_fn_support import create, error_of

from harness import Server

ARN = "arn:aws:lambda:us-east-1:000000000000:function:guarded"


@pytest.fixture
def lam(server: Server) -> Any:
    client = server.client("lambda")
    create(client, "guarded")
    server.settle()
    return client


def test_add_get_remove_permission(lam: Any) -> None:
    added = lam.add_permission(
        FunctionName="guarded",
        StatementId="s3-invoke",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::bucket",
        SourceAccount="000000000000",
    )
    statement = json.loads(added["Statement"])
    assert statement == {
        "Sid": "s3-invoke",
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": ARN,
        "Condition": {
            "StringEquals": {"AWS:SourceAccount": "000000000000"},
            "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::bucket"},
        },
    }
    lam.add_permission(
        FunctionName="guarded", StatementId="acct", Action="lambda:InvokeFunction", Principal="111111111111"
    )
    policy = lam.get_policy(FunctionName="guarded")
    document = json.loads(policy["Policy"])
    assert document["Version"] == "2012-10-17"
    assert [s["Sid"] for s in document["Statement"]] == ["s3-invoke", "acct"]
    assert document["Statement"][1]["Principal"] == {"AWS": "arn:aws:iam::111111111111:root"}
    assert policy["RevisionId"]
    with pytest.raises(ClientError) as excinfo:
        lam.add_permission(
            FunctionName="guarded", StatementId="acct", Action="lambda:InvokeFunction", Principal="*"
        )
    assert error_of(excinfo) == (
        "ResourceConflictException",
        "The statement id (acct) provided already exists. Please provide a new statement id, or remove the "
        "existing statement.",
        409,
    )
    lam.remove_permission(FunctionName="guarded", StatementId="acct")
    with pytest.raises(ClientError) as excinfo:
        lam.remove_permission(FunctionName="guarded", StatementId="acct")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Statement acct is not found in resource policy.",
        404,
    )
    lam.remove_permission(FunctionName="guarded", StatementId="s3-invoke")
    with pytest.raises(ClientError) as excinfo:
        lam.get_policy(FunctionName="guarded")
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "The resource you requested does not exist.",
        404,
    )


def test_qualified_policies_are_separate(lam: Any) -> None:
    lam.publish_version(FunctionName="guarded")
    lam.create_alias(FunctionName="guarded", Name="live", FunctionVersion="1")
    added = lam.add_permission(
        FunctionName="guarded",
        Qualifier="live",
        StatementId="alias-only",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
    )
    assert json.loads(added["Statement"])["Resource"] == f"{ARN}:live"
    assert (
        json.loads(lam.get_policy(FunctionName="guarded", Qualifier="live")["Policy"])["Statement"][0]["Sid"]
        == "alias-only"
    )
    with pytest.raises(ClientError):
        lam.get_policy(FunctionName="guarded")
    with pytest.raises(ClientError) as excinfo:
        lam.add_permission(
            FunctionName="guarded",
            Qualifier="nope",
            StatementId="x",
            Action="lambda:InvokeFunction",
            Principal="*",
        )
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_permission_on_missing_function(lam: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        lam.add_permission(
            FunctionName="nope", StatementId="x", Action="lambda:InvokeFunction", Principal="*"
        )
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope",
        404,
    )
