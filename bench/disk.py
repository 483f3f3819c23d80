"""What the disk under the benchmark's work dir allows from Python, with no HTTP: the floor
under a durable object store's writes and the ceiling of its reads.

- durable write: create a temp file, write the body, fsync, rename (what cloudlet does for
  every object before it commits the metadata), 1 KiB and 10 MiB bodies;
- page-cache read: pread of a 10 MiB file that was just written.

S3's benchmark prints these after its tables, and the best put-1k rate a server could reach
on one thread if it did nothing but that durable write on top of the null server's work:
1 / (1 / null rate + fsync floor)."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path
from typing import Any

KIB = 1024
MIB = 1024 * 1024
SMALL_WRITES = 300
BIG_WRITES = 5
BIG_READS = 20


def durable_write(folder: Path, name: str, body: bytes) -> None:
    temp = folder / f"{name}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(body)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, folder / name)


def measure(workdir: Path) -> dict[str, float]:
    folder = workdir / "disk"
    folder.mkdir(parents=True, exist_ok=True)
    small = os.urandom(KIB)
    times = []
    for i in range(SMALL_WRITES):
        start = time.perf_counter()
        durable_write(folder, f"small-{i}", small)
        times.append(time.perf_counter() - start)
    big = os.urandom(10 * MIB)
    start = time.perf_counter()
    for i in range(BIG_WRITES):
        durable_write(folder, f"big-{i}", big)
    write_seconds = time.perf_counter() - start
    fd = os.open(folder / "big-0", os.O_RDONLY)
    try:
        start = time.perf_counter()
        for _ in range(BIG_READS):
            if len(os.pread(fd, len(big), 0)) != len(big):
                raise RuntimeError("short read")
        read_seconds = time.perf_counter() - start
    finally:
        os.close(fd)
    return {
        "durable_write_1k_p50_ms": statistics.median(times) * 1000,
        "durable_write_10m_mib_per_second": BIG_WRITES * 10 / write_seconds,
        "page_cache_read_10m_mib_per_second": BIG_READS * 10 / read_seconds,
    }


def s3_reference(workdir: Path, results: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    figures: dict[str, Any] = measure(workdir)
    floor = figures["durable_write_1k_p50_ms"]
    lines = [
        "== The disk under the data dir, from Python, no HTTP (the floor of a durable write) ==",
        f"create + write + fsync + rename of a 1 KiB file: p50 {floor:.2f} ms",
        f"the same of a 10 MiB file: {figures['durable_write_10m_mib_per_second']:.0f} MiB/s",
        f"pread of a 10 MiB file from the page cache: {figures['page_cache_read_10m_mib_per_second']:.0f} MiB/s",
    ]
    null_rate = results.get("put-1k", {}).get("1", {}).get("null", {}).get("rate")
    if null_rate:
        ceiling = 1 / (1 / null_rate + floor / 1000)
        figures["put_1k_durable_ceiling"] = ceiling
        lines.append(
            f"put-1k, 1 thread: null + that durable write alone = {ceiling:.0f} objects/s"
            f" ({ceiling / null_rate:.1%} of null), before any other work"
        )
    return figures, lines
