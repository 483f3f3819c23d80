"""PutParameter and GetParameter(s): types, overwrite, tiers, patterns, data types, names."""

from __future__ import annotations

from typing import Any

from ssm_support import fails


def test_put_get_string(ssm: Any) -> None:
    out = ssm.put_parameter(Name="/app/db/host", Value="db.local", Type="String")
    assert (out["Version"], out["Tier"]) == (1, "Standard")
    got = ssm.get_parameter(Name="/app/db/host")["Parameter"]
    assert got["Value"] == "db.local" and got["Type"] == "String" and got["Version"] == 1
    assert got["ARN"] == "arn:aws:ssm:us-east-1:000000000000:parameter/app/db/host"
    assert got["DataType"] == "text" and "LastModifiedDate" in got
    ssm.put_parameter(Name="plain", Value="a,b", Type="StringList")
    plain = ssm.get_parameter(Name="plain")["Parameter"]
    assert plain["Type"] == "StringList" and plain["ARN"].endswith(":parameter/plain")
    by_arn = ssm.get_parameter(Name=got["ARN"])["Parameter"]
    assert by_arn["Value"] == "db.local"


def test_overwrite_and_already_exists(ssm: Any) -> None:
    ssm.put_parameter(Name="/p", Value="1", Type="String", Description="first")
    code, message = fails(ssm.put_parameter, Name="/p", Value="2", Type="String")
    assert code == "ParameterAlreadyExists"
    assert message.startswith("The parameter already exists. To overwrite this value")
    assert ssm.put_parameter(Name="/p", Value="2", Overwrite=True)["Version"] == 2
    got = ssm.get_parameter(Name="/p")["Parameter"]
    assert (got["Value"], got["Version"], got["Type"]) == ("2", 2, "String")
    described = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": ["/p"]}])["Parameters"][0]
    assert described["Description"] == "first"
    code, _ = fails(
        ssm.put_parameter, Name="/p", Value="3", Overwrite=True, Tags=[{"Key": "k", "Value": "v"}]
    )
    assert code == "ValidationException"


def test_not_found(ssm: Any) -> None:
    assert fails(ssm.get_parameter, Name="/missing") == ("ParameterNotFound", "")
    assert fails(ssm.delete_parameter, Name="/missing")[0] == "ParameterNotFound"
    ssm.put_parameter(Name="/here", Value="v", Type="String")
    out = ssm.get_parameters(Names=["/here", "/missing", "/here:9"])
    assert [p["Name"] for p in out["Parameters"]] == ["/here"]
    assert out["InvalidParameters"] == ["/missing", "/here:9"]


def test_tiers(ssm: Any) -> None:
    big = "x" * 5000
    code, message = fails(ssm.put_parameter, Name="/big", Value=big, Type="String")
    assert code == "ValidationException" and "Standard tier" in message
    assert ssm.put_parameter(Name="/big", Value=big, Type="String", Tier="Advanced")["Tier"] == "Advanced"
    assert fails(ssm.put_parameter, Name="/huge", Value="x" * 8193, Type="String", Tier="Advanced")[0] == (
        "ValidationException"
    )
    smart = ssm.put_parameter(Name="/smart", Value="small", Type="String", Tier="Intelligent-Tiering")
    assert smart["Tier"] == "Standard"
    # An advanced parameter stays advanced (AWS: no downgrade).
    assert ssm.put_parameter(Name="/big", Value="small", Overwrite=True)["Tier"] == "Advanced"
    code, _ = fails(ssm.put_parameter, Name="/big", Value="s", Overwrite=True, Tier="Standard")
    assert code == "ValidationException"
    again = ssm.put_parameter(Name="/big", Value="s", Overwrite=True, Tier="Intelligent-Tiering")
    assert again["Tier"] == "Advanced"


def test_allowed_pattern(ssm: Any) -> None:
    ssm.put_parameter(Name="/n", Value="42", Type="String", AllowedPattern=r"^\d+$")
    code, message = fails(ssm.put_parameter, Name="/n", Value="abc", Overwrite=True)
    assert code == "ParameterPatternMismatchException" and r"^\d+$" in message
    code, _ = fails(ssm.put_parameter, Name="/m", Value="1", Type="String", AllowedPattern="(")
    assert code == "InvalidAllowedPatternException"


def test_data_types(ssm: Any) -> None:
    ssm.put_parameter(Name="/ami", Value="ami-0123456789abcdef0", Type="String", DataType="aws:ec2:image")
    assert ssm.get_parameter(Name="/ami")["Parameter"]["DataType"] == "aws:ec2:image"
    assert fails(ssm.put_parameter, Name="/ami2", Value="nope", Type="String", DataType="aws:ec2:image")[
        0
    ] == ("ValidationException")
    assert fails(ssm.put_parameter, Name="/t", Value="v", Type="String", DataType="Text")[0] == (
        "ValidationException"
    )


def test_name_rules(ssm: Any) -> None:
    for bad in ("/aws/x", "ssm-thing", "/a b", "/a//b", "/a/"):
        assert fails(ssm.put_parameter, Name=bad, Value="v", Type="String")[0] == "ValidationException", bad
    code, message = fails(ssm.put_parameter, Name="a/b", Value="v", Type="String")
    assert (code, message) == ("ValidationException", "Parameter name must be a fully qualified name.")
    deep = "/" + "/".join(f"l{i}" for i in range(16))
    assert fails(ssm.put_parameter, Name=deep, Value="v", Type="String")[0] == (
        "HierarchyLevelLimitExceededException"
    )
    ok = "/" + "/".join(f"l{i}" for i in range(15))
    assert ssm.put_parameter(Name=ok, Value="v", Type="String")["Version"] == 1
    assert fails(ssm.put_parameter, Name="/nt", Value="v")[0] == "ValidationException"


def test_delete_parameters(ssm: Any) -> None:
    ssm.put_parameter(Name="/a", Value="1", Type="String")
    ssm.put_parameter(Name="/b", Value="1", Type="String")
    out = ssm.delete_parameters(Names=["/a", "/b", "/c"])
    assert out["DeletedParameters"] == ["/a", "/b"] and out["InvalidParameters"] == ["/c"]
    ssm.put_parameter(Name="/a", Value="again", Type="String")
    assert ssm.get_parameter(Name="/a")["Parameter"]["Version"] == 1
    ssm.delete_parameter(Name="/a")
    assert fails(ssm.get_parameter, Name="/a")[0] == "ParameterNotFound"


def test_parameters_are_per_account_and_region(ssm: Any, server: Any) -> None:
    ssm.put_parameter(Name="/mine", Value="v", Type="String")
    assert fails(server.client("ssm", access_key="111122223333").get_parameter, Name="/mine")[0] == (
        "ParameterNotFound"
    )
    assert (
        fails(server.client("ssm", region="eu-west-1").get_parameter, Name="/mine")[0] == "ParameterNotFound"
    )
