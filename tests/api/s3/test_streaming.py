"""A 200 MB upload and download with the AWS CLI keep the server's memory flat."""

from __future__ import annotations

import filecmp
import os
from pathlib import Path

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
        big = tmp_path / "big.bin"
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
        # Nothing left behind in the spool.
        assert list((server.data_dir / "spool").iterdir()) == []
    finally:
        server.cleanup()
