"""Tags on parameters, and the AWS CLI."""

from __future__ import annotations

import json
from typing import Any

from ssm_support import fails

from harness import Server


def test_tags(ssm: Any) -> None:
    ssm.put_parameter(Name="/t", Value="v", Type="String", Tags=[{"Key": "a", "Value": "1"}])
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId="/t", Tags=[{"Key": "b", "Value": "2"}])
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/t")["TagList"]
    assert tags == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
    ssm.remove_tags_from_resource(ResourceType="Parameter", ResourceId="/t", TagKeys=["a"])
    assert ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId="/t")["TagList"] == [
        {"Key": "b", "Value": "2"}
    ]
    assert fails(ssm.list_tags_for_resource, ResourceType="Parameter", ResourceId="/none")[0] == (
        "InvalidResourceId"
    )
    assert fails(ssm.list_tags_for_resource, ResourceType="Document", ResourceId="/t")[0] == (
        "InvalidResourceType"
    )


def test_cli_round_trip(server: Server) -> None:
    out = json.loads(
        server.aws(
            "ssm", "put-parameter", "--name", "/cli/p", "--value", "a,b", "--type", "StringList"
        ).stdout
    )
    assert out["Version"] == 1
    got = json.loads(server.aws("ssm", "get-parameters-by-path", "--path", "/cli").stdout)
    assert [p["Value"] for p in got["Parameters"]] == ["a,b"]
    result = server.aws("ssm", "get-parameter", "--name", "/cli/none", check=False)
    assert result.returncode != 0 and "ParameterNotFound" in result.stderr
