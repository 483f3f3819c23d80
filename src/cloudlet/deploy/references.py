"""Who references what in a template: Ref, Fn::GetAtt, Fn::Sub variables, DependsOn and
condition names, and the checks CloudFormation makes that each names something defined."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from cloudlet.deploy.errors import format_error, template_error

if TYPE_CHECKING:
    from cloudlet.deploy.template import Template

PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)


def depends_on(resource: dict[str, Any]) -> list[str]:
    """A resource's DependsOn, string or list, as a list."""
    value = resource.get("DependsOn")
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def check_references(template: Template) -> None:
    """Every Ref / GetAtt / DependsOn / Sub names something the template defines."""
    resources = template.resources
    known = set(resources) | set(template.parameters) | PSEUDO_PARAMETERS
    for block, section in (("Resources", resources), ("Outputs", template.outputs)):
        unresolved: list[str] = []
        for item in section.values():
            if block == "Resources":
                unresolved += [d for d in depends_on(item) if d not in resources]
            for kind, name in references(item):
                if kind == "GetAtt" and name not in resources:
                    raise template_error(f"instance of Fn::GetAtt references undefined resource {name}")
                if kind != "GetAtt" and name not in known:
                    unresolved.append(name)
        if unresolved:
            names = ", ".join(dict.fromkeys(unresolved))
            raise format_error(
                f"Unresolved resource dependencies [{names}] in the {block} block of the template"
            )


def check_condition_names(template: Template) -> None:
    """Resource and output Conditions, and every Fn::If, name a defined condition."""
    defined = template.conditions
    for block, section in (("Resources", template.resources), ("Outputs", template.outputs)):
        for item in section.values():
            name = item.get("Condition")
            if name is not None and (not isinstance(name, str) or name not in defined):
                raise format_error(
                    f"Unresolved condition dependency {name} in the {block} block of the template"
                )
            for used in _if_conditions(item):
                if used not in defined:
                    raise template_error(f"unresolved condition dependency {used} in Fn::If")


def _if_conditions(value: Any) -> Iterator[str]:
    if isinstance(value, list):
        for item in value:
            yield from _if_conditions(item)
    elif isinstance(value, dict):
        branch = value.get("Fn::If") if len(value) == 1 else None
        if isinstance(branch, list) and branch:
            yield str(branch[0])
        for item in value.values():
            yield from _if_conditions(item)


_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def sub_variables(text: str) -> list[str]:
    """The variable names in an Fn::Sub string (`${!Literal}` escapes excluded)."""
    return [m.strip() for m in _SUB_VARIABLE.findall(text) if not m.startswith("!")]


def references(value: Any, conditions: Mapping[str, bool] | None = None) -> Iterator[tuple[str, str]]:
    """Every ("Ref" | "GetAtt", logical name) reachable in a value, including the implicit
    ones inside Fn::Sub strings. With `conditions`, only the Fn::If branch each condition
    selects is followed (an unknown condition is an error); without, both are."""
    if isinstance(value, list):
        for item in value:
            yield from references(item, conditions)
        return
    if not isinstance(value, dict):
        return
    if len(value) == 1:
        key, arg = next(iter(value.items()))
        if key == "Ref" and isinstance(arg, str):
            yield "Ref", arg
            return
        if key == "Fn::GetAtt":
            target = (
                arg.split(".", 1)[0]
                if isinstance(arg, str)
                else arg[0]
                if isinstance(arg, list) and arg
                else None
            )
            if isinstance(target, str):
                yield "GetAtt", target
            if isinstance(arg, list):
                yield from references(arg[1:], conditions)
            return
        if key == "Fn::If" and conditions is not None and isinstance(arg, list) and len(arg) == 3:
            name = arg[0]
            if not isinstance(name, str) or name not in conditions:
                raise template_error(f"unresolved condition dependency {name} in Fn::If")
            yield from references(arg[1] if conditions[name] else arg[2], conditions)
            return
        if key == "Fn::Sub" and isinstance(arg, str | list) and arg:
            text = arg if isinstance(arg, str) else arg[0]
            bound = arg[1] if isinstance(arg, list) and len(arg) > 1 and isinstance(arg[1], dict) else {}
            if isinstance(text, str):
                for name in sub_variables(text):
                    if name in bound:
                        continue
                    head, dot, _ = name.partition(".")
                    if dot and not name.startswith("AWS::"):
                        yield "GetAtt", head
                    else:
                        yield "Ref", name
            yield from references(bound, conditions)
            return
    for item in value.values():
        yield from references(item, conditions)
