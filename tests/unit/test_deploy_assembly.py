"""CDK cloud assemblies: stacks in dependency order, templates, assets; then the whole pure
core over a CDK-synthesized stack (parameters -> rules -> conditions -> graph -> properties)."""

import json
import shutil
from pathlib import Path

import pytest

from cloudlet.deploy.assembly import AssetDestination, is_assembly, load_assembly, substitute
from cloudlet.deploy.conditions import check_rules, evaluate_conditions
from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.graph import build_graph
from cloudlet.deploy.intrinsics import Resolver, pseudo_parameters, resolve_outputs
from cloudlet.deploy.names import physical_name
from cloudlet.deploy.parameters import parameter_values, resolve_parameters

CDK_OUT = Path(__file__).parents[1] / "deploy" / "fixtures" / "cdk.out"
ASSET = "5f0e1d2a8c3b4e6f7a9b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f7"


def test_stacks_come_in_dependency_order() -> None:
    assembly = load_assembly(CDK_OUT)
    assert is_assembly(CDK_OUT) and not is_assembly(CDK_OUT.parent)
    assert [s.stack_name for s in assembly.stacks] == ["AppStack", "ConsumerStack"]
    consumer = assembly.stacks[1]
    assert consumer.dependencies == ["AppStack"]
    assert consumer.account is None and consumer.region is None  # unknown-account/unknown-region
    assert consumer.template_file == CDK_OUT.resolve() / "ConsumerStack.template.json"
    assert "AlertsTopic2B6E2C8A" in consumer.template.resources


def test_assets_are_modelled_not_published() -> None:
    app = load_assembly(CDK_OUT).stacks[0]
    code, template_asset = app.assets
    assert code.id == ASSET
    assert code.packaging == "zip"
    assert code.source == CDK_OUT.resolve() / f"asset.{ASSET}"
    assert code.source.is_dir() and (code.source / "index.py").is_file()
    assert code.display_name == "Handler/Code"
    assert not code.is_template
    assert template_asset.packaging == "file" and template_asset.is_template
    (destination,) = code.destinations
    assert destination.bucket_name == "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"
    resolved = destination.resolved("123456789012", "eu-west-1")
    assert resolved == AssetDestination(
        "cdk-hnb659fds-assets-123456789012-eu-west-1",
        f"{ASSET}.zip",
        "eu-west-1",
        "arn:aws:iam::123456789012:role/cdk-hnb659fds-file-publishing-role-123456789012-eu-west-1",
    )
    assert app.docker_images == []
    assert substitute("${AWS::Partition}:${AWS::Region}", "1", "cn-north-1", "aws-cn") == "aws-cn:cn-north-1"


def test_select_stacks_brings_their_dependencies() -> None:
    assembly = load_assembly(CDK_OUT)
    assert [s.id for s in assembly.select(None)] == ["AppStack", "ConsumerStack"]
    assert [s.id for s in assembly.select(["AppStack"])] == ["AppStack"]
    assert [s.id for s in assembly.select(["Consumer*"])] == ["AppStack", "ConsumerStack"]
    with pytest.raises(ValidationError, match="No stack found matching 'Nope'"):
        assembly.select(["Nope"])


def test_stack_names_parameters_nested_assemblies_and_environments(tmp_path: Path) -> None:
    root = tmp_path / "cdk.out"
    stage = root / "assembly-Prod"
    stage.mkdir(parents=True)
    shutil.copy(CDK_OUT / "AppStack.template.json", stage / "ProdAppStack1234.template.json")
    (stage / "manifest.json").write_text(
        json.dumps(
            {
                "version": "39.0.0",
                "artifacts": {
                    "ProdAppStack1234": {
                        "type": "aws:cloudformation:stack",
                        "environment": "aws://123456789012/eu-west-1",
                        "properties": {
                            "templateFile": "ProdAppStack1234.template.json",
                            "stackName": "Prod-AppStack",
                            "parameters": {"BootstrapVersion": "/custom/version"},
                            "tags": {"team": "orders"},
                            "terminationProtection": True,
                        },
                        "displayName": "Prod/AppStack",
                    }
                },
            }
        )
    )
    (root / "manifest.json").write_text(
        json.dumps(
            {
                "version": "39.0.0",
                "artifacts": {
                    "assembly-Prod": {
                        "type": "cdk:cloud-assembly",
                        "properties": {"directoryName": "assembly-Prod"},
                    },
                    "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
                },
            }
        )
    )
    (stack,) = load_assembly(root).stacks
    assert (stack.id, stack.stack_name, stack.display_name) == (
        "ProdAppStack1234",
        "Prod-AppStack",
        "Prod/AppStack",
    )
    assert (stack.account, stack.region) == ("123456789012", "eu-west-1")
    assert stack.parameters == {"BootstrapVersion": "/custom/version"}
    assert stack.tags == {"team": "orders"}
    assert stack.termination_protection is True
    assert stack.assets == []
    assert [s.id for s in load_assembly(root).select(["Prod/*"])] == ["ProdAppStack1234"]


