"""KMS keys and aliases through boto3 and the AWS CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from harness import Server


def error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def test_create_describe_list(kms: Any) -> None:
    meta = kms.create_key(Description="mine", Tags=[{"TagKey": "team", "TagValue": "a"}])["KeyMetadata"]
    assert meta["KeyState"] == "Enabled" and meta["Enabled"] is True
    assert meta["KeySpec"] == "SYMMETRIC_DEFAULT" and meta["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert meta["Arn"] == f"arn:aws:kms:us-east-1:000000000000:key/{meta['KeyId']}"
    assert meta["KeyManager"] == "CUSTOMER" and meta["Description"] == "mine"
    kms.create_alias(AliasName="alias/mine", TargetKeyId=meta["KeyId"])
    for identifier in (
        meta["KeyId"],
        meta["Arn"],
        "alias/mine",
        "arn:aws:kms:us-east-1:000000000000:alias/mine",
    ):
        assert kms.describe_key(KeyId=identifier)["KeyMetadata"]["KeyId"] == meta["KeyId"]
    assert [k["KeyId"] for k in kms.list_keys()["Keys"]] == [meta["KeyId"]]
    assert kms.list_resource_tags(KeyId=meta["KeyId"])["Tags"] == [{"TagKey": "team", "TagValue": "a"}]


def test_not_found_messages(kms: Any) -> None:
    missing = "11111111-2222-3333-4444-555555555555"
    with pytest.raises(ClientError) as exc:
        kms.describe_key(KeyId=missing)
    assert error(exc) == (
        "NotFoundException",
        f"Key 'arn:aws:kms:us-east-1:000000000000:key/{missing}' does not exist",
    )
    with pytest.raises(ClientError) as exc:
        kms.describe_key(KeyId="alias/nope")
    assert error(exc) == (
        "NotFoundException",
        "Alias arn:aws:kms:us-east-1:000000000000:alias/nope is not found.",
    )
    with pytest.raises(ClientError) as exc:
        kms.delete_alias(AliasName="alias/nope")
    assert error(exc)[0] == "NotFoundException"


def test_aliases(kms: Any) -> None:
    one = kms.create_key()["KeyMetadata"]["KeyId"]
    two = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/app", TargetKeyId=one)
    with pytest.raises(ClientError) as exc:
        kms.create_alias(AliasName="alias/app", TargetKeyId=two)
    assert error(exc)[0] == "AlreadyExistsException"
    with pytest.raises(ClientError) as exc:
        kms.create_alias(AliasName="app", TargetKeyId=two)
    assert error(exc)[0] == "ValidationException"
    with pytest.raises(ClientError) as exc:
        kms.create_alias(AliasName="alias/aws/mine", TargetKeyId=two)
    assert error(exc)[0] == "NotAuthorizedException"
    kms.update_alias(AliasName="alias/app", TargetKeyId=two)
    aliases = kms.list_aliases(KeyId=two)["Aliases"]
    assert [(a["AliasName"], a["TargetKeyId"]) for a in aliases] == [("alias/app", two)]
    kms.delete_alias(AliasName="alias/app")
    assert kms.list_aliases()["Aliases"] == []


def test_aws_managed_ssm_key_appears_on_first_use(kms: Any) -> None:
    meta = kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]
    assert meta["KeyManager"] == "AWS"
    assert kms.describe_key(KeyId="alias/aws/ssm")["KeyMetadata"]["KeyId"] == meta["KeyId"]
    names = [a["AliasName"] for a in kms.list_aliases()["Aliases"]]
    assert names == ["alias/aws/ssm"]


def test_disable_enable_and_schedule_deletion(kms: Any, server: Server) -> None:
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=key)
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Disabled"
    with pytest.raises(ClientError) as exc:
        kms.encrypt(KeyId=key, Plaintext=b"x")
    assert error(exc)[0] == "DisabledException"
    with pytest.raises(ClientError) as exc:
        kms.decrypt(CiphertextBlob=blob)
    assert error(exc)[0] == "DisabledException"
    kms.enable_key(KeyId=key)
    out = kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    assert out["KeyState"] == "PendingDeletion" and out["PendingWindowInDays"] == 7
    with pytest.raises(ClientError) as exc:
        kms.decrypt(CiphertextBlob=blob)
    assert error(exc) == ("KMSInvalidStateException", f"{out['KeyId']} is pending deletion.")
    with pytest.raises(ClientError) as exc:
        kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=3)
    assert error(exc)[0] == "ValidationException"
    server.advance(8 * 86400)
    with pytest.raises(ClientError) as exc:
        kms.describe_key(KeyId=key)
    assert error(exc)[0] == "NotFoundException"


def test_cancel_key_deletion_leaves_key_disabled(kms: Any) -> None:
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=key)
    kms.cancel_key_deletion(KeyId=key)
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"] == "Disabled"


def test_cli_create_key_and_alias(server: Server) -> None:
    meta = json.loads(server.aws("kms", "create-key", "--description", "cli").stdout)["KeyMetadata"]
    server.aws("kms", "create-alias", "--alias-name", "alias/cli", "--target-key-id", meta["KeyId"])
    described = json.loads(server.aws("kms", "describe-key", "--key-id", "alias/cli").stdout)
    assert described["KeyMetadata"]["Description"] == "cli"
