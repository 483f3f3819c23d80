"""ListObjects / ListObjectsV2: prefix, delimiter, common prefixes, pagination, url encoding."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from s3_support import error_code

KEYS = ["a.txt", "dir/one.txt", "dir/sub/two.txt", "dir/three.txt", "other/x", "z z+z.txt", "é.txt"]


@pytest.fixture
def filled(s3: Any, bucket: str) -> str:
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return bucket


def test_v2_lists_in_utf8_order(s3: Any, filled: str) -> None:
    listed = s3.list_objects_v2(Bucket=filled)
    assert [o["Key"] for o in listed["Contents"]] == sorted(KEYS, key=lambda k: k.encode())
    assert listed["KeyCount"] == len(KEYS)
    assert listed["IsTruncated"] is False
    assert listed["Contents"][0]["Size"] == len(b"a.txt")
    assert listed["Contents"][0]["StorageClass"] == "STANDARD"
    assert "Owner" not in listed["Contents"][0]
    assert "Owner" in s3.list_objects_v2(Bucket=filled, FetchOwner=True)["Contents"][0]


def test_delimiter_and_prefix(s3: Any, filled: str) -> None:
    top = s3.list_objects_v2(Bucket=filled, Delimiter="/")
    assert [o["Key"] for o in top["Contents"]] == ["a.txt", "z z+z.txt", "é.txt"]
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["dir/", "other/"]
    inner = s3.list_objects_v2(Bucket=filled, Prefix="dir/", Delimiter="/")
    assert [o["Key"] for o in inner["Contents"]] == ["dir/one.txt", "dir/three.txt"]
    assert [p["Prefix"] for p in inner["CommonPrefixes"]] == ["dir/sub/"]
    assert inner["Prefix"] == "dir/"


def test_v2_pagination_with_prefixes(s3: Any, filled: str) -> None:
    seen: list[str] = []
    kwargs: dict[str, Any] = {"Bucket": filled, "Delimiter": "/", "MaxKeys": 2}
    while True:
        page = s3.list_objects_v2(**kwargs)
        seen += [o["Key"] for o in page.get("Contents", [])] + [
            p["Prefix"] for p in page.get("CommonPrefixes", [])
        ]
        assert page["KeyCount"] <= 2
        if not page["IsTruncated"]:
            break
        kwargs["ContinuationToken"] = page["NextContinuationToken"]
    assert sorted(seen) == sorted(["a.txt", "dir/", "other/", "z z+z.txt", "é.txt"])


def test_paginator_and_start_after(s3: Any, filled: str) -> None:
    pages = list(
        s3.get_paginator("list_objects_v2").paginate(Bucket=filled, PaginationConfig={"PageSize": 3})
    )
    assert [o["Key"] for p in pages for o in p["Contents"]] == sorted(KEYS, key=lambda k: k.encode())
    after = s3.list_objects_v2(Bucket=filled, StartAfter="dir/three.txt")
    assert [o["Key"] for o in after["Contents"]][0] == "other/x"
    assert after["StartAfter"] == "dir/three.txt"


def test_v1_markers(s3: Any, filled: str) -> None:
    page = s3.list_objects(Bucket=filled, MaxKeys=2)
    assert [o["Key"] for o in page["Contents"]] == ["a.txt", "dir/one.txt"]
    assert page["IsTruncated"] is True
    assert "NextMarker" not in page  # only with a delimiter
    rest = s3.list_objects(Bucket=filled, Marker="dir/one.txt")
    assert rest["Contents"][0]["Key"] == "dir/sub/two.txt"
    assert "Owner" in rest["Contents"][0]
    grouped = s3.list_objects(Bucket=filled, Delimiter="/", MaxKeys=2)
    assert grouped["NextMarker"] == "dir/"
    after = s3.list_objects(Bucket=filled, Delimiter="/", Marker=grouped["NextMarker"])
    assert [p["Prefix"] for p in after["CommonPrefixes"]] == ["other/"]
    keys = [
        o["Key"]
        for p in s3.get_paginator("list_objects").paginate(Bucket=filled, PaginationConfig={"PageSize": 2})
        for o in p["Contents"]
    ]
    assert keys == sorted(KEYS, key=lambda k: k.encode())


def test_max_keys_zero_and_url_encoding(server: Any, s3: Any, filled: str) -> None:
    empty = s3.list_objects_v2(Bucket=filled, MaxKeys=0)
    assert empty["KeyCount"] == 0
    assert "Contents" not in empty
    raw = server.aws(
        "s3api", "list-objects-v2", "--bucket", filled, "--prefix", "z", "--encoding-type", "url"
    )
    assert '"Key": "z%20z%2Bz.txt"' in raw.stdout


def test_list_missing_bucket(s3: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        s3.list_objects_v2(Bucket="missing-bucket")
    assert error_code(excinfo) == "NoSuchBucket"
