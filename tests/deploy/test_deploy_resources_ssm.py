"""AWS::SSM::Parameter handler against a real server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from botocore.exceptions import ClientError
from deploy_support import context, create, delete

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.resources import handler_for
from cloudlet.deploy.resources.base import Provisioned, Replace, ResourceHandler
from harness import Server

found = handler_for("AWS::SSM::Parameter")
assert found is not None
PARAMETER: ResourceHandler = found


def update(server: Server, physical_id: str, new: dict[str, Any], old: dict[str, Any]) -> Provisioned:
    return asyncio.run(PARAMETER.update(context(server, PARAMETER.type_name), physical_id, new, old))


def test_parameter_with_generated_name_and_attributes(server: Server) -> None:
    made = create(server, PARAMETER, {"Type": "String", "Value": "v1", "Description": "d"}, "Setting")
    assert made.physical_id.startswith("CFN-Setting-")
    assert made.attributes == {"Type": "String", "Value": "v1"}
    got = server.client("ssm").get_parameter(Name=made.physical_id)["Parameter"]
    assert got["Value"] == "v1" and got["Type"] == "String"


def test_string_list_tags_map_and_update(server: Server) -> None:
    ssm = server.client("ssm")
    old = {"Name": "/app/hosts", "Type": "StringList", "Value": "a,b", "Tags": {"team": "ops"}}
    made = create(server, PARAMETER, old)
    assert made.physical_id == "/app/hosts"
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/app/hosts")["TagList"]
    assert tags == [{"Key": "team", "Value": "ops"}]
    new = {"Name": "/app/hosts", "Type": "StringList", "Value": ["a", "b", "c"], "Tags": {"team": "dev"}}
    result = update(server, "/app/hosts", new, old)
    assert result.attributes == {"Type": "StringList", "Value": "a,b,c"}
    assert ssm.get_parameter(Name="/app/hosts")["Parameter"]["Value"] == "a,b,c"
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/app/hosts")["TagList"]
    assert tags == [{"Key": "team", "Value": "dev"}]
    with pytest.raises(Replace):
        update(server, "/app/hosts", {**new, "Name": "/app/other"}, new)


def test_secure_string_is_refused_as_cloudformation_does(server: Server) -> None:
    with pytest.raises(ValidationError, match="SecureString"):
        create(server, PARAMETER, {"Name": "secret", "Type": "SecureString", "Value": "x"})
    with pytest.raises(ClientError):
        server.client("ssm").get_parameter(Name="secret")


def test_delete_and_delete_again(server: Server) -> None:
    made = create(server, PARAMETER, {"Name": "gone", "Type": "String", "Value": "x"})
    delete(server, PARAMETER, made.physical_id, {})
    with pytest.raises(ClientError):
        server.client("ssm").get_parameter(Name="gone")
    delete(server, PARAMETER, made.physical_id, {})
