"""Handing freed heap memory back to the operating system."""

from __future__ import annotations

import ctypes
import ctypes.util


def release_freed_memory() -> None:
    """glibc keeps the heap memory Python frees for reuse; malloc_trim returns what it can to
    the OS. Startup parses every service's model and drops most of it: trimming once after
    it lowers the server's resident memory for good. A no-op where there is no glibc."""
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
