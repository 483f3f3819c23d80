"""Template parameters: given values + defaults -> validated values, as CreateStack checks them.

Messages are CloudFormation's: "Parameters: [A] must have values", "Parameters: [X] do not
exist in the template", "Parameter 'X' must be one of AllowedValues", "Parameter 'X' must
contain at most 15 characters", "Parameter 'X' must match pattern [a-z]*", "Parameter 'X' must
be a number not less than 1", and with a ConstraintDescription "Parameter X failed to
satisfy constraint: <description>".
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cloudlet.deploy.errors import ValidationError, format_error
from cloudlet.deploy.template import Template
from cloudlet.deploy.values import to_text

SsmLookup = Callable[[str], str | None]
"""An SSM parameter's value by name, or None when there is no such parameter."""

NO_ECHO_MASK = "****"
_SSM_PREFIX = "AWS::SSM::Parameter::Value<"
# AWS-specific parameter types: validated by AWS against the account; here, plain strings.
_AWS_SPECIFIC = re.compile(
    r"^AWS::(EC2::(AvailabilityZone::Name|Image::Id|Instance::Id|KeyPair::KeyName|SecurityGroup::GroupName"
    r"|SecurityGroup::Id|Subnet::Id|Volume::Id|VPC::Id)|Route53::HostedZone::Id|SSM::Parameter::Name)$"
)
_NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


@dataclass(frozen=True)
class ParameterType:
    is_list: bool  # Ref gives a list of strings
    is_number: bool  # each value must be a number
    from_ssm: bool  # the value given is an SSM parameter name


def parameter_type(type_name: Any) -> ParameterType:
    text = str(type_name)
    ssm = text.startswith(_SSM_PREFIX) and text.endswith(">")
    inner = text[len(_SSM_PREFIX) : -1] if ssm else text
    if inner in ("String", "CommaDelimitedList", "List<String>") and ssm:
        return ParameterType(inner != "String", False, True)
    if inner in ("String", "Number", "CommaDelimitedList", "List<Number>") and not ssm:
        return ParameterType(inner in ("CommaDelimitedList", "List<Number>"), "Number" in inner, False)
    is_list = inner.startswith("List<") and inner.endswith(">")
    if _AWS_SPECIFIC.match(inner[5:-1] if is_list else inner):
        return ParameterType(is_list, False, ssm)
    raise format_error(f"Unrecognized parameter type: {text}")


@dataclass(frozen=True)
class ResolvedParameter:
    key: str
    type: str
    value: str  # as given, or the Default (what DescribeStacks shows, masked when NoEcho)
    resolved: str | list[str]  # what Ref evaluates to
    no_echo: bool
    from_ssm: bool

    def described(self) -> dict[str, str]:
        """The DescribeStacks `Parameters` member for this parameter."""
        out = {"ParameterKey": self.key, "ParameterValue": NO_ECHO_MASK if self.no_echo else self.value}
        if self.from_ssm:
            resolved = self.resolved if isinstance(self.resolved, str) else ",".join(self.resolved)
            out["ResolvedValue"] = NO_ECHO_MASK if self.no_echo else resolved
        return out


