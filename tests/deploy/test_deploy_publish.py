"""File assets published to the server's S3 as cdk-assets does: directory assets zipped
deterministically to their destination key, files as is, nothing uploaded twice."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from cloudlet.deploy.assembly import AssetDestination, FileAsset, load_assembly
from cloudlet.deploy.publish import TEMPLATE_BODY_LIMIT, Publisher, asset_bucket, zip_directory
from harness import Server

FIXTURE = Path(__file__).parent / "fixtures" / "cdk.out"
ACCOUNT, REGION = "000000000000", "us-east-1"
BUCKET = asset_bucket(ACCOUNT, REGION)


def tree(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "index.py").write_text("def handler(event, context):\n    return 1\n")
    (root / "pkg" / "util.py").write_text("X = 1\n")
    (root / ".hidden").write_text("dot files are part of the asset\n")
    os.chmod(root / "index.py", 0o755)
    return root


def test_zip_is_sorted_dated_and_stable(tmp_path: Path) -> None:
    first = zip_directory(tree(tmp_path / "a"))
    again = zip_directory(tmp_path / "a")
    assert first == again
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert archive.namelist() == [".hidden", "index.py", "pkg/util.py"]
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert (archive.getinfo("index.py").external_attr >> 16) & 0o777 == 0o755
    assert archive.read("pkg/util.py") == b"X = 1\n"
    # the same files elsewhere, written in another order: the same bytes
    other = tmp_path / "b"
    (other / "pkg").mkdir(parents=True)
    (other / "pkg" / "util.py").write_text("X = 1\n")
    (other / ".hidden").write_text("dot files are part of the asset\n")
    (other / "index.py").write_text("def handler(event, context):\n    return 1\n")
    os.chmod(other / "index.py", 0o755)
    assert zip_directory(other) == first


def test_assembly_assets_are_published_once(server: Server) -> None:
    s3 = server.client("s3")
    stack = next(s for s in load_assembly(FIXTURE).stacks if s.stack_name == "AppStack")
    publisher = Publisher(s3, ACCOUNT, REGION)
    published = publisher.publish(stack.assets)
    key = "5f0e1d2a8c3b4e6f7a9b0c1d2e3f405162738495a6b7c8d9e0f1a2b3c4d5e6f7.zip"
    assert [(p.bucket, p.key, p.uploaded) for p in published] == [(BUCKET, key, True)]  # not the template
    body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert zipfile.ZipFile(io.BytesIO(body)).namelist() == ["index.py"]
    again = Publisher(s3, ACCOUNT, REGION).publish(stack.assets)
    assert [p.uploaded for p in again] == [False]
    assert s3.list_objects_v2(Bucket=BUCKET)["KeyCount"] == 1


def test_file_asset_uploads_as_is_to_a_resolved_destination(server: Server, tmp_path: Path) -> None:
    s3 = server.client("s3", region="eu-west-1")
    source = tmp_path / "layer.zip"
    source.write_bytes(b"PK\x05\x06" + b"\0" * 18)
    asset = FileAsset(
        id="abc",
        source=source,
        packaging="file",
        destinations=[AssetDestination("cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}", "abc.zip")],
    )
    [result] = Publisher(s3, ACCOUNT, "eu-west-1").publish([asset])
    assert (result.bucket, result.key, result.uploaded) == (
        asset_bucket(ACCOUNT, "eu-west-1"),
        "abc.zip",
        True,
    )
    assert s3.get_object(Bucket=result.bucket, Key="abc.zip")["Body"].read() == source.read_bytes()
    location = s3.get_bucket_location(Bucket=result.bucket)["LocationConstraint"]
    assert location == "eu-west-1"


def test_small_templates_go_as_body_big_ones_by_url(server: Server) -> None:
    s3 = server.client("s3")
    publisher = Publisher(s3, ACCOUNT, REGION)
    assert publisher.template_argument('{"Resources": {}}', "small") == {"TemplateBody": '{"Resources": {}}'}
    big = '{"Description": "' + "x" * TEMPLATE_BODY_LIMIT + '", "Resources": {}}'
    argument = publisher.template_argument(big, "big")
    url = argument["TemplateURL"]
    assert url.startswith(f"https://s3.{REGION}.amazonaws.com/{BUCKET}/cloudlet/big/")
    key = url.split(f"/{BUCKET}/", 1)[1]
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode() == big


def test_big_assembly_template_goes_to_its_asset_key(server: Server) -> None:
    s3 = server.client("s3")
    stack = next(s for s in load_assembly(FIXTURE).stacks if s.stack_name == "AppStack")
    [template_asset] = [a for a in stack.assets if a.is_template]
    big = '{"Description": "' + "y" * TEMPLATE_BODY_LIMIT + '", "Resources": {}}'
    url = Publisher(s3, ACCOUNT, REGION).template_argument(big, "AppStack", template_asset)["TemplateURL"]
    key = "a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00.json"
    assert url == f"https://s3.us-east-1.amazonaws.com/{BUCKET}/{key}"
    assert s3.head_object(Bucket=BUCKET, Key=key)["ContentLength"] == len(big)
