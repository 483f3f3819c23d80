"""CloudWatch Logs' SQL. Times are epoch milliseconds on the virtual clock.

Events are read in (timestamp, id) order over the per-stream and per-group indexes, so a page
costs the same with a million events stored as with ten."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from cloudlet.storage import Database
from cloudlet.storage.db import Transaction

Reader = Database | Transaction

Position = tuple[int, int]  # (timestamp, id): events are ordered by it


class Row(Protocol):
    def __getitem__(self, key: str, /) -> Any: ...


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    account: str
    region: str
    name: str
    created_ms: int
    retention_days: int | None
    group_class: str
    kms_key_id: str | None
    deletion_protection: bool
    tags: dict[str, str]
    stored_bytes: int

    @classmethod
    def from_row(cls, row: Row) -> Group:
        return cls(
            id=int(row["id"]),
            account=str(row["account"]),
            region=str(row["region"]),
            name=str(row["name"]),
            created_ms=int(row["created_ms"]),
            retention_days=None if row["retention_days"] is None else int(row["retention_days"]),
            group_class=str(row["group_class"]),
            kms_key_id=row["kms_key_id"],
            deletion_protection=bool(row["deletion_protection"]),
            tags=json.loads(row["tags"]),
            stored_bytes=int(row["stored_bytes"]),
        )

    def oldest_kept(self, now_ms: int) -> int:
        """The earliest timestamp retention keeps (0: kept forever)."""
        return 0 if self.retention_days is None else now_ms - self.retention_days * 86_400_000


# -- groups -------------------------------------------------------------------------------------


def find_group(db: Reader, account: str, region: str, name: str) -> Group | None:
    row = db.one(
        "SELECT * FROM logs_groups WHERE account = ? AND region = ? AND name = ?", (account, region, name)
    )
    return None if row is None else Group.from_row(row)


def insert_group(
    tx: Transaction,
    account: str,
    region: str,
    name: str,
    now_ms: int,
    group_class: str,
    kms_key_id: str | None,
    deletion_protection: bool,
    tags: dict[str, str],
) -> bool:
    """False when the name is taken."""
    cursor = tx.execute(
        "INSERT OR IGNORE INTO logs_groups (account, region, name, created_ms, group_class, kms_key_id,"
        " deletion_protection, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (account, region, name, now_ms, group_class, kms_key_id, int(deletion_protection), json.dumps(tags)),
    )
    return cursor.rowcount == 1


def delete_group(tx: Transaction, group_id: int) -> None:
    tx.execute("DELETE FROM logs_events WHERE group_id = ?", (group_id,))
    tx.execute("DELETE FROM logs_streams WHERE group_id = ?", (group_id,))
    tx.execute("DELETE FROM logs_groups WHERE id = ?", (group_id,))


def list_groups(
    db: Reader,
    account: str,
    region: str,
    after: str | None,
    prefix: str | None,
    contains: str | None,
    group_class: str | None,
    names: Sequence[str] | None,
    limit: int,
) -> list[Group]:
    where = ["account = ?", "region = ?"]
    args: list[Any] = [account, region]
    if after is not None:
        where.append("name > ?")
        args.append(after)
    if prefix:
        where.append("substr(name, 1, ?) = ?")
        args += [len(prefix), prefix]
    if contains:
        # logGroupNamePattern: a case-insensitive substring (API reference, DescribeLogGroups)
        where.append("instr(lower(name), lower(?)) > 0")
        args.append(contains)
    if group_class:
        where.append("group_class = ?")
        args.append(group_class)
    if names is not None:
        where.append(f"name IN ({', '.join('?' for _ in names)})")
        args += list(names)
    rows = db.all(
        f"SELECT * FROM logs_groups WHERE {' AND '.join(where)} ORDER BY name LIMIT ?", (*args, limit)
    )
    return [Group.from_row(row) for row in rows]


def update_group(tx: Transaction, group_id: int, **columns: Any) -> None:
    sets = ", ".join(f"{name} = ?" for name in columns)
    tx.execute(f"UPDATE logs_groups SET {sets} WHERE id = ?", (*columns.values(), group_id))


def groups_with_retention(db: Reader) -> list[Group]:
    return [Group.from_row(r) for r in db.all("SELECT * FROM logs_groups WHERE retention_days IS NOT NULL")]


# -- streams ------------------------------------------------------------------------------------


def find_stream(db: Reader, group_id: int, name: str) -> Row | None:
    return db.one("SELECT * FROM logs_streams WHERE group_id = ? AND name = ?", (group_id, name))


def insert_stream(tx: Transaction, group_id: int, name: str, now_ms: int) -> bool:
    cursor = tx.execute(
        "INSERT OR IGNORE INTO logs_streams (group_id, name, created_ms) VALUES (?, ?, ?)",
        (group_id, name, now_ms),
    )
    return cursor.rowcount == 1


def delete_stream(tx: Transaction, group_id: int, stream_id: int) -> None:
    freed = tx.one("SELECT COALESCE(SUM(length(CAST(message AS BLOB))), 0) AS n FROM logs_events"
                   " WHERE stream_id = ?", (stream_id,))  # fmt: skip
    tx.execute("DELETE FROM logs_events WHERE stream_id = ?", (stream_id,))
    tx.execute("DELETE FROM logs_streams WHERE id = ?", (stream_id,))
    tx.execute(
        "UPDATE logs_groups SET stored_bytes = MAX(0, stored_bytes - ?) WHERE id = ?",
        (int(freed["n"]) if freed else 0, group_id),
    )


def list_streams(
    db: Reader,
    group_id: int,
    prefix: str | None,
    by_last_event: bool,
    descending: bool,
    after: tuple[int, str] | None,
    limit: int,
) -> Sequence[Row]:
    """Streams by name, or by (lastEventTimestamp, name) with no events first; `after` is the
    (last event or -1, name) of the previous page's last stream."""
    where = ["group_id = ?"]
    args: list[Any] = [group_id]
    if prefix:
        where.append("substr(name, 1, ?) = ?")
        args += [len(prefix), prefix]
    op = "<" if descending else ">"
    if after is not None:
        if by_last_event:
            where.append(f"(COALESCE(last_event_ms, -1), name) {op} (?, ?)")
            args += [after[0], after[1]]
        else:
            where.append(f"name {op} ?")
            args.append(after[1])
    direction = "DESC" if descending else "ASC"
    order = (
        f"COALESCE(last_event_ms, -1) {direction}, name {direction}" if by_last_event else f"name {direction}"
    )
    return db.all(
        f"SELECT * FROM logs_streams WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?", (*args, limit)
    )


