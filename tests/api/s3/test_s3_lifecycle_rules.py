"""Lifecycle rules: what PutBucketLifecycleConfiguration refuses, and the x-amz-expiration
header S3 sends on PUT/GET/HEAD/copy/complete for an object a rule will expire."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from s3_support import error_code, status


def _rule(**overrides: Any) -> dict[str, Any]:
    return {
        "ID": "r1",
        "Status": "Enabled",
        "Filter": {"Prefix": "logs/"},
        "Expiration": {"Days": 1},
        **overrides,
    }


def _put(s3: Any, bucket: str, *rules: dict[str, Any]) -> None:
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": list(rules)})


@pytest.mark.parametrize(
    ("rules", "code"),
    [
        ([_rule(ID="a" * 256)], "InvalidArgument"),
        ([_rule(ID="same"), _rule(ID="same", Filter={"Prefix": "other/"})], "InvalidArgument"),
        ([_rule(Status="enabled")], "MalformedXML"),
        ([_rule(Expiration={"Date": datetime(2030, 1, 1, 12, 0, tzinfo=UTC)})], "InvalidArgument"),
        (
            [
                _rule(
                    Transitions=[
                        {"Date": datetime(2030, 1, 1, 0, 0, 1, tzinfo=UTC), "StorageClass": "GLACIER"}
                    ]
                )
            ],
            "InvalidArgument",
        ),
        ([_rule(Expiration={"Days": 0})], "InvalidArgument"),
    ],
)
def test_invalid_rules_are_refused(s3: Any, bucket: str, rules: list[dict[str, Any]], code: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        _put(s3, bucket, *rules)
    assert (error_code(excinfo), status(excinfo)) == (code, 400)


def test_valid_rules_are_kept(s3: Any, bucket: str) -> None:
    _put(
        s3,
        bucket,
        _rule(ID="a" * 255),
        _rule(ID="dated", Status="Disabled", Expiration={"Date": datetime(2030, 1, 1, tzinfo=UTC)}),
    )
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert [r["ID"] for r in rules] == ["a" * 255, "dated"]


def _expiry(header: str) -> tuple[datetime, str]:
    match = re.fullmatch(r'expiry-date="(.+)", rule-id="(.+)"', header)
    assert match is not None, header
    return datetime.strptime(match.group(1), "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC), match.group(2)


def _next_midnight_after(moment: datetime, days: int) -> datetime:
    due = moment + timedelta(days=days)
    midnight = due.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight if midnight == due else midnight + timedelta(days=1)


def test_expiration_header_on_put_get_head(s3: Any, bucket: str) -> None:
    _put(s3, bucket, _rule(ID="logs-rule", Expiration={"Days": 3}))
    put = s3.put_object(Bucket=bucket, Key="logs/a", Body=b"x")
    head = s3.head_object(Bucket=bucket, Key="logs/a")
    expected = (_next_midnight_after(head["LastModified"].astimezone(UTC), 3), "logs-rule")
    assert _expiry(put["Expiration"]) == expected
    assert _expiry(head["Expiration"]) == expected
    assert _expiry(s3.get_object(Bucket=bucket, Key="logs/a")["Expiration"]) == expected
    # Keys the rule does not match get no header.
    s3.put_object(Bucket=bucket, Key="other/a", Body=b"x")
    assert "Expiration" not in s3.head_object(Bucket=bucket, Key="other/a")


def test_expiration_header_follows_tags_size_and_status(s3: Any, bucket: str) -> None:
    _put(
        s3,
        bucket,
        _rule(ID="off", Status="Disabled", Filter={"Prefix": ""}),
        _rule(ID="tagged", Filter={"And": {"Prefix": "", "Tags": [{"Key": "k", "Value": "v"}]}}),
        _rule(ID="big", Filter={"ObjectSizeGreaterThan": 3}),
    )
    s3.put_object(Bucket=bucket, Key="small", Body=b"ab")
    assert "Expiration" not in s3.head_object(Bucket=bucket, Key="small")
    s3.put_object_tagging(Bucket=bucket, Key="small", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    assert _expiry(s3.head_object(Bucket=bucket, Key="small")["Expiration"])[1] == "tagged"
    s3.put_object(Bucket=bucket, Key="large", Body=b"abcdef")
    assert _expiry(s3.head_object(Bucket=bucket, Key="large")["Expiration"])[1] == "big"
    s3.delete_bucket_lifecycle(Bucket=bucket)
    assert "Expiration" not in s3.head_object(Bucket=bucket, Key="large")


def test_expiration_header_with_a_date(s3: Any, bucket: str) -> None:
    _put(s3, bucket, _rule(ID="dated", Filter={}, Expiration={"Date": datetime(2031, 5, 1, tzinfo=UTC)}))
    copied = s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    assert _expiry(copied["Expiration"]) == (datetime(2031, 5, 1, tzinfo=UTC), "dated")
    copy = s3.copy_object(Bucket=bucket, Key="b", CopySource={"Bucket": bucket, "Key": "a"})
    assert _expiry(copy["Expiration"])[1] == "dated"
    upload = s3.create_multipart_upload(Bucket=bucket, Key="c")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="c", UploadId=upload, PartNumber=1, Body=b"y")
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="c",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    assert _expiry(done["Expiration"])[1] == "dated"
