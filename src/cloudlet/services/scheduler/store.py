"""EventBridge Scheduler's SQL: schedule groups, schedules and client tokens.

Times are epoch seconds on the virtual clock. A schedule's settings are one JSON column (spec)
that UpdateSchedule replaces whole."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from cloudlet.storage import Database
from cloudlet.storage.db import Transaction

Reader = Database | Transaction

DEFAULT_GROUP = "default"


class Row(Protocol):
    def __getitem__(self, key: str, /) -> Any: ...


@dataclass(frozen=True, slots=True)
class Group:
    account: str
    region: str
    name: str
    created: float
    modified: float
    tags: list[dict[str, str]]

    @classmethod
    def from_row(cls, row: Row) -> Group:
        return cls(
            account=str(row["account"]),
            region=str(row["region"]),
            name=str(row["name"]),
            created=float(row["created"]),
            modified=float(row["modified"]),
            tags=json.loads(row["tags"]),
        )


@dataclass(frozen=True, slots=True)
class Schedule:
    id: int
    account: str
    region: str
    group_name: str
    name: str
    state: str
    spec: dict[str, Any]
    created: float
    modified: float

    @classmethod
    def from_row(cls, row: Row) -> Schedule:
        return cls(
            id=int(row["id"]),
            account=str(row["account"]),
            region=str(row["region"]),
            group_name=str(row["group_name"]),
            name=str(row["name"]),
            state=str(row["state"]),
            spec=json.loads(row["spec"]),
            created=float(row["created"]),
            modified=float(row["modified"]),
        )

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.account, self.region, self.group_name, self.name)

    @property
    def arn(self) -> str:
        return schedule_arn(self.region, self.account, self.group_name, self.name)


def schedule_arn(region: str, account: str, group: str, name: str) -> str:
    return f"arn:aws:scheduler:{region}:{account}:schedule/{group}/{name}"


def group_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:scheduler:{region}:{account}:schedule-group/{name}"


# -- groups -------------------------------------------------------------------------------------


def ensure_default_group(db: Database, account: str, region: str, now: float) -> None:
    """Every account and region has a "default" group; its row appears when first needed."""
    if find_group(db, account, region, DEFAULT_GROUP) is None:
        with db.write() as tx:
            tx.execute(
                "INSERT OR IGNORE INTO scheduler_groups (account, region, name, created, modified)"
                " VALUES (?, ?, ?, ?, ?)",
                (account, region, DEFAULT_GROUP, now, now),
            )


def find_group(db: Reader, account: str, region: str, name: str) -> Group | None:
    row = db.one(
        "SELECT * FROM scheduler_groups WHERE account = ? AND region = ? AND name = ?",
        (account, region, name),
    )
    return None if row is None else Group.from_row(row)


def insert_group(
    tx: Transaction, account: str, region: str, name: str, now: float, tags: list[dict[str, str]]
) -> bool:
    """False when the name is taken."""
    cursor = tx.execute(
        "INSERT OR IGNORE INTO scheduler_groups (account, region, name, created, modified, tags)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (account, region, name, now, now, json.dumps(tags)),
    )
    return cursor.rowcount == 1


def set_group_tags(tx: Transaction, group: Group, tags: list[dict[str, str]], now: float) -> None:
    tx.execute(
        "UPDATE scheduler_groups SET tags = ?, modified = ? WHERE account = ? AND region = ? AND name = ?",
        (json.dumps(tags), now, group.account, group.region, group.name),
    )


def delete_group(tx: Transaction, account: str, region: str, name: str) -> list[tuple[str, str, str, str]]:
    """Delete the group and its schedules; returns the keys of the schedules deleted."""
    rows = tx.all(
        "DELETE FROM scheduler_schedules WHERE account = ? AND region = ? AND group_name = ?"
        " RETURNING account, region, group_name, name",
        (account, region, name),
    )
    tx.execute(
        "DELETE FROM scheduler_groups WHERE account = ? AND region = ? AND name = ?", (account, region, name)
    )
    return [(str(r["account"]), str(r["region"]), str(r["group_name"]), str(r["name"])) for r in rows]


def list_groups(
    db: Reader, account: str, region: str, prefix: str | None, after: str | None, limit: int
) -> list[Group]:
    where = ["account = ?", "region = ?"]
    args: list[Any] = [account, region]
    if prefix:
        where.append("substr(name, 1, ?) = ?")
        args += [len(prefix), prefix]
    if after is not None:
        where.append("name > ?")
        args.append(after)
    rows = db.all(
        f"SELECT * FROM scheduler_groups WHERE {' AND '.join(where)} ORDER BY name LIMIT ?", (*args, limit)
    )
    return [Group.from_row(r) for r in rows]


# -- schedules ----------------------------------------------------------------------------------


def find_schedule(db: Reader, account: str, region: str, group: str, name: str) -> Schedule | None:
    row = db.one(
        "SELECT * FROM scheduler_schedules WHERE account = ? AND region = ? AND group_name = ? AND name = ?",
        (account, region, group, name),
    )
    return None if row is None else Schedule.from_row(row)


def insert_schedule(
    tx: Transaction,
    account: str,
    region: str,
    group: str,
    name: str,
    state: str,
    spec: dict[str, Any],
    now: float,
) -> bool:
    """False when the name is taken in the group."""
    cursor = tx.execute(
        "INSERT OR IGNORE INTO scheduler_schedules"
        " (account, region, group_name, name, state, spec, created, modified)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (account, region, group, name, state, json.dumps(spec), now, now),
    )
    return cursor.rowcount == 1


def update_schedule(tx: Transaction, schedule_id: int, state: str, spec: dict[str, Any], now: float) -> None:
    tx.execute(
        "UPDATE scheduler_schedules SET state = ?, spec = ?, modified = ? WHERE id = ?",
        (state, json.dumps(spec), now, schedule_id),
    )


def delete_schedule(tx: Transaction, schedule_id: int) -> bool:
    return tx.execute("DELETE FROM scheduler_schedules WHERE id = ?", (schedule_id,)).rowcount == 1


def list_schedules(
    db: Reader,
    account: str,
    region: str,
    group: str | None,
    prefix: str | None,
    state: str | None,
    after: tuple[str, str] | None,
    limit: int,
) -> list[Schedule]:
    """Ordered by (name, group name); `after` is the last (name, group name) of the previous page."""
    where = ["account = ?", "region = ?"]
    args: list[Any] = [account, region]
    if group is not None:
        where.append("group_name = ?")
        args.append(group)
    if prefix:
        where.append("substr(name, 1, ?) = ?")
        args += [len(prefix), prefix]
    if state is not None:
        where.append("state = ?")
        args.append(state)
    if after is not None:
        where.append("(name, group_name) > (?, ?)")
        args += list(after)
    rows = db.all(
        f"SELECT * FROM scheduler_schedules WHERE {' AND '.join(where)} ORDER BY name, group_name LIMIT ?",
        (*args, limit),
    )
    return [Schedule.from_row(r) for r in rows]


def all_schedules(db: Reader) -> list[Schedule]:
    return [Schedule.from_row(r) for r in db.all("SELECT * FROM scheduler_schedules ORDER BY id")]


# -- client tokens ------------------------------------------------------------------------------


def token_result(db: Reader, account: str, region: str, operation: str, token: str) -> dict[str, Any] | None:
    row = db.one(
        "SELECT result FROM scheduler_client_tokens"
        " WHERE account = ? AND region = ? AND operation = ? AND token = ?",
        (account, region, operation, token),
    )
    return None if row is None else dict(json.loads(row["result"]))


def remember_token(
    tx: Transaction, account: str, region: str, operation: str, token: str, result: dict[str, Any]
) -> None:
    tx.execute(
        "INSERT OR REPLACE INTO scheduler_client_tokens (account, region, operation, token, result)"
        " VALUES (?, ?, ?, ?, ?)",
        (account, region, operation, token, json.dumps(result)),
    )
