"""IAM's SQL. Roles, users, policies and instance profiles share one shape of table: keyed by
(account, name_key), with a path; the helpers here read and page any of them."""

from __future__ import annotations

import json
from typing import Any, Literal, Protocol

from cloudlet.storage import Database
from cloudlet.storage.db import Transaction

Reader = Database | Transaction
Table = Literal["iam_roles", "iam_users", "iam_policies", "iam_instance_profiles"]


class Row(Protocol):
    def __getitem__(self, key: str, /) -> Any: ...

    def keys(self) -> list[str]: ...


def find(db: Reader, table: Table, account: str, name: str) -> Row | None:
    return db.one(f"SELECT * FROM {table} WHERE account = ? AND name_key = ?", (account, name.lower()))


def page(
    db: Reader, table: Table, account: str, path_prefix: str, after: str | None, limit: int, where: str = ""
) -> list[Row]:
    """Up to `limit` rows after name_key `after`, in name order, whose path starts with the prefix."""
    sql = f"SELECT * FROM {table} WHERE account = ? AND substr(path, 1, ?) = ?"
    args: list[Any] = [account, len(path_prefix), path_prefix]
    if after is not None:
        sql += " AND name_key > ?"
        args.append(after)
    if where:
        sql += f" AND {where}"
    sql += " ORDER BY name_key LIMIT ?"
    args.append(limit)
    return list(db.all(sql, args))


