"""A 200 MB upload and download with the AWS CLI (cp and sync), and a 200 MB POST Object
form, keep the server's memory flat."""

from __future__ import annotations

import filecmp
import hashlib
import http.client
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from harness import Server

SIZE_MB = 200
LIMIT_KB = 100 * 1024
# What moving 200 MB may add to the server's peak once warm (models loaded): flat, not O(size).
GROWTH_KB = 40 * 1024


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def test_large_file_round_trip_with_flat_memory(tmp_path: Path) -> None:
    # Its own server: the peak RSS must be this test's alone.
    server = Server().start()
    try:
        assert server.process is not None
        (tmp_path / "up").mkdir()
        big = tmp_path / "up" / "big.bin"
        block = os.urandom(1024 * 1024)
        with open(big, "wb") as handle:
            for _ in range(SIZE_MB):
                handle.write(block)
        server.aws("s3", "mb", "s3://stream-bucket")
        server.aws("s3", "ls", "s3://stream-bucket")
        warm = peak_rss_kb(server.process.pid)
        server.aws("s3", "cp", str(big), "s3://stream-bucket/big.bin")
        after_upload = peak_rss_kb(server.process.pid)
        back = tmp_path / "back.bin"
        server.aws("s3", "cp", "s3://stream-bucket/big.bin", str(back))
        after_download = peak_rss_kb(server.process.pid)
        assert filecmp.cmp(big, back, shallow=False)
        assert after_download - warm < GROWTH_KB, f"peak RSS grew {warm} -> {after_download} kB"
        assert after_upload < LIMIT_KB, f"peak RSS {after_upload} kB after the upload (warm: {warm} kB)"
        assert after_download < LIMIT_KB, f"peak RSS {after_download} kB after the download (warm: {warm} kB)"
        server.aws("s3", "sync", str(tmp_path / "up"), "s3://stream-bucket/synced/")
        server.aws("s3", "sync", "s3://stream-bucket/synced/", str(tmp_path / "down"))
        after_sync = peak_rss_kb(server.process.pid)
        assert filecmp.cmp(big, tmp_path / "down" / "big.bin", shallow=False)
        assert after_sync < LIMIT_KB, f"peak RSS {after_sync} kB after the syncs (warm: {warm} kB)"
        assert post_form(server, "stream-bucket", "posted.bin", big) == 204
        after_post = peak_rss_kb(server.process.pid)
        assert after_post < LIMIT_KB, f"peak RSS {after_post} kB after the POST (warm: {warm} kB)"
        md5 = hashlib.md5(big.read_bytes()).hexdigest()
        assert server.client("s3").head_object(Bucket="stream-bucket", Key="posted.bin")["ETag"] == f'"{md5}"'
        # Nothing left behind in the spool.
        assert list((server.data_dir / "spool").iterdir()) == []
    finally:
        server.cleanup()


def post_form(server: Server, bucket: str, key: str, path: Path) -> int:
    """A browser-style POST Object of the file, streamed from disk."""
    boundary = "streamed-form-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\n{key}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body() -> Iterator[bytes]:
        yield head
        with open(path, "rb") as handle:
            while block := handle.read(1024 * 1024):
                yield block
        yield tail

    length = len(head) + path.stat().st_size + len(tail)
    connection = http.client.HTTPConnection(urlsplit(server.endpoint).netloc, timeout=120)
    try:
        connection.request(
            "POST",
            f"/{bucket}",
            body=body(),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(length),
            },
        )
        return connection.getresponse().status
    finally:
        connection.close()
