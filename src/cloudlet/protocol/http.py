"""Plain HTTP request/response values passed between the gateway and the codec."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qsl

from cloudlet.storage.files import map_range, probably_cached

STREAM_CHUNK = 256 * 1024  # one memory map each


class Headers:
    """Case-insensitive, multi-valued HTTP headers; iteration yields (name, value) pairs."""

    __slots__ = ("_items", "_index")

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: list[tuple[str, str]] = []
        self._index: dict[str, str] = {}
        for name, value in items:
            self.add(name, value)

    def add(self, name: str, value: str) -> None:
        self._items.append((name, value))
        key = name.lower()
        self._index[key] = f"{self._index[key]},{value}" if key in self._index else value

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._index.get(name.lower(), default)

    def __getitem__(self, name: str) -> str:
        return self._index[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._index

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._items)

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


@dataclass
class HttpRequest:
    method: str
    path: str  # percent-decoded path, e.g. "/000000000000/my-queue"
    query_string: str = ""  # raw, still percent-encoded
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    raw_path: str = ""  # the path as sent, still percent-encoded ("" = same as path)
    host: str = ""  # Host header (without scheme)
    scheme: str = "http"
    # A large upload spooled to disk instead of `body` (which is then b""), aws-chunked
    # framing already removed; its trailing headers (flexible checksums) are in `trailers`.
    body_file: Path | None = None
    trailers: list[tuple[str, str]] = field(default_factory=list)
    body_digests: dict[str, bytes] = field(default_factory=dict)  # of body_file: algorithm -> digest

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query_string, keep_blank_values=True)

    @property
    def url_root(self) -> str:
        """scheme://host of the request, for URLs we hand back (queue URLs)."""
        return f"{self.scheme}://{self.host}"


@dataclass(frozen=True)
class SpooledBody:
    """A request payload on disk (what a streaming payload member holds for spooled uploads)."""

    path: Path
    size: int
    digests: dict[str, bytes] = field(default_factory=dict)  # computed as it arrived: algorithm -> digest


class FileStream:
    """A response payload sent from an open file, one memory map of STREAM_CHUNK at a time.

    The file is opened by the provider (so a concurrent overwrite cannot swap it) and closed
    here once sent, or by close() when the body is never sent (HEAD, 304)."""

    def __init__(self, file: BinaryIO, offset: int, length: int) -> None:
        self.file = file
        self.offset = offset
        self.length = length

    async def chunks(self) -> AsyncIterator[memoryview]:
        remaining = self.length
        position = self.offset
        fd = self.file.fileno()
        try:
            while remaining > 0:
                size = min(STREAM_CHUNK, remaining)
                if probably_cached(fd, position, size):
                    yield map_range(fd, position, size)
                else:  # faulting the pages in reads the disk: not on the event loop
                    yield await asyncio.to_thread(map_range, fd, position, size, True)
                position += size
                remaining -= size
        finally:
            self.close()

    def read_all(self) -> bytes:
        """The whole payload at once (in-process clients, tests)."""
        try:
            return os.pread(self.file.fileno(), self.length, self.offset)
        finally:
            self.close()

    def close(self) -> None:
        self.file.close()


@dataclass
class HttpResponse:
    status: int = 200
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    stream: FileStream | None = None  # when set, the body is sent from it (body is b"")
