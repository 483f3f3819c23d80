"""A stack's plan: a template with its parameters checked, Rules asserted, Conditions
evaluated and resources ordered. Everything here is decided before any resource is touched,
so a problem is CreateStack's/UpdateStack's ValidationError, as CloudFormation answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cloudlet.deploy.conditions import check_rules
from cloudlet.deploy.errors import ValidationError, format_error
from cloudlet.deploy.graph import Graph, build_graph
from cloudlet.deploy.intrinsics import Resolver
from cloudlet.deploy.parameters import (
    ResolvedParameter,
    parameter_type,
    parameter_values,
    resolve_parameters,
)
from cloudlet.deploy.resources.base import ResourceHandler
from cloudlet.deploy.template import Template
from cloudlet.errors import ServiceError

HandlerLookup = Callable[[str], ResourceHandler | None]

# IAM resource types that need CAPABILITY_IAM (CAPABILITY_NAMED_IAM when custom-named).
# https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html
IAM_TYPES: dict[str, str | None] = {
    "AWS::IAM::AccessKey": None,
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::Policy": None,
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::UserToGroupAddition": None,
}


@dataclass
class Plan:
    template: Template
    parameters: dict[str, ResolvedParameter]
    conditions: dict[str, bool]
    graph: Graph

    @property
    def values(self) -> dict[str, str | list[str]]:
        return parameter_values(self.parameters)

    def described_parameters(self) -> list[dict[str, str]]:
        return [p.described() for p in self.parameters.values()]

    def policy(self, logical_id: str, name: str) -> str:
        value = self.template.resources[logical_id].get(name)
        return str(value) if isinstance(value, str) else "Delete"


@dataclass
class Needs:
    capabilities: list[str] = field(default_factory=list)
    reason: str = ""


def ssm_parameter_names(template: Template, given: Mapping[str, str]) -> list[str]:
    """The SSM parameter names that AWS::SSM::Parameter::Value<...> parameters refer to."""
    names = []
    for key, spec in template.parameters.items():
        try:
            kind = parameter_type(spec.get("Type"))
        except ValidationError:
            continue
        if kind.from_ssm:
            raw = given.get(key, spec.get("Default"))
            if raw is not None:
                names.append(str(raw))
    return names


def make_plan(
    template: Template,
    given: Mapping[str, str],
    ssm_values: Mapping[str, str],
    pseudo: Mapping[str, Any],
    handlers: HandlerLookup,
) -> Plan:
    """Validate a template for a deployment; raises ValidationError as CloudFormation does."""
    unknown = sorted(
        {spec["Type"] for spec in template.resources.values() if handlers(str(spec["Type"])) is None}
    )
    if unknown:
        raise format_error(f"Unrecognized resource types: [{', '.join(unknown)}]")
    resolved = resolve_parameters(template, given, ssm_values.get)
    resolver = Resolver(template, parameter_values(resolved), pseudo)
    check_rules(template, resolver)
    conditions = resolver.conditions
    graph = build_graph(template, conditions)
    return Plan(template, resolved, conditions, graph)


def required_capabilities(template: Template) -> Needs:
    """The capabilities a template needs, with ValidateTemplate's CapabilitiesReason."""
    iam: list[str] = []
    named = False
    for spec in template.resources.values():
        kind = str(spec.get("Type"))
        if kind in IAM_TYPES:
            iam.append(kind)
            prop = IAM_TYPES[kind]
            properties = spec.get("Properties")
            if prop is not None and isinstance(properties, dict) and prop in properties:
                named = True
    if not iam:
        return Needs()
    capability = "CAPABILITY_NAMED_IAM" if named else "CAPABILITY_IAM"
    kinds = ", ".join(dict.fromkeys(iam))
    return Needs([capability], f"The following resource(s) require capabilities: [{kinds}]")


def check_capabilities(template: Template, given: list[str], transformed: bool = False) -> None:
    """InsufficientCapabilitiesException when the caller did not acknowledge what's needed."""
    needed = required_capabilities(template).capabilities
    if needed == ["CAPABILITY_IAM"] and "CAPABILITY_NAMED_IAM" in given:
        needed = []
    missing = [c for c in needed if c not in given]
    if transformed and "CAPABILITY_AUTO_EXPAND" not in given:
        missing.append("CAPABILITY_AUTO_EXPAND")
    if missing:
        raise ServiceError(
            "InsufficientCapabilitiesException", f"Requires capabilities : [{', '.join(missing)}]", 400
        )
