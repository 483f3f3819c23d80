"""Template loading: JSON and YAML (every short form), and CloudFormation's format errors."""

from pathlib import Path

import pytest

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.template import load_template, load_template_file, parse_template

FIXTURES = Path(__file__).parents[1] / "deploy" / "fixtures"


def error_of(text: str) -> str:
    with pytest.raises(ValidationError) as caught:
        load_template(text)
    assert caught.value.code == "ValidationError"
    assert caught.value.status == 400
    return caught.value.message


def test_json_and_yaml_give_the_same_body() -> None:
    as_json = parse_template('{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"A": 1}}}}')
    as_yaml = parse_template("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      A: 1\n")
    assert as_json == as_yaml


@pytest.mark.parametrize(
    ("yaml_value", "long_form"),
    [
        ("!Ref X", {"Ref": "X"}),
        ("!Condition C", {"Condition": "C"}),
        ("!GetAtt Res.Arn", {"Fn::GetAtt": ["Res", "Arn"]}),
        ("!GetAtt Db.Endpoint.Address", {"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
        ("!GetAtt [Res, Arn]", {"Fn::GetAtt": ["Res", "Arn"]}),
        ("!Sub 'a-${X}'", {"Fn::Sub": "a-${X}"}),
        ("!Sub ['${A}', {A: 1}]", {"Fn::Sub": ["${A}", {"A": 1}]}),
        ("!Join [',', [a, b]]", {"Fn::Join": [",", ["a", "b"]]}),
        ("!Select [0, [a]]", {"Fn::Select": [0, ["a"]]}),
        ("!Split [',', 'a,b']", {"Fn::Split": [",", "a,b"]}),
        ("!If [C, a, b]", {"Fn::If": ["C", "a", "b"]}),
        ("!Equals [a, b]", {"Fn::Equals": ["a", "b"]}),
        ("!And [!Condition A, !Condition B]", {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]}),
        ("!Or [!Condition A, !Condition B]", {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}),
        ("!Not [!Condition A]", {"Fn::Not": [{"Condition": "A"}]}),
        ("!FindInMap [M, a, b]", {"Fn::FindInMap": ["M", "a", "b"]}),
        ("!Base64 abc", {"Fn::Base64": "abc"}),
        ("!GetAZs ''", {"Fn::GetAZs": ""}),
        ("!ImportValue Shared", {"Fn::ImportValue": "Shared"}),
        ("!Cidr ['10.0.0.0/16', 2, 8]", {"Fn::Cidr": ["10.0.0.0/16", 2, 8]}),
        ("!Contains [[a], a]", {"Fn::Contains": [["a"], "a"]}),
        ("!EachMemberEquals [[a], a]", {"Fn::EachMemberEquals": [["a"], "a"]}),
        ("!EachMemberIn [[a], [a]]", {"Fn::EachMemberIn": [["a"], ["a"]]}),
        ("!ToJsonString {a: 1}", {"Fn::ToJsonString": {"a": 1}}),
        ("!Length [a, b]", {"Fn::Length": ["a", "b"]}),
        (
            "!GetStackOutput {StackName: s, OutputName: o}",
            {"Fn::GetStackOutput": {"StackName": "s", "OutputName": "o"}},
        ),
        ("!Transform {Name: AWS::Include}", {"Fn::Transform": {"Name": "AWS::Include"}}),
        ("!Base64 {'Fn::Sub': 'x'}", {"Fn::Base64": {"Fn::Sub": "x"}}),
    ],
)
def test_every_short_form_becomes_its_long_form(yaml_value: str, long_form: object) -> None:
    body = parse_template(f"Resources:\n  R:\n    Type: T::T::T\n    Properties:\n      V: {yaml_value}\n")
    assert body["Resources"]["R"]["Properties"]["V"] == long_form


def test_nested_short_forms_in_lists_and_maps() -> None:
    text = """
Resources:
  R:
    Type: T::T::T
    Properties:
      V: !Join
        - ''
        - - 'arn:'
          - !Ref AWS::Partition
          - !If [C, !GetAtt A.Arn, !Ref AWS::NoValue]
"""
    value = parse_template(text)["Resources"]["R"]["Properties"]["V"]
    assert value == {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                {"Fn::If": ["C", {"Fn::GetAtt": ["A", "Arn"]}, {"Ref": "AWS::NoValue"}]},
            ],
        ]
    }


