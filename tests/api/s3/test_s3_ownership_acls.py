"""ACLs on BucketOwnerEnforced buckets (the default since April 2023): writes that set an ACL
granting anyone but the owner are refused, as AWS does.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-ownership-error-responses.html"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from s3_support import error_code, status


def test_create_bucket_with_public_acl_needs_acls_enabled(s3: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.create_bucket(Bucket="public", ACL="public-read")
    assert (error_code(excinfo), status(excinfo)) == ("InvalidBucketAclWithObjectOwnership", 400)
    with pytest.raises(ClientError):
        s3.create_bucket(Bucket="public", GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"')
    s3.create_bucket(Bucket="private", ACL="private")
    s3.create_bucket(Bucket="public", ACL="public-read", ObjectOwnership="ObjectWriter")
    grants = s3.get_bucket_acl(Bucket="public")["Grants"]
    assert {g["Permission"] for g in grants} == {"FULL_CONTROL", "READ"}


@pytest.mark.parametrize("acl", ["public-read", "authenticated-read", "bucket-owner-read"])
def test_object_writes_with_an_acl_on_an_enforced_bucket(s3: Any, bucket: str, acl: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    writes = [
        lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL=acl),
        lambda: s3.copy_object(Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "src"}, ACL=acl),
        lambda: s3.create_multipart_upload(Bucket=bucket, Key="k", ACL=acl),
    ]
    for write in writes:
        with pytest.raises(ClientError) as excinfo:
            write()
        assert (error_code(excinfo), status(excinfo)) == ("AccessControlListNotSupported", 400)
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["src"]


def test_owner_only_acls_are_accepted_on_an_enforced_bucket(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="a", Body=b"x", ACL="bucket-owner-full-control")
    s3.put_object(Bucket=bucket, Key="b", Body=b"x")
    s3.create_multipart_upload(Bucket=bucket, Key="c", ACL="bucket-owner-full-control")


def test_object_acls_work_once_acls_are_enabled(s3: Any) -> None:
    s3.create_bucket(Bucket="writer", ObjectOwnership="ObjectWriter")
    s3.put_object(Bucket="writer", Key="put", Body=b"x", ACL="public-read")
    s3.copy_object(
        Bucket="writer", Key="copy", CopySource={"Bucket": "writer", "Key": "put"}, ACL="public-read"
    )
    upload = s3.create_multipart_upload(Bucket="writer", Key="multipart", ACL="public-read")["UploadId"]
    part = s3.upload_part(Bucket="writer", Key="multipart", UploadId=upload, PartNumber=1, Body=b"x")
    s3.complete_multipart_upload(
        Bucket="writer",
        Key="multipart",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    for key in ("put", "copy", "multipart"):
        grants = s3.get_object_acl(Bucket="writer", Key=key)["Grants"]
        assert {g["Permission"] for g in grants} == {"FULL_CONTROL", "READ"}, key


def test_enforcing_ownership_needs_an_owner_only_bucket_acl(s3: Any) -> None:
    s3.create_bucket(Bucket="writer", ObjectOwnership="ObjectWriter", ACL="public-read")
    enforced = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_ownership_controls(Bucket="writer", OwnershipControls=enforced)
    assert (error_code(excinfo), status(excinfo)) == ("InvalidBucketAclWithObjectOwnership", 400)
    s3.put_bucket_acl(Bucket="writer", ACL="private")
    s3.put_bucket_ownership_controls(Bucket="writer", OwnershipControls=enforced)
    assert s3.get_bucket_ownership_controls(Bucket="writer")["OwnershipControls"] == enforced


def test_acl_documents_on_an_enforced_bucket(s3: Any, bucket: str) -> None:
    me = s3.get_bucket_acl(Bucket=bucket)["Owner"]
    mine = {"Grantee": {"Type": "CanonicalUser", "ID": me["ID"]}, "Permission": "FULL_CONTROL"}
    everyone = {
        "Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"},
        "Permission": "READ",
    }
    with pytest.raises(ClientError) as excinfo:
        s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy={"Owner": me, "Grants": [mine, everyone]})
    assert (error_code(excinfo), status(excinfo)) == ("AccessControlListNotSupported", 400)
    s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy={"Owner": me, "Grants": [mine]})
