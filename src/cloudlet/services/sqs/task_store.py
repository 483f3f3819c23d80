"""SQL of message move tasks (dead-letter queue redrive)."""

from __future__ import annotations

from cloudlet.services.sqs.store import Reader, Row
from cloudlet.storage.db import Transaction

ACTIVE = ("RUNNING", "CANCELLING")


def insert_task(
    tx: Transaction,
    task_id: str,
    account: str,
    region: str,
    source_arn: str,
    destination_arn: str | None,
    rate: int | None,
    to_move: int,
    last_id: int,
    now: int,
) -> None:
    tx.execute(
        "INSERT INTO sqs_move_tasks (task_id, account, region, source_arn, destination_arn, rate, status,"
        " to_move, last_id, started_at) VALUES (?, ?, ?, ?, ?, ?, 'RUNNING', ?, ?, ?)",
        (task_id, account, region, source_arn, destination_arn, rate, to_move, last_id, now),
    )


def active_task(db: Reader, account: str, region: str, source_arn: str) -> Row | None:
    return db.one(
        "SELECT * FROM sqs_move_tasks WHERE account = ? AND region = ? AND source_arn = ?"
        " AND status IN ('RUNNING', 'CANCELLING')",
        (account, region, source_arn),
    )


def task(db: Reader, task_id: str) -> Row | None:
    return db.one("SELECT * FROM sqs_move_tasks WHERE task_id = ?", (task_id,))


def tasks_of(db: Reader, account: str, region: str, source_arn: str, limit: int) -> list[Row]:
    return list[Row](
        db.all(
            "SELECT * FROM sqs_move_tasks WHERE account = ? AND region = ? AND source_arn = ?"
            " ORDER BY started_at DESC, rowid DESC LIMIT ?",
            (account, region, source_arn, limit),
        )
    )


def running(db: Reader) -> list[Row]:
    return list[Row](db.all("SELECT * FROM sqs_move_tasks WHERE status = 'RUNNING'"))


def finish(tx: Transaction, task_id: str, status: str, failure_reason: str | None = None) -> None:
    tx.execute(
        "UPDATE sqs_move_tasks SET status = ?, failure_reason = ? WHERE task_id = ?",
        (status, failure_reason, task_id),
    )


def advance(tx: Transaction, task_id: str, moved: int, cursor: int) -> None:
    tx.execute(
        "UPDATE sqs_move_tasks SET moved = moved + ?, cursor = ? WHERE task_id = ?", (moved, cursor, task_id)
    )


def source_stats(db: Reader, queue_id: int, now: int) -> tuple[int, int]:
    """(messages to move, newest message id) of a source queue when a task starts."""
    row = db.one(
        "SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS last FROM sqs_messages WHERE queue_id = ? AND expires_at > ?",
        (queue_id, now),
    )
    assert row is not None
    return int(row["n"]), int(row["last"])


def candidates(tx: Transaction, queue_id: int, after: int, last_id: int, now: int, limit: int) -> list[Row]:
    return list[Row](
        tx.all(
            "SELECT id, group_id, source_arn, visible_at FROM sqs_messages WHERE queue_id = ? AND id > ? AND id <= ?"
            " AND expires_at > ? ORDER BY id LIMIT ?",
            (queue_id, after, last_id, now, limit),
        )
    )


def is_dead_letter_target(db: Reader, arn: str) -> bool:
    return db.one("SELECT 1 FROM sqs_queues WHERE dead_letter_arn = ? LIMIT 1", (arn,)) is not None
