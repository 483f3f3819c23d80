"""EventBridge's SQL for archives, archived events and replays."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cloudlet import ids
from cloudlet.services.events.store import Reader, Row
from cloudlet.storage.db import Transaction


@dataclass(frozen=True)
class Archive:
    id: int
    account: str
    region: str
    name: str
    bus: str
    description: str | None
    event_pattern: str | None
    retention_days: int
    kms_key: str | None
    created_ms: int

    @property
    def arn(self) -> str:
        return ids.arn("events", self.region, self.account, f"archive/{self.name}")


@dataclass(frozen=True)
class Replay:
    id: int
    account: str
    region: str
    name: str
    archive_arn: str
    description: str | None
    destination: dict[str, Any]
    start_ms: int
    end_ms: int
    state: str
    reason: str | None
    replay_start_ms: int
    replay_end_ms: int | None
    last_replayed_ms: int | None

    @property
    def arn(self) -> str:
        return ids.arn("events", self.region, self.account, f"replay/{self.name}")


def _archive(row: Row) -> Archive:
    return Archive(
        row["id"], row["account"], row["region"], row["name"], row["bus"], row["description"],
        row["event_pattern"], row["retention_days"], row["kms_key"], row["created_ms"],
    )  # fmt: skip


def _replay(row: Row) -> Replay:
    return Replay(
        row["id"], row["account"], row["region"], row["name"], row["archive_arn"], row["description"],
        json.loads(row["destination"]), row["start_ms"], row["end_ms"], row["state"], row["reason"],
        row["replay_start_ms"], row["replay_end_ms"], row["last_replayed_ms"],
    )  # fmt: skip


# -- archives ---------------------------------------------------------------------------------
def get_archive(db: Reader, account: str, region: str, name: str) -> Archive | None:
    row = db.one(
        "SELECT * FROM events_archives WHERE account = ? AND region = ? AND name = ?", (account, region, name)
    )
    return _archive(row) if row else None


def list_archives(db: Reader, account: str, region: str) -> list[Archive]:
    rows = db.all(
        "SELECT * FROM events_archives WHERE account = ? AND region = ? ORDER BY name", (account, region)
    )
    return [_archive(row) for row in rows]


def archives_of_bus(db: Reader, account: str, region: str, bus: str) -> list[Archive]:
    rows = db.all(
        "SELECT * FROM events_archives WHERE account = ? AND region = ? AND bus = ?", (account, region, bus)
    )
    return [_archive(row) for row in rows]


def insert_archive(tx: Transaction, archive: Archive) -> None:
    tx.execute(
        "INSERT INTO events_archives (account, region, name, bus, description, event_pattern, retention_days,"
        " kms_key, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            archive.account, archive.region, archive.name, archive.bus, archive.description,
            archive.event_pattern, archive.retention_days, archive.kms_key, archive.created_ms,
        ),
    )  # fmt: skip


def update_archive(tx: Transaction, archive_id: int, **fields: Any) -> None:
    for column, value in fields.items():
        tx.execute(f"UPDATE events_archives SET {column} = ? WHERE id = ?", (value, archive_id))


def delete_archive(tx: Transaction, archive_id: int) -> None:
    tx.execute("DELETE FROM events_archives WHERE id = ?", (archive_id,))


def archive_event(tx: Transaction, archive_id: int, time_ms: int, now_ms: int, event: dict[str, Any]) -> None:
    tx.execute(
        "INSERT INTO events_archived (archive_id, time_ms, archived_ms, event) VALUES (?, ?, ?, ?)",
        (archive_id, time_ms, now_ms, json.dumps(event, separators=(",", ":"))),
    )


def archive_stats(db: Reader, archive_id: int, kept_after_ms: int) -> tuple[int, int]:
    """(event count, size in bytes) of what the archive keeps."""
    row = db.one(
        "SELECT count(*) AS n, coalesce(sum(length(CAST(event AS BLOB))), 0) AS bytes FROM events_archived"
        " WHERE archive_id = ? AND archived_ms >= ?",
        (archive_id, kept_after_ms),
    )
    return (int(row["n"]), int(row["bytes"])) if row else (0, 0)


def archived_events(
    db: Reader, archive_id: int, start_ms: int, end_ms: int, kept_after_ms: int, after_id: int, limit: int
) -> list[tuple[int, int, dict[str, Any]]]:
    """(id, time_ms, event) of archived events with start <= time < end, in time order, past `after_id`."""
    rows = db.all(
        "SELECT id, time_ms, event FROM events_archived WHERE archive_id = ? AND time_ms >= ? AND time_ms < ?"
        " AND archived_ms >= ? AND id > ? ORDER BY id LIMIT ?",
        (archive_id, start_ms, end_ms, kept_after_ms, after_id, limit),
    )
    return [(int(row["id"]), int(row["time_ms"]), json.loads(row["event"])) for row in rows]


# -- replays ----------------------------------------------------------------------------------
def get_replay(db: Reader, account: str, region: str, name: str) -> Replay | None:
    row = db.one(
        "SELECT * FROM events_replays WHERE account = ? AND region = ? AND name = ?", (account, region, name)
    )
    return _replay(row) if row else None


def replay_by_id(db: Reader, replay_id: int) -> Replay | None:
    row = db.one("SELECT * FROM events_replays WHERE id = ?", (replay_id,))
    return _replay(row) if row else None


def list_replays(db: Reader, account: str, region: str) -> list[Replay]:
    rows = db.all(
        "SELECT * FROM events_replays WHERE account = ? AND region = ? ORDER BY name", (account, region)
    )
    return [_replay(row) for row in rows]


def unfinished_replays(db: Reader) -> list[Replay]:
    rows = db.all("SELECT * FROM events_replays WHERE state IN ('STARTING', 'RUNNING', 'CANCELLING')")
    return [_replay(row) for row in rows]


def insert_replay(tx: Transaction, replay: Replay) -> int:
    cursor = tx.execute(
        "INSERT INTO events_replays (account, region, name, archive_arn, description, destination, start_ms,"
        " end_ms, state, replay_start_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            replay.account, replay.region, replay.name, replay.archive_arn, replay.description,
            json.dumps(replay.destination), replay.start_ms, replay.end_ms, replay.state, replay.replay_start_ms,
        ),
    )  # fmt: skip
    return int(cursor.lastrowid or 0)


def update_replay(tx: Transaction, replay_id: int, **fields: Any) -> None:
    for column, value in fields.items():
        tx.execute(f"UPDATE events_replays SET {column} = ? WHERE id = ?", (value, replay_id))
