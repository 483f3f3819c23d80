"""A SAM template (Transform AWS::Serverless-2016-10-31) through CreateStack."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from cfn_support import events, resources

from harness import Server

SAM = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(event, context):\\n    return None\\n"
      Events:
        FromQueue:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
"""


def test_sam_template_deploys_through_the_transform(server: Server, cfn: Any) -> None:
    with pytest.raises(ClientError) as error:
        cfn.create_stack(StackName="sam", TemplateBody=SAM, Capabilities=["CAPABILITY_IAM"])
    assert error.value.response["Error"]["Message"] == "Requires capabilities : [CAPABILITY_AUTO_EXPAND]"
    capabilities = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]
    cfn.create_stack(StackName="sam", TemplateBody=SAM, Capabilities=capabilities)
    server.settle()
    stack = cfn.describe_stacks(StackName="sam")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", events(cfn, "sam")
    found = resources(cfn, "sam")
    assert found["Worker"]["ResourceType"] == "AWS::Lambda::Function"
    assert found["WorkerRole"]["ResourceType"] == "AWS::IAM::Role"
    function = found["Worker"]["PhysicalResourceId"]
    mappings = server.client("lambda").list_event_source_mappings(FunctionName=function)[
        "EventSourceMappings"
    ]
    assert len(mappings) == 1
    original = cfn.get_template(StackName="sam")["TemplateBody"]
    assert "AWS::Serverless::Function" in str(original)
    processed = cfn.get_template(StackName="sam", TemplateStage="Processed")["TemplateBody"]
    assert "AWS::Serverless::Function" not in str(processed)


def test_sam_template_through_aws_cloudformation_deploy(server: Server, cfn: Any, tmp_path: Any) -> None:
    path = tmp_path / "sam.yaml"
    path.write_text(SAM)
    server.aws(
        "cloudformation",
        "deploy",
        "--stack-name",
        "samcli",
        "--template-file",
        str(path),
        "--capabilities",
        "CAPABILITY_IAM",
    )
    assert cfn.describe_stacks(StackName="samcli")["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"
    assert resources(cfn, "samcli")["Worker"]["ResourceType"] == "AWS::Lambda::Function"