def test_broken_assemblies(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="not found"):
        load_assembly(tmp_path)
    (tmp_path / "manifest.json").write_text("{nope")
    with pytest.raises(ValidationError, match="not valid JSON"):
        load_assembly(tmp_path)
    template = {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}
    (tmp_path / "t.json").write_text(json.dumps(template))
    stack = {"type": "aws:cloudformation:stack", "properties": {"templateFile": "t.json"}}
    (tmp_path / "manifest.json").write_text(
        json.dumps(
            {"artifacts": {"A": {**stack, "dependencies": ["B"]}, "B": {**stack, "dependencies": ["A"]}}}
        )
    )
    with pytest.raises(ValidationError, match="Circular dependency between stacks"):
        load_assembly(tmp_path)


def test_the_pure_core_over_a_cdk_stack() -> None:
    """What the engine will do, minus the service calls (callbacks stand in for them)."""
    app = load_assembly(CDK_OUT).stacks[0]
    ssm = {"/cdk-bootstrap/hnb659fds/version": "21"}
    params = resolve_parameters(app.template, app.parameters, ssm.get)
    pseudo = pseudo_parameters(
        "123456789012",
        "us-east-1",
        app.stack_name,
        "arn:aws:cloudformation:us-east-1:123456789012:stack/AppStack/x",
    )
    physical: dict[str, str] = {}
    resolver = Resolver(
        app.template,
        parameter_values(params),
        pseudo,
        ref=lambda logical_id: physical[logical_id],
        get_att=lambda logical_id, attribute: f"arn:aws:{logical_id}:{attribute}",
    )
    check_rules(app.template, resolver)
    conditions = evaluate_conditions(resolver)
    assert conditions == {"CDKMetadataAvailable": True}
    graph = build_graph(app.template, conditions)
    created: dict[str, dict[str, object]] = {}
    for logical_id in graph.order:
        created[logical_id] = resolver.resolve(app.template.properties(logical_id))
        physical[logical_id] = (
            physical_name(
                app.template.resource_type(logical_id), app.stack_name, logical_id, created[logical_id]
            )
            or f"{logical_id}-id"
        )
    function = created["Handler886CB40B"]
    assert function["Code"] == {
        "S3Bucket": "cdk-hnb659fds-assets-123456789012-us-east-1",
        "S3Key": f"{ASSET}.zip",
    }
    assert function["Environment"] == {"Variables": {"TABLE_NAME": physical["ItemsTable5AAC2C46"]}}
    assert physical["ItemsTable5AAC2C46"].startswith("AppStack-ItemsTable5AAC2C46-")
    policy = created["HandlerServiceRoleDefaultPolicyCBD0CC91"]["PolicyDocument"]
    assert policy["Statement"][1]["Resource"] == ["arn:aws:ItemsTable5AAC2C46:Arn"]  # type: ignore[index]
    assert created["HandlerServiceRoleFCDC14AE"]["ManagedPolicyArns"] == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    ]
    outputs = {o["OutputKey"]: o for o in resolve_outputs(app.template, resolver)}
    assert outputs["QueueUrl"]["OutputValue"] == physical["WorkQueue0B5D5D6E"]
    assert outputs["ExportsOutputFnGetAttWorkQueue0B5D5D6EArn9A8CE31B"]["ExportName"] == (
        "AppStack:ExportsOutputFnGetAttWorkQueue0B5D5D6EArn9A8CE31B"
    )
    # an old bootstrap stops the deployment before anything is created
    old = Resolver(
        app.template,
        parameter_values(resolve_parameters(app.template, {}, {"/cdk-bootstrap/hnb659fds/version": "4"}.get)),
        pseudo,
    )
    with pytest.raises(ValidationError, match="CDK bootstrap stack version 6 required"):
        check_rules(app.template, old)
    # CDK's metadata resource is skipped where its region list says so
    elsewhere = Resolver(
        app.template, parameter_values(params), pseudo_parameters("1", "xx-nowhere-1", "AppStack", "i")
    )
    assert build_graph(app.template, evaluate_conditions(elsewhere)).skipped == ["CDKMetadata"]


def test_the_consumer_stack_imports_the_export() -> None:
    consumer = load_assembly(CDK_OUT).stacks[1]
    exports = {"AppStack:ExportsOutputFnGetAttWorkQueue0B5D5D6EArn9A8CE31B": "arn:aws:sqs:us-east-1:1:q"}
    resolver = Resolver(
        consumer.template,
        {"BootstrapVersion": "21"},
        pseudo_parameters("1", "us-east-1", "ConsumerStack", "i"),
        ref=lambda logical_id: f"arn:aws:sns:us-east-1:1:{logical_id}",
        exports=exports.get,
    )
    subscription = resolver.resolve(
        consumer.template.properties("AlertsTopicAppStackWorkQueueSubscription1E7C0E5D")
    )
    assert subscription == {
        "Protocol": "sqs",
        "TopicArn": "arn:aws:sns:us-east-1:1:AlertsTopic2B6E2C8A",
        "Endpoint": "arn:aws:sqs:us-east-1:1:q",
    }


def test_missing_template_files(tmp_path: Path) -> None:
    stack = {"type": "aws:cloudformation:stack", "properties": {"templateFile": "gone.json"}}
    (tmp_path / "manifest.json").write_text(json.dumps({"artifacts": {"A": stack}}))
    with pytest.raises(ValidationError, match="not found"):
        load_assembly(tmp_path)
    (tmp_path / "manifest.json").write_text(
        json.dumps({"artifacts": {"A": {"type": "aws:cloudformation:stack"}}})
    )
    with pytest.raises(ValidationError, match="has no templateFile"):
        load_assembly(tmp_path)
