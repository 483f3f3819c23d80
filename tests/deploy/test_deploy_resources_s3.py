"""AWS::S3::Bucket and AWS::S3::BucketPolicy handlers against a real server."""

from __future__ import annotations

import asyncio
import json

import pytest
from botocore.exceptions import ClientError
from deploy_support import context, create, delete

from cloudlet.deploy.resources import handler_for
from cloudlet.deploy.resources.base import Replace, ResourceHandler
from harness import Server


def _handler(type_name: str) -> ResourceHandler:
    found = handler_for(type_name)
    assert found is not None
    return found


BUCKET = _handler("AWS::S3::Bucket")
POLICY = _handler("AWS::S3::BucketPolicy")


def update(server: Server, handler: ResourceHandler, physical_id: str, new: dict, old: dict):  # type: ignore[no-untyped-def]
    return asyncio.run(handler.update(context(server, handler.type_name), physical_id, new, old))


def test_bucket_with_a_generated_lowercase_name_and_its_attributes(server: Server) -> None:
    made = create(server, BUCKET, {}, logical_id="UploadsBucket")
    name = made.physical_id
    assert name.startswith("teststack-uploadsbucket-") and name == name.lower()
    server.client("s3").head_bucket(Bucket=name)
    assert made.attributes == {
        "Arn": f"arn:aws:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.us-east-1.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.us-east-1.amazonaws.com",
        "WebsiteURL": f"http://{name}.s3-website-us-east-1.amazonaws.com",
    }


