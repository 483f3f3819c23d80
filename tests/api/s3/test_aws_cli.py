"""The AWS CLI: high-level `aws s3` commands and `aws s3api`."""

from __future__ import annotations

import json
import os
from pathlib import Path

from harness import Server


def test_cp_sync_ls_rm(server: Server, tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "nested").mkdir(parents=True)
    (source / "a.txt").write_text("alpha")
    (source / "nested" / "b.bin").write_bytes(os.urandom(9 * 1024 * 1024))  # multipart (8 MiB parts)
    server.aws("s3", "mb", "s3://cli-bucket")
    server.aws("s3", "cp", str(source / "a.txt"), "s3://cli-bucket/a.txt")
    server.aws("s3", "sync", str(source), "s3://cli-bucket/synced/")
    listing = server.aws("s3", "ls", "s3://cli-bucket/", "--recursive").stdout
    assert "synced/nested/b.bin" in listing
    assert "a.txt" in listing
    # A second sync has nothing to do.
    assert server.aws("s3", "sync", str(source), "s3://cli-bucket/synced/").stdout.strip() == ""
    back = tmp_path / "back"
    server.aws("s3", "sync", "s3://cli-bucket/synced/", str(back))
    assert (back / "nested" / "b.bin").read_bytes() == (source / "nested" / "b.bin").read_bytes()
    assert (back / "a.txt").read_text() == "alpha"
    server.aws("s3", "rm", "s3://cli-bucket/", "--recursive")
    server.aws("s3", "rb", "s3://cli-bucket")


def test_s3api(server: Server, tmp_path: Path) -> None:
    server.aws("s3api", "create-bucket", "--bucket", "api-bucket")
    body = tmp_path / "body.txt"
    body.write_text("hello")
    put = json.loads(
        server.aws("s3api", "put-object", "--bucket", "api-bucket", "--key", "k", "--body", str(body)).stdout
    )
    assert put["ETag"] == '"5d41402abc4b2a76b9719d911017c592"'
    head = json.loads(server.aws("s3api", "head-object", "--bucket", "api-bucket", "--key", "k").stdout)
    assert head["ContentLength"] == 5
    out = tmp_path / "out.txt"
    server.aws("s3api", "get-object", "--bucket", "api-bucket", "--key", "k", str(out))
    assert out.read_text() == "hello"
    missing = server.aws(
        "s3api", "get-object", "--bucket", "api-bucket", "--key", "nope", str(out), check=False
    )
    assert missing.returncode != 0
    assert "NoSuchKey" in missing.stderr
