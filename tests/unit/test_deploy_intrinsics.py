"""The intrinsic-function resolver: every function CDK and SAM emit, AWS::NoValue, errors."""

import base64
import json
from typing import Any

import pytest

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.intrinsics import Resolver, pseudo_parameters, resolve_outputs
from cloudlet.deploy.template import Template, load_template
from cloudlet.deploy.values import NO_VALUE

TEMPLATE = """
Parameters:
  Stage: {Type: String, Default: dev}
  Subnets: {Type: CommaDelimitedList, Default: 'a,b'}
Mappings:
  Regions:
    us-east-1: {Ami: ami-1, Zones: [x, y]}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
Resources:
  Queue: {Type: AWS::SQS::Queue}
  Db: {Type: AWS::RDS::DBInstance}
Outputs:
  Url: {Value: !Ref Queue, Description: !Sub 'queue of ${Stage}', Export: {Name: !Sub '${AWS::StackName}-Url'}}
  Zones: {Value: !GetAZs ''}
  ProdOnly: {Value: x, Condition: IsProd}
"""


def resolver(template: Template | None = None, **kwargs: Any) -> Resolver:
    template = template or load_template(TEMPLATE)
    params = {"Stage": "dev", "Subnets": ["a", "b"], **kwargs.pop("parameters", {})}
    return Resolver(
        template,
        params,
        pseudo_parameters(
            "123456789012",
            "us-east-1",
            "my-stack",
            "arn:aws:cloudformation:us-east-1:123456789012:stack/my-stack/id",
        ),
        ref=lambda logical_id: f"{logical_id}-physical",
        get_att=lambda logical_id, attribute: f"{logical_id}.{attribute}",
        **kwargs,
    )