def test_bucket_configuration_properties_map_to_the_api(server: Server) -> None:
    s3 = server.client("s3")
    sqs = server.client("sqs")
    queue_url = sqs.create_queue(QueueName="uploads")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    properties = {
        "BucketName": "configured-bucket",
        "VersioningConfiguration": {"Status": "Enabled"},
        "Tags": [{"Key": "team", "Value": "data"}],
        "BucketEncryption": {
            "ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": "true"}
            ]
        },
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        },
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        "CorsConfiguration": {
            "CorsRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "MaxAge": "300", "Id": "web"}]
        },
        "LifecycleConfiguration": {
            "Rules": [{"Id": "expire", "Status": "Enabled", "Prefix": "tmp/", "ExpirationInDays": 7}]
        },
        "NotificationConfiguration": {
            "QueueConfigurations": [
                {
                    "Event": "s3:ObjectCreated:*",
                    "Queue": queue_arn,
                    "Filter": {"S3Key": {"Rules": [{"Name": "suffix", "Value": ".csv"}]}},
                }
            ],
            "EventBridgeConfiguration": {"EventBridgeEnabled": True},
        },
    }
    made = create(server, BUCKET, properties)
    assert made.physical_id == "configured-bucket"
    bucket = {"Bucket": "configured-bucket"}
    assert s3.get_bucket_versioning(**bucket)["Status"] == "Enabled"
    assert s3.get_bucket_tagging(**bucket)["TagSet"] == [{"Key": "team", "Value": "data"}]
    rule = s3.get_bucket_encryption(**bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert rule["BucketKeyEnabled"] is True
    assert s3.get_public_access_block(**bucket)["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True
    ownership = s3.get_bucket_ownership_controls(**bucket)["OwnershipControls"]["Rules"]
    assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    cors = s3.get_bucket_cors(**bucket)["CORSRules"][0]
    assert cors["ID"] == "web" and cors["MaxAgeSeconds"] == 300 and cors["AllowedMethods"] == ["GET"]
    lifecycle = s3.get_bucket_lifecycle_configuration(**bucket)["Rules"][0]
    assert lifecycle["ID"] == "expire" and lifecycle["Expiration"]["Days"] == 7
    assert lifecycle["Filter"] == {"Prefix": "tmp/"}
    notification = s3.get_bucket_notification_configuration(**bucket)
    queue_config = notification["QueueConfigurations"][0]
    assert queue_config["QueueArn"] == queue_arn and queue_config["Events"] == ["s3:ObjectCreated:*"]
    [filter_rule] = queue_config["Filter"]["Key"]["FilterRules"]
    assert filter_rule["Name"].lower() == "suffix" and filter_rule["Value"] == ".csv"
    assert "EventBridgeConfiguration" in notification


def test_update_in_place_changes_and_removes_configuration(server: Server) -> None:
    s3 = server.client("s3")
    old = {
        "BucketName": "updated-bucket",
        "CorsConfiguration": {"CorsRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]},
        "Tags": [{"Key": "a", "Value": "1"}],
    }
    create(server, BUCKET, old)
    new = {"BucketName": "updated-bucket", "VersioningConfiguration": {"Status": "Enabled"}}
    result = update(server, BUCKET, "updated-bucket", new, old)
    assert result.physical_id == "updated-bucket"
    assert s3.get_bucket_versioning(Bucket="updated-bucket")["Status"] == "Enabled"
    with pytest.raises(ClientError) as cors:
        s3.get_bucket_cors(Bucket="updated-bucket")
    assert cors.value.response["Error"]["Code"] == "NoSuchCORSConfiguration"
    with pytest.raises(ClientError) as tags:
        s3.get_bucket_tagging(Bucket="updated-bucket")
    assert tags.value.response["Error"]["Code"] == "NoSuchTagSet"


def test_a_new_bucket_name_needs_replacement(server: Server) -> None:
    assert "BucketName" in BUCKET.replace_on
    create(server, BUCKET, {"BucketName": "first-name"})
    with pytest.raises(Replace):
        update(server, BUCKET, "first-name", {"BucketName": "second-name"}, {"BucketName": "first-name"})


def test_delete_fails_on_a_non_empty_bucket_and_ignores_a_missing_one(server: Server) -> None:
    s3 = server.client("s3")
    create(server, BUCKET, {"BucketName": "full-bucket"})
    s3.put_object(Bucket="full-bucket", Key="a.txt", Body=b"x")
    with pytest.raises(ClientError) as failed:
        delete(server, BUCKET, "full-bucket", {})
    assert failed.value.response["Error"]["Code"] == "BucketNotEmpty"
    s3.delete_object(Bucket="full-bucket", Key="a.txt")
    delete(server, BUCKET, "full-bucket", {})
    assert "full-bucket" not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    delete(server, BUCKET, "full-bucket", {})  # already gone: not an error


def test_creating_an_existing_bucket_fails(server: Server) -> None:
    server.client("s3").create_bucket(Bucket="taken-bucket")
    with pytest.raises(Exception, match="taken-bucket already exists"):
        create(server, BUCKET, {"BucketName": "taken-bucket"})


def test_bucket_policy_put_updated_and_deleted(server: Server) -> None:
    s3 = server.client("s3")
    s3.create_bucket(Bucket="policy-bucket")
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::policy-bucket/*",
            }
        ],
    }
    properties = {"Bucket": "policy-bucket", "PolicyDocument": document}
    made = create(server, POLICY, properties)
    assert made.physical_id == "policy-bucket"
    assert json.loads(s3.get_bucket_policy(Bucket="policy-bucket")["Policy"]) == document
    changed = {**document, "Statement": [{**document["Statement"][0], "Action": "s3:*"}]}
    update(
        server, POLICY, "policy-bucket", {"Bucket": "policy-bucket", "PolicyDocument": changed}, properties
    )
    assert (
        json.loads(s3.get_bucket_policy(Bucket="policy-bucket")["Policy"])["Statement"][0]["Action"] == "s3:*"
    )
    delete(server, POLICY, "policy-bucket", properties)
    with pytest.raises(ClientError) as gone:
        s3.get_bucket_policy(Bucket="policy-bucket")
    assert gone.value.response["Error"]["Code"] == "NoSuchBucketPolicy"
