"""AWS::KMS::Key and AWS::KMS::Alias handlers against a real server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from deploy_support import context, create, delete

from cloudlet.deploy.resources import handler_for
from cloudlet.deploy.resources.base import Provisioned, Replace, ResourceHandler
from harness import Server


def _handler(type_name: str) -> ResourceHandler:
    found = handler_for(type_name)
    assert found is not None
    return found


KEY = _handler("AWS::KMS::Key")
ALIAS = _handler("AWS::KMS::Alias")


def update(
    server: Server, handler: ResourceHandler, physical_id: str, new: dict[str, Any], old: dict[str, Any]
) -> Provisioned:
    return asyncio.run(handler.update(context(server, handler.type_name), physical_id, new, old))


def test_key_ref_is_its_id_with_arn_tags_and_rotation(server: Server) -> None:
    kms = server.client("kms")
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}],
    }
    properties = {
        "Description": "data key",
        "KeyPolicy": policy,
        "EnableKeyRotation": True,
        "Tags": [{"Key": "app", "Value": "x"}],
    }
    made = create(server, KEY, properties)
    metadata = kms.describe_key(KeyId=made.physical_id)["KeyMetadata"]
    assert made.attributes == {"Arn": metadata["Arn"], "KeyId": made.physical_id}
    assert metadata["Description"] == "data key" and metadata["Enabled"] is True
    tags = kms.list_resource_tags(KeyId=made.physical_id)["Tags"]
    assert tags == [{"TagKey": "app", "TagValue": "x"}]


def test_enabled_update_replacement_and_scheduled_deletion(server: Server) -> None:
    kms = server.client("kms")
    made = create(server, KEY, {"Enabled": "false"})
    assert kms.describe_key(KeyId=made.physical_id)["KeyMetadata"]["KeyState"] == "Disabled"
    update(server, KEY, made.physical_id, {"Enabled": True}, {"Enabled": "false"})
    assert kms.describe_key(KeyId=made.physical_id)["KeyMetadata"]["KeyState"] == "Enabled"
    with pytest.raises(Replace):
        update(server, KEY, made.physical_id, {"KeyUsage": "SIGN_VERIFY"}, {})
    delete(server, KEY, made.physical_id, {"PendingWindowInDays": 7})
    metadata = kms.describe_key(KeyId=made.physical_id)["KeyMetadata"]
    assert metadata["KeyState"] == "PendingDeletion"
    delete(server, KEY, made.physical_id, {})  # already pending: not an error


def test_alias_create_retarget_and_delete(server: Server) -> None:
    kms = server.client("kms")
    first = create(server, KEY, {})
    second = create(server, KEY, {})
    made = create(server, ALIAS, {"AliasName": "alias/app", "TargetKeyId": first.physical_id})
    assert made.physical_id == "alias/app"

    def target() -> str:
        aliases = {a["AliasName"]: a for a in kms.list_aliases()["Aliases"]}
        return str(aliases["alias/app"]["TargetKeyId"])

    assert target() == first.physical_id
    update(
        server,
        ALIAS,
        "alias/app",
        {"AliasName": "alias/app", "TargetKeyId": second.attributes["Arn"]},
        {"AliasName": "alias/app", "TargetKeyId": first.physical_id},
    )
    assert target() == second.physical_id
    delete(server, ALIAS, "alias/app", {})
    assert "alias/app" not in {a["AliasName"] for a in kms.list_aliases()["Aliases"]}
    delete(server, ALIAS, "alias/app", {})
