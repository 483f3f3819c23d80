"""Versioned buckets: versions, delete markers, ListObjectVersions, suspended versioning."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from s3_support import error_code, status


@pytest.fixture
def versioned(s3: Any, bucket: str) -> str:
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


def test_versions_and_delete_markers(s3: Any, versioned: str) -> None:
    v1 = s3.put_object(Bucket=versioned, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=versioned, Key="k", Body=b"two")["VersionId"]
    assert v1 != v2
    assert s3.get_object(Bucket=versioned, Key="k")["Body"].read() == b"two"
    assert s3.get_object(Bucket=versioned, Key="k", VersionId=v1)["Body"].read() == b"one"
    assert s3.get_object(Bucket=versioned, Key="k")["VersionId"] == v2
    deleted = s3.delete_object(Bucket=versioned, Key="k")
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=versioned, Key="k")
    assert error_code(excinfo) == "NoSuchKey"
    assert excinfo.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=versioned, Key="k", VersionId=marker)
    assert status(excinfo) == 405
    assert s3.list_objects_v2(Bucket=versioned)["KeyCount"] == 0
    listed = s3.list_object_versions(Bucket=versioned)
    assert [(v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [(v2, False), (v1, False)]
    assert [(m["VersionId"], m["IsLatest"]) for m in listed["DeleteMarkers"]] == [(marker, True)]
    # Removing the delete marker brings the newest version back.
    removed = s3.delete_object(Bucket=versioned, Key="k", VersionId=marker)
    assert removed["DeleteMarker"] is True
    assert s3.get_object(Bucket=versioned, Key="k")["Body"].read() == b"two"
    s3.delete_object(Bucket=versioned, Key="k", VersionId=v2)
    assert s3.get_object(Bucket=versioned, Key="k")["Body"].read() == b"one"
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=versioned, Key="k", VersionId="3sL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY")
    assert error_code(excinfo) == "NoSuchVersion"


def test_list_versions_pages(s3: Any, versioned: str) -> None:
    for key in ("a", "b"):
        for n in range(3):
            s3.put_object(Bucket=versioned, Key=key, Body=str(n).encode())
    seen = []
    kwargs: dict[str, Any] = {"Bucket": versioned, "MaxKeys": 2}
    while True:
        page = s3.list_object_versions(**kwargs)
        seen += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
        if not page["IsTruncated"]:
            break
        kwargs["KeyMarker"] = page["NextKeyMarker"]
        kwargs["VersionIdMarker"] = page["NextVersionIdMarker"]
    assert len(seen) == 6
    assert len(set(seen)) == 6
    assert [k for k, _ in seen] == ["a", "a", "a", "b", "b", "b"]


def test_delete_objects_with_versions(s3: Any, versioned: str) -> None:
    v1 = s3.put_object(Bucket=versioned, Key="k", Body=b"1")["VersionId"]
    result = s3.delete_objects(Bucket=versioned, Delete={"Objects": [{"Key": "k"}]})
    assert result["Deleted"][0]["DeleteMarker"] is True
    assert result["Deleted"][0]["DeleteMarkerVersionId"]
    result = s3.delete_objects(Bucket=versioned, Delete={"Objects": [{"Key": "k", "VersionId": v1}]})
    assert result["Deleted"][0]["VersionId"] == v1
    assert len(s3.list_object_versions(Bucket=versioned).get("Versions", [])) == 0


def test_suspended_overwrites_null_version(s3: Any, versioned: str) -> None:
    kept = s3.put_object(Bucket=versioned, Key="k", Body=b"kept")["VersionId"]
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=versioned, Key="k", Body=b"n1")
    s3.put_object(Bucket=versioned, Key="k", Body=b"n2")
    versions = s3.list_object_versions(Bucket=versioned)["Versions"]
    assert sorted(v["VersionId"] for v in versions) == sorted([kept, "null"])
    assert s3.get_object(Bucket=versioned, Key="k", VersionId="null")["Body"].read() == b"n2"


def test_copy_from_version(s3: Any, versioned: str) -> None:
    v1 = s3.put_object(Bucket=versioned, Key="k", Body=b"old")["VersionId"]
    s3.put_object(Bucket=versioned, Key="k", Body=b"new")
    copied = s3.copy_object(
        Bucket=versioned, Key="c", CopySource={"Bucket": versioned, "Key": "k", "VersionId": v1}
    )
    assert copied["CopySourceVersionId"] == v1
    assert s3.get_object(Bucket=versioned, Key="c")["Body"].read() == b"old"


def test_object_lock(s3: Any) -> None:
    from datetime import UTC, datetime, timedelta

    s3.create_bucket(Bucket="locked-bucket", ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(
        Bucket="locked-bucket",
        ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}},
        },
    )
    config = s3.get_object_lock_configuration(Bucket="locked-bucket")["ObjectLockConfiguration"]
    assert config["Rule"]["DefaultRetention"]["Days"] == 1
    version = s3.put_object(Bucket="locked-bucket", Key="k", Body=b"x")["VersionId"]
    head = s3.head_object(Bucket="locked-bucket", Key="k")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ObjectLockRetainUntilDate"] > datetime.now(UTC)
    with pytest.raises(ClientError) as excinfo:
        s3.delete_object(Bucket="locked-bucket", Key="k", VersionId=version)
    assert error_code(excinfo) == "AccessDenied"
    s3.put_object_legal_hold(Bucket="locked-bucket", Key="k", LegalHold={"Status": "ON"})
    assert s3.get_object_legal_hold(Bucket="locked-bucket", Key="k")["LegalHold"]["Status"] == "ON"
    with pytest.raises(ClientError):
        s3.delete_object(Bucket="locked-bucket", Key="k", VersionId=version, BypassGovernanceRetention=True)
    s3.put_object_legal_hold(Bucket="locked-bucket", Key="k", LegalHold={"Status": "OFF"})
    later = datetime.now(UTC) + timedelta(days=3)
    s3.put_object_retention(
        Bucket="locked-bucket", Key="k", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": later}
    )
    assert s3.get_object_retention(Bucket="locked-bucket", Key="k")["Retention"]["Mode"] == "GOVERNANCE"
    s3.delete_object(Bucket="locked-bucket", Key="k", VersionId=version, BypassGovernanceRetention=True)
    s3.create_bucket(Bucket="plain-bucket")
    with pytest.raises(ClientError) as excinfo:
        s3.put_object_lock_configuration(
            Bucket="plain-bucket", ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}
        )
    assert status(excinfo) == 409
