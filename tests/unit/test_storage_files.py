"""Blob-file reads from the page cache and memory maps (storage/files.py)."""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cloudlet.storage import files

DATA = bytes(range(256)) * 1024  # 256 KiB, every offset distinguishable by its neighbours


@pytest.fixture
def fd(tmp_path: Path) -> Iterator[int]:
    path = tmp_path / "blob"
    path.write_bytes(DATA)
    descriptor = os.open(path, os.O_RDONLY)
    os.read(descriptor, len(DATA))  # in the page cache now
    yield descriptor
    os.close(descriptor)


def test_read_cached_reads_a_cached_range(fd: int) -> None:
    if getattr(os, "RWF_NOWAIT", None) is None:
        pytest.skip("no RWF_NOWAIT on this platform")
    assert files.read_cached(fd, 1000, 5) == DATA[5:1005]
    assert files.probably_cached(fd, 0, len(DATA))


def test_read_cached_refuses_what_it_cannot_read_whole(fd: int) -> None:
    assert files.read_cached(fd, 10, len(DATA) - 5) is None  # past the end: read it from a thread
    assert files.read_cached(fd, 0, 0) is None


@pytest.mark.parametrize("offset", [0, 1, mmap.ALLOCATIONGRANULARITY - 1, mmap.ALLOCATIONGRANULARITY + 7])
@pytest.mark.parametrize("populate", [False, True])
def test_map_range_views_the_exact_bytes(fd: int, offset: int, populate: bool) -> None:
    view = files.map_range(fd, offset, 3000, populate)
    assert len(view) == 3000
    assert view == DATA[offset : offset + 3000]
    view.release()
