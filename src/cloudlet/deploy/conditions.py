"""The Conditions and Rules sections: evaluated once, before any resource is touched.
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/rules-section-structure.html
"""

from __future__ import annotations

from cloudlet.deploy.errors import ValidationError, format_error
from cloudlet.deploy.intrinsics import Resolver
from cloudlet.deploy.template import Template


def evaluate_conditions(resolver: Resolver) -> dict[str, bool]:
    """Every named condition's value; each evaluated once, a condition's own dependencies
    first (a cycle between conditions is an error)."""
    return resolver.conditions


def check_rules(template: Template, resolver: Resolver) -> None:
    """Each rule whose RuleCondition holds (or that has none) must have every Assert true;
    the first that is false fails the deployment with its AssertDescription, as
    CloudFormation does (CDK's CheckBootstrapVersion rule relies on this)."""
    for name, rule in template.rules.items():
        if not isinstance(rule, dict) or not isinstance(rule.get("Assertions"), list):
            raise format_error(f"Every Rules member must contain an Assertions list: {name}")
        if "RuleCondition" in rule and not resolver.truth(rule["RuleCondition"], in_conditions=True):
            continue
        for assertion in rule["Assertions"]:
            if not isinstance(assertion, dict) or "Assert" not in assertion:
                raise format_error(f"Every Assertions member of rule {name} must contain an Assert")
            if not resolver.truth(assertion["Assert"], in_conditions=True):
                description = assertion.get("AssertDescription")
                raise ValidationError(
                    str(description) if description else f"Template error: Assertion failed for rule {name}"
                )


def included(template: Template, conditions: dict[str, bool], logical_id: str) -> bool:
    """Whether a resource is part of this deployment (its Condition, if any, is true)."""
    name = template.resources[logical_id].get("Condition")
    if name is None:
        return True
    if not isinstance(name, str) or name not in conditions:
        raise format_error(f"Unresolved condition dependency {name} in the Resources block of the template")
    return conditions[name]
