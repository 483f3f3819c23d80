"""Reads of the stream tables that the dynamodb provider writes (its schema/001_init.sql,
documented in dynamodb/stream_store.py). This provider never writes them.

ddb_streams(id, arn, account, region, table_id, table_name, label, view_type, key_schema,
shard_id, created_at, start_seq, disabled_at, trimmed_seq); ddb_stream_records(seq,
stream_id, created_at, record). A record older than 24 hours counts as trimmed whether or
not the dynamodb retention sweep has deleted it yet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from cloudlet.storage import Database

RETENTION_S = 24 * 3600  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html


class Row(Protocol):
    def __getitem__(self, key: str, /) -> Any: ...


STREAM_COLUMNS = "id, arn, table_name, label, view_type, key_schema, shard_id, created_at, start_seq, disabled_at, trimmed_seq"


def list_streams(
    db: Database, account: str, region: str, table_name: str | None, after_id: int, limit: int
) -> Sequence[Row]:
    sql = "SELECT id, arn, table_name, label FROM ddb_streams WHERE account = ? AND region = ? AND id > ?"
    args: list[Any] = [account, region, after_id]
    if table_name is not None:
        sql += " AND table_name = ?"
        args.append(table_name)
    return db.all(sql + " ORDER BY id LIMIT ?", [*args, limit])


def find_stream(db: Database, account: str, region: str, arn: str) -> Row | None:
    return db.one(
        f"SELECT {STREAM_COLUMNS} FROM ddb_streams WHERE arn = ? AND account = ? AND region = ?",
        (arn, account, region),
    )


def horizon(db: Database, stream: Row, now: float) -> int:
    """The highest trimmed sequence number of a stream (0 if none)."""
    row = db.one(
        "SELECT max(seq) AS seq FROM ddb_stream_records WHERE stream_id = ? AND created_at < ?",
        (stream["id"], now - RETENTION_S),
    )
    aged = 0 if row is None or row["seq"] is None else int(row["seq"])
    return max(aged, int(stream["trimmed_seq"]))


def last_seq(db: Database, stream_id: int) -> int | None:
    row = db.one("SELECT max(seq) AS seq FROM ddb_stream_records WHERE stream_id = ?", (stream_id,))
    return None if row is None or row["seq"] is None else int(row["seq"])


def first_at_or_after(db: Database, stream_id: int, moment: float) -> int | None:
    row = db.one(
        "SELECT min(seq) AS seq FROM ddb_stream_records WHERE stream_id = ? AND created_at >= ?",
        (stream_id, moment),
    )
    return None if row is None or row["seq"] is None else int(row["seq"])


def records(db: Database, stream_id: int, from_seq: int, limit: int) -> Sequence[Row]:
    return db.all(
        "SELECT seq, record FROM ddb_stream_records WHERE stream_id = ? AND seq >= ? ORDER BY seq LIMIT ?",
        (stream_id, from_seq, limit),
    )
