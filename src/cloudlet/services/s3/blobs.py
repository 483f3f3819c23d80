"""Object bytes on disk: <data dir>/s3/blobs/<xx>/<id>, one file per object version or part.

Files are named by a generated id, never by key, so no key ("../x", "/", unicode) can reach
outside the folder. A blob is written to a temp file, fsynced, then renamed into place before
the metadata naming it commits; a crash in between leaves an unreferenced file, never a
reference to a missing one. Every method blocks: call them through asyncio.to_thread."""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cloudlet.protocol.http import SpooledBody
from cloudlet.services.s3 import checksums

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

    def path(self, blob: str) -> Path:
        return self.blobs / blob[:2] / blob

    def open(self, blob: str) -> io.BufferedReader:
        return open(self.path(blob), "rb")  # noqa: SIM115 - the caller closes it

    def read(self, blob: str, start: int = 0, length: int | None = None) -> bytes:
        with self.open(blob) as file:
            file.seek(start)
            return file.read() if length is None else file.read(length)

    # -- writing ---------------------------------------------------------------------------------
    def write(self, source: bytes | SpooledBody, algorithms: Iterable[str] = ()) -> Written:
        """A new blob holding `source`, hashed (MD5 and `algorithms`) on the way."""
        if isinstance(source, SpooledBody):
            hashers = _hashers(algorithms)
            size = 0
            with open(source.path, "rb") as file:
                buffer = bytearray(CHUNK)  # reused: no fresh allocation per chunk in this thread
                while count := file.readinto(buffer):
                    chunk = memoryview(buffer)[:count]
                    size += count
                    for h in hashers.values():
                        h.update(chunk)
                os.fsync(file.fileno())
            blob = self._new_id()
            self._place(source.path, blob)
            return _written(blob, size, hashers)
        return self.write_chunks([source], algorithms)

    def write_chunks(self, chunks: Iterable[bytes | memoryview], algorithms: Iterable[str] = ()) -> Written:
        hashers = _hashers(algorithms)
        size = 0
        self.tmp.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.tmp)
        try:
            with os.fdopen(fd, "wb") as file:
                for chunk in chunks:
                    file.write(chunk)
                    size += len(chunk)  # memoryviews here are of bytes: len is the byte count
                    for h in hashers.values():
                        h.update(chunk)
                file.flush()
                os.fsync(file.fileno())
            blob = self._new_id()
            self._place(Path(name), blob)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        return _written(blob, size, hashers)

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
                self.path(blob).unlink(missing_ok=True)

    def wipe(self, blobs: bool = True) -> None:
        """Forget every blob (or, with blobs=False, only the temp files a crash left): the
        folders are renamed away at once and removed in a thread."""
        trash = self.root / f"trash-{secrets.token_hex(8)}"
        for folder in (self.blobs, self.tmp) if blobs else (self.tmp,):
            if folder.exists():
                trash.mkdir(parents=True, exist_ok=True)
                os.replace(folder, trash / folder.name)
        self.sweep_trash()

    def sweep_trash(self) -> None:
        """Remove what wipe() set aside (in a daemon thread)."""
        leftovers = list(self.root.glob("trash-*")) if self.root.exists() else []
        if leftovers:
            threading.Thread(target=_remove_all, args=(leftovers,), daemon=True).start()

    def _new_id(self) -> str:
        return secrets.token_hex(16)

    def _place(self, source: Path, blob: str) -> None:
        target = self.path(blob)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)


def _remove_all(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _hashers(algorithms: Iterable[str]) -> dict[str, checksums.Hasher]:
    found: dict[str, checksums.Hasher] = {"MD5": hashlib.md5()}
    for algorithm in algorithms:
        found[algorithm] = checksums.hasher(algorithm)
    return found


def _written(blob: str, size: int, hashers: dict[str, checksums.Hasher]) -> Written:
    md5 = hashers.pop("MD5").digest().hex()
    return Written(blob, size, md5, {name: checksums.encode(h.digest()) for name, h in hashers.items()})
