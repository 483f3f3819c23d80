"""DynamoDB's SQL for tables and items (schema/001_init.sql).

An item is addressed by (table_id, hash, pk, sk): pk and sk are order-preserving encodings
of its key values and hash a 32-bit hash of pk. Every read below is a range of that primary
key (or of ddb_index_items' for an index), so a Query reads only its page.

The stream tables (ddb_streams, ddb_stream_records) are written by stream_store.py and read
by the dynamodbstreams provider with its own SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from cloudlet.storage import Database
from cloudlet.storage.db import Transaction

Reader = Database | Transaction
Bound = tuple[bytes, bool]  # (encoded value, inclusive)


class Row(Protocol):
    def __getitem__(self, key: str, /) -> Any: ...


# -- tables ------------------------------------------------------------------------------------


def find_table(db: Reader, account: str, region: str, name: str) -> Row | None:
    return db.one(
        "SELECT id, definition FROM ddb_tables WHERE account = ? AND region = ? AND name = ?",
        (account, region, name),
    )


def table_scope(db: Reader, table_id: int) -> tuple[str, str, str] | None:
    row = db.one("SELECT account, region, name FROM ddb_tables WHERE id = ?", (table_id,))
    return None if row is None else (str(row["account"]), str(row["region"]), str(row["name"]))


def insert_table(tx: Transaction, account: str, region: str, name: str, definition: str) -> int:
    row = tx.one(
        "INSERT INTO ddb_tables (account, region, name, definition) VALUES (?, ?, ?, ?) RETURNING id",
        (account, region, name, definition),
    )
    assert row is not None
    return int(row["id"])


def save_table(tx: Transaction, table_id: int, definition: str) -> None:
    tx.execute("UPDATE ddb_tables SET definition = ? WHERE id = ?", (definition, table_id))


def delete_table(tx: Transaction, table_id: int) -> None:
    tx.execute("DELETE FROM ddb_items WHERE table_id = ?", (table_id,))
    tx.execute("DELETE FROM ddb_index_items WHERE table_id = ?", (table_id,))
    tx.execute("DELETE FROM ddb_tables WHERE id = ?", (table_id,))


def table_names(db: Reader, account: str, region: str, after: str, limit: int) -> list[str]:
    rows = db.all(
        "SELECT name FROM ddb_tables WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?",
        (account, region, after, limit),
    )
    return [str(r["name"]) for r in rows]


def table_stats(db: Reader, table_id: int) -> tuple[int, int]:
    row = db.one(
        "SELECT count(*) AS n, coalesce(sum(size), 0) AS b FROM ddb_items WHERE table_id = ?", (table_id,)
    )
    assert row is not None
    return int(row["n"]), int(row["b"])


def index_stats(db: Reader, table_id: int) -> dict[str, tuple[int, int]]:
    rows = db.all(
        "SELECT index_name, count(*) AS n, sum(size) AS b FROM ddb_index_items WHERE table_id = ?"
        " GROUP BY index_name",
        (table_id,),
    )
    return {str(r["index_name"]): (int(r["n"]), int(r["b"])) for r in rows}


def collection_size(db: Reader, table_id: int, hash_: int, pk: bytes, local_indexes: Sequence[str]) -> int:
    """Bytes of one item collection: a partition's items and their local index entries
    (a local index shares the table's partition key, so its entries share hash and pk)."""
    row = db.one(
        "SELECT coalesce(sum(size), 0) AS b FROM ddb_items WHERE table_id = ? AND hash = ? AND pk = ?",
        (table_id, hash_, pk),
    )
    total = 0 if row is None else int(row["b"])
    for index in local_indexes:
        row = db.one(
            "SELECT coalesce(sum(size), 0) AS b FROM ddb_index_items"
            " WHERE table_id = ? AND index_name = ? AND hash = ? AND pk = ?",
            (table_id, index, hash_, pk),
        )
        total += 0 if row is None else int(row["b"])
    return total


# -- items -------------------------------------------------------------------------------------


def get_item(db: Reader, table_id: int, hash_: int, pk: bytes, sk: bytes) -> str | None:
    row = db.one(
        "SELECT item FROM ddb_items WHERE table_id = ? AND hash = ? AND pk = ? AND sk = ?",
        (table_id, hash_, pk, sk),
    )
    return None if row is None else str(row["item"])


def put_item(
    tx: Transaction,
    table_id: int,
    hash_: int,
    pk: bytes,
    sk: bytes,
    item: str,
    size: int,
    expires_at: float | None,
) -> None:
    tx.execute(
        "INSERT OR REPLACE INTO ddb_items (table_id, hash, pk, sk, item, size, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (table_id, hash_, pk, sk, item, size, expires_at),
    )


def delete_item(tx: Transaction, table_id: int, hash_: int, pk: bytes, sk: bytes) -> None:
    tx.execute(
        "DELETE FROM ddb_items WHERE table_id = ? AND hash = ? AND pk = ? AND sk = ?",
        (table_id, hash_, pk, sk),
    )


def all_items(db: Reader, table_id: int, after: tuple[int, bytes, bytes] | None, limit: int) -> Sequence[Row]:
    """A chunk of a table's items in scan order (for backfills and TTL changes)."""
    if after is None:
        return db.all(
            "SELECT hash, pk, sk, item FROM ddb_items WHERE table_id = ? ORDER BY hash, pk, sk LIMIT ?",
            (table_id, limit),
        )
    return db.all(
        "SELECT hash, pk, sk, item FROM ddb_items WHERE table_id = ? AND (hash, pk, sk) > (?, ?, ?)"
        " ORDER BY hash, pk, sk LIMIT ?",
        (table_id, *after, limit),
    )


def set_expiry(tx: Transaction, table_id: int, hash_: int, pk: bytes, sk: bytes, at: float | None) -> None:
    tx.execute(
        "UPDATE ddb_items SET expires_at = ? WHERE table_id = ? AND hash = ? AND pk = ? AND sk = ?",
        (at, table_id, hash_, pk, sk),
    )


def clear_expiry(tx: Transaction, table_id: int) -> None:
    tx.execute(
        "UPDATE ddb_items SET expires_at = NULL WHERE table_id = ? AND expires_at IS NOT NULL", (table_id,)
    )


def next_expiry(db: Reader) -> float | None:
    row = db.one("SELECT min(expires_at) AS at FROM ddb_items WHERE expires_at IS NOT NULL")
    return None if row is None or row["at"] is None else float(row["at"])


def expired_items(db: Reader, now: float, limit: int) -> Sequence[Row]:
    return db.all(
        "SELECT table_id, hash, pk, sk, item FROM ddb_items WHERE expires_at IS NOT NULL AND expires_at <= ?"
        " ORDER BY expires_at LIMIT ?",
        (now, limit),
    )


# -- ranges: Query and Scan --------------------------------------------------------------------


def query_items(
    db: Reader,
    table_id: int,
    hash_: int,
    pk: bytes,
    low: Bound | None,
    high: Bound | None,
    forward: bool,
    after: bytes | None,
    limit: int,
) -> Sequence[Row]:
    """One partition's items with sk within [low, high], past `after`, in sk order."""
    sql = ["SELECT sk, item, size FROM ddb_items WHERE table_id = ? AND hash = ? AND pk = ?"]
    args: list[Any] = [table_id, hash_, pk]
    _bounds(sql, args, "sk", low, high)
    if after is not None:
        sql.append("AND sk > ?" if forward else "AND sk < ?")
        args.append(after)
    sql.append("ORDER BY sk" if forward else "ORDER BY sk DESC")
    sql.append("LIMIT ?")
    args.append(limit)
    return db.all(" ".join(sql), args)


def query_index(
    db: Reader,
    table_id: int,
    index: str,
    hash_: int,
    pk: bytes,
    low: Bound | None,
    high: Bound | None,
    forward: bool,
    after: tuple[bytes, bytes, bytes] | None,
    limit: int,
) -> Sequence[Row]:
    sql = ["SELECT sk, tpk, tsk, item, size FROM ddb_index_items WHERE table_id = ? AND index_name = ?"]
    sql.append("AND hash = ? AND pk = ?")
    args: list[Any] = [table_id, index, hash_, pk]
    _bounds(sql, args, "sk", low, high)
    if after is not None:
        sql.append("AND (sk, tpk, tsk) > (?, ?, ?)" if forward else "AND (sk, tpk, tsk) < (?, ?, ?)")
        args.extend(after)
    sql.append("ORDER BY sk, tpk, tsk" if forward else "ORDER BY sk DESC, tpk DESC, tsk DESC")
    sql.append("LIMIT ?")
    args.append(limit)
    return db.all(" ".join(sql), args)


def scan_items(
    db: Reader, table_id: int, hashes: tuple[int, int], after: Sequence[Any] | None, limit: int
) -> Sequence[Row]:
    sql = "SELECT hash, pk, sk, item, size FROM ddb_items WHERE table_id = ? AND hash BETWEEN ? AND ?"
    args: list[Any] = [table_id, *hashes]
    if after is not None:
        sql += " AND (hash, pk, sk) > (?, ?, ?)"
        args.extend(after)
    return db.all(sql + " ORDER BY hash, pk, sk LIMIT ?", [*args, limit])


def scan_index(
    db: Reader, table_id: int, index: str, hashes: tuple[int, int], after: Sequence[Any] | None, limit: int
) -> Sequence[Row]:
    sql = (
        "SELECT hash, pk, sk, tpk, tsk, item, size FROM ddb_index_items"
        " WHERE table_id = ? AND index_name = ? AND hash BETWEEN ? AND ?"
    )
    args: list[Any] = [table_id, index, *hashes]
    if after is not None:
        sql += " AND (hash, pk, sk, tpk, tsk) > (?, ?, ?, ?, ?)"
        args.extend(after)
    return db.all(sql + " ORDER BY hash, pk, sk, tpk, tsk LIMIT ?", [*args, limit])


def _bounds(sql: list[str], args: list[Any], column: str, low: Bound | None, high: Bound | None) -> None:
    if low is not None:
        sql.append(f"AND {column} >= ?" if low[1] else f"AND {column} > ?")
        args.append(low[0])
    if high is not None:
        sql.append(f"AND {column} <= ?" if high[1] else f"AND {column} < ?")
        args.append(high[0])


# -- secondary index entries -------------------------------------------------------------------

IndexEntry = tuple[int, bytes, bytes, bytes, bytes]  # hash, pk, sk, tpk, tsk


def put_index_entry(
    tx: Transaction, table_id: int, index: str, entry: IndexEntry, item: str, size: int
) -> None:
    tx.execute(
        "INSERT OR REPLACE INTO ddb_index_items (table_id, index_name, hash, pk, sk, tpk, tsk, item, size)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (table_id, index, *entry, item, size),
    )


def delete_index_entry(tx: Transaction, table_id: int, index: str, entry: IndexEntry) -> None:
    tx.execute(
        "DELETE FROM ddb_index_items WHERE table_id = ? AND index_name = ? AND hash = ? AND pk = ?"
        " AND sk = ? AND tpk = ? AND tsk = ?",
        (table_id, index, *entry),
    )


def drop_index(tx: Transaction, table_id: int, index: str) -> None:
    tx.execute("DELETE FROM ddb_index_items WHERE table_id = ? AND index_name = ?", (table_id, index))


# -- TransactWriteItems tokens -----------------------------------------------------------------


def find_token(db: Reader, account: str, region: str, token: str, now: float) -> Row | None:
    return db.one(
        "SELECT fingerprint, response FROM ddb_transaction_tokens"
        " WHERE account = ? AND region = ? AND token = ? AND expires_at > ?",
        (account, region, token, now),
    )


def save_token(
    tx: Transaction, account: str, region: str, token: str, fingerprint: str, response: str, expires_at: float
) -> None:
    tx.execute(
        "INSERT OR REPLACE INTO ddb_transaction_tokens (account, region, token, fingerprint, response, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (account, region, token, fingerprint, response, expires_at),
    )


def forget_tokens(tx: Transaction, now: float) -> None:
    tx.execute("DELETE FROM ddb_transaction_tokens WHERE expires_at <= ?", (now,))
