"""Object bytes on disk: <data dir>/s3/blobs/<xx>/<id>, one file per object version or part.

Files are named by a generated id, never by key, so no key ("../x", "/", unicode) can reach
outside the folder. A blob is written to a temp file, fsynced, then renamed into place before
the metadata naming it commits; a crash in between leaves an unreferenced file, never a
reference to a missing one. Every method but read_cached blocks: call them through
asyncio.to_thread."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import secrets
import shutil
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cloudlet.protocol import checksums
from cloudlet.protocol.http import SpooledBody
from cloudlet.storage.files import read_cached

CHUNK = 256 * 1024  # small: several uploads hash at once, each holding one chunk


@dataclass
class Written:
    blob: str
    size: int
    md5: str  # hex
    checksums: dict[str, str] = field(default_factory=dict)  # algorithm -> base64


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.blobs = root / "blobs"
        self.tmp = root / "tmp"
        self._folders: set[str] = set()  # folders known to exist: no mkdir per write

    def path(self, blob: str) -> str:
        return os.path.join(self.blobs, blob[:2], blob)

    def open(self, blob: str) -> io.BufferedReader:
        return open(self.path(blob), "rb")  # noqa: SIM115 - the caller closes it

    def read(self, blob: str, start: int = 0, length: int | None = None) -> bytes:
        with self.open(blob) as file:
            file.seek(start)
            return file.read() if length is None else file.read(length)

    def read_cached(self, blob: str, start: int, length: int) -> bytes | None:
        """The range, if the page cache holds all of it (no blocking: callable on the event
        loop); None otherwise, and then read() it from a thread."""
        fd = os.open(self.path(blob), os.O_RDONLY)
        try:
            found = read_cached(fd, length, start)
        finally:
            os.close(fd)
        return bytes(found) if found is not None else None

    # -- writing ---------------------------------------------------------------------------------
    def write(self, source: bytes | SpooledBody, algorithms: Iterable[str] = ()) -> Written:
        """A new blob holding `source`, hashed (MD5 and `algorithms`) on the way, or before:
        a spooled body hashed as it arrived is only synced and moved into place."""
        if not isinstance(source, SpooledBody):
            return self.write_chunks([source], algorithms)
        wanted = {"MD5", *algorithms}
        with open(source.path, "rb") as file:
            if wanted <= source.digests.keys():
                digests = {a: source.digests[a] for a in wanted}
            else:
                hashers = _hashers(algorithms)
                buffer = bytearray(CHUNK)  # reused: no fresh allocation per chunk in this thread
                while count := file.readinto(buffer):
                    for h in hashers.values():
                        h.update(memoryview(buffer)[:count])
                digests = _digests(hashers)
            os.fsync(file.fileno())
        blob = self._new_id()
        self._place(source.path, blob)
        return _written(blob, source.size, digests)

    def write_chunks(self, chunks: Iterable[bytes | memoryview], algorithms: Iterable[str] = ()) -> Written:
        hashers = _hashers(algorithms)
        size = 0
        name = os.path.join(self._folder(str(self.tmp)), self._new_id())
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            try:
                for chunk in chunks:
                    view = memoryview(chunk)
                    while view:
                        view = view[os.write(fd, view) :]
                    size += len(chunk)  # memoryviews here are of bytes: len is the byte count
                    for h in hashers.values():
                        h.update(chunk)
                os.fsync(fd)
            finally:
                os.close(fd)
            blob = self._new_id()
            self._place(name, blob)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)
            raise
        return _written(blob, size, _digests(hashers))

    def concat(self, pieces: Iterable[tuple[str, int, int]], algorithms: Iterable[str] = ()) -> Written:
        """A new blob of the (blob, start, length) ranges, in order (multipart, copies)."""
        return self.write_chunks(self._ranges(pieces), algorithms)

    def _ranges(self, pieces: Iterable[tuple[str, int, int]]) -> Iterator[memoryview]:
        buffer = bytearray(CHUNK)  # reused: each chunk is written before the next is read
        for blob, start, length in pieces:
            with self.open(blob) as file:
                file.seek(start)
                remaining = length
                while remaining > 0:
                    count = file.readinto(memoryview(buffer)[: min(CHUNK, remaining)])
                    if not count:
                        break
                    remaining -= count
                    yield memoryview(buffer)[:count]

    def delete(self, blobs: Iterable[str | None]) -> None:
        for blob in blobs:
            if blob:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path(blob))

    def wipe(self, blobs: bool = True) -> None:
        """Forget every blob (or, with blobs=False, only the temp files a crash left): the
        folders are renamed away at once and removed in a thread."""
        trash = self.root / f"trash-{secrets.token_hex(8)}"
        for folder in (self.blobs, self.tmp) if blobs else (self.tmp,):
            if folder.exists():
                trash.mkdir(parents=True, exist_ok=True)
                os.replace(folder, trash / folder.name)
        self._folders.clear()
        self.sweep_trash()

    def sweep_trash(self) -> None:
        """Remove what wipe() set aside (in a daemon thread)."""
        leftovers = list(self.root.glob("trash-*")) if self.root.exists() else []
        if leftovers:
            threading.Thread(target=_remove_all, args=(leftovers,), daemon=True).start()

    def _new_id(self) -> str:
        return secrets.token_hex(16)

    def _place(self, source: str | Path, blob: str) -> None:
        os.replace(source, os.path.join(self._folder(os.path.join(self.blobs, blob[:2])), blob))

    def _folder(self, folder: str) -> str:
        if folder not in self._folders:
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        return folder


def _remove_all(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _hashers(algorithms: Iterable[str]) -> dict[str, checksums.Hasher]:
    found: dict[str, checksums.Hasher] = {"MD5": hashlib.md5()}
    for algorithm in algorithms:
        found[algorithm] = checksums.hasher(algorithm)
    return found


def _digests(hashers: dict[str, checksums.Hasher]) -> dict[str, bytes]:
    return {name: h.digest() for name, h in hashers.items()}


def _written(blob: str, size: int, digests: dict[str, bytes]) -> Written:
    md5 = digests.pop("MD5").hex()
    return Written(blob, size, md5, {name: checksums.encode(digest) for name, digest in digests.items()})
