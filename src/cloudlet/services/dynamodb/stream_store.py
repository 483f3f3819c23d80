"""The write side of the stream tables (schema/001_init.sql), SHARED with dynamodbstreams.

ddb_streams: one row per enabling of a table's stream (arn, label, view_type, key_schema,
shard_id, created_at, start_seq, disabled_at, trimmed_seq). ddb_stream_records: (seq, stream_id,
created_at, record JSON without SequenceNumber). dynamodbstreams reads both with its own SQL
and must agree with these columns; records older than 24 hours are trimmed here."""

from __future__ import annotations

from cloudlet.services.dynamodb.store import Reader, Row
from cloudlet.storage.db import Transaction

RETENTION_S = 24 * 3600  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html


def insert_stream(
    tx: Transaction,
    arn: str,
    account: str,
    region: str,
    table_id: int,
    table_name: str,
    label: str,
    view_type: str,
    key_schema: str,
    shard_id: str,
    now: float,
) -> int:
    row = tx.one(
        "INSERT INTO ddb_streams (arn, account, region, table_id, table_name, label, view_type, key_schema,"
        " shard_id, created_at, start_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'ddb_stream_records'), 0) + 1) RETURNING id",
        (arn, account, region, table_id, table_name, label, view_type, key_schema, shard_id, now),
    )
    assert row is not None
    return int(row["id"])


def find_stream(db: Reader, stream_id: int) -> Row | None:
    return db.one("SELECT id, arn, label, view_type FROM ddb_streams WHERE id = ?", (stream_id,))


def arn_taken(db: Reader, arn: str) -> bool:
    return db.one("SELECT 1 FROM ddb_streams WHERE arn = ?", (arn,)) is not None


def disable_stream(tx: Transaction, stream_id: int, now: float) -> None:
    tx.execute(
        "UPDATE ddb_streams SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL", (now, stream_id)
    )


def append(tx: Transaction, stream_id: int, now: float, record: str) -> int:
    row = tx.one(
        "INSERT INTO ddb_stream_records (stream_id, created_at, record) VALUES (?, ?, ?) RETURNING seq",
        (stream_id, now, record),
    )
    assert row is not None
    return int(row["seq"])


def trim(tx: Transaction, now: float) -> None:
    """Delete records past retention (remembering how far each stream was trimmed), and
    streams disabled for longer than retention once they hold no records."""
    cutoff = now - RETENTION_S
    tx.execute(
        "UPDATE ddb_streams SET trimmed_seq = (SELECT max(seq) FROM ddb_stream_records r"
        " WHERE r.stream_id = ddb_streams.id AND r.created_at < ?)"
        " WHERE id IN (SELECT DISTINCT stream_id FROM ddb_stream_records WHERE created_at < ?)",
        (cutoff, cutoff),
    )
    tx.execute("DELETE FROM ddb_stream_records WHERE created_at < ?", (cutoff,))
    tx.execute(
        "DELETE FROM ddb_streams WHERE disabled_at IS NOT NULL AND disabled_at < ?"
        " AND NOT EXISTS (SELECT 1 FROM ddb_stream_records r WHERE r.stream_id = ddb_streams.id)",
        (cutoff,),
    )
