"""Resource order: explicit and implicit dependencies, conditions, levels, cycles."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudlet.deploy.conditions import evaluate_conditions
from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.graph import build_graph
from cloudlet.deploy.intrinsics import Resolver, pseudo_parameters
from cloudlet.deploy.template import Template, load_template, load_template_file

FIXTURES = Path(__file__).parents[1] / "deploy" / "fixtures"


def graph_of(text: str, conditions: dict[str, bool] | None = None):  # type: ignore[no-untyped-def]
    return build_graph(load_template(text), conditions or {})


def conditions_of(template: Template, params: dict[str, str | list[str]]) -> dict[str, bool]:
    return evaluate_conditions(Resolver(template, params, pseudo_parameters("1", "us-east-1", "s", "i")))


def test_implicit_and_explicit_dependencies() -> None:
    graph = graph_of(
        """
Parameters:
  P: {Type: String}
Resources:
  Function:
    Type: AWS::Lambda::Function
    DependsOn: [Policy]
    Properties:
      Role: !GetAtt Role.Arn
      Environment: {Variables: {Q: !Ref Queue, P: !Ref P, R: !Ref AWS::Region}}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Function
      EventSourceArn: !Sub '${Queue.Arn}'
  Policy:
    Type: AWS::IAM::Policy
    Properties: {Roles: [!Ref Role], Doc: !Sub ['${Arn}', {Arn: !GetAtt Queue.Arn}]}
  Role: {Type: AWS::IAM::Role}
  Queue: {Type: AWS::SQS::Queue}
  Lonely: {Type: AWS::SNS::Topic, DependsOn: Queue}
"""
    )
    assert graph.dependencies == {
        "Function": ["Policy", "Role", "Queue"],
        "Mapping": ["Function", "Queue"],
        "Policy": ["Role", "Queue"],
        "Role": [],
        "Queue": [],
        "Lonely": ["Queue"],
    }
    assert graph.levels == [["Role", "Queue"], ["Policy", "Lonely"], ["Function"], ["Mapping"]]
    assert graph.order == ["Role", "Queue", "Policy", "Lonely", "Function", "Mapping"]
    assert graph.delete_order == ["Mapping", "Function", "Lonely", "Policy", "Queue", "Role"]
    assert graph.delete_levels == [["Mapping"], ["Function"], ["Policy", "Lonely"], ["Role", "Queue"]]
    assert graph.dependents("Queue") == ["Function", "Mapping", "Policy", "Lonely"]
    assert graph.skipped == []


def test_every_resource_comes_after_what_it_needs() -> None:
    template = load_template_file(FIXTURES / "worker.yaml")
    for stage in ("dev", "prod"):
        graph = build_graph(template, conditions_of(template, {"Stage": stage, "Retention": "60"}))
        position = {name: i for i, name in enumerate(graph.order)}
        for name, needs in graph.dependencies.items():
            assert all(position[need] < position[name] for need in needs)
    dev = build_graph(template, conditions_of(template, {"Stage": "dev", "Retention": "60"}))
    assert dev.skipped == ["DeadLetters"]
    assert dev.dependencies["Jobs"] == []  # the IsProd branch naming DeadLetters is not taken
    prod = build_graph(template, conditions_of(template, {"Stage": "prod", "Retention": "60"}))
    assert prod.skipped == []
    assert prod.dependencies["Jobs"] == ["DeadLetters"]
    assert prod.dependencies["Mapping"] == ["WorkerRole", "Jobs", "Worker"]


def test_a_cycle_is_named() -> None:
    text = """
Resources:
  A: {Type: X, Properties: {P: !Ref B}}
  B: {Type: X, Properties: {P: !GetAtt A.Arn}}
  C: {Type: X}
  D: {Type: X, DependsOn: A}
"""
    with pytest.raises(ValidationError) as caught:
        graph_of(text)
    assert caught.value.message == "Circular dependency between resources: [A, B, D]"
    with pytest.raises(ValidationError, match=r"Circular dependency between resources: \[Self\]"):
        graph_of("Resources:\n  Self: {Type: X, Properties: {Name: !Sub '${Self.Arn}'}}\n")


def test_references_to_skipped_resources_fail() -> None:
    text = """
Conditions:
  Never: !Equals [a, b]
Resources:
  Gone: {Type: X, Condition: Never}
  Needs: {Type: X, Properties: {P: !Ref Gone}}
"""
    with pytest.raises(ValidationError) as caught:
        graph_of(text, {"Never": False})
    assert caught.value.message == (
        "Template format error: Unresolved resource dependencies [Gone] in the Resources block of the template"
    )
    depends = "Conditions:\n  Never: !Equals [a, b]\nResources:\n  Gone: {Type: X, Condition: Never}\n  D: {Type: X, DependsOn: Gone}\n"
    with pytest.raises(ValidationError, match="Unresolved resource dependencies \\[Gone\\]"):
        graph_of(depends, {"Never": False})
    guarded = "Conditions:\n  Never: !Equals [a, b]\nResources:\n  Gone: {Type: X, Condition: Never}\n  N: {Type: X, Properties: {P: !If [Never, !Ref Gone, x]}}\n"
    assert graph_of(guarded, {"Never": False}).order == ["N"]
    outputs = "Conditions:\n  Never: !Equals [a, b]\nResources:\n  Gone: {Type: X, Condition: Never}\n  B: {Type: X}\nOutputs:\n  O: {Value: !Ref Gone}\n  P: {Value: !Ref Gone, Condition: Never}\n"
    with pytest.raises(ValidationError, match="in the Outputs block"):
        graph_of(outputs, {"Never": False})


def test_unknown_condition_in_if_inside_properties() -> None:
    with pytest.raises(ValidationError, match="unresolved condition dependency Nope in Fn::If"):
        graph_of("Resources:\n  A: {Type: X, Properties: {P: !If [Nope, a, b]}}\n")


def test_metadata_references_count_and_policies_do_not() -> None:
    graph = graph_of(
        """
Resources:
  A: {Type: X, Metadata: {Uses: !Ref B}, DeletionPolicy: Retain}
  B: {Type: X}
"""
    )
    assert graph.dependencies["A"] == ["B"]
    assert graph.levels == [["B"], ["A"]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=30), max_size=4), min_size=1, max_size=25))
def test_random_acyclic_templates_order_correctly(edges: list[list[int]]) -> None:
    # resource i may only depend on resources before it: acyclic by construction
    resources: dict[str, dict[str, object]] = {}
    for i, targets in enumerate(edges):
        needs = sorted({f"R{t % i}" for t in targets} if i else set())
        refs = [{"Ref": n} for n in needs[::2]] + [{"Fn::GetAtt": [n, "Arn"]} for n in needs[1::2]]
        resources[f"R{i}"] = {"Type": "X", "Properties": {"Refs": refs}}
    graph = build_graph(Template({"Resources": resources}), {})
    assert sorted(graph.order) == sorted(resources)
    level_of = {name: i for i, level in enumerate(graph.levels) for name in level}
    for name, needs in graph.dependencies.items():
        assert all(level_of[need] < level_of[name] for need in needs)
        # each resource sits in the earliest level its dependencies allow
        assert level_of[name] == (max((level_of[n] for n in needs), default=-1) + 1)
