"""CDK's own resources done natively: Metadata, S3 bucket notifications, auto-delete
objects, log retention and bucket deployments."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from typing import Any

import pytest
from botocore.exceptions import ClientError
from deploy_support import context, create, delete

from cloudlet.deploy.resources import handler_for
from cloudlet.deploy.resources.base import Provisioned, ResourceHandler
from harness import Server

TOKEN = "arn:aws:lambda:us-east-1:000000000000:function:cdk-handler"


def _handler(type_name: str) -> ResourceHandler:
    found = handler_for(type_name)
    assert found is not None and found.type_name == type_name  # native, not the Lambda-backed one
    return found


METADATA = _handler("AWS::CDK::Metadata")
NOTIFICATIONS = _handler("Custom::S3BucketNotifications")
AUTO_DELETE = _handler("Custom::S3AutoDeleteObjects")
RETENTION = _handler("Custom::LogRetention")
DEPLOYMENT = _handler("Custom::CDKBucketDeployment")


def update(
    server: Server, handler: ResourceHandler, physical_id: str, new: dict[str, Any], old: dict[str, Any]
) -> Provisioned:
    return asyncio.run(handler.update(context(server, handler.type_name), physical_id, new, old))


def queue_arn(server: Server, name: str) -> str:
    sqs = server.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return arn


def test_metadata_is_a_no_op(server: Server) -> None:
    made = create(server, METADATA, {"Analytics": "v2:deflate64:abc"}, "CDKMetadata")
    delete(server, METADATA, made.physical_id, {})


def test_bucket_notifications_managed_put_and_removed(server: Server) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="events-bucket")
    target = queue_arn(server, "events")
    config = {
        "QueueConfigurations": [
            {
                "Events": ["s3:ObjectCreated:*"],
                "QueueArn": target,
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}]}},
            }
        ],
        "EventBridgeConfiguration": {},
    }
    properties = {
        "ServiceToken": TOKEN,
        "BucketName": "events-bucket",
        "NotificationConfiguration": config,
        "Managed": "true",
    }
    made = create(server, NOTIFICATIONS, properties)
    found = s3.get_bucket_notification_configuration(Bucket="events-bucket")
    assert found["QueueConfigurations"][0]["QueueArn"] == target
    assert "EventBridgeConfiguration" in found
    s3.put_object(Bucket="events-bucket", Key="in/a.txt", Body=b"x")
    server.settle()
    messages = server.client("sqs").receive_message(
        QueueUrl=server.client("sqs").get_queue_url(QueueName="events")["QueueUrl"], MaxNumberOfMessages=10
    )
    assert any("in/a.txt" in m["Body"] for m in messages.get("Messages", []))
    delete(server, NOTIFICATIONS, made.physical_id, properties)
    found = s3.get_bucket_notification_configuration(Bucket="events-bucket")
    assert "QueueConfigurations" not in found and "EventBridgeConfiguration" not in found


def test_bucket_notifications_unmanaged_keep_what_others_configured(server: Server) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="imported-bucket")
    theirs, ours = queue_arn(server, "theirs"), queue_arn(server, "ours")
    s3.put_bucket_notification_configuration(
        Bucket="imported-bucket",
        NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": theirs, "Events": ["s3:ObjectRemoved:*"]}]
        },
    )
    config = {"QueueConfigurations": [{"QueueArn": ours, "Events": ["s3:ObjectCreated:*"]}]}
    properties = {
        "ServiceToken": TOKEN,
        "BucketName": "imported-bucket",
        "NotificationConfiguration": config,
        "Managed": False,
    }
    made = create(server, NOTIFICATIONS, properties)
    arns = [
        c["QueueArn"]
        for c in s3.get_bucket_notification_configuration(Bucket="imported-bucket")["QueueConfigurations"]
    ]
    assert sorted(arns) == sorted([theirs, ours])
    delete(server, NOTIFICATIONS, made.physical_id, properties)
    arns = [
        c["QueueArn"]
        for c in s3.get_bucket_notification_configuration(Bucket="imported-bucket")["QueueConfigurations"]
    ]
    assert arns == [theirs]


def test_auto_delete_objects_empties_a_versioned_bucket_so_it_can_go(server: Server) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="scratch-bucket")
    s3.put_bucket_versioning(Bucket="scratch-bucket", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_tagging(
        Bucket="scratch-bucket", Tagging={"TagSet": [{"Key": "aws-cdk:auto-delete-objects", "Value": "true"}]}
    )
    for index in range(3):
        s3.put_object(Bucket="scratch-bucket", Key="same.txt", Body=str(index).encode())
    s3.delete_object(Bucket="scratch-bucket", Key="same.txt")  # a delete marker too
    properties = {"ServiceToken": TOKEN, "BucketName": "scratch-bucket"}
    made = create(server, AUTO_DELETE, properties)
    assert s3.list_object_versions(Bucket="scratch-bucket").get("Versions")
    delete(server, AUTO_DELETE, made.physical_id, properties)
    listed = s3.list_object_versions(Bucket="scratch-bucket")
    assert not listed.get("Versions") and not listed.get("DeleteMarkers")
    s3.delete_bucket(Bucket="scratch-bucket")
    delete(server, AUTO_DELETE, made.physical_id, properties)  # bucket gone: not an error


def test_auto_delete_objects_leaves_an_untagged_bucket_alone(server: Server) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="kept-bucket")
    s3.put_object(Bucket="kept-bucket", Key="k", Body=b"x")
    properties = {"ServiceToken": TOKEN, "BucketName": "kept-bucket"}
    delete(server, AUTO_DELETE, create(server, AUTO_DELETE, properties).physical_id, properties)
    assert s3.list_objects_v2(Bucket="kept-bucket")["KeyCount"] == 1


def test_log_retention_creates_the_group_and_accepts_string_days(server: Server) -> None:
    logs = server.client("logs")
    properties = {"ServiceToken": TOKEN, "LogGroupName": "/aws/lambda/fn", "RetentionInDays": "7"}
    made = create(server, RETENTION, properties)
    assert made.physical_id == "/aws/lambda/fn"
    assert made.attributes["LogGroupName"] == "/aws/lambda/fn"
    group = logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/fn")["logGroups"][0]
    assert group["retentionInDays"] == 7
    update(server, RETENTION, made.physical_id, {**properties, "RetentionInDays": 30}, properties)
    group = logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/fn")["logGroups"][0]
    assert group["retentionInDays"] == 30
    delete(server, RETENTION, made.physical_id, properties)  # retained by default
    assert logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/fn")["logGroups"]
    delete(server, RETENTION, made.physical_id, {**properties, "RemovalPolicy": "destroy"})
    assert logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/fn")["logGroups"] == []


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _objects(server: Server, bucket: str) -> dict[str, bytes]:
    s3 = server.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {key: s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys}


def test_bucket_deployment_extracts_substitutes_prunes_and_removes(server: Server) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="assets-bucket")
    s3.create_bucket(Bucket="site-bucket")
    s3.put_object(
        Bucket="assets-bucket",
        Key="site.zip",
        Body=_zip(
            {
                "index.html": b"<p>hi</p>",
                "css/app.css": b"a{}",
                "config.json": b'{"api": "<<marker:0xbaba:0>>"}',
            }
        ),
    )
    s3.put_object(Bucket="site-bucket", Key="web/stale.txt", Body=b"old")
    s3.put_object(Bucket="site-bucket", Key="outside.txt", Body=b"keep")
    properties = {
        "ServiceToken": TOKEN,
        "SourceBucketNames": ["assets-bucket"],
        "SourceObjectKeys": ["site.zip"],
        "SourceMarkers": [{"<<marker:0xbaba:0>>": "https://api.example"}],
        "DestinationBucketName": "site-bucket",
        "DestinationBucketKeyPrefix": "web",
        "RetainOnDelete": "false",
        "SystemMetadata": {"cache-control": "max-age=60"},
    }
    made = create(server, DEPLOYMENT, properties)
    assert made.physical_id.startswith("aws.cdk.s3deployment.")
    assert made.attributes["DestinationBucketArn"] == "arn:aws:s3:::site-bucket"
    assert _objects(server, "site-bucket") == {
        "outside.txt": b"keep",
        "web/config.json": b'{"api": "https://api.example"}',
        "web/css/app.css": b"a{}",
        "web/index.html": b"<p>hi</p>",
    }
    head = s3.head_object(Bucket="site-bucket", Key="web/index.html")
    assert head["ContentType"] == "text/html" and head["CacheControl"] == "max-age=60"
    s3.put_object(Bucket="assets-bucket", Key="site2.zip", Body=_zip({"index.html": b"v2"}))
    new = {**properties, "SourceObjectKeys": ["site2.zip"], "SourceMarkers": [{}]}
    update(server, DEPLOYMENT, made.physical_id, new, properties)
    assert _objects(server, "site-bucket") == {"outside.txt": b"keep", "web/index.html": b"v2"}
    delete(server, DEPLOYMENT, made.physical_id, new)
    assert _objects(server, "site-bucket") == {"outside.txt": b"keep"}


def test_bucket_deployment_without_extract_or_prune_and_retained(server: Server) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="src-bucket")
    s3.create_bucket(Bucket="dst-bucket")
    archive = _zip({"a.txt": b"a"})
    s3.put_object(Bucket="src-bucket", Key="assets/abc.zip", Body=archive)
    s3.put_object(Bucket="dst-bucket", Key="existing.txt", Body=b"e")
    properties = {
        "ServiceToken": TOKEN,
        "SourceBucketNames": ["src-bucket"],
        "SourceObjectKeys": ["assets/abc.zip"],
        "DestinationBucketName": "dst-bucket",
        "Extract": "false",
        "Prune": False,
    }
    made = create(server, DEPLOYMENT, properties)
    assert _objects(server, "dst-bucket") == {"abc.zip": archive, "existing.txt": b"e"}
    delete(server, DEPLOYMENT, made.physical_id, properties)
    assert set(_objects(server, "dst-bucket")) == {"abc.zip", "existing.txt"}


def test_bucket_deployment_from_a_missing_asset_fails(server: Server) -> None:
    server.client("s3").create_bucket(Bucket="dst-only")
    properties = {
        "SourceBucketNames": ["dst-only"],
        "SourceObjectKeys": ["nothing.zip"],
        "DestinationBucketName": "dst-only",
    }
    with pytest.raises(ClientError) as failed:
        create(server, DEPLOYMENT, properties)
    assert failed.value.response["Error"]["Code"] == "NoSuchKey"


# -- end to end: a CDK-shaped stack through CloudFormation's API -------------------------------

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def _stack_template(visibility: int, parameter_name: str) -> dict[str, Any]:
    queue_arn = {"Fn::GetAtt": ["Queue", "Arn"]}
    return {
        "Resources": {
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "Tags": [{"Key": "aws-cdk:auto-delete-objects", "Value": "true"}],
                },
                "UpdateReplacePolicy": "Delete",
                "DeletionPolicy": "Delete",
            },
            "BucketAutoDelete": {
                "Type": "Custom::S3AutoDeleteObjects",
                "Properties": {"ServiceToken": TOKEN, "BucketName": {"Ref": "Bucket"}},
                "DependsOn": ["BucketPolicy"],
            },
            "BucketPolicy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": {"Ref": "Bucket"},
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": "*"},
                                "Action": "s3:DeleteObject*",
                                "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]},
                            }
                        ],
                    },
                },
            },
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": visibility}},
            "QueuePolicy": {
                "Type": "AWS::SQS::QueuePolicy",
                "Properties": {
                    "Queues": [{"Ref": "Queue"}],
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": ["s3.amazonaws.com", "sns.amazonaws.com"]},
                                "Action": "sqs:SendMessage",
                                "Resource": queue_arn,
                            }
                        ],
                    },
                },
            },
            "Notifications": {
                "Type": "Custom::S3BucketNotifications",
                "Properties": {
                    "ServiceToken": TOKEN,
                    "BucketName": {"Ref": "Bucket"},
                    "NotificationConfiguration": {
                        "QueueConfigurations": [{"Events": ["s3:ObjectCreated:*"], "QueueArn": queue_arn}]
                    },
                    "Managed": True,
                },
                "DependsOn": ["QueuePolicy"],
            },
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "alerts"}},
            "TopicSubscription": {
                "Type": "AWS::SNS::Subscription",
                "Properties": {
                    "Protocol": "sqs",
                    "TopicArn": {"Ref": "Topic"},
                    "Endpoint": queue_arn,
                    "RawMessageDelivery": True,
                },
            },
            "Param": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Name": parameter_name, "Type": "String", "Value": {"Ref": "Queue"}},
            },
            "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}},
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": TRUST,
                    "ManagedPolicyArns": [
                        {
                            "Fn::Join": [
                                "",
                                [
                                    "arn:",
                                    {"Ref": "AWS::Partition"},
                                    ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                                ],
                            ]
                        }
                    ],
                },
            },
            "RoleDefaultPolicy": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "PolicyName": "RoleDefaultPolicy",
                    "Roles": [{"Ref": "Role"}],
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": queue_arn}],
                    },
                },
            },
            "Retention": {
                "Type": "Custom::LogRetention",
                "Properties": {
                    "ServiceToken": TOKEN,
                    "LogGroupName": "/aws/lambda/worker",
                    "RetentionInDays": 14,
                },
            },
            "Key": {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True}},
            "KeyAlias": {
                "Type": "AWS::KMS::Alias",
                "Properties": {"AliasName": "alias/stack-key", "TargetKeyId": {"Fn::GetAtt": ["Key", "Arn"]}},
            },
            "Alarm": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "MetricName": "ApproximateNumberOfMessagesVisible",
                    "Namespace": "AWS/SQS",
                    "Threshold": 10,
                    "EvaluationPeriods": 1,
                    "ComparisonOperator": "GreaterThanThreshold",
                },
            },
            "Deployment": {
                "Type": "Custom::CDKBucketDeployment",
                "Properties": {
                    "ServiceToken": TOKEN,
                    "SourceBucketNames": ["assets-src"],
                    "SourceObjectKeys": ["site.zip"],
                    "DestinationBucketName": {"Ref": "Bucket"},
                    "DestinationBucketKeyPrefix": "site",
                    "RetainOnDelete": False,
                },
            },
            "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:x"}},
        },
        "Outputs": {
            "BucketName": {"Value": {"Ref": "Bucket"}},
            "QueueUrl": {"Value": {"Ref": "Queue"}},
            "TopicName": {"Value": {"Fn::GetAtt": ["Topic", "TopicName"]}},
            "RoleArn": {"Value": {"Fn::GetAtt": ["Role", "Arn"]}},
            "KeyId": {"Value": {"Ref": "Key"}},
            "LogsArn": {"Value": {"Fn::GetAtt": ["Logs", "Arn"]}},
        },
    }


def _outputs(cfn: Any, name: str) -> dict[str, str]:
    stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def _stack_status(cfn: Any, name: str) -> str:
    return str(cfn.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"])


def _reasons(cfn: Any, name: str) -> list[str]:
    found = cfn.describe_stack_events(StackName=name)["StackEvents"]
    return [
        f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason', '')}"
        for e in found
        if "FAILED" in e["ResourceStatus"]
    ]


def test_a_cdk_shaped_stack_deploys_updates_and_deletes_through_cloudformation(server: Server) -> None:
    cfn, s3, sqs, sns, ssm = (server.client(s) for s in ("cloudformation", "s3", "sqs", "sns", "ssm"))
    s3.create_bucket(Bucket="assets-src")
    big = bytes(range(256)) * 8192  # 2 MiB: the internal API streams bodies this large
    s3.put_object(
        Bucket="assets-src", Key="site.zip", Body=_zip({"index.html": b"<h1>app</h1>", "big.bin": big})
    )
    cfn.create_stack(
        StackName="app",
        TemplateBody=json.dumps(_stack_template(30, "/app/queue")),
        Capabilities=["CAPABILITY_IAM"],
    )
    server.settle()
    assert _stack_status(cfn, "app") == "CREATE_COMPLETE", _reasons(cfn, "app")
    out = _outputs(cfn, "app")
    bucket, queue_url = out["BucketName"], out["QueueUrl"]
    assert bucket.startswith("app-bucket-")
    assert ssm.get_parameter(Name="/app/queue")["Parameter"]["Value"] == queue_url
    assert (
        server.client("iam").get_role(RoleName=out["RoleArn"].rsplit("/", 1)[-1])["Role"]["Arn"]
        == out["RoleArn"]
    )
    logs = server.client("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/worker")["logGroups"]
    assert logs[0]["retentionInDays"] == 14
    assert s3.get_object(Bucket=bucket, Key="site/big.bin")["Body"].read() == big
    assert s3.get_object(Bucket=bucket, Key="site/index.html")["ContentType"] == "text/html"

    # the wiring works: an upload notifies the queue, a publish reaches it raw
    s3.put_object(Bucket=bucket, Key="hello.txt", Body=b"hi")
    topic_arn = next(
        t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(out["TopicName"])
    )
    sns.publish(TopicArn=topic_arn, Message="raw-body")
    server.settle()
    bodies = [
        m["Body"] for m in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
    ]
    assert "raw-body" in bodies and any("hello.txt" in b for b in bodies)

    # update: an attribute in place, the parameter replaced under its new name
    cfn.update_stack(
        StackName="app",
        TemplateBody=json.dumps(_stack_template(90, "/app/queue-v2")),
        Capabilities=["CAPABILITY_IAM"],
    )
    server.settle()
    assert _stack_status(cfn, "app") == "UPDATE_COMPLETE", _reasons(cfn, "app")
    attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["VisibilityTimeout"])["Attributes"]
    assert attrs["VisibilityTimeout"] == "90"
    assert ssm.get_parameter(Name="/app/queue-v2")["Parameter"]["Value"] == queue_url
    with pytest.raises(ClientError):
        ssm.get_parameter(Name="/app/queue")

    # delete: the versioned, non-empty bucket is emptied by the auto-delete resource first
    s3.put_object(Bucket=bucket, Key="hello.txt", Body=b"again")
    cfn.delete_stack(StackName="app")
    server.settle()
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert sns.list_topics()["Topics"] == []
    with pytest.raises(ClientError):
        sqs.get_queue_attributes(QueueUrl=queue_url)
    with pytest.raises(ClientError):
        ssm.get_parameter(Name="/app/queue-v2")