def resolve_parameters(
    template: Template, given: Mapping[str, str], ssm: SsmLookup | None = None
) -> dict[str, ResolvedParameter]:
    """Every template parameter's value: the one given, else its Default; checked against
    its constraints; SSM-typed ones looked up through `ssm`."""
    specs = template.parameters
    unknown = [key for key in given if key not in specs]
    if unknown:
        raise ValidationError(f"Parameters: [{', '.join(unknown)}] do not exist in the template")
    missing = [key for key, spec in specs.items() if key not in given and "Default" not in spec]
    if missing:
        raise ValidationError(f"Parameters: [{', '.join(missing)}] must have values")
    resolved: dict[str, ResolvedParameter] = {}
    unfetched: list[str] = []
    for key, spec in specs.items():
        kind = parameter_type(spec.get("Type"))
        raw = given[key] if key in given else spec["Default"]
        value = ",".join(to_text(v) for v in raw) if isinstance(raw, list) else to_text(raw)
        members = split_list(value) if kind.is_list and not kind.from_ssm else [value]
        for member in members:
            check_constraints(key, spec, member, kind)
        result: str | list[str] = members if kind.is_list else value
        if kind.from_ssm:
            fetched = ssm(value) if ssm is not None else None
            if fetched is None:
                unfetched.append(value)
                continue
            result = split_list(fetched) if kind.is_list else fetched
        no_echo = to_text(spec.get("NoEcho", False)).lower() == "true"
        resolved[key] = ResolvedParameter(key, str(spec["Type"]), value, result, no_echo, kind.from_ssm)
    if unfetched:
        raise ValidationError(
            f"Unable to fetch parameters [{','.join(unfetched)}] from parameter store for this account."
        )
    return resolved


def split_list(value: str) -> list[str]:
    """A CommaDelimitedList value: members split on commas, each space-trimmed."""
    return [member.strip() for member in value.split(",")]


def check_constraints(key: str, spec: Mapping[str, Any], value: str, kind: ParameterType) -> None:
    described = spec.get("ConstraintDescription")

    def fail(message: str) -> ValidationError:
        if described is not None:
            return ValidationError(f"Parameter {key} failed to satisfy constraint: {to_text(described)}")
        return ValidationError(f"Parameter '{key}' {message}")

    allowed = spec.get("AllowedValues")
    if isinstance(allowed, list) and value not in [to_text(v) for v in allowed]:
        # CloudFormation names AllowedValues here whatever the ConstraintDescription says
        raise ValidationError(f"Parameter '{key}' must be one of AllowedValues")
    if "MinLength" in spec and len(value) < int(spec["MinLength"]):
        raise fail(f"must contain at least {to_text(spec['MinLength'])} characters")
    if "MaxLength" in spec and len(value) > int(spec["MaxLength"]):
        raise fail(f"must contain at most {to_text(spec['MaxLength'])} characters")
    pattern = spec.get("AllowedPattern")
    if pattern is not None:
        try:
            matched = re.fullmatch(to_text(pattern), value) is not None
        except re.error:
            raise ValidationError(
                f"Parameter '{key}' AllowedPattern must be a valid regular expression."
            ) from None
        if not matched:
            raise fail(f"must match pattern {to_text(pattern)}")
    if kind.is_number:
        if not _NUMBER.match(value):
            raise fail("must be a number")
        number = float(value)
        if "MinValue" in spec and number < float(spec["MinValue"]):
            raise fail(f"must be a number not less than {to_text(spec['MinValue'])}")
        if "MaxValue" in spec and number > float(spec["MaxValue"]):
            raise fail(f"must be a number not greater than {to_text(spec['MaxValue'])}")


def parameter_values(resolved: Mapping[str, ResolvedParameter]) -> dict[str, str | list[str]]:
    """What Ref returns for each parameter."""
    return {key: p.resolved for key, p in resolved.items()}


def parse_overrides(items: Iterable[str], stack_name: str | None = None) -> dict[str, str]:
    """Command-line parameter values for one stack: `Key=Value` (as `cdk deploy --parameters`
    and `sam deploy --parameter-overrides` take them), `Stack:Key=Value` (CDK: for that stack
    only) or `ParameterKey=Key,ParameterValue=Value` (the AWS CLI's form)."""
    values: dict[str, str] = {}
    for item in items:
        if item.startswith("ParameterKey="):
            key_part, sep, value_part = item.partition(",ParameterValue=")
            if not sep:
                raise ValidationError(f"Parameter override '{item}' has no ParameterValue")
            values[key_part[len("ParameterKey=") :]] = value_part
            continue
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValidationError(f"Parameter override '{item}' is not of the form Key=Value")
        stack, colon, name = key.rpartition(":")
        if colon:
            if stack_name is not None and stack != stack_name:
                continue
            key = name
        values[key] = value
    return values
