"""Buckets: create (regions, conflicts), head, delete, list (prefix, pagination), location, configs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from s3_support import error_code, status

from harness import Server


def ours(buckets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Leaving out CDK's asset bucket, which the server pre-creates (no `cdk bootstrap` needed)."""
    return [b for b in buckets if not b["Name"].startswith("cdk-hnb659fds-assets-")]


def test_create_list_head_delete(s3: Any) -> None:
    s3.create_bucket(Bucket="alpha-bucket")
    s3.create_bucket(Bucket="beta-bucket")
    listed = s3.list_buckets()
    mine = ours(listed["Buckets"])
    assert [b["Name"] for b in mine] == ["alpha-bucket", "beta-bucket"]
    assert mine[0]["CreationDate"].year >= 2024
    assert len(listed["Owner"]["ID"]) == 64
    head = s3.head_bucket(Bucket="alpha-bucket")
    assert head["BucketRegion"] == "us-east-1"
    s3.delete_bucket(Bucket="alpha-bucket")
    assert [b["Name"] for b in ours(s3.list_buckets()["Buckets"])] == ["beta-bucket"]
    with pytest.raises(ClientError) as excinfo:
        s3.head_bucket(Bucket="alpha-bucket")
    assert error_code(excinfo) == "404"
    with pytest.raises(ClientError) as excinfo:
        s3.delete_bucket(Bucket="alpha-bucket")
    assert error_code(excinfo) == "NoSuchBucket"
    assert excinfo.value.response["Error"]["BucketName"] == "alpha-bucket"


def test_list_buckets_prefix_and_pages(s3: Any) -> None:
    for name in ("logs-a", "logs-b", "logs-c", "data-a"):
        s3.create_bucket(Bucket=name)
    first = s3.list_buckets(Prefix="logs-", MaxBuckets=2)
    assert [b["Name"] for b in first["Buckets"]] == ["logs-a", "logs-b"]
    assert first["Prefix"] == "logs-"
    second = s3.list_buckets(Prefix="logs-", MaxBuckets=2, ContinuationToken=first["ContinuationToken"])
    assert [b["Name"] for b in second["Buckets"]] == ["logs-c"]
    assert "ContinuationToken" not in second


def test_invalid_names(s3: Any) -> None:
    for name in ("ab", "Upper-Case", "has_underscore", "192.168.1.1", "a..b", "-start"):
        with pytest.raises(ClientError) as excinfo:
            s3.create_bucket(Bucket=name)
        assert error_code(excinfo) == "InvalidBucketName", name