def insert(tx: Transaction, table: Table, values: dict[str, Any]) -> bool:
    """False when the name is taken."""
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cursor = tx.execute(f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({marks})", list(values.values()))
    return cursor.rowcount == 1


def update(tx: Transaction, table: Table, account: str, name: str, values: dict[str, Any]) -> None:
    assignments = ", ".join(f"{column} = ?" for column in values)
    tx.execute(
        f"UPDATE {table} SET {assignments} WHERE account = ? AND name_key = ?",
        [*values.values(), account, name.lower()],
    )


def delete(tx: Transaction, table: Table, account: str, name: str) -> None:
    tx.execute(f"DELETE FROM {table} WHERE account = ? AND name_key = ?", (account, name.lower()))


def tags_of(row: Row) -> list[dict[str, str]]:
    tags: list[dict[str, str]] = json.loads(row["tags"])
    return tags


# -- attachments ---------------------------------------------------------------------------------


def attached(db: Reader, account: str, kind: str, owner: str) -> list[str]:
    rows = db.all(
        "SELECT policy_arn FROM iam_attachments WHERE account = ? AND kind = ? AND owner_key = ? ORDER BY seq",
        (account, kind, owner.lower()),
    )
    return [str(row["policy_arn"]) for row in rows]


def attach(tx: Transaction, account: str, kind: str, owner: str, policy_arn: str) -> None:
    tx.execute(
        "INSERT OR IGNORE INTO iam_attachments (account, kind, owner_key, policy_arn, seq) VALUES (?, ?, ?, ?,"
        " (SELECT COALESCE(MAX(seq), 0) + 1 FROM iam_attachments))",
        (account, kind, owner.lower(), policy_arn),
    )


def detach(tx: Transaction, account: str, kind: str, owner: str, policy_arn: str) -> bool:
    cursor = tx.execute(
        "DELETE FROM iam_attachments WHERE account = ? AND kind = ? AND owner_key = ? AND policy_arn = ?",
        (account, kind, owner.lower(), policy_arn),
    )
    return cursor.rowcount == 1


def attachment_count(db: Reader, account: str, policy_arn: str) -> int:
    row = db.one(
        "SELECT COUNT(*) AS n FROM iam_attachments WHERE account = ? AND policy_arn = ?",
        (account, policy_arn),
    )
    return 0 if row is None else int(row["n"])


def attached_aws_policies(db: Reader, account: str) -> list[str]:
    rows = db.all(
        "SELECT DISTINCT policy_arn FROM iam_attachments WHERE account = ? AND policy_arn LIKE 'arn:aws:iam::aws:%'"
        " ORDER BY policy_arn",
        (account,),
    )
    return [str(row["policy_arn"]) for row in rows]


# -- inline policies (kind 'role' | 'user') ------------------------------------------------------


def inline_policy(db: Reader, account: str, kind: str, owner: str, name: str) -> str | None:
    row = db.one(
        "SELECT document FROM iam_inline_policies WHERE account = ? AND kind = ? AND owner_key = ? AND name = ?",
        (account, kind, owner.lower(), name),
    )
    return None if row is None else str(row["document"])


def inline_policy_names(db: Reader, account: str, kind: str, owner: str) -> list[str]:
    rows = db.all(
        "SELECT name FROM iam_inline_policies WHERE account = ? AND kind = ? AND owner_key = ? ORDER BY name",
        (account, kind, owner.lower()),
    )
    return [str(row["name"]) for row in rows]


def inline_policies_size(db: Reader, account: str, kind: str, owner: str) -> int:
    """The characters of an owner's inline policies, whitespace not counted (IAM's quota rule)."""
    rows = db.all(
        "SELECT document FROM iam_inline_policies WHERE account = ? AND kind = ? AND owner_key = ?",
        (account, kind, owner.lower()),
    )
    return sum(len("".join(str(row["document"]).split())) for row in rows)


def put_inline_policy(tx: Transaction, account: str, kind: str, owner: str, name: str, document: str) -> None:
    tx.execute(
        "INSERT OR REPLACE INTO iam_inline_policies (account, kind, owner_key, name, document)"
        " VALUES (?, ?, ?, ?, ?)",
        (account, kind, owner.lower(), name, document),
    )


def delete_inline_policy(
    tx: Transaction, account: str, kind: str, owner: str, name: str | None = None
) -> bool:
    """Delete one inline policy (or all of the owner's when name is None); False if none was."""
    sql = "DELETE FROM iam_inline_policies WHERE account = ? AND kind = ? AND owner_key = ?"
    args = [account, kind, owner.lower()]
    if name is not None:
        sql += " AND name = ?"
        args.append(name)
    return tx.execute(sql, args).rowcount > 0


def detach_all(tx: Transaction, account: str, kind: str, owner: str) -> None:
    tx.execute(
        "DELETE FROM iam_attachments WHERE account = ? AND kind = ? AND owner_key = ?",
        (account, kind, owner.lower()),
    )


# -- policy versions -----------------------------------------------------------------------------


def versions(db: Reader, account: str, policy_arn: str) -> list[Row]:
    return list(
        db.all(
            "SELECT * FROM iam_policy_versions WHERE account = ? AND policy_arn = ? ORDER BY created DESC,"
            " CAST(substr(version_id, 2) AS INTEGER) DESC",
            (account, policy_arn),
        )
    )


def version(db: Reader, account: str, policy_arn: str, version_id: str) -> Row | None:
    return db.one(
        "SELECT * FROM iam_policy_versions WHERE account = ? AND policy_arn = ? AND version_id = ?",
        (account, policy_arn, version_id),
    )


def add_version(
    tx: Transaction, account: str, policy_arn: str, version_id: str, document: str, now: int
) -> None:
    tx.execute(
        "INSERT INTO iam_policy_versions (account, policy_arn, version_id, document, created) VALUES (?, ?, ?, ?, ?)",
        (account, policy_arn, version_id, document, now),
    )


def delete_versions(tx: Transaction, account: str, policy_arn: str, version_id: str | None = None) -> None:
    sql = "DELETE FROM iam_policy_versions WHERE account = ? AND policy_arn = ?"
    args = [account, policy_arn]
    if version_id is not None:
        sql += " AND version_id = ?"
        args.append(version_id)
    tx.execute(sql, args)


# -- access keys ---------------------------------------------------------------------------------


def access_keys(db: Reader, account: str, user: str) -> list[Row]:
    return list(
        db.all(
            "SELECT * FROM iam_access_keys WHERE account = ? AND user_key = ? ORDER BY created, key_id",
            (account, user.lower()),
        )
    )


def policy_by_arn(db: Reader, account: str, arn: str) -> Row | None:
    return db.one("SELECT * FROM iam_policies WHERE account = ? AND arn = ?", (account, arn))


def policies(db: Reader, account: str) -> list[Row]:
    return list(db.all("SELECT * FROM iam_policies WHERE account = ? ORDER BY name_key", (account,)))