def stream_ids(db: Reader, group_id: int, names: Sequence[str] | None, prefix: str | None) -> dict[int, str]:
    if names is not None:
        marks = ", ".join("?" for _ in names)
        rows = db.all(
            f"SELECT id, name FROM logs_streams WHERE group_id = ? AND name IN ({marks})", (group_id, *names)
        )
    elif prefix:
        rows = db.all(
            "SELECT id, name FROM logs_streams WHERE group_id = ? AND substr(name, 1, ?) = ?",
            (group_id, len(prefix), prefix),
        )
    else:
        rows = db.all("SELECT id, name FROM logs_streams WHERE group_id = ?", (group_id,))
    return {int(r["id"]): str(r["name"]) for r in rows}


# -- events -------------------------------------------------------------------------------------


def insert_events(
    tx: Transaction, group_id: int, stream_id: int, events: Sequence[tuple[int, str]], now_ms: int
) -> int:
    """Store (timestamp, message) pairs; returns the id of the last one."""
    tx.executemany(
        "INSERT INTO logs_events (group_id, stream_id, timestamp, ingested_ms, message) VALUES (?, ?, ?, ?, ?)",
        [(group_id, stream_id, ts, now_ms, message) for ts, message in events],
    )
    last = tx.one("SELECT last_insert_rowid() AS id")
    size = sum(len(message.encode()) for _, message in events)
    tx.execute(
        "UPDATE logs_streams SET first_event_ms = MIN(COALESCE(first_event_ms, ?), ?),"
        " last_event_ms = MAX(COALESCE(last_event_ms, ?), ?), last_ingestion_ms = ? WHERE id = ?",
        (events[0][0], events[0][0], events[-1][0], events[-1][0], now_ms, stream_id),
    )
    tx.execute("UPDATE logs_groups SET stored_bytes = stored_bytes + ? WHERE id = ?", (size, group_id))
    return int(last["id"]) if last else 0


EVENT_COLUMNS = "id, stream_id, timestamp, ingested_ms, message"


def stream_events(
    db: Reader,
    stream_id: int,
    lower: Position,
    upper: Position,
    newest_first: bool,
    limit: int,
) -> Sequence[Row]:
    """Events strictly between two positions, oldest or newest first."""
    direction = "DESC" if newest_first else "ASC"
    return db.all(
        f"SELECT {EVENT_COLUMNS} FROM logs_events WHERE stream_id = ?"
        " AND (timestamp, id) > (?, ?) AND (timestamp, id) < (?, ?)"
        f" ORDER BY timestamp {direction}, id {direction} LIMIT ?",
        (stream_id, *lower, *upper, limit),
    )


def group_events(
    db: Reader, group_id: int, streams: Sequence[int] | None, lower: Position, upper: Position, limit: int
) -> Sequence[Row]:
    """A group's events strictly between two positions, oldest first, of some streams or all."""
    only = "" if streams is None else f" AND stream_id IN ({', '.join('?' for _ in streams)})"
    return db.all(
        f"SELECT {EVENT_COLUMNS} FROM logs_events WHERE group_id = ?{only}"
        " AND (timestamp, id) > (?, ?) AND (timestamp, id) < (?, ?) ORDER BY timestamp, id LIMIT ?",
        (group_id, *(streams or ()), *lower, *upper, limit),
    )


def expire_events(tx: Transaction, group_id: int, before_ms: int) -> None:
    """Delete a group's events older than `before_ms` and keep its storedBytes right."""
    freed = tx.one(
        "SELECT COALESCE(SUM(length(CAST(message AS BLOB))), 0) AS n FROM logs_events"
        " WHERE group_id = ? AND timestamp < ?",
        (group_id, before_ms),
    )
    if not freed or not int(freed["n"]):
        return  # messages are never empty: no bytes, no events
    tx.execute("DELETE FROM logs_events WHERE group_id = ? AND timestamp < ?", (group_id, before_ms))
    tx.execute(
        "UPDATE logs_groups SET stored_bytes = MAX(0, stored_bytes - ?) WHERE id = ?",
        (int(freed["n"]), group_id),
    )
