"""SQL of asynchronous invocations (the durable event queue) and event invoke configs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cloudlet.storage.db import Database, Transaction

Reader = Database | Transaction

DEFAULT_RETRIES = 2  # https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
DEFAULT_EVENT_AGE = 6 * 60 * 60


@dataclass(frozen=True)
class QueuedInvoke:
    id: int
    account: str
    region: str
    name: str
    qualifier: str
    invoked_arn: str
    request_id: str
    payload: bytes
    enqueued_at: float
    due_at: float
    attempts: int
    throttles: int
    last_response: dict[str, Any] | None


@dataclass(frozen=True)
class EventInvokeConfig:
    account: str
    region: str
    name: str
    qualifier: str
    maximum_retry_attempts: int | None = None
    maximum_event_age: int | None = None
    on_success: str | None = None
    on_failure: str | None = None
    last_modified: float = 0.0
    id: int = 0

    @property
    def retries(self) -> int:
        return DEFAULT_RETRIES if self.maximum_retry_attempts is None else self.maximum_retry_attempts

    @property
    def event_age(self) -> int:
        return DEFAULT_EVENT_AGE if self.maximum_event_age is None else self.maximum_event_age


def _queued(row: Any) -> QueuedInvoke:
    last = row["last_response"]
    return QueuedInvoke(
        id=int(row["id"]),
        account=str(row["account"]),
        region=str(row["region"]),
        name=str(row["name"]),
        qualifier=str(row["qualifier"]),
        invoked_arn=str(row["invoked_arn"]),
        request_id=str(row["request_id"]),
        payload=bytes(row["payload"]),
        enqueued_at=float(row["enqueued_at"]),
        due_at=float(row["due_at"]),
        attempts=int(row["attempts"]),
        throttles=int(row["throttles"]),
        last_response=None if last is None else json.loads(last),
    )


# -- the queue -----------------------------------------------------------------------------------


def enqueue(
    tx: Transaction,
    account: str,
    region: str,
    name: str,
    qualifier: str,
    invoked_arn: str,
    request_id: str,
    payload: bytes,
    now: float,
) -> int:
    cursor = tx.execute(
        "INSERT INTO lambda_async_invokes (account, region, name, qualifier, invoked_arn, request_id,"
        " payload, enqueued_at, due_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (account, region, name, qualifier, invoked_arn, request_id, payload, now, now),
    )
    return int(cursor.lastrowid or 0)


def claim_due(tx: Transaction, now: float, limit: int) -> list[QueuedInvoke]:
    """Mark up to `limit` rows due at `now` as running, earliest first, and return them."""
    rows = tx.all(
        "UPDATE lambda_async_invokes SET running = 1 WHERE id IN (SELECT id FROM lambda_async_invokes"
        " WHERE running = 0 AND due_at <= ? ORDER BY due_at, id LIMIT ?) RETURNING *",
        (now, limit),
    )
    return sorted((_queued(row) for row in rows), key=lambda q: (q.due_at, q.id))


def next_due(db: Reader) -> float | None:
    row = db.one("SELECT min(due_at) AS due FROM lambda_async_invokes WHERE running = 0")
    return None if row is None or row["due"] is None else float(row["due"])


def has_due(db: Reader, now: float) -> bool:
    return (
        db.one("SELECT 1 FROM lambda_async_invokes WHERE running = 0 AND due_at <= ? LIMIT 1", (now,))
        is not None
    )


def release_all(db: Database) -> None:
    """At start: rows a previous run had claimed are waiting again."""
    with db.write() as tx:
        tx.execute("UPDATE lambda_async_invokes SET running = 0 WHERE running = 1")


def reschedule(
    tx: Transaction, id_: int, due_at: float, attempts: int, throttles: int, last: dict[str, Any] | None
) -> None:
    tx.execute(
        "UPDATE lambda_async_invokes SET running = 0, due_at = ?, attempts = ?, throttles = ?,"
        " last_response = ? WHERE id = ?",
        (due_at, attempts, throttles, None if last is None else json.dumps(last), id_),
    )


def remove(tx: Transaction, id_: int) -> None:
    tx.execute("DELETE FROM lambda_async_invokes WHERE id = ?", (id_,))


# -- event invoke configs --------------------------------------------------------------------------


def function_created(db: Reader, account: str, region: str, name: str) -> float | None:
    """When this life of the function began (the control plane's lambda_functions row)."""
    row = db.one(
        "SELECT created FROM lambda_functions WHERE account = ? AND region = ? AND name = ?",
        (account, region, name),
    )
    return None if row is None else float(row["created"])


def _config(row: Any) -> EventInvokeConfig:
    return EventInvokeConfig(
        account=str(row["account"]),
        region=str(row["region"]),
        name=str(row["name"]),
        qualifier=str(row["qualifier"]),
        maximum_retry_attempts=row["maximum_retry_attempts"],
        maximum_event_age=row["maximum_event_age"],
        on_success=row["on_success"],
        on_failure=row["on_failure"],
        last_modified=float(row["last_modified"]),
        id=int(row["id"]),
    )


_LIVE = (
    "SELECT c.* FROM lambda_event_invoke_configs c JOIN lambda_functions f"
    " ON f.account = c.account AND f.region = c.region AND f.name = c.name"
    " AND f.created IS c.function_created"
    " WHERE c.account = ? AND c.region = ? AND c.name = ?"
)


def get_config(db: Reader, account: str, region: str, name: str, qualifier: str) -> EventInvokeConfig | None:
    row = db.one(_LIVE + " AND c.qualifier = ?", (account, region, name, qualifier))
    return None if row is None else _config(row)


def list_configs(db: Reader, account: str, region: str, name: str, after_id: int) -> list[EventInvokeConfig]:
    """A function's configs in the order they were first put, from after `after_id` on."""
    rows = db.all(_LIVE + " AND c.id > ? ORDER BY c.id", (account, region, name, after_id))
    return [_config(row) for row in rows]


def put_config(tx: Transaction, config: EventInvokeConfig) -> EventInvokeConfig:
    """Insert or replace the config of (function, qualifier); a replaced one keeps its place in
    listings."""
    created = function_created(tx, config.account, config.region, config.name)
    row = tx.one(
        "INSERT INTO lambda_event_invoke_configs (account, region, name, qualifier, function_created,"
        " maximum_retry_attempts, maximum_event_age, on_success, on_failure, last_modified)"
        " VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (account, region, name, qualifier) DO UPDATE SET"
        " maximum_retry_attempts = excluded.maximum_retry_attempts,"
        " maximum_event_age = excluded.maximum_event_age, on_success = excluded.on_success,"
        " on_failure = excluded.on_failure, last_modified = excluded.last_modified,"
        " id = CASE WHEN function_created IS excluded.function_created THEN id"
        " ELSE (SELECT max(id) + 1 FROM lambda_event_invoke_configs) END,"
        " function_created = excluded.function_created RETURNING *",
        (
            config.account,
            config.region,
            config.name,
            config.qualifier,
            created,
            config.maximum_retry_attempts,
            config.maximum_event_age,
            config.on_success,
            config.on_failure,
            config.last_modified,
        ),
    )
    assert row is not None
    return _config(row)


def delete_config(tx: Transaction, account: str, region: str, name: str, qualifier: str) -> None:
    tx.execute(
        "DELETE FROM lambda_event_invoke_configs WHERE account = ? AND region = ? AND name = ? AND qualifier = ?",
        (account, region, name, qualifier),
    )
