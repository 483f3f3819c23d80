"""Lambda versions and aliases through boto3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from lambda_fn_support import create, error_of, make_zip

from harness import Server

ARN = "arn:aws:lambda:us-east-1:000000000000:function:ver"


@pytest.fixture
def lam(server: Server) -> Any:
    client = server.client("lambda")
    create(client, "ver")
    server.settle()
    return client


def test_publish_version_numbers_and_reuse(server: Server, lam: Any) -> None:
    first = lam.publish_version(FunctionName="ver", Description="first")
    assert first["Version"] == "1"
    assert first["FunctionArn"] == f"{ARN}:1"
    assert first["Description"] == "first"
    # Nothing changed since version 1: AWS gives version 1 back.
    assert lam.publish_version(FunctionName="ver")["Version"] == "1"
    lam.update_function_code(
        FunctionName="ver", ZipFile=make_zip({"app.py": "def handler(e, c):\n    return 2\n"})
    )
    server.settle()
    assert lam.publish_version(FunctionName="ver")["Version"] == "2"
    versions = lam.list_versions_by_function(FunctionName="ver")["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1", "2"]
    assert versions[0]["FunctionArn"] == f"{ARN}:$LATEST"
    page = lam.list_versions_by_function(FunctionName="ver", MaxItems=2)
    assert len(page["Versions"]) == 2 and page["NextMarker"]
    rest = lam.list_versions_by_function(FunctionName="ver", Marker=page["NextMarker"])
    assert [v["Version"] for v in rest["Versions"]] == ["2"]
    assert lam.get_function_configuration(FunctionName="ver", Qualifier="1")["FunctionArn"] == f"{ARN}:1"
    everything = lam.list_functions(FunctionVersion="ALL")["Functions"]
    assert [f["Version"] for f in everything] == ["$LATEST", "1", "2"]


def test_publish_version_checks(server: Server, lam: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        lam.publish_version(FunctionName="ver", CodeSha256="abc")
    code, message, _ = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert message.startswith("CodeSHA256 (abc) is different from current CodeSHA256 in $LATEST")
    with pytest.raises(ClientError) as excinfo:
        lam.publish_version(FunctionName="ver", RevisionId="nope")
    assert error_of(excinfo)[:1] == ("PreconditionFailedException",)


def test_create_with_publish(server: Server) -> None:
    client = server.client("lambda")
    created = create(client, "pub", Publish=True)
    assert created["Version"] == "1"
    server.settle()
    assert client.get_function(FunctionName="pub", Qualifier="1")["Configuration"]["State"] == "Active"


def test_delete_version(lam: Any) -> None:
    lam.publish_version(FunctionName="ver")
    lam.create_alias(FunctionName="ver", Name="live", FunctionVersion="1")
    with pytest.raises(ClientError) as excinfo:
        lam.delete_function(FunctionName="ver", Qualifier="1")
    assert error_of(excinfo)[0] == "ResourceConflictException"
    lam.delete_alias(FunctionName="ver", Name="live")
    lam.delete_function(FunctionName="ver", Qualifier="1")
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName="ver")["Versions"]] == [
        "$LATEST"
    ]


def test_aliases(lam: Any) -> None:
    lam.publish_version(FunctionName="ver")
    alias = lam.create_alias(FunctionName="ver", Name="live", FunctionVersion="1", Description="prod")
    assert alias["AliasArn"] == f"{ARN}:live"
    assert alias["FunctionVersion"] == "1"
    assert lam.get_alias(FunctionName="ver", Name="live")["Description"] == "prod"
    with pytest.raises(ClientError) as excinfo:
        lam.create_alias(FunctionName="ver", Name="live", FunctionVersion="1")
    assert error_of(excinfo) == ("ResourceConflictException", f"Alias already exists: {ARN}:live", 409)
    with pytest.raises(ClientError) as excinfo:
        lam.create_alias(FunctionName="ver", Name="bad", FunctionVersion="9")
    assert error_of(excinfo) == ("ResourceNotFoundException", f"Function not found: {ARN}:9", 404)
    with pytest.raises(ClientError) as excinfo:
        lam.get_alias(FunctionName="ver", Name="nope")
    assert error_of(excinfo) == ("ResourceNotFoundException", f"Alias not found: {ARN}:nope", 404)
    updated = lam.update_alias(
        FunctionName="ver",
        Name="live",
        FunctionVersion="$LATEST",
        RoutingConfig={"AdditionalVersionWeights": {"1": 0.25}},
    )
    assert updated["FunctionVersion"] == "$LATEST"
    assert updated["RoutingConfig"] == {"AdditionalVersionWeights": {"1": 0.25}}
    assert updated["RevisionId"] != alias["RevisionId"]
    with pytest.raises(ClientError) as excinfo:
        lam.update_alias(FunctionName="ver", Name="live", RevisionId="stale")
    assert error_of(excinfo)[0] == "PreconditionFailedException"
    lam.create_alias(FunctionName="ver", Name="beta", FunctionVersion="1")
    assert [a["Name"] for a in lam.list_aliases(FunctionName="ver")["Aliases"]] == ["beta", "live"]
    assert [a["Name"] for a in lam.list_aliases(FunctionName="ver", FunctionVersion="1")["Aliases"]] == [
        "beta"
    ]
    # An alias qualifies reads: the version it points at, under the alias's ARN.
    config = lam.get_function_configuration(FunctionName="ver", Qualifier="beta")
    assert config["Version"] == "1" and config["FunctionArn"] == f"{ARN}:beta"
    assert lam.get_function_configuration(FunctionName=f"{ARN}:beta")["Version"] == "1"
    lam.delete_alias(FunctionName="ver", Name="beta")
    assert [a["Name"] for a in lam.list_aliases(FunctionName="ver")["Aliases"]] == ["live"]


def test_alias_names_must_not_be_numbers(server: Server, lam: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        lam.create_alias(FunctionName="ver", Name="123", FunctionVersion="$LATEST")
    assert error_of(excinfo)[0] == "ValidationException"


def test_qualifier_mismatch(lam: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        lam.get_function(FunctionName="ver:1", Qualifier="2")
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified qualifier.",
        400,
    )
