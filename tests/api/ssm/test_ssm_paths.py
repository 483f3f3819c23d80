"""GetParametersByPath and DescribeParameters: hierarchy, filters, pagination."""

from __future__ import annotations

from typing import Any

from ssm_support import fails


def seed(ssm: Any) -> None:
    for name, kind in (
        ("/app/a", "String"),
        ("/app/b", "StringList"),
        ("/app/sub/c", "String"),
        ("/app/sub/deep/d", "SecureString"),
        ("/other/e", "String"),
        ("top", "String"),
    ):
        ssm.put_parameter(Name=name, Value="v", Type=kind)


def names_of(out: dict[str, Any]) -> list[str]:
    return [p["Name"] for p in out["Parameters"]]


def test_by_path_one_level_and_recursive(ssm: Any) -> None:
    seed(ssm)
    assert names_of(ssm.get_parameters_by_path(Path="/app")) == ["/app/a", "/app/b"]
    assert names_of(ssm.get_parameters_by_path(Path="/app/", Recursive=True)) == [
        "/app/a",
        "/app/b",
        "/app/sub/c",
        "/app/sub/deep/d",
    ]
    assert names_of(ssm.get_parameters_by_path(Path="/app/sub")) == ["/app/sub/c"]
    assert names_of(ssm.get_parameters_by_path(Path="/nothing")) == []
    assert fails(ssm.get_parameters_by_path, Path="app")[0] == "ValidationException"


def test_by_path_filters(ssm: Any) -> None:
    seed(ssm)
    typed = ssm.get_parameters_by_path(
        Path="/app", Recursive=True, ParameterFilters=[{"Key": "Type", "Values": ["String"]}]
    )
    assert names_of(typed) == ["/app/a", "/app/sub/c"]
    keyed = ssm.get_parameters_by_path(
        Path="/app", Recursive=True, ParameterFilters=[{"Key": "KeyId", "Values": ["alias/aws/ssm"]}]
    )
    assert names_of(keyed) == ["/app/sub/deep/d"]
    for key in ("Name", "Path", "Tier", "DataType", "tag:team"):
        code, _ = fails(
            ssm.get_parameters_by_path, Path="/app", ParameterFilters=[{"Key": key, "Values": ["x"]}]
        )
        assert code == "InvalidFilterKey", key
    code, _ = fails(
        ssm.get_parameters_by_path,
        Path="/app",
        ParameterFilters=[{"Key": "Label", "Option": "BeginsWith", "Values": ["x"]}],
    )
    assert code == "InvalidFilterOption"


def test_by_path_label_filter_returns_the_labelled_version(ssm: Any) -> None:
    ssm.put_parameter(Name="/l/p", Value="old", Type="String")
    ssm.put_parameter(Name="/l/p", Value="new", Overwrite=True)
    ssm.put_parameter(Name="/l/q", Value="q", Type="String")
    ssm.label_parameter_version(Name="/l/p", ParameterVersion=1, Labels=["prod"])
    out = ssm.get_parameters_by_path(Path="/l", ParameterFilters=[{"Key": "Label", "Values": ["prod"]}])
    assert [(p["Name"], p["Value"], p["Version"]) for p in out["Parameters"]] == [("/l/p", "old", 1)]


def test_by_path_pagination(ssm: Any) -> None:
    for i in range(23):
        ssm.put_parameter(Name=f"/many/p{i:02d}", Value="v", Type="String")
    seen: list[str] = []
    kwargs: dict[str, Any] = {"Path": "/many", "MaxResults": 10}
    while True:
        out = ssm.get_parameters_by_path(**kwargs)
        assert len(out["Parameters"]) <= 10
        seen += names_of(out)
        if "NextToken" not in out:
            break
        kwargs["NextToken"] = out["NextToken"]
    assert seen == [f"/many/p{i:02d}" for i in range(23)]
    assert fails(ssm.get_parameters_by_path, Path="/many", MaxResults=11)[0] == "ValidationException"
    assert fails(ssm.get_parameters_by_path, Path="/many", NextToken="garbage")[0] == "InvalidNextToken"
    pages = ssm.get_paginator("get_parameters_by_path").paginate(
        Path="/many", PaginationConfig={"PageSize": 5}
    )
    assert sum(len(p["Parameters"]) for p in pages) == 23


def test_describe_parameter_filters(ssm: Any) -> None:
    seed(ssm)
    ssm.add_tags_to_resource(
        ResourceType="Parameter", ResourceId="/app/a", Tags=[{"Key": "team", "Value": "x"}]
    )

    def describe(*filters: dict[str, Any]) -> list[str]:
        # Leaving out the CDK bootstrap version parameter the server pre-creates.
        found = names_of(ssm.describe_parameters(ParameterFilters=list(filters)))
        return [name for name in found if not name.startswith("/cdk-bootstrap/")]

    assert describe({"Key": "Name", "Values": ["/app/a"]}) == ["/app/a"]
    assert describe({"Key": "Name", "Option": "BeginsWith", "Values": ["/app/s"]}) == [
        "/app/sub/c",
        "/app/sub/deep/d",
    ]
    assert describe({"Key": "Name", "Option": "Contains", "Values": ["deep"]}) == ["/app/sub/deep/d"]
    assert describe({"Key": "Path", "Values": ["/app"]}) == ["/app/a", "/app/b"]
    assert describe({"Key": "Path", "Option": "Recursive", "Values": ["/app/sub"]}) == [
        "/app/sub/c",
        "/app/sub/deep/d",
    ]
    assert describe({"Key": "Type", "Values": ["StringList"]}) == ["/app/b"]
    assert describe({"Key": "tag:team"}) == ["/app/a"]
    assert describe({"Key": "tag:team", "Values": ["y"]}) == []
    assert describe({"Key": "Tier", "Values": ["Standard"]}, {"Key": "DataType", "Values": ["text"]}) == [
        "/app/a",
        "/app/b",
        "/app/sub/c",
        "/app/sub/deep/d",
        "/other/e",
        "top",
    ]
    legacy = ssm.describe_parameters(Filters=[{"Key": "Type", "Values": ["SecureString"]}])
    assert names_of(legacy) == ["/app/sub/deep/d"]
    assert fails(ssm.describe_parameters, ParameterFilters=[{"Key": "Label", "Values": ["x"]}])[0] == (
        "InvalidFilterKey"
    )
    assert fails(ssm.describe_parameters, ParameterFilters=[{"Key": "Bogus", "Values": ["x"]}])[0] == (
        "InvalidFilterKey"
    )
    meta = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": ["/app/a"]}])["Parameters"][0]
    assert meta["Tier"] == "Standard" and meta["Version"] == 1 and meta["ARN"].endswith("parameter/app/a")


def test_describe_pagination(ssm: Any) -> None:
    for i in range(7):
        ssm.put_parameter(Name=f"/d/p{i}", Value="v", Type="String")
    mine = [{"Key": "Path", "Option": "Recursive", "Values": ["/d"]}]
    first = ssm.describe_parameters(MaxResults=5, ParameterFilters=mine)
    assert len(first["Parameters"]) == 5 and "NextToken" in first
    rest = ssm.describe_parameters(MaxResults=5, NextToken=first["NextToken"], ParameterFilters=mine)
    assert len(rest["Parameters"]) == 2 and "NextToken" not in rest
