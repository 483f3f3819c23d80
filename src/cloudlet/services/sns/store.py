"""SNS's SQL: topics, subscriptions and FIFO deduplication ids. Times are epoch milliseconds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cloudlet.storage import Database
from cloudlet.storage.db import Transaction

Reader = Database | Transaction


@dataclass
class Topic:
    arn: str
    account: str
    region: str
    name: str
    fifo: bool
    attributes: dict[str, str]
    tags: dict[str, str]
    subscriptions_deleted: int

    @classmethod
    def from_row(cls, row: Any) -> Topic:
        return cls(
            arn=str(row["arn"]),
            account=str(row["account"]),
            region=str(row["region"]),
            name=str(row["name"]),
            fifo=bool(row["fifo"]),
            attributes=json.loads(row["attributes"]),
            tags=json.loads(row["tags"]),
            subscriptions_deleted=int(row["subscriptions_deleted"]),
        )


@dataclass
class Subscription:
    arn: str
    topic_arn: str
    owner: str
    region: str
    protocol: str
    endpoint: str
    attributes: dict[str, str]
    confirmed: bool
    token: str | None

    @classmethod
    def from_row(cls, row: Any) -> Subscription:
        return cls(
            arn=str(row["arn"]),
            topic_arn=str(row["topic_arn"]),
            owner=str(row["owner"]),
            region=str(row["region"]),
            protocol=str(row["protocol"]),
            endpoint=str(row["endpoint"]),
            attributes=json.loads(row["attributes"]),
            confirmed=bool(row["confirmed"]),
            token=None if row["token"] is None else str(row["token"]),
        )

    @property
    def listed_arn(self) -> str:
        """The SubscriptionArn the List operations show: "PendingConfirmation" until confirmed."""
        return self.arn if self.confirmed else "PendingConfirmation"


# -- topics ------------------------------------------------------------------------------------


def find_topic(db: Reader, arn: str) -> Topic | None:
    row = db.one("SELECT * FROM sns_topics WHERE arn = ?", (arn,))
    return None if row is None else Topic.from_row(row)


def insert_topic(
    tx: Transaction, arn: str, account: str, region: str, name: str, fifo: bool,
    attributes: dict[str, str], tags: dict[str, str], now: int,
) -> None:  # fmt: skip
    tx.execute(
        "INSERT INTO sns_topics (arn, account, region, name, fifo, attributes, tags, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (arn, account, region, name, int(fifo), json.dumps(attributes), json.dumps(tags), now),
    )


def delete_topic(tx: Transaction, arn: str) -> None:
    tx.execute("DELETE FROM sns_topics WHERE arn = ?", (arn,))
    tx.execute("DELETE FROM sns_subscriptions WHERE topic_arn = ?", (arn,))
    tx.execute("DELETE FROM sns_dedup WHERE topic_arn = ?", (arn,))


def list_topics(db: Reader, account: str, region: str, after: str, limit: int) -> list[str]:
    rows = db.all(
        "SELECT arn FROM sns_topics WHERE account = ? AND region = ? AND arn > ? ORDER BY arn LIMIT ?",
        (account, region, after, limit),
    )
    return [str(row["arn"]) for row in rows]


def update_topic(tx: Transaction, arn: str, attributes: dict[str, str] | None = None,
                 tags: dict[str, str] | None = None) -> None:  # fmt: skip
    if attributes is not None:
        tx.execute("UPDATE sns_topics SET attributes = ? WHERE arn = ?", (json.dumps(attributes), arn))
    if tags is not None:
        tx.execute("UPDATE sns_topics SET tags = ? WHERE arn = ?", (json.dumps(tags), arn))


def next_sequence(tx: Transaction, arn: str) -> int:
    row = tx.one("UPDATE sns_topics SET sequence = sequence + 1 WHERE arn = ? RETURNING sequence", (arn,))
    assert row is not None
    return int(row["sequence"])


def subscription_counts(db: Reader, topic_arn: str) -> tuple[int, int]:
    """(confirmed, pending) subscriptions of a topic."""
    row = db.one(
        "SELECT coalesce(sum(confirmed), 0) AS c, count(*) - coalesce(sum(confirmed), 0) AS p"
        " FROM sns_subscriptions WHERE topic_arn = ?",
        (topic_arn,),
    )
    return (int(row["c"]), int(row["p"])) if row else (0, 0)


# -- subscriptions -------------------------------------------------------------------------------


def find_subscription(db: Reader, arn: str) -> Subscription | None:
    row = db.one("SELECT * FROM sns_subscriptions WHERE arn = ?", (arn,))
    return None if row is None else Subscription.from_row(row)


def find_by_endpoint(db: Reader, topic_arn: str, protocol: str, endpoint: str) -> Subscription | None:
    row = db.one(
        "SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND protocol = ? AND endpoint = ?",
        (topic_arn, protocol, endpoint),
    )
    return None if row is None else Subscription.from_row(row)


def find_by_token(db: Reader, topic_arn: str, token: str) -> Subscription | None:
    row = db.one("SELECT * FROM sns_subscriptions WHERE topic_arn = ? AND token = ?", (topic_arn, token))
    return None if row is None else Subscription.from_row(row)


def insert_subscription(tx: Transaction, sub: Subscription, now: int) -> None:
    tx.execute(
        "INSERT INTO sns_subscriptions (arn, topic_arn, owner, region, protocol, endpoint, attributes,"
        " confirmed, token, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            sub.arn, sub.topic_arn, sub.owner, sub.region, sub.protocol, sub.endpoint,
            json.dumps(sub.attributes), int(sub.confirmed), sub.token, now,
        ),
    )  # fmt: skip


def set_subscription_attributes(tx: Transaction, arn: str, attributes: dict[str, str]) -> None:
    tx.execute("UPDATE sns_subscriptions SET attributes = ? WHERE arn = ?", (json.dumps(attributes), arn))


def confirm_subscription(tx: Transaction, arn: str) -> None:
    tx.execute("UPDATE sns_subscriptions SET confirmed = 1 WHERE arn = ?", (arn,))


def delete_subscription(tx: Transaction, sub: Subscription) -> None:
    tx.execute("DELETE FROM sns_subscriptions WHERE arn = ?", (sub.arn,))
    tx.execute(
        "UPDATE sns_topics SET subscriptions_deleted = subscriptions_deleted + 1 WHERE arn = ?",
        (sub.topic_arn,),
    )


def topic_subscriptions(db: Reader, topic_arn: str) -> list[Subscription]:
    rows = db.all("SELECT * FROM sns_subscriptions WHERE topic_arn = ? ORDER BY rowid", (topic_arn,))
    return [Subscription.from_row(row) for row in rows]


def page_subscriptions(
    db: Reader, after: int, limit: int, topic_arn: str | None = None,
    owner: tuple[str, str] | None = None,
) -> list[tuple[int, Subscription]]:  # fmt: skip
    """(rowid, subscription) after `after`, of one topic or of one (account, region)."""
    params: tuple[str, ...]
    if topic_arn is not None:
        where, params = "topic_arn = ?", (topic_arn,)
    else:
        assert owner is not None
        where, params = "owner = ? AND region = ?", owner
    rows = db.all(
        f"SELECT rowid AS n, * FROM sns_subscriptions WHERE {where} AND rowid > ? ORDER BY rowid LIMIT ?",
        (*params, after, limit),
    )
    return [(int(row["n"]), Subscription.from_row(row)) for row in rows]


# -- FIFO deduplication ---------------------------------------------------------------------------


def find_duplicate(tx: Transaction, topic_arn: str, dedup_id: str, now: int) -> tuple[str, str] | None:
    row = tx.one(
        "SELECT message_id, sequence FROM sns_dedup WHERE topic_arn = ? AND dedup_id = ? AND expires_at > ?",
        (topic_arn, dedup_id, now),
    )
    return None if row is None else (str(row["message_id"]), str(row["sequence"]))


def remember_dedup(
    tx: Transaction, topic_arn: str, dedup_id: str, message_id: str, sequence: str, now: int, window: int
) -> None:
    expires_at = now + window
    tx.execute(
        "INSERT OR REPLACE INTO sns_dedup (topic_arn, dedup_id, message_id, sequence, expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (topic_arn, dedup_id, message_id, sequence, expires_at),
    )
    tx.execute("DELETE FROM sns_dedup WHERE topic_arn = ? AND expires_at <= ?", (topic_arn, now))
