"""SQS's SQL: queues and messages. Times are epoch milliseconds on the virtual clock.

Receives claim with one `UPDATE ... RETURNING` over the (queue_id, visible_at) index, so a
receive costs the same with 100k messages queued as with one."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from cloudlet.storage import Database
from cloudlet.storage.db import Transaction

Reader = Database | Transaction


class Row(Protocol):
    """A result row (sqlite3.Row): columns by name."""

    def __getitem__(self, key: str, /) -> Any: ...


MESSAGE_COLUMNS = (
    "id, message_id, body, attributes, attributes_md5, system_attributes, sender_id, sent_at,"
    " visible_at, expires_at, receive_count, first_received_at, group_id, dedup_id, source_arn"
)


@dataclass(slots=True)
class NewMessage:
    body: str
    attributes: str | None  # JSON, as encode_attributes made it
    attributes_md5: str | None
    system_attributes: str | None
    sender_id: str
    group_id: str | None
    dedup_id: str | None


# -- queues ------------------------------------------------------------------------------------


def find_queue(db: Reader, account: str, region: str, name: str) -> Row | None:
    return db.one(
        "SELECT * FROM sqs_queues WHERE account = ? AND region = ? AND name = ?", (account, region, name)
    )


def insert_queue(
    tx: Transaction,
    account: str,
    region: str,
    name: str,
    fifo: bool,
    explicit: dict[str, str],
    tags: dict[str, str],
    dead_letter_arn: str | None,
    now_s: int,
) -> Row:
    row = tx.one(
        "INSERT INTO sqs_queues (account, region, name, fifo, attributes, tags, dead_letter_arn,"
        " created_s, modified_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
        (
            account,
            region,
            name,
            int(fifo),
            json.dumps(explicit),
            json.dumps(tags),
            dead_letter_arn,
            now_s,
            now_s,
        ),
    )
    assert row is not None
    return row


def update_queue_attributes(
    tx: Transaction, queue_id: int, explicit: dict[str, str], dead_letter_arn: str | None, now_s: int
) -> None:
    tx.execute(
        "UPDATE sqs_queues SET attributes = ?, dead_letter_arn = ?, modified_s = ? WHERE id = ?",
        (json.dumps(explicit), dead_letter_arn, now_s, queue_id),
    )


def update_tags(tx: Transaction, queue_id: int, tags: dict[str, str]) -> None:
    tx.execute("UPDATE sqs_queues SET tags = ? WHERE id = ?", (json.dumps(tags), queue_id))


def delete_queue(tx: Transaction, queue_id: int, account: str, region: str, name: str, now: int) -> None:
    _clear_messages(tx, queue_id)
    tx.execute("DELETE FROM sqs_dedup WHERE queue_id = ?", (queue_id,))
    tx.execute("DELETE FROM sqs_queues WHERE id = ?", (queue_id,))
    tx.execute(
        "INSERT OR REPLACE INTO sqs_deleted_queues (account, region, name, deleted_at) VALUES (?, ?, ?, ?)",
        (account, region, name, now),
    )


def deleted_at(db: Reader, account: str, region: str, name: str) -> int | None:
    row = db.one(
        "SELECT deleted_at FROM sqs_deleted_queues WHERE account = ? AND region = ? AND name = ?",
        (account, region, name),
    )
    return None if row is None else int(row["deleted_at"])


def queue_names(db: Reader, account: str, region: str, prefix: str, after: str, limit: int) -> list[str]:
    rows = db.all(
        "SELECT name FROM sqs_queues WHERE account = ? AND region = ? AND substr(name, 1, ?) = ?"
        " AND name > ? ORDER BY name LIMIT ?",
        (account, region, len(prefix), prefix, after, limit),
    )
    return [str(row["name"]) for row in rows]


def dead_letter_sources(db: Reader, target_arn: str, after: str, limit: int) -> list[tuple[str, str]]:
    """(account, name) of the queues whose RedrivePolicy targets `target_arn`, by name."""
    rows = db.all(
        "SELECT account, name FROM sqs_queues WHERE dead_letter_arn = ? AND name > ? ORDER BY name LIMIT ?",
        (target_arn, after, limit),
    )
    return [(str(row["account"]), str(row["name"])) for row in rows]


def set_purged(tx: Transaction, queue_id: int, now: int) -> None:
    _clear_messages(tx, queue_id)
    tx.execute("UPDATE sqs_queues SET purged_at = ? WHERE id = ?", (now, queue_id))


def _clear_messages(tx: Transaction, queue_id: int) -> None:
    """A queue's messages, and with them its FIFO group heads."""
    tx.execute("DELETE FROM sqs_messages WHERE queue_id = ?", (queue_id,))
    tx.execute("DELETE FROM sqs_groups WHERE queue_id = ?", (queue_id,))


