"""FIFO queues: message groups, ordered claims, deduplication and sequence numbers.

Delivery follows what SQS shows: within a group messages come in send order and a receive
stops at the group's first message that is not visible (in flight or delayed), so a group
with a message in flight delivers nothing after it; groups are served in the order their
first message became available, and one receive fills up from as few groups as it can
(https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html).
`sqs_groups` keeps each group's first message and when it is visible, so a receive reads the
available groups from an index instead of scanning the queue's messages."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable

from cloudlet.services.sqs import store
from cloudlet.services.sqs.store import Row
from cloudlet.storage.db import Transaction

DEDUP_WINDOW_MS = 5 * 60 * 1000
# Sequence numbers are 128-bit decimals of at least 20 digits that grow per queue; message
# row ids never repeat (AUTOINCREMENT) and only grow, so an offset of the row id will do.
SEQUENCE_BASE = 18_000_000_000_000_000_000


def sequence_number(row_id: int) -> str:
    return str(SEQUENCE_BASE + row_id)


def content_dedup_id(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


# -- groups ------------------------------------------------------------------------------------


def refresh_groups(tx: Transaction, queue_id: int, group_ids: Iterable[str | None]) -> None:
    """Recompute the head of each group from its messages (after any change to them)."""
    for group_id in set(group_ids):
        if group_id is None:
            continue
        head = tx.one(
            "SELECT id, visible_at FROM sqs_messages WHERE queue_id = ? AND group_id = ? ORDER BY id LIMIT 1",
            (queue_id, group_id),
        )
        if head is None:
            tx.execute("DELETE FROM sqs_groups WHERE queue_id = ? AND group_id = ?", (queue_id, group_id))
        else:
            tx.execute(
                "INSERT OR REPLACE INTO sqs_groups (queue_id, group_id, head_id, available_at) VALUES (?, ?, ?, ?)",
                (queue_id, group_id, head["id"], head["visible_at"]),
            )


def add_to_group(tx: Transaction, queue_id: int, group_id: str, row_id: int, visible_at: int) -> None:
    """A sent message heads its group only when the group had no messages."""
    tx.execute(
        "INSERT OR IGNORE INTO sqs_groups (queue_id, group_id, head_id, available_at) VALUES (?, ?, ?, ?)",
        (queue_id, group_id, row_id, visible_at),
    )


def claim(
    tx: Transaction,
    queue_id: int,
    now: int,
    until: int,
    token: str,
    limit: int,
    exclude: Collection[int] = (),
) -> list[Row]:
    """Make up to `limit` messages in flight, in group order; the claimed rows in order.
    `exclude`: rows this receive already took (still visible with VisibilityTimeout 0)."""
    chosen: list[int] = []
    touched: list[str] = []
    expired_groups: list[str] = []
    offset = 0
    while len(chosen) < limit:
        groups = tx.all(
            "SELECT group_id, head_id FROM sqs_groups WHERE queue_id = ? AND available_at <= ?"
            " ORDER BY available_at, head_id LIMIT 32 OFFSET ?",
            (queue_id, now, offset),
        )
        if not groups:
            break
        offset += len(groups)
        for group in groups:
            group_id = str(group["group_id"])
            rows = tx.all(
                "SELECT id, visible_at, expires_at FROM sqs_messages WHERE queue_id = ? AND group_id = ?"
                " AND id >= ? ORDER BY id LIMIT ?",
                (queue_id, group_id, group["head_id"], limit - len(chosen) + len(exclude)),
            )
            taken = 0
            for row in rows:
                if row["id"] in exclude:
                    continue
                if len(chosen) >= limit:
                    break
                if row["expires_at"] <= now:
                    expired_groups.append(group_id)
                    continue
                if row["visible_at"] > now:
                    break
                chosen.append(int(row["id"]))
                taken += 1
            if taken:
                touched.append(group_id)
            if len(chosen) >= limit:
                break
    if expired_groups:
        for group_id in set(expired_groups):
            tx.execute(
                "DELETE FROM sqs_messages WHERE queue_id = ? AND group_id = ? AND expires_at <= ?",
                (queue_id, group_id, now),
            )
    claimed = store.claim_ids(tx, chosen, now, until, token)
    refresh_groups(tx, queue_id, [*touched, *expired_groups])
    order = {row_id: index for index, row_id in enumerate(chosen)}
    return sorted(claimed, key=lambda row: order[int(row["id"])])


# -- deduplication -----------------------------------------------------------------------------


def find_duplicate(tx: Transaction, queue_id: int, scope: str, dedup_id: str, now: int) -> Row | None:
    return tx.one(
        "SELECT message_id, sequence FROM sqs_dedup WHERE queue_id = ? AND scope = ? AND dedup_id = ?"
        " AND expires_at > ?",
        (queue_id, scope, dedup_id, now),
    )


def remember(
    tx: Transaction, queue_id: int, scope: str, dedup_id: str, message_id: str, sequence: str, now: int
) -> None:
    tx.execute(
        "INSERT OR REPLACE INTO sqs_dedup (queue_id, scope, dedup_id, message_id, sequence, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (queue_id, scope, dedup_id, message_id, sequence, now + DEDUP_WINDOW_MS),
    )


def forget_expired(tx: Transaction, now: int) -> None:
    tx.execute("DELETE FROM sqs_dedup WHERE expires_at <= ?", (now,))
