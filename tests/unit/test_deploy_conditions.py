"""The Conditions section (evaluated once, in dependency order) and the Rules section."""

from typing import Any

import pytest

from cloudlet.deploy.conditions import check_rules, evaluate_conditions, included
from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.intrinsics import Resolver, pseudo_parameters
from cloudlet.deploy.template import Template, load_template

BOOTSTRAP_RULE = """
Parameters:
  BootstrapVersion:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /cdk-bootstrap/hnb659fds/version
Rules:
  CheckBootstrapVersion:
    Assertions:
      - Assert:
          Fn::Not:
            - Fn::Contains:
                - ['1', '2', '3', '4', '5']
                - Ref: BootstrapVersion
        AssertDescription: CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI.
Resources:
  Q: {Type: AWS::SQS::Queue}
"""


def resolver(template: Template, params: dict[str, Any] | None = None, region: str = "us-east-1") -> Resolver:
    return Resolver(template, params or {}, pseudo_parameters("123456789012", region, "s", "id"))


def test_conditions_in_dependency_order_each_once() -> None:
    template = load_template(
        """
Parameters:
  Env: {Type: String}
Conditions:
  Both: !And [!Condition IsProd, !Condition InUsEast]
  IsProd: !Equals [!Ref Env, prod]
  InUsEast: !Equals [!Ref AWS::Region, us-east-1]
  Either: !Or [!Condition Both, !Equals [!FindInMap [M, a, b], yes]]
  NotBoth: !Not [!Condition Both]
Mappings:
  M: {a: {b: 'yes'}}
Resources:
  Q: {Type: AWS::SQS::Queue}
"""
    )
    r = resolver(template, {"Env": "prod"})
    calls: list[Any] = []
    original = r.truth

    def counting(expression: Any, *, in_conditions: bool = False) -> bool:
        calls.append(expression)
        return original(expression, in_conditions=in_conditions)

    r.truth = counting  # type: ignore[method-assign]
    assert evaluate_conditions(r) == {
        "IsProd": True,
        "InUsEast": True,
        "Both": True,
        "Either": True,
        "NotBoth": False,
    }
    definitions = [c for c in calls if c in template.conditions.values()]
    assert len(definitions) == 5  # each named condition's definition evaluated once
    assert evaluate_conditions(resolver(template, {"Env": "dev"}))["Both"] is False
    assert evaluate_conditions(resolver(template, {"Env": "prod"}, "eu-west-1"))["Both"] is False


def test_condition_cycles_and_unknown_conditions() -> None:
    cycle = load_template(
        "Conditions:\n  A: !Not [!Condition B]\n  B: !Not [!Condition A]\nResources:\n  Q: {Type: X}\n"
    )
    with pytest.raises(ValidationError, match=r"Circular dependency between conditions: \[A, B\]"):
        evaluate_conditions(resolver(cycle))
    unknown = load_template("Conditions:\n  A: !Not [!Condition Nope]\nResources:\n  Q: {Type: X}\n")
    with pytest.raises(ValidationError, match="unresolved condition dependency Nope"):
        evaluate_conditions(resolver(unknown))


def test_conditions_cannot_reference_resources() -> None:
    template = load_template("Conditions:\n  A: !Equals [!Ref Q, x]\nResources:\n  Q: {Type: X}\n")
    with pytest.raises(ValidationError) as caught:
        evaluate_conditions(resolver(template))
    assert caught.value.message == (
        "Template format error: Unresolved dependencies [Q]. Cannot reference resources in the Conditions block of the template"
    )


def test_resource_condition_membership() -> None:
    template = load_template(
        "Conditions:\n  Never: !Equals [a, b]\nResources:\n  A: {Type: X, Condition: Never}\n  B: {Type: X}\n  C: {Type: X, Condition: Gone}\n",
        validate=False,
    )
    conditions = evaluate_conditions(resolver(template))
    assert included(template, conditions, "A") is False
    assert included(template, conditions, "B") is True
    with pytest.raises(ValidationError, match="Unresolved condition dependency Gone in the Resources block"):
        included(template, conditions, "C")


@pytest.mark.parametrize("version", ["6", "21", "30"])
def test_cdk_bootstrap_rule_passes_for_recent_bootstraps(version: str) -> None:
    template = load_template(BOOTSTRAP_RULE)
    check_rules(template, resolver(template, {"BootstrapVersion": version}))


def test_cdk_bootstrap_rule_fails_with_its_description() -> None:
    template = load_template(BOOTSTRAP_RULE)
    with pytest.raises(ValidationError) as caught:
        check_rules(template, resolver(template, {"BootstrapVersion": "5"}))
    assert caught.value.code == "ValidationError"
    assert caught.value.message == (
        "CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI."
    )


def test_rule_conditions_and_assertions_without_description() -> None:
    template = load_template(
        """
Parameters:
  Env: {Type: String}
  Size: {Type: String}
Rules:
  ProdIsLarge:
    RuleCondition: !Equals [!Ref Env, prod]
    Assertions:
      - Assert: !Contains [[large, xlarge], !Ref Size]
        AssertDescription: prod needs a large size
  Always:
    Assertions:
      - Assert: !EachMemberIn [[!Ref Size], [small, large, xlarge]]
Resources:
  Q: {Type: X}
"""
    )
    check_rules(template, resolver(template, {"Env": "dev", "Size": "small"}))
    check_rules(template, resolver(template, {"Env": "prod", "Size": "large"}))
    with pytest.raises(ValidationError) as caught:
        check_rules(template, resolver(template, {"Env": "prod", "Size": "small"}))
    assert caught.value.message == "prod needs a large size"
    with pytest.raises(ValidationError, match="Assertion failed for rule Always"):
        check_rules(template, resolver(template, {"Env": "dev", "Size": "tiny"}))


def test_malformed_rules() -> None:
    template = load_template("Rules:\n  R: {RuleCondition: !Equals [a, a]}\nResources:\n  Q: {Type: X}\n")
    with pytest.raises(ValidationError, match="Template format error"):
        check_rules(template, resolver(template))