def test_location_constraints(server: Server) -> None:
    east = server.client("s3")
    west = server.client("s3", region="eu-west-1")
    east.create_bucket(Bucket="in-east")
    west.create_bucket(Bucket="in-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert east.get_bucket_location(Bucket="in-east")["LocationConstraint"] is None
    assert west.get_bucket_location(Bucket="in-west")["LocationConstraint"] == "eu-west-1"
    assert east.head_bucket(Bucket="in-west")["BucketRegion"] == "eu-west-1"
    with pytest.raises(ClientError) as excinfo:
        west.create_bucket(Bucket="no-constraint")
    assert error_code(excinfo) == "IllegalLocationConstraintException"
    with pytest.raises(ClientError) as excinfo:
        east.create_bucket(Bucket="bad-one", CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert error_code(excinfo) == "InvalidLocationConstraint"


def test_already_exists_and_owned(server: Server) -> None:
    mine = server.client("s3")
    other = server.client("s3", access_key="111122223333")
    mine.create_bucket(Bucket="taken")
    mine.create_bucket(Bucket="taken")  # us-east-1: the owner may repeat it
    with pytest.raises(ClientError) as excinfo:
        other.create_bucket(Bucket="taken")
    assert error_code(excinfo) == "BucketAlreadyExists"
    assert status(excinfo) == 409
    west = server.client("s3", region="eu-west-1")
    west.create_bucket(Bucket="west-one", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    with pytest.raises(ClientError) as excinfo:
        west.create_bucket(Bucket="west-one", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert error_code(excinfo) == "BucketAlreadyOwnedByYou"
    assert status(excinfo) == 409
    # Accounts see only their own buckets.
    assert [b["Name"] for b in other.list_buckets()["Buckets"]] == []
    with pytest.raises(ClientError) as excinfo:
        other.put_object(Bucket="taken", Key="k", Body=b"x")
    assert error_code(excinfo) == "AccessDenied"


def test_delete_non_empty(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as excinfo:
        s3.delete_bucket(Bucket=bucket)
    assert error_code(excinfo) == "BucketNotEmpty"
    assert status(excinfo) == 409
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)


def test_tagging(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_tagging(Bucket=bucket)
    assert error_code(excinfo) == "NoSuchTagSet"
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "core"}]})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "team", "Value": "core"}]
    s3.delete_bucket_tagging(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_tagging(Bucket=bucket)


def test_policy_acl_cors_encryption_lifecycle(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_policy(Bucket=bucket)
    assert error_code(excinfo) == "NoSuchBucketPolicy"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == policy
    s3.delete_bucket_policy(Bucket=bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_policy(Bucket=bucket, Policy="not json")
    assert error_code(excinfo) == "MalformedPolicy"

    acl = s3.get_bucket_acl(Bucket=bucket)
    assert acl["Grants"][0]["Permission"] == "FULL_CONTROL"
    assert acl["Owner"]["ID"] == acl["Grants"][0]["Grantee"]["ID"]

    cors = {"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "MaxAgeSeconds": 300}]}
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=cors)
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == cors["CORSRules"]
    s3.delete_bucket_cors(Bucket=bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_cors(Bucket=bucket)
    assert error_code(excinfo) == "NoSuchCORSConfiguration"

    default = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert default["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    kms = {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {
                    "SSEAlgorithm": "aws:kms",
                    "KMSMasterKeyID": "alias/k",
                },
                "BucketKeyEnabled": True,
            }
        ]
    }
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=kms)
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == kms

    rules = [{"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 7}}]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == rules
    s3.delete_bucket_lifecycle(Bucket=bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert error_code(excinfo) == "NoSuchLifecycleConfiguration"


def test_public_access_block_and_ownership(s3: Any, bucket: str) -> None:
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block["BlockPublicAcls"] is True
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": False,
            "IgnorePublicAcls": False,
            "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False,
        },
    )
    assert (
        s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]["BlockPublicPolicy"]
        is False
    )
    s3.delete_public_access_block(Bucket=bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.get_public_access_block(Bucket=bucket)
    assert error_code(excinfo) == "NoSuchPublicAccessBlockConfiguration"

    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert error_code(excinfo) == "AccessControlListNotSupported"
    s3.put_bucket_ownership_controls(
        Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    )
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    grants = s3.get_bucket_acl(Bucket=bucket)["Grants"]
    assert {
        "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
        "Permission": "READ",
    } in grants
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_ownership_controls(Bucket=bucket)
    assert error_code(excinfo) == "OwnershipControlsNotFoundError"


def test_versioning_configuration(s3: Any, bucket: str) -> None:
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


def test_missing_bucket_errors(s3: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket="nope-bucket", Key="k")
    assert error_code(excinfo) == "NoSuchBucket"
    assert status(excinfo) == 404


def test_stored_only_configurations(s3: Any, bucket: str) -> None:
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Enabled"
    with pytest.raises(ClientError) as excinfo:
        s3.get_bucket_replication(Bucket=bucket)
    assert error_code(excinfo) == "ReplicationConfigurationNotFoundError"
    s3.create_bucket(Bucket="log-target")
    s3.put_bucket_logging(
        Bucket=bucket,
        BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "log-target", "TargetPrefix": "l/"}},
    )
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"]["TargetBucket"] == "log-target"
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False