def error_of(value: Any, **kwargs: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        resolver(**kwargs).resolve(value)
    return caught.value.message


def test_ref_to_parameters_pseudo_parameters_and_resources() -> None:
    r = resolver()
    assert r.resolve({"Ref": "Stage"}) == "dev"
    assert r.resolve({"Ref": "Subnets"}) == ["a", "b"]
    assert r.resolve({"Ref": "Queue"}) == "Queue-physical"
    assert r.resolve({"Ref": "AWS::AccountId"}) == "123456789012"
    assert r.resolve({"Ref": "AWS::Region"}) == "us-east-1"
    assert r.resolve({"Ref": "AWS::StackName"}) == "my-stack"
    assert r.resolve({"Ref": "AWS::StackId"}).startswith(
        "arn:aws:cloudformation:us-east-1:123456789012:stack/my-stack/"
    )
    assert r.resolve({"Ref": "AWS::Partition"}) == "aws"
    assert r.resolve({"Ref": "AWS::URLSuffix"}) == "amazonaws.com"
    assert r.resolve({"Ref": "AWS::NotificationARNs"}) == []
    assert r.resolve({"Ref": "AWS::NoValue"}) is NO_VALUE


def test_pseudo_parameters_by_partition() -> None:
    assert pseudo_parameters("1", "cn-north-1", "s", "i")["AWS::Partition"] == "aws-cn"
    assert pseudo_parameters("1", "cn-north-1", "s", "i")["AWS::URLSuffix"] == "amazonaws.com.cn"
    assert pseudo_parameters("1", "us-gov-west-1", "s", "i")["AWS::Partition"] == "aws-us-gov"


def test_no_value_removes_keys_and_list_items() -> None:
    r = resolver()
    value = {
        "Keep": 1,
        "Gone": {"Ref": "AWS::NoValue"},
        "List": ["a", {"Ref": "AWS::NoValue"}, {"Fn::If": ["IsProd", "p", {"Ref": "AWS::NoValue"}]}, "b"],
        "Nested": {"Inner": {"Fn::If": ["IsDev", {"Ref": "AWS::NoValue"}, "x"]}},
    }
    assert r.resolve(value) == {"Keep": 1, "List": ["a", "b"], "Nested": {}}


def test_get_att_forms() -> None:
    r = resolver()
    assert r.resolve({"Fn::GetAtt": ["Queue", "Arn"]}) == "Queue.Arn"
    assert r.resolve({"Fn::GetAtt": "Db.Endpoint.Address"}) == "Db.Endpoint.Address"
    assert r.resolve({"Fn::GetAtt": ["Queue", {"Fn::Sub": "${Stage}Arn"}]}) == "Queue.devArn"
    assert (
        error_of({"Fn::GetAtt": ["Nope", "Arn"]})
        == "Template error: instance of Fn::GetAtt references undefined resource Nope"
    )


def test_join() -> None:
    r = resolver()
    assert r.resolve({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::b"]]}) == "arn:aws:s3:::b"
    assert r.resolve({"Fn::Join": [",", {"Ref": "Subnets"}]}) == "a,b"
    assert r.resolve({"Fn::Join": ["-", [1, True, {"Ref": "AWS::NoValue"}, "x"]]}) == "1-true-x"
    assert error_of({"Fn::Join": ["", "notalist"]}).startswith(
        "Template error: every Fn::Join object requires two parameters"
    )
    assert error_of({"Fn::Join": ["", [["nested"]]]}).startswith("Template error: every Fn::Join object")


def test_sub_string_form() -> None:
    r = resolver()
    text = "${AWS::Region}/${AWS::AccountId}/${Stage}/${Queue}/${Queue.Arn}/${Db.Endpoint.Port}/${!Literal}/$plain"
    assert (
        r.resolve({"Fn::Sub": text})
        == "us-east-1/123456789012/dev/Queue-physical/Queue.Arn/Db.Endpoint.Port/${Literal}/$plain"
    )
    assert r.resolve({"Fn::Sub": "no variables"}) == "no variables"


def test_sub_list_form() -> None:
    r = resolver()
    value = {
        "Fn::Sub": [
            "${Name}-${Stage}-${AWS::Region}",
            {"Name": {"Fn::Select": [1, {"Ref": "Subnets"}]}, "Stage": "override"},
        ]
    }
    assert r.resolve(value) == "b-override-us-east-1"
    assert error_of({"Fn::Sub": ["${Unknown}", {}]}).startswith(
        "Template format error: Unresolved resource dependencies [Unknown]"
    )
    assert error_of({"Fn::Sub": ["a", "b", "c"]}).startswith("Template error: One or more Fn::Sub")


def test_select_and_split() -> None:
    r = resolver()
    assert r.resolve({"Fn::Select": [1, ["a", "b", "c"]]}) == "b"
    assert r.resolve({"Fn::Select": ["0", {"Fn::Split": [",", "x,y"]}]}) == "x"
    assert r.resolve({"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}) == "id"
    assert r.resolve({"Fn::Split": ["|", "a||b"]}) == ["a", "", "b"]
    assert (
        error_of({"Fn::Select": [3, ["a"]]})
        == "Template error: Fn::Select cannot select nonexistent value at index 3"
    )
    assert (
        error_of({"Fn::Select": [-1, ["a"]]})
        == "Template error: Fn::Select cannot select nonexistent value at index -1"
    )


def test_if_and_conditions() -> None:
    r = resolver()
    assert r.resolve({"Fn::If": ["IsDev", "d", "p"]}) == "d"
    assert r.resolve({"Fn::If": ["IsProd", "d", {"Ref": "Stage"}]}) == "dev"
    assert r.resolve({"Fn::If": ["IsProd", "p", {"Ref": "AWS::NoValue"}]}) is NO_VALUE
    assert (
        error_of({"Fn::If": ["Nope", 1, 2]})
        == "Template error: unresolved condition dependency Nope in Fn::If"
    )
    prod = resolver(parameters={"Stage": "prod"})
    assert prod.resolve({"Fn::If": ["IsProd", "p", "d"]}) == "p"
    assert prod.conditions == {"IsProd": True, "IsDev": False}


def test_boolean_functions() -> None:
    r = resolver()
    assert r.resolve({"Fn::Equals": [{"Ref": "Stage"}, "dev"]}) is True
    assert r.resolve({"Fn::Equals": [1, "1"]}) is True
    assert r.resolve({"Fn::Equals": [True, "true"]}) is True
    assert r.resolve({"Fn::Equals": [["a"], ["a"]]}) is True
    assert r.resolve({"Fn::And": [{"Condition": "IsDev"}, {"Fn::Equals": ["a", "a"]}]}) is True
    assert r.resolve({"Fn::And": [{"Condition": "IsDev"}, {"Condition": "IsProd"}]}) is False
    assert r.resolve({"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Equals": ["a", "b"]}]}) is False
    assert r.resolve({"Fn::Or": [{"Condition": "IsProd"}, {"Condition": "IsDev"}]}) is True
    assert r.resolve({"Fn::Not": [{"Condition": "IsProd"}]}) is True
    assert r.resolve({"Fn::Not": [{"Fn::Equals": ["a", "a"]}]}) is False
    assert r.resolve({"Fn::Contains": [["1", "2"], {"Ref": "Stage"}]}) is False
    assert r.resolve({"Fn::Contains": [{"Ref": "Subnets"}, "b"]}) is True
    assert r.resolve({"Fn::EachMemberEquals": [{"Ref": "Subnets"}, "a"]}) is False
    assert r.resolve({"Fn::EachMemberIn": [{"Ref": "Subnets"}, ["a", "b", "c"]]}) is True
    assert error_of({"Fn::And": [{"Condition": "IsDev"}]}).startswith("Template error: Fn::And requires")
    assert error_of({"Fn::Or": [{"Condition": "IsDev"}] * 11}).startswith("Template error: Fn::Or requires")
    assert error_of({"Fn::Not": [{"Fn::Join": ["", ["x"]]}]}).startswith(
        "Template error: Condition expression"
    )


def test_a_condition_key_in_properties_is_plain_data() -> None:
    statement = {
        "Effect": "Allow",
        "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
    }
    assert resolver().resolve(statement)["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "123456789012"}
    }
    assert resolver().resolve({"Condition": "IsDev"}) == {"Condition": "IsDev"}


def test_find_in_map() -> None:
    r = resolver()
    assert r.resolve({"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Ami"]}) == "ami-1"
    assert r.resolve({"Fn::FindInMap": ["Regions", "us-east-1", "Zones"]}) == ["x", "y"]
    assert (
        r.resolve({"Fn::FindInMap": ["Regions", "eu-west-1", "Ami", {"DefaultValue": {"Ref": "Stage"}}]})
        == "dev"
    )
    assert r.resolve({"Fn::FindInMap": ["Missing", "a", "b", {"DefaultValue": "d"}]}) == "d"
    assert (
        error_of({"Fn::FindInMap": ["Regions", "eu-west-1", "Ami"]})
        == "Template error: Unable to get mapping for Regions::eu-west-1::Ami"
    )
    assert (
        error_of({"Fn::FindInMap": ["Nope", "a", "b"]})
        == "Template error: Mapping named 'Nope' is not present in the 'Mappings' section of template."
    )


def test_base64_get_azs_cidr() -> None:
    r = resolver()
    assert (
        base64.b64decode(r.resolve({"Fn::Base64": {"Fn::Sub": "#!/bin/sh\necho ${Stage}"}}))
        == b"#!/bin/sh\necho dev"
    )
    assert r.resolve({"Fn::GetAZs": ""}) == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert r.resolve({"Fn::GetAZs": {"Ref": "AWS::Region"}}) == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert r.resolve({"Fn::GetAZs": "eu-west-1"})[0] == "eu-west-1a"
    assert r.resolve({"Fn::Cidr": ["192.168.0.0/24", 6, 5]}) == [
        "192.168.0.0/27",
        "192.168.0.32/27",
        "192.168.0.64/27",
        "192.168.0.96/27",
        "192.168.0.128/27",
        "192.168.0.160/27",
    ]
    assert r.resolve({"Fn::Cidr": ["10.0.0.0/16", "2", "8"]}) == ["10.0.0.0/24", "10.0.1.0/24"]
    assert r.resolve({"Fn::Cidr": ["2001:db8::/56", 2, 64]}) == ["2001:db8::/64", "2001:db8:0:1::/64"]
    assert error_of({"Fn::Cidr": ["10.0.0.0/24", 300, 4]}).startswith("Template error: Fn::Cidr")
    assert error_of({"Fn::Cidr": ["10.0.0.0/30", 4, 4]}).startswith("Template error: Fn::Cidr")
    assert error_of({"Fn::Cidr": ["nonsense", 1, 4]}).startswith("Template error: Fn::Cidr")


def test_import_value_and_get_stack_output() -> None:
    exports = {"Shared-Url": "https://q"}
    outputs = {("other", "Arn", None): "arn:x", ("other", "Arn", "eu-west-1"): "arn:eu"}
    r = resolver(exports=exports.get, stack_outputs=lambda s, o, region: outputs.get((s, o, region)))
    assert r.resolve({"Fn::ImportValue": {"Fn::Sub": "Shared-Url"}}) == "https://q"
    assert r.resolve({"Fn::GetStackOutput": {"StackName": "other", "OutputName": "Arn"}}) == "arn:x"
    assert (
        r.resolve({"Fn::GetStackOutput": {"StackName": "other", "OutputName": "Arn", "Region": "eu-west-1"}})
        == "arn:eu"
    )
    with pytest.raises(ValidationError, match="No export named Missing found."):
        r.resolve({"Fn::ImportValue": "Missing"})
    with pytest.raises(ValidationError, match="Output Nope"):
        r.resolve({"Fn::GetStackOutput": {"StackName": "other", "OutputName": "Nope"}})
    assert error_of({"Fn::ImportValue": "X"}) == "No export named X found."


def test_language_extensions() -> None:
    r = resolver()
    assert (
        r.resolve({"Fn::ToJsonString": {"a": [1, {"Ref": "Stage"}], "b": {"Ref": "AWS::NoValue"}}})
        == '{"a":[1,"dev"]}'
    )
    assert json.loads(r.resolve({"Fn::ToJsonString": [{"Ref": "AWS::Region"}]})) == ["us-east-1"]
    assert r.resolve({"Fn::Length": {"Ref": "Subnets"}}) == 2
    assert r.resolve({"Fn::Length": [1, {"Ref": "AWS::NoValue"}, 3]}) == 2


def test_unsupported_functions_and_bad_refs() -> None:
    assert error_of({"Fn::Bogus": 1}) == "Template error: Encountered unsupported function: Fn::Bogus"
    assert error_of({"Fn::Transform": {"Name": "AWS::Include"}}).startswith(
        "Template error: Encountered unsupported function"
    )
    assert (
        error_of({"Ref": "Nope"})
        == "Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template"
    )
    assert error_of({"Ref": ["list"]}).startswith("Template format error: Every Ref object")


def test_resources_need_their_callbacks() -> None:
    template = load_template(TEMPLATE)
    r = Resolver(template, {"Stage": "dev"}, pseudo_parameters("1", "us-east-1", "s", "i"))
    with pytest.raises(ValidationError):
        r.resolve({"Ref": "Queue"})
    with pytest.raises(ValidationError):
        r.resolve({"Fn::GetAtt": ["Queue", "Arn"]})
    assert r.resolve({"Ref": "Stage"}) == "dev"


def test_outputs() -> None:
    assert resolve_outputs(load_template(TEMPLATE), resolver()) == [
        {
            "OutputKey": "Url",
            "OutputValue": "Queue-physical",
            "Description": "queue of dev",
            "ExportName": "my-stack-Url",
        },
        {"OutputKey": "Zones", "OutputValue": "us-east-1a,us-east-1b,us-east-1c"},
    ]


def test_values_pass_through_untouched() -> None:
    r = resolver()
    assert r.resolve({"A": 1, "B": [True, None, 2.5], "C": {"Fn": "not a function", "Ref2": "x"}}) == {
        "A": 1,
        "B": [True, None, 2.5],
        "C": {"Fn": "not a function", "Ref2": "x"},
    }
    # a multi-key object holding a function key is data, with its values resolved
    assert r.resolve({"Ref": "Stage", "Other": {"Ref": "Stage"}}) == {"Ref": "Stage", "Other": "dev"}


def test_a_short_form_yaml_template_resolves() -> None:
    from pathlib import Path

    from cloudlet.deploy.conditions import evaluate_conditions
    from cloudlet.deploy.graph import build_graph
    from cloudlet.deploy.parameters import parameter_values, resolve_parameters

    template = load_template((Path(__file__).parents[1] / "deploy" / "fixtures" / "worker.yaml").read_text())
    results = {}
    for stage in ("dev", "prod"):
        params = parameter_values(resolve_parameters(template, {"Stage": stage}))
        r = Resolver(
            template,
            params,
            pseudo_parameters("123456789012", "eu-west-1", "orders-api", "id"),
            ref=lambda logical_id: f"{logical_id}-physical",
            get_att=lambda logical_id, attribute: f"arn:{logical_id}:{attribute}",
        )
        graph = build_graph(template, evaluate_conditions(r))
        results[stage] = {logical_id: r.properties(logical_id) for logical_id in graph.order}
        results[stage]["outputs"] = resolve_outputs(template, r)  # type: ignore[assignment]
    dev, prod = results["dev"], results["prod"]
    assert dev["Jobs"] == {"MessageRetentionPeriod": "345600", "VisibilityTimeout": 30}
    assert prod["Jobs"]["RedrivePolicy"] == {
        "deadLetterTargetArn": "arn:DeadLetters:Arn",
        "maxReceiveCount": 5,
    }
    assert prod["Jobs"]["VisibilityTimeout"] == 120
    assert "DeadLetters" not in dev and prod["DeadLetters"] == {}
    worker = dev["Worker"]
    assert worker["Role"] == "arn:WorkerRole:Arn"
    assert worker["Code"]["ZipFile"] == (
        'QUEUE = "Jobs-physical"\nREGION = "eu-west-1"\nLITERAL = "${NotAVariable}"\n'
    )
    assert worker["Environment"]["Variables"] == {
        "QUEUE_ARN": "arn:Jobs:Arn",
        "STAGE": "orders-dev",
        "ZONES": "eu-west-1a,eu-west-1b,eu-west-1c",
        "DEBUG": "true",
    }
    assert "DEBUG" not in prod["Worker"]["Environment"]["Variables"]
    assert dev["Mapping"] == {"EventSourceArn": "arn:Jobs:Arn", "FunctionName": "Worker-physical"}
    assert dev["outputs"] == [
        {"OutputKey": "QueueUrl", "OutputValue": "Jobs-physical", "ExportName": "orders-api-QueueUrl"}
    ]
    assert [o["OutputKey"] for o in prod["outputs"]] == ["QueueUrl", "DeadLetterArn"]
