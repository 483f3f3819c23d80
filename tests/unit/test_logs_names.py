"""CloudWatch Logs names, ARNs and limits (pure)."""

from __future__ import annotations

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.logs import names


def test_group_arns_with_and_without_the_star() -> None:
    arn = names.group_arn("eu-west-1", "123456789012", "/aws/lambda/f")
    assert arn == "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f"
    assert names.parse_group_arn(arn) == ("123456789012", "eu-west-1", "/aws/lambda/f")
    assert names.parse_group_arn(arn + ":*") == ("123456789012", "eu-west-1", "/aws/lambda/f")
    stream = names.stream_arn("eu-west-1", "123456789012", "/g", "s")
    assert names.parse_group_arn(stream) is None
    assert names.parse_group_arn("arn:aws:sqs:us-east-1:123456789012:q") is None
    assert names.parse_group_arn("not an arn") is None


@pytest.mark.parametrize("name", ["/aws/lambda/f", "a.b-c_d#e", "x" * 512])
def test_valid_group_names(name: str) -> None:
    assert names.check_group_name(name) == name


@pytest.mark.parametrize("name", ["", "a b", "a:b", "x" * 513, None])
def test_invalid_group_names(name: str | None) -> None:
    with pytest.raises(ServiceError) as info:
        names.check_group_name(name)
    assert info.value.code == "InvalidParameterException"
    assert info.value.message.startswith("1 validation error detected: Value ")


def test_stream_names_allow_lambda_style_names() -> None:
    assert names.check_stream_name("2026/11/25/[$LATEST]abc123") == "2026/11/25/[$LATEST]abc123"
    for bad in ("a:b", "a*b", ""):
        with pytest.raises(ServiceError):
            names.check_stream_name(bad)


def test_retention_values_are_aws_enum() -> None:
    assert names.check_retention(3653) == 3653
    for bad in (0, 2, 4000, "7", None):
        with pytest.raises(ServiceError):
            names.check_retention(bad)


def test_tags() -> None:
    assert names.check_tags({"k": ""}) == {"k": ""}
    with pytest.raises(ServiceError):
        names.check_tags({"aws:reserved": "v"})
    with pytest.raises(ServiceError):
        names.check_tags({"k" * 129: "v"})
