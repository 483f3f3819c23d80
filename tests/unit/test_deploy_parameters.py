"""Template parameters: types, defaults, constraints and SSM lookups, with CloudFormation's messages."""

from typing import Any

import pytest

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.parameters import (
    parameter_type,
    parameter_values,
    parse_overrides,
    resolve_parameters,
    split_list,
)
from cloudlet.deploy.template import Template

SSM = {"/app/name": "orders", "/app/zones": "a, b,c", "/cdk-bootstrap/hnb659fds/version": "21"}


def template(parameters: dict[str, Any]) -> Template:
    return Template({"Parameters": parameters, "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})


def message(parameters: dict[str, Any], given: dict[str, str]) -> str:
    with pytest.raises(ValidationError) as caught:
        resolve_parameters(template(parameters), given, SSM.get)
    assert caught.value.code == "ValidationError"
    return caught.value.message


def test_values_defaults_and_types() -> None:
    resolved = resolve_parameters(
        template(
            {
                "Name": {"Type": "String"},
                "Count": {"Type": "Number", "Default": 3},
                "Ratio": {"Type": "Number", "Default": "0.5"},
                "Ports": {"Type": "List<Number>", "Default": "80, 443"},
                "Zones": {"Type": "CommaDelimitedList", "Default": "a, b ,c"},
                "Empty": {"Type": "String", "Default": ""},
                "Flag": {"Type": "String", "Default": True},
                "Image": {"Type": "AWS::EC2::Image::Id", "Default": "ami-1"},
                "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>", "Default": "s-1,s-2"},
                "ParamName": {"Type": "AWS::SSM::Parameter::Name", "Default": "/x"},
            }
        ),
        {"Name": "orders", "Count": "7"},
    )
    assert parameter_values(resolved) == {
        "Name": "orders",
        "Count": "7",  # Ref of a Number is a string
        "Ratio": "0.5",
        "Ports": ["80", "443"],
        "Zones": ["a", "b", "c"],
        "Empty": "",
        "Flag": "true",
        "Image": "ami-1",
        "Subnets": ["s-1", "s-2"],
        "ParamName": "/x",
    }


def test_ssm_parameter_types_resolve_through_the_lookup() -> None:
    resolved = resolve_parameters(
        template(
            {
                "BootstrapVersion": {
                    "Type": "AWS::SSM::Parameter::Value<String>",
                    "Default": "/cdk-bootstrap/hnb659fds/version",
                },
                "Name": {"Type": "AWS::SSM::Parameter::Value<String>"},
                "Zones": {"Type": "AWS::SSM::Parameter::Value<List<String>>", "Default": "/app/zones"},
                "More": {"Type": "AWS::SSM::Parameter::Value<CommaDelimitedList>", "Default": "/app/zones"},
                "Ami": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": "/app/name"},
                "Secret": {
                    "Type": "AWS::SSM::Parameter::Value<String>",
                    "Default": "/app/name",
                    "NoEcho": "true",
                },
            }
        ),
        {"Name": "/app/name"},
        SSM.get,
    )
    assert parameter_values(resolved) == {
        "BootstrapVersion": "21",
        "Name": "orders",
        "Zones": ["a", "b", "c"],
        "More": ["a", "b", "c"],
        "Ami": "orders",
        "Secret": "orders",
    }
    assert resolved["BootstrapVersion"].described() == {
        "ParameterKey": "BootstrapVersion",
        "ParameterValue": "/cdk-bootstrap/hnb659fds/version",
        "ResolvedValue": "21",
    }
    assert resolved["Secret"].described() == {
        "ParameterKey": "Secret",
        "ParameterValue": "****",
        "ResolvedValue": "****",
    }
    assert resolved["Zones"].described()["ResolvedValue"] == "a,b,c"


def test_ssm_parameters_that_do_not_exist() -> None:
    parameters = {
        "A": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/missing/a"},
        "B": {"Type": "AWS::SSM::Parameter::Value<String>", "Default": "/missing/b"},
    }
    assert (
        message(parameters, {})
        == "Unable to fetch parameters [/missing/a,/missing/b] from parameter store for this account."
    )
    with pytest.raises(ValidationError, match="Unable to fetch parameters"):
        resolve_parameters(template(parameters), {})  # no lookup at all


def test_no_echo_masks_described_values() -> None:
    resolved = resolve_parameters(
        template({"Password": {"Type": "String", "NoEcho": True}}), {"Password": "hunter2"}
    )
    assert resolved["Password"].resolved == "hunter2"
    assert resolved["Password"].described() == {"ParameterKey": "Password", "ParameterValue": "****"}


def test_missing_and_unknown_parameters() -> None:
    parameters = {"A": {"Type": "String"}, "B": {"Type": "Number"}, "C": {"Type": "String", "Default": "c"}}
    assert message(parameters, {}) == "Parameters: [A, B] must have values"
    assert (
        message(parameters, {"A": "a", "B": "1", "X": "x", "Y": "y"})
        == "Parameters: [X, Y] do not exist in the template"
    )


def test_allowed_values() -> None:
    parameters = {
        "Env": {"Type": "String", "AllowedValues": ["dev", "prod"], "ConstraintDescription": "dev or prod"}
    }
    assert message(parameters, {"Env": "test"}) == "Parameter 'Env' must be one of AllowedValues"
    listed = {"Envs": {"Type": "CommaDelimitedList", "AllowedValues": ["dev", "prod"]}}
    assert message(listed, {"Envs": "dev,test"}) == "Parameter 'Envs' must be one of AllowedValues"
    assert parameter_values(resolve_parameters(template(listed), {"Envs": "dev, prod"})) == {
        "Envs": ["dev", "prod"]
    }
    numbers = {"Size": {"Type": "Number", "AllowedValues": [1, 2]}}
    assert parameter_values(resolve_parameters(template(numbers), {"Size": "2"})) == {"Size": "2"}


def test_lengths_and_patterns() -> None:
    text = {"Type": "String", "MinLength": 2, "MaxLength": 15, "AllowedPattern": "[a-zA-Z0-9]*"}
    assert (
        message({"Greeting": text}, {"Greeting": "Way too long greeting"})
        == "Parameter 'Greeting' must contain at most 15 characters"
    )
    assert (
        message({"Greeting": text}, {"Greeting": "a"})
        == "Parameter 'Greeting' must contain at least 2 characters"
    )
    assert (
        message({"Greeting": text}, {"Greeting": "no spaces"})
        == "Parameter 'Greeting' must match pattern [a-zA-Z0-9]*"
    )
    described = {**text, "ConstraintDescription": "letters and digits only"}
    assert (
        message({"Greeting": described}, {"Greeting": "no spaces"})
        == "Parameter Greeting failed to satisfy constraint: letters and digits only"
    )
    assert message({"P": {"Type": "String", "AllowedPattern": "("}}, {"P": "x"}) == (
        "Parameter 'P' AllowedPattern must be a valid regular expression."
    )
    # the pattern must match the whole value
    assert (
        message({"P": {"Type": "String", "AllowedPattern": "[a-z]+"}}, {"P": "abc1"})
        == "Parameter 'P' must match pattern [a-z]+"
    )


def test_numbers() -> None:
    number = {"Type": "Number", "MinValue": 1, "MaxValue": 10}
    assert message({"AvailabilityZoneCount": number}, {"AvailabilityZoneCount": "0"}) == (
        "Parameter 'AvailabilityZoneCount' must be a number not less than 1"
    )
    assert message({"N": number}, {"N": "10.5"}) == "Parameter 'N' must be a number not greater than 10"
    assert message({"N": number}, {"N": "ten"}) == "Parameter 'N' must be a number"
    assert message({"N": {"Type": "List<Number>"}}, {"N": "1,x"}) == "Parameter 'N' must be a number"
    ok = resolve_parameters(template({"N": number}), {"N": "2.5e0"})
    assert ok["N"].resolved == "2.5e0"


def test_parameter_types() -> None:
    assert parameter_type("String").is_list is False
    assert parameter_type("List<Number>").is_number is True
    assert parameter_type("AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>").is_list is True
    with pytest.raises(ValidationError) as caught:
        parameter_type("Strin")
    assert caught.value.message == "Template format error: Unrecognized parameter type: Strin"
    with pytest.raises(ValidationError):
        parameter_type("AWS::SSM::Parameter::Value<Number>")


def test_split_list() -> None:
    assert split_list("a, b ,c") == ["a", "b", "c"]
    assert split_list("") == [""]


def test_command_line_overrides() -> None:
    items = [
        "Stage=prod",
        "Url=https://x?a=b",
        "AppStack:Size=2",
        "Other:Size=9",
        "ParameterKey=Zones,ParameterValue=a,b",
    ]
    assert parse_overrides(items, "AppStack") == {
        "Stage": "prod",
        "Url": "https://x?a=b",
        "Size": "2",
        "Zones": "a,b",
    }
    assert parse_overrides(["Empty="]) == {"Empty": ""}
    for bad in ("novalue", "=x", "ParameterKey=K"):
        with pytest.raises(ValidationError):
            parse_overrides([bad])
