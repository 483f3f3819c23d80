"""S3's SQL: buckets, object versions, multipart uploads and parts.

Keys compare as SQLite TEXT (BINARY collation: memcmp of the UTF-8), which is the UTF-8 binary
order S3 lists keys in."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

from cloudlet.storage import Database
from cloudlet.storage.db import Transaction

Reader = Database | Transaction


class Row(Protocol):
    def __getitem__(self, key: str, /) -> Any: ...


# -- buckets -----------------------------------------------------------------------------------


def find_bucket(db: Reader, name: str) -> Row | None:
    return db.one("SELECT * FROM s3_buckets WHERE name = ?", (name,))


def insert_bucket(tx: Transaction, name: str, account: str, region: str, now: float) -> None:
    tx.execute(
        "INSERT INTO s3_buckets (name, account, region, created_at) VALUES (?, ?, ?, ?)",
        (name, account, region, now),
    )


def delete_bucket(tx: Transaction, name: str) -> list[str]:
    """Deletes the bucket and its unfinished uploads; returns the part blobs to remove."""
    blobs = [
        str(r["blob"])
        for r in tx.all(
            "SELECT p.blob FROM s3_parts p JOIN s3_uploads u USING (upload_id) WHERE u.bucket = ?", (name,)
        )
    ]
    tx.execute(
        "DELETE FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads WHERE bucket = ?)", (name,)
    )
    tx.execute("DELETE FROM s3_uploads WHERE bucket = ?", (name,))
    tx.execute("DELETE FROM s3_buckets WHERE name = ?", (name,))
    return blobs


def list_buckets(db: Reader, account: str, prefix: str, after: str, limit: int) -> Sequence[Row]:
    return db.all(
        "SELECT * FROM s3_buckets WHERE account = ? AND name > ? AND substr(name, 1, ?) = ?"
        " ORDER BY name LIMIT ?",
        (account, after, len(prefix), prefix, limit),
    )


def set_versioning(tx: Transaction, name: str, status: str, mfa_delete: str | None) -> None:
    tx.execute(
        "UPDATE s3_buckets SET versioning = ?, mfa_delete = coalesce(?, mfa_delete) WHERE name = ?",
        (status, mfa_delete, name),
    )


def set_config(tx: Transaction, name: str, kind: str, value: Any) -> None:
    """Store (or, with None, forget) one configuration of a bucket."""
    if value is None:
        tx.execute(
            "UPDATE s3_buckets SET configs = json_remove(configs, ?) WHERE name = ?", (f"$.{kind}", name)
        )
    else:
        tx.execute(
            "UPDATE s3_buckets SET configs = json_set(configs, ?, json(?)) WHERE name = ?",
            (f"$.{kind}", json.dumps(value, default=str), name),
        )


def has_objects(db: Reader, bucket: str) -> bool:
    return db.one("SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1", (bucket,)) is not None


# -- objects -----------------------------------------------------------------------------------


def current(db: Reader, bucket: str, key: str) -> Row | None:
    return db.one("SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND latest = 1", (bucket, key))


def version(db: Reader, bucket: str, key: str, version_id: str) -> Row | None:
    return db.one(
        "SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?", (bucket, key, version_id)
    )


def insert_version(
    tx: Transaction,
    bucket: str,
    key: str,
    version_id: str,
    *,
    blob: str | None,
    size: int,
    etag: str | None,
    now: float,
    meta: dict[str, Any],
    delete_marker: bool = False,
) -> list[str]:
    """Make a new current version of a key; returns the blobs no version refers to any more
    (a replaced "null" version)."""
    freed: list[str] = []
    if version_id == "null":
        old = version(tx, bucket, key, "null")
        if old is not None:
            if old["blob"]:
                freed.append(str(old["blob"]))
            tx.execute("DELETE FROM s3_objects WHERE id = ?", (old["id"],))
    tx.execute("UPDATE s3_objects SET latest = 0 WHERE bucket = ? AND key = ? AND latest = 1", (bucket, key))
    tx.execute(
        "INSERT INTO s3_objects (bucket, key, version_id, latest, delete_marker, blob, size, etag,"
        " last_modified, meta) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
        (bucket, key, version_id, int(delete_marker), blob, size, etag, now, json.dumps(meta, default=str)),
    )
    return freed


def delete_version(tx: Transaction, row: Row) -> None:
    """Delete one version; when it was the current one, the newest remaining becomes current."""
    tx.execute("DELETE FROM s3_objects WHERE id = ?", (row["id"],))
    if row["latest"]:
        tx.execute(
            "UPDATE s3_objects SET latest = 1 WHERE id = (SELECT max(id) FROM s3_objects"
            " WHERE bucket = ? AND key = ?)",
            (row["bucket"], row["key"]),
        )


def update_meta(tx: Transaction, row_id: int, meta: dict[str, Any]) -> None:
    tx.execute("UPDATE s3_objects SET meta = ? WHERE id = ?", (json.dumps(meta, default=str), row_id))


def list_current(db: Reader, bucket: str, prefix: str, after: str, limit: int) -> Sequence[Row]:
    """Current, non-deleted objects with keys > after that start with prefix, in key order: the
    columns a listing shows (storage_class, checksum_algorithm, checksum_type out of meta)."""
    return db.all(
        "SELECT key, last_modified, etag, size, json_extract(meta, '$.StorageClass') AS storage_class,"
        " json_extract(meta, '$.Checksum.algorithm') AS checksum_algorithm,"
        " json_extract(meta, '$.Checksum.type') AS checksum_type"
        " FROM s3_objects WHERE bucket = ? AND latest = 1 AND delete_marker = 0"
        " AND key > ? AND key >= ? AND substr(key, 1, ?) = ? ORDER BY key LIMIT ?",
        (bucket, after, prefix, len(prefix), prefix, limit),
    )


def list_versions(
    db: Reader, bucket: str, prefix: str, key_after: str, key_at: str | None, id_below: int | None, limit: int
) -> Sequence[Row]:
    """Versions in (key, newest first) order: keys > key_after, or == key_at with ids < id_below."""
    if key_at is not None and id_below is not None:
        return db.all(
            "SELECT * FROM s3_objects WHERE bucket = ? AND substr(key, 1, ?) = ?"
            " AND (key > ? OR (key = ? AND id < ?)) ORDER BY key, id DESC LIMIT ?",
            (bucket, len(prefix), prefix, key_at, key_at, id_below, limit),
        )
    return db.all(
        "SELECT * FROM s3_objects WHERE bucket = ? AND substr(key, 1, ?) = ? AND key > ?"
        " ORDER BY key, id DESC LIMIT ?",
        (bucket, len(prefix), prefix, key_after, limit),
    )


# -- multipart uploads --------------------------------------------------------------------------


def insert_upload(
    tx: Transaction, upload_id: str, bucket: str, key: str, now: float, meta: dict[str, Any]
) -> None:
    tx.execute(
        "INSERT INTO s3_uploads (upload_id, bucket, key, initiated, meta) VALUES (?, ?, ?, ?, ?)",
        (upload_id, bucket, key, now, json.dumps(meta, default=str)),
    )


def find_upload(db: Reader, upload_id: str) -> Row | None:
    return db.one("SELECT * FROM s3_uploads WHERE upload_id = ?", (upload_id,))


def delete_upload(tx: Transaction, upload_id: str, keep: set[str] | None = None) -> list[str]:
    """Forget an upload; returns its part blobs (but those in `keep`) for removal."""
    blobs = [str(r["blob"]) for r in tx.all("SELECT blob FROM s3_parts WHERE upload_id = ?", (upload_id,))]
    tx.execute("DELETE FROM s3_parts WHERE upload_id = ?", (upload_id,))
    tx.execute("DELETE FROM s3_uploads WHERE upload_id = ?", (upload_id,))
    return [b for b in blobs if not keep or b not in keep]


def complete_upload(tx: Transaction, upload_id: str, result: dict[str, Any], keep: str) -> list[str]:
    """Mark an upload completed (a repeated Complete answers the same); returns the part blobs."""
    blobs = [str(r["blob"]) for r in tx.all("SELECT blob FROM s3_parts WHERE upload_id = ?", (upload_id,))]
    tx.execute("DELETE FROM s3_parts WHERE upload_id = ?", (upload_id,))
    tx.execute(
        "UPDATE s3_uploads SET completed = ? WHERE upload_id = ?",
        (json.dumps(result, default=str), upload_id),
    )
    return [b for b in blobs if b != keep]


def list_uploads(
    db: Reader, bucket: str, prefix: str, key_marker: str, id_marker: str, limit: int
) -> Sequence[Row]:
    return db.all(
        "SELECT * FROM s3_uploads WHERE bucket = ? AND completed IS NULL AND substr(key, 1, ?) = ?"
        " AND (key > ? OR (key = ? AND upload_id > ?)) ORDER BY key, initiated, upload_id LIMIT ?",
        (bucket, len(prefix), prefix, key_marker, key_marker, id_marker, limit),
    )


def put_part(
    tx: Transaction,
    upload_id: str,
    number: int,
    blob: str,
    size: int,
    etag: str,
    now: float,
    sums: dict[str, str],
) -> str | None:
    """Store a part (replacing one of the same number); returns the replaced part's blob."""
    old = tx.one("SELECT blob FROM s3_parts WHERE upload_id = ? AND part_number = ?", (upload_id, number))
    tx.execute(
        "INSERT OR REPLACE INTO s3_parts (upload_id, part_number, blob, size, etag, last_modified, checksums)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (upload_id, number, blob, size, etag, now, json.dumps(sums)),
    )
    return None if old is None else str(old["blob"])


def parts(db: Reader, upload_id: str, after: int = 0, limit: int = 100_000) -> Sequence[Row]:
    return db.all(
        "SELECT * FROM s3_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?",
        (upload_id, after, limit),
    )