def test_a_yaml_flow_mapping_is_not_json() -> None:
    body = parse_template("{Resources: {Q: {Type: AWS::SQS::Queue, Properties: {A: !Ref X}}}}")
    assert body == {"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"A": {"Ref": "X"}}}}}


def test_yaml_dates_and_timestamps_stay_strings() -> None:
    body = parse_template(
        "AWSTemplateFormatVersion: 2010-09-09\nResources:\n  R:\n    Type: T::T::T\n"
        "    Properties:\n      At: 2024-01-02T03:04:05Z\n      N: 5\n      B: true\n"
    )
    assert body["AWSTemplateFormatVersion"] == "2010-09-09"
    assert body["Resources"]["R"]["Properties"] == {"At": "2024-01-02T03:04:05Z", "N": 5, "B": True}


def test_mapping_keys_are_strings_as_written() -> None:
    body = parse_template(
        "Mappings:\n  Accounts:\n    123456789012: {Env: prod}\n    0123: {Env: octal}\n    true: {Env: yes}\n"
        "Resources:\n  R:\n    Type: T::T::T\n    Properties:\n      Base: &base {A: 1}\n"
        "      Merged: {<<: *base, B: 2}\n"
    )
    assert body["Mappings"]["Accounts"] == {
        "123456789012": {"Env": "prod"},
        "0123": {"Env": "octal"},
        "true": {"Env": True},
    }
    assert body["Resources"]["R"]["Properties"]["Merged"] == {"A": 1, "B": 2}


def test_the_loader_leaves_pyyaml_safe_load_alone() -> None:
    import yaml

    assert not isinstance(yaml.safe_load("d: 2010-09-09")["d"], str)


def test_unknown_tags_and_bad_syntax_are_not_well_formed() -> None:
    assert error_of("Resources:\n  R: !Bogus x\n").startswith(
        "Template format error: YAML not well-formed. (line 2"
    )
    assert error_of("Resources: [a\n").startswith("Template format error: YAML not well-formed.")
    assert (
        error_of('{"Resources": {"Q": {"Type": "X"}}')
        == "Template format error: JSON not well-formed. (line 1, column 35)"
    )


def test_top_level_shape() -> None:
    assert error_of("just a string") == "Template format error: unsupported structure."
    assert error_of("- a\n- b\n") == "Template format error: unsupported structure."
    assert (
        error_of("Description: x\n")
        == "Template format error: At least one Resources member must be defined."
    )
    assert (
        error_of("Resources: {}\n") == "Template format error: At least one Resources member must be defined."
    )
    assert (
        error_of("Resources:\n  B: {Type: X}\nBogus: 1\nOther: 2\n")
        == "Template format error: Invalid template property or properties [Bogus, Other]"
    )
    assert error_of("AWSTemplateFormatVersion: '2011-01-01'\nResources:\n  B: {Type: X}\n").startswith(
        "Template format error: Unsupported AWSTemplateFormatVersion"
    )
    assert error_of("Description: [a]\nResources:\n  B: {Type: X}\n").startswith("Template format error:")


def test_resources_shape() -> None:
    assert (
        error_of("Resources:\n  B:\n    Properties: {}\n")
        == "Template format error: [/Resources/B] Every Resources object must contain a Type member."
    )
    assert (
        error_of("Resources:\n  my-bucket: {Type: X}\n")
        == "Template format error: Resource name my-bucket is non alphanumeric."
    )
    assert (
        error_of("Resources:\n  B: {Type: X, Propertiess: {}}\n")
        == "Template format error: Invalid template resource property 'Propertiess'"
    )
    assert error_of("Resources:\n  B: [x]\n").startswith("Template format error: [/Resources/B]")


def test_parameters_and_outputs_shape() -> None:
    assert (
        error_of("Parameters:\n  P: {Default: x}\nResources:\n  B: {Type: X}\n")
        == "Template format error: Every Parameters object must contain a Type member."
    )
    assert (
        error_of("Resources:\n  B: {Type: X}\nOutputs:\n  O: {Description: d}\n")
        == "Template format error: Every Outputs member must contain a Value object"
    )
    assert error_of("Parameters:\n  B: {Type: String}\nResources:\n  B: {Type: X}\n").startswith(
        "Template error: all resources and parameters must have unique names."
    )


def test_unresolved_references() -> None:
    assert (
        error_of("Resources:\n  B: {Type: X, DependsOn: [Nope, Q]}\n  Q: {Type: X}\n")
        == "Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template"
    )
    assert (
        error_of("Resources:\n  B: {Type: X, Properties: {A: !Ref Nope, S: !Sub '${Other}'}}\n")
        == "Template format error: Unresolved resource dependencies [Nope, Other] in the Resources block of the template"
    )
    assert (
        error_of("Resources:\n  B: {Type: X, Properties: {A: !GetAtt Nope.Arn}}\n")
        == "Template error: instance of Fn::GetAtt references undefined resource Nope"
    )
    assert (
        error_of("Resources:\n  B: {Type: X}\nOutputs:\n  O: {Value: !Ref Gone}\n")
        == "Template format error: Unresolved resource dependencies [Gone] in the Outputs block of the template"
    )


def test_conditions_named_must_exist() -> None:
    assert (
        error_of("Resources:\n  B: {Type: X, Condition: Nope}\n")
        == "Template format error: Unresolved condition dependency Nope in the Resources block of the template"
    )
    assert (
        error_of("Resources:\n  B: {Type: X}\nOutputs:\n  O: {Value: x, Condition: Nope}\n")
        == "Template format error: Unresolved condition dependency Nope in the Outputs block of the template"
    )
    assert (
        error_of("Resources:\n  B: {Type: X, Properties: {A: [!If [Nope, a, b]]}}\n")
        == "Template error: unresolved condition dependency Nope in Fn::If"
    )
    ok = "Conditions:\n  C: !Equals [a, a]\nResources:\n  B: {Type: X, Condition: C, Properties: {A: !If [C, a, b]}}\n"
    assert load_template(ok).resources["B"]["Condition"] == "C"


def test_references_that_resolve_are_fine() -> None:
    text = """
Parameters:
  P: {Type: String}
Resources:
  A: {Type: X}
  B:
    Type: X
    DependsOn: A
    Properties:
      R: !Ref P
      S: !Sub '${AWS::Region}-${A.Arn}-${A}-${!Literal}'
      T: !Sub ['${Local}', {Local: !Ref AWS::StackName}]
      U: !Sub ['${Free}', {Free: x}]
"""
    assert load_template(text).resources["B"]["DependsOn"] == "A"


def test_template_sections_and_transforms() -> None:
    template = load_template_file(FIXTURES / "worker.yaml")
    assert template.description == "A queue worker written with the short-form intrinsics"
    assert list(template.parameters) == ["Stage", "Retention"]
    assert template.resource_type("Worker") == "AWS::Lambda::Function"
    assert template.properties("DeadLetters") == {}
    assert template.transforms == []
    sam = load_template(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {CodeUri: ., Events: {Q: {Type: SQS, Properties: {Queue: !GetAtt Jobs.Arn}}}}\n"
    )
    # checked after the transform runs, as CloudFormation does (Jobs may come from a macro)
    assert sam.transforms == ["AWS::Serverless-2016-10-31"]
    assert load_template(
        '{"Transform": [{"Name": "AWS::Include"}], "Resources": {"A": {"Type": "X"}}}'
    ).transforms == ["AWS::Include"]
