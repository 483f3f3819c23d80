"""Reads of blob files that skip the thread hop when the page cache already holds the bytes.

A read from a thread costs a hand-off to a worker and a wake-up of the event loop, often
more than the read itself. preadv2 with RWF_NOWAIT (Linux 4.14+) copies from the page cache
without ever blocking, and fails with EAGAIN when it would have to wait for the disk; only
then is the read worth a thread.

Large bodies are sent from memory maps of the file rather than from copies: the socket
copies straight out of the page cache, which halves the memory traffic of a download. The
caller keeps files it maps immutable (blobs are never rewritten, only unlinked, which a
mapping survives)."""

from __future__ import annotations

import mmap
import os

_NOWAIT: int | None = getattr(os, "RWF_NOWAIT", None)
_POPULATE: int = getattr(mmap, "MAP_POPULATE", 0)


def read_cached(fd: int, length: int, offset: int) -> bytearray | None:
    """The `length` bytes at `offset` if the page cache holds all of them, without blocking;
    None otherwise (not cached, past the end of the file, or no RWF_NOWAIT here): read
    them from a thread then."""
    if _NOWAIT is None or length <= 0:
        return None
    buffer = bytearray(length)
    try:
        count = os.preadv(fd, [buffer], offset, _NOWAIT)
    except OSError:  # EAGAIN (not cached), EOPNOTSUPP (a file system without it)
        return None
    return buffer if count == length else None


def probably_cached(fd: int, offset: int, length: int) -> bool:
    """Whether the first and the last byte of the range are in the page cache: files are
    written front to back and evicted a page at a time, so this is a cheap probe for the
    whole range (a miss in between costs a short stall of the caller, nothing worse)."""
    return read_cached(fd, 1, offset) is not None and read_cached(fd, 1, offset + length - 1) is not None


def map_range(fd: int, offset: int, length: int, populate: bool = False) -> memoryview:
    """A read-only view of the file's bytes [offset, offset + length), mapped, not copied;
    unmapped when the last reference to the view goes. `populate` faults every page in
    now (reading from the disk as needed: call it from a thread then)."""
    aligned = offset - offset % mmap.ALLOCATIONGRANULARITY
    flags = mmap.MAP_SHARED | (_POPULATE if populate else 0)
    window = mmap.mmap(fd, length + offset - aligned, flags=flags, prot=mmap.PROT_READ, offset=aligned)
    return memoryview(window)[offset - aligned :]
