"""EventBridge's SQL: buses, rules and targets."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from cloudlet import ids
from cloudlet.storage.db import Database, Transaction

DEFAULT_BUS = "default"

Reader = Database | Transaction


class Row(Protocol):
    def __getitem__(self, key: str) -> Any: ...


def bus_arn(account: str, region: str, name: str) -> str:
    return ids.arn("events", region, account, f"event-bus/{name}")


def rule_arn(account: str, region: str, bus: str, name: str) -> str:
    # Rules on the default bus have no bus segment: arn:aws:events:...:rule/name.
    resource = f"rule/{name}" if bus == DEFAULT_BUS else f"rule/{bus}/{name}"
    return ids.arn("events", region, account, resource)


@dataclass(frozen=True)
class Bus:
    account: str
    region: str
    name: str
    description: str | None
    kms_key: str | None
    dead_letter_arn: str | None
    policy: str | None
    tags: dict[str, str]
    created_ms: int
    modified_ms: int

    @property
    def arn(self) -> str:
        return bus_arn(self.account, self.region, self.name)


@dataclass(frozen=True)
class Rule:
    id: int
    account: str
    region: str
    bus: str
    name: str
    arn: str
    event_pattern: str | None
    schedule: str | None
    schedule_anchor_ms: int | None
    state: str
    description: str | None
    role_arn: str | None
    managed_by: str | None
    tags: dict[str, str]
    created_ms: int

    @property
    def enabled(self) -> bool:
        return self.state != "DISABLED"


def _bus(row: Row) -> Bus:
    return Bus(
        row["account"], row["region"], row["name"], row["description"], row["kms_key"],
        row["dead_letter_arn"], row["policy"], json.loads(row["tags"]), row["created_ms"], row["modified_ms"],
    )  # fmt: skip


def _rule(row: Row) -> Rule:
    return Rule(
        row["id"], row["account"], row["region"], row["bus"], row["name"], row["arn"], row["event_pattern"],
        row["schedule"], row["schedule_anchor_ms"], row["state"], row["description"], row["role_arn"],
        row["managed_by"], json.loads(row["tags"]), row["created_ms"],
    )  # fmt: skip


# -- buses ------------------------------------------------------------------------------------
def get_bus(db: Reader, account: str, region: str, name: str) -> Bus | None:
    row = db.one(
        "SELECT * FROM events_buses WHERE account = ? AND region = ? AND name = ?", (account, region, name)
    )
    return _bus(row) if row else None


def list_buses(db: Reader, account: str, region: str, prefix: str) -> list[Bus]:
    rows = db.all(
        "SELECT * FROM events_buses WHERE account = ? AND region = ? AND substr(name, 1, ?) = ? ORDER BY name",
        (account, region, len(prefix), prefix),
    )
    return [_bus(row) for row in rows]


def insert_bus(tx: Transaction, account: str, region: str, name: str, now_ms: int, **fields: Any) -> None:
    tx.execute(
        "INSERT INTO events_buses (account, region, name, description, kms_key, dead_letter_arn, tags,"
        " created_ms, modified_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            account, region, name, fields.get("description"), fields.get("kms_key"),
            fields.get("dead_letter_arn"), json.dumps(fields.get("tags") or {}), now_ms, now_ms,
        ),
    )  # fmt: skip


def ensure_default_bus(tx: Transaction, account: str, region: str, now_ms: int) -> None:
    if get_bus(tx, account, region, DEFAULT_BUS) is None:
        insert_bus(tx, account, region, DEFAULT_BUS, now_ms)


def update_bus(tx: Transaction, account: str, region: str, name: str, now_ms: int, **fields: Any) -> None:
    for column, value in fields.items():
        tx.execute(
            f"UPDATE events_buses SET {column} = ?, modified_ms = ? WHERE account = ? AND region = ? AND name = ?",
            (value, now_ms, account, region, name),
        )


def delete_bus(tx: Transaction, account: str, region: str, name: str) -> None:
    tx.execute(
        "DELETE FROM events_rules WHERE account = ? AND region = ? AND bus = ?", (account, region, name)
    )
    tx.execute(
        "DELETE FROM events_buses WHERE account = ? AND region = ? AND name = ?", (account, region, name)
    )


# -- rules ------------------------------------------------------------------------------------
def get_rule(db: Reader, account: str, region: str, bus: str, name: str) -> Rule | None:
    row = db.one(
        "SELECT * FROM events_rules WHERE account = ? AND region = ? AND bus = ? AND name = ?",
        (account, region, bus, name),
    )
    return _rule(row) if row else None


def rule_by_arn(db: Reader, arn: str) -> Rule | None:
    row = db.one("SELECT * FROM events_rules WHERE arn = ?", (arn,))
    return _rule(row) if row else None


def rule_by_id(db: Reader, rule_id: int) -> Rule | None:
    row = db.one("SELECT * FROM events_rules WHERE id = ?", (rule_id,))
    return _rule(row) if row else None


def list_rules(db: Reader, account: str, region: str, bus: str, prefix: str = "") -> list[Rule]:
    rows = db.all(
        "SELECT * FROM events_rules WHERE account = ? AND region = ? AND bus = ? AND substr(name, 1, ?) = ?"
        " ORDER BY name",
        (account, region, bus, len(prefix), prefix),
    )
    return [_rule(row) for row in rows]


def scheduled_rules(db: Reader) -> list[Rule]:
    return [_rule(row) for row in db.all("SELECT * FROM events_rules WHERE schedule IS NOT NULL")]


def save_rule(tx: Transaction, rule: Rule) -> int:
    """Insert or replace the rule by (account, region, bus, name), keeping its targets."""
    existing = get_rule(tx, rule.account, rule.region, rule.bus, rule.name)
    values = (
        rule.event_pattern, rule.schedule, rule.schedule_anchor_ms, rule.state, rule.description,
        rule.role_arn, rule.managed_by, json.dumps(rule.tags),
    )  # fmt: skip
    if existing is not None:
        tx.execute(
            "UPDATE events_rules SET event_pattern = ?, schedule = ?, schedule_anchor_ms = ?, state = ?,"
            " description = ?, role_arn = ?, managed_by = ?, tags = ? WHERE id = ?",
            (*values, existing.id),
        )
        return existing.id
    cursor = tx.execute(
        "INSERT INTO events_rules (event_pattern, schedule, schedule_anchor_ms, state, description, role_arn,"
        " managed_by, tags, account, region, bus, name, arn, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?)",
        (*values, rule.account, rule.region, rule.bus, rule.name, rule.arn, rule.created_ms),
    )
    return int(cursor.lastrowid or 0)


def set_rule_state(tx: Transaction, rule_id: int, state: str) -> None:
    tx.execute("UPDATE events_rules SET state = ? WHERE id = ?", (state, rule_id))


def set_tags(tx: Transaction, table: str, key_sql: str, key: tuple[Any, ...], tags: dict[str, str]) -> None:
    tx.execute(f"UPDATE {table} SET tags = ? WHERE {key_sql}", (json.dumps(tags), *key))


def delete_rule(tx: Transaction, rule_id: int) -> None:
    tx.execute("DELETE FROM events_rules WHERE id = ?", (rule_id,))


# -- targets ----------------------------------------------------------------------------------
def targets_of(db: Reader, rule_id: int) -> list[dict[str, Any]]:
    rows = db.all(
        "SELECT spec FROM events_targets WHERE rule_id = ? ORDER BY position, target_id", (rule_id,)
    )
    return [json.loads(row["spec"]) for row in rows]


def count_targets(db: Reader, rule_id: int) -> int:
    row = db.one("SELECT count(*) AS n FROM events_targets WHERE rule_id = ?", (rule_id,))
    return int(row["n"]) if row else 0


def put_target(tx: Transaction, rule_id: int, target: dict[str, Any]) -> None:
    row = tx.one(
        "SELECT position FROM events_targets WHERE rule_id = ? AND target_id = ?", (rule_id, target["Id"])
    )
    if row is not None:
        position = int(row["position"])
    else:
        top = tx.one(
            "SELECT coalesce(max(position), 0) AS p FROM events_targets WHERE rule_id = ?", (rule_id,)
        )
        position = int(top["p"] if top else 0) + 1
    tx.execute(
        "INSERT OR REPLACE INTO events_targets (rule_id, target_id, arn, spec, position) VALUES (?, ?, ?, ?, ?)",
        (rule_id, target["Id"], target["Arn"], json.dumps(target), position),
    )


def remove_target(tx: Transaction, rule_id: int, target_id: str) -> bool:
    cursor = tx.execute(
        "DELETE FROM events_targets WHERE rule_id = ? AND target_id = ?", (rule_id, target_id)
    )
    return cursor.rowcount > 0


def rules_targeting(db: Reader, account: str, region: str, bus: str, arn: str) -> list[str]:
    rows = db.all(
        "SELECT DISTINCT r.name FROM events_rules r JOIN events_targets t ON t.rule_id = r.id"
        " WHERE r.account = ? AND r.region = ? AND r.bus = ? AND t.arn = ? ORDER BY r.name",
        (account, region, bus, arn),
    )
    return [str(row["name"]) for row in rows]
