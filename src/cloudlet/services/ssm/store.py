"""The SQL of Parameter Store: parameters, their versions, labels and tags."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from cloudlet.storage import Database, Transaction

Reader = Database | Transaction

MAX_VERSIONS = 100


class Row(Protocol):
    def __getitem__(self, key: str, /) -> Any: ...


@dataclass
class Version:
    name: str
    version: int
    type: str
    value: str
    key_id: str | None
    description: str | None
    allowed_pattern: str | None
    tier: str
    data_type: str
    modified: float
    user: str
    labels: list[str] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: Row) -> Version:
        return cls(
            name=row["name"],
            version=row["version"],
            type=row["type"],
            value=row["value"],
            key_id=row["key_id"],
            description=row["description"],
            allowed_pattern=row["allowed_pattern"],
            tier=row["tier"],
            data_type=row["data_type"],
            modified=row["modified"],
            user=row["user"],
            labels=json.loads(row["labels"]),
        )


_LATEST = (
    "SELECT v.* FROM ssm_versions v JOIN ssm_parameters p ON p.account = v.account"
    " AND p.region = v.region AND p.name = v.name AND p.version = v.version"
    " WHERE p.account = ? AND p.region = ?"
)


def latest(db: Reader, account: str, region: str, name: str) -> Version | None:
    row = db.one(_LATEST + " AND p.name = ?", (account, region, name))
    return None if row is None else Version.from_row(row)


def all_latest(db: Reader, account: str, region: str) -> list[Version]:
    """Every parameter's latest version, by name."""
    return [Version.from_row(r) for r in db.all(_LATEST + " ORDER BY p.name", (account, region))]


def versions(db: Reader, account: str, region: str, name: str) -> list[Version]:
    rows = db.all(
        "SELECT * FROM ssm_versions WHERE account = ? AND region = ? AND name = ? ORDER BY version",
        (account, region, name),
    )
    return [Version.from_row(r) for r in rows]


def tags(db: Reader, account: str, region: str, name: str) -> dict[str, str] | None:
    row = db.one(
        "SELECT tags FROM ssm_parameters WHERE account = ? AND region = ? AND name = ?",
        (account, region, name),
    )
    return None if row is None else dict(json.loads(row["tags"]))


def all_tags(db: Reader, account: str, region: str) -> dict[str, dict[str, str]]:
    rows = db.all("SELECT name, tags FROM ssm_parameters WHERE account = ? AND region = ?", (account, region))
    return {r["name"]: json.loads(r["tags"]) for r in rows}


def set_tags(tx: Transaction, account: str, region: str, name: str, values: dict[str, str]) -> None:
    tx.execute(
        "UPDATE ssm_parameters SET tags = ? WHERE account = ? AND region = ? AND name = ?",
        (json.dumps(values), account, region, name),
    )


def add_version(tx: Transaction, account: str, region: str, item: Version, new_tags: dict[str, str]) -> None:
    """Insert item as the latest version; past MAX_VERSIONS the oldest is dropped."""
    tx.execute(
        "INSERT INTO ssm_versions (account, region, name, version, type, value, key_id, description,"
        " allowed_pattern, tier, data_type, modified, user, labels) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'[]')",
        (
            account,
            region,
            item.name,
            item.version,
            item.type,
            item.value,
            item.key_id,
            item.description,
            item.allowed_pattern,
            item.tier,
            item.data_type,
            item.modified,
            item.user,
        ),
    )
    if item.version == 1:
        tx.execute(
            "INSERT INTO ssm_parameters (account, region, name, version, tags) VALUES (?, ?, ?, 1, ?)",
            (account, region, item.name, json.dumps(new_tags)),
        )
    else:
        tx.execute(
            "UPDATE ssm_parameters SET version = ? WHERE account = ? AND region = ? AND name = ?",
            (item.version, account, region, item.name),
        )
    tx.execute(
        "DELETE FROM ssm_versions WHERE account = ? AND region = ? AND name = ? AND version <= ?",
        (account, region, item.name, item.version - MAX_VERSIONS),
    )


def set_labels(
    tx: Transaction, account: str, region: str, name: str, version: int, labels: list[str]
) -> None:
    tx.execute(
        "UPDATE ssm_versions SET labels = ? WHERE account = ? AND region = ? AND name = ? AND version = ?",
        (json.dumps(labels), account, region, name, version),
    )


def delete(tx: Transaction, account: str, region: str, name: str) -> bool:
    gone = tx.execute(
        "DELETE FROM ssm_parameters WHERE account = ? AND region = ? AND name = ?", (account, region, name)
    ).rowcount
    tx.execute(
        "DELETE FROM ssm_versions WHERE account = ? AND region = ? AND name = ?", (account, region, name)
    )
    return bool(gone)