# -- messages ----------------------------------------------------------------------------------


_INSERT = (
    "INSERT INTO sqs_messages (queue_id, message_id, body, attributes, attributes_md5, system_attributes,"
    " sender_id, sent_at, visible_at, expires_at, group_id, dedup_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
InsertRow = tuple[
    int, str, str, str | None, str | None, str | None, str, int, int, int, str | None, str | None
]


def insert_row(
    queue_id: int, message_id: str, message: NewMessage, now: int, visible_at: int, expires_at: int
) -> InsertRow:
    return (
        queue_id,
        message_id,
        message.body,
        message.attributes,
        message.attributes_md5,
        message.system_attributes,
        message.sender_id,
        now,
        visible_at,
        expires_at,
        message.group_id,
        message.dedup_id,
    )


def insert_message(tx: Transaction, row: InsertRow) -> int:
    row_id = tx.execute(_INSERT, row).lastrowid
    assert row_id is not None
    return row_id


def insert_messages(tx: Transaction, rows: Sequence[InsertRow]) -> None:
    tx.executemany(_INSERT, rows)


# What a claim does to a message, for claim_visible (standard) and claim_ids (FIFO) alike;
# parameters :until, :now and :token.
_CLAIM_SET = (
    "UPDATE sqs_messages SET visible_at = :until, receive_count = receive_count + 1,"
    " first_received_at = COALESCE(first_received_at, :now), received_at = :now, receipt = :token"
)


def claim_visible(
    tx: Transaction,
    queue_id: int,
    now: int,
    until: int,
    token: str,
    limit: int,
    exclude: Collection[int] = (),
) -> list[Row]:
    """Make up to `limit` visible messages in flight until `until`; the claimed rows (standard
    queues). `exclude`: rows this receive already took (still visible with VisibilityTimeout 0)."""
    skip = f" AND id NOT IN ({','.join(str(int(row_id)) for row_id in exclude)})" if exclude else ""
    return list[Row](
        tx.all(
            _CLAIM_SET
            + " WHERE id IN (SELECT id FROM sqs_messages WHERE queue_id = :queue AND visible_at <= :now"
            f" AND expires_at > :now{skip} LIMIT :limit) RETURNING " + MESSAGE_COLUMNS,
            {"until": until, "now": now, "token": token, "queue": queue_id, "limit": limit},
        )
    )


def claim_ids(tx: Transaction, row_ids: Sequence[int], now: int, until: int, token: str) -> list[Row]:
    if not row_ids:
        return []
    ids = {f"id{index}": row_id for index, row_id in enumerate(row_ids)}
    marks = ",".join(f":{name}" for name in ids)
    sql = _CLAIM_SET + f" WHERE id IN ({marks}) RETURNING " + MESSAGE_COLUMNS
    return list[Row](tx.all(sql, {"until": until, "now": now, "token": token, **ids}))


def move_to_dead_letter(
    tx: Transaction,
    row_ids: Sequence[int],
    queue_id: int,
    source_arn: str,
    now: int,
    retention_ms: int,
    fifo: bool,
) -> None:
    """Redrive claimed rows into a dead-letter queue: visible now, the receive that moved
    them not counted. A standard DLQ keeps the original enqueue time for retention, a FIFO
    one restarts it (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html)."""
    marks = ",".join("?" * len(row_ids))
    expires = "? + ?" if fifo else "sent_at + ?"
    params: list[Any] = [queue_id, now, source_arn]
    params += [now, retention_ms] if fifo else [retention_ms]
    tx.execute(
        "UPDATE sqs_messages SET queue_id = ?, visible_at = ?, receive_count = receive_count - 1,"
        f" received_at = NULL, receipt = NULL, source_arn = ?, expires_at = {expires} WHERE id IN ({marks})",
        (*params, *row_ids),
    )


def redrive_back(tx: Transaction, row_ids: Sequence[int], queue_id: int, now: int) -> None:
    """A move task's redrive: the message starts over in its new queue."""
    marks = ",".join("?" * len(row_ids))
    tx.execute(
        "UPDATE sqs_messages SET queue_id = ?, visible_at = ?, receive_count = 0, first_received_at = NULL,"
        f" received_at = NULL, receipt = NULL, source_arn = NULL WHERE id IN ({marks})",
        (queue_id, now, *row_ids),
    )


def message(db: Reader, row_id: int) -> Row | None:
    return db.one(
        "SELECT queue_id, receipt, visible_at, received_at, group_id, expires_at FROM sqs_messages WHERE id = ?",
        (row_id,),
    )


def delete_messages(tx: Transaction, queue_id: int, row_ids: Sequence[int]) -> None:
    # "+queue_id": look rows up by id, not through the queue's index (SQLite would scan the queue).
    if len(row_ids) == 1:
        tx.execute("DELETE FROM sqs_messages WHERE id = ? AND queue_id = ?", (row_ids[0], queue_id))
    elif row_ids:
        marks = ",".join("?" * len(row_ids))
        tx.execute(f"DELETE FROM sqs_messages WHERE id IN ({marks}) AND +queue_id = ?", (*row_ids, queue_id))


def set_visible_at(tx: Transaction, row_id: int, visible_at: int) -> None:
    tx.execute("UPDATE sqs_messages SET visible_at = ? WHERE id = ?", (visible_at, row_id))


def rows_by_receipt(tx: Transaction, queue_id: int, pairs: Iterable[tuple[int, str]]) -> list[Row]:
    """Still-current rows of an earlier receive (ReceiveRequestAttemptId retries)."""
    found: list[Row] = []
    for row_id, token in pairs:
        row = tx.one(
            f"SELECT {MESSAGE_COLUMNS} FROM sqs_messages WHERE id = ? AND queue_id = ? AND receipt = ?",
            (row_id, queue_id, token),
        )
        if row is not None:
            found.append(row)
    return found


def counts(db: Reader, queue_id: int, now: int) -> tuple[int, int, int]:
    """(visible, in flight, delayed)."""
    row = db.one(
        "SELECT COALESCE(SUM(visible_at <= :now), 0) AS visible,"
        " COALESCE(SUM(visible_at > :now AND receive_count > 0), 0) AS inflight,"
        " COALESCE(SUM(visible_at > :now AND receive_count = 0), 0) AS delayed"
        " FROM sqs_messages WHERE queue_id = :queue AND expires_at > :now",
        {"now": now, "queue": queue_id},
    )
    assert row is not None
    return int(row["visible"]), int(row["inflight"]), int(row["delayed"])


def next_visible_at(db: Reader, queue_id: int, now: int) -> int | None:
    """When the next invisible message becomes visible (long polls wait until then)."""
    row = db.one(
        "SELECT MIN(visible_at) AS at FROM sqs_messages WHERE queue_id = ? AND visible_at > ?",
        (queue_id, now),
    )
    return None if row is None or row["at"] is None else int(row["at"])


def expire(tx: Transaction, now: int) -> list[tuple[int, str | None]]:
    """Delete messages past their retention; (queue id, group id) of each."""
    rows = tx.all("DELETE FROM sqs_messages WHERE expires_at <= ? RETURNING queue_id, group_id", (now,))
    return [(int(row["queue_id"]), row["group_id"]) for row in rows]


def peek(db: Reader, queue_id: int) -> list[Row]:
    return list[Row](
        db.all(
            f"SELECT {MESSAGE_COLUMNS} FROM sqs_messages WHERE queue_id = ? ORDER BY id LIMIT 10000",
            (queue_id,),
        )
    )
