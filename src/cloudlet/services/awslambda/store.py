"""The SQL of Lambda functions, versions, aliases, policies and layers. Documents are JSON."""

from __future__ import annotations

import json
from typing import Any

from cloudlet.services.awslambda.names import LATEST
from cloudlet.storage import Database, Transaction

Reader = Database | Transaction
Doc = dict[str, Any]


def _load(text: str) -> Doc:
    value: Doc = json.loads(text)
    return value


# -- functions ---------------------------------------------------------------------------------
def function(db: Reader, account: str, region: str, name: str) -> Doc | None:
    row = db.one(
        "SELECT * FROM lambda_functions WHERE account = ? AND region = ? AND name = ?",
        (account, region, name),
    )
    if row is None:
        return None
    return {
        "name": row["name"],
        "next_version": row["next_version"],
        "reserved_concurrency": row["reserved_concurrency"],
        "tags": json.loads(row["tags"]),
        "created": row["created"],
    }


def function_names(db: Reader, account: str, region: str) -> list[str]:
    rows = db.all(
        "SELECT name FROM lambda_functions WHERE account = ? AND region = ? ORDER BY name",
        (account, region),
    )
    return [r["name"] for r in rows]


def insert_function(tx: Transaction, account: str, region: str, name: str, tags: Doc, now: float) -> None:
    tx.execute(
        "INSERT INTO lambda_functions (account, region, name, tags, created) VALUES (?, ?, ?, ?, ?)",
        (account, region, name, json.dumps(tags), now),
    )


def delete_function(tx: Transaction, account: str, region: str, name: str) -> None:
    for table in ("lambda_functions", "lambda_versions", "lambda_aliases", "lambda_policies"):
        tx.execute(
            f"DELETE FROM {table} WHERE account = ? AND region = ? AND name = ?", (account, region, name)
        )


def set_tags(tx: Transaction, account: str, region: str, name: str, tags: Doc) -> None:
    tx.execute(
        "UPDATE lambda_functions SET tags = ? WHERE account = ? AND region = ? AND name = ?",
        (json.dumps(tags), account, region, name),
    )


def set_concurrency(tx: Transaction, account: str, region: str, name: str, value: int | None) -> None:
    tx.execute(
        "UPDATE lambda_functions SET reserved_concurrency = ? WHERE account = ? AND region = ? AND name = ?",
        (value, account, region, name),
    )


def reserved_total(db: Reader, account: str, region: str, excluding: str = "") -> int:
    row = db.one(
        "SELECT COALESCE(SUM(reserved_concurrency), 0) AS total FROM lambda_functions"
        " WHERE account = ? AND region = ? AND name != ?",
        (account, region, excluding),
    )
    return int(row["total"]) if row is not None else 0


def take_version_number(tx: Transaction, account: str, region: str, name: str) -> int:
    row = tx.one(
        "UPDATE lambda_functions SET next_version = next_version + 1"
        " WHERE account = ? AND region = ? AND name = ? RETURNING next_version - 1 AS number",
        (account, region, name),
    )
    assert row is not None
    return int(row["number"])


# -- versions ----------------------------------------------------------------------------------
def version(db: Reader, account: str, region: str, name: str, version: str) -> Doc | None:
    row = db.one(
        "SELECT config FROM lambda_versions WHERE account = ? AND region = ? AND name = ? AND version = ?",
        (account, region, name, version),
    )
    return None if row is None else _load(row["config"])


def versions(db: Reader, account: str, region: str, name: str) -> list[Doc]:
    rows = db.all(
        "SELECT config FROM lambda_versions WHERE account = ? AND region = ? AND name = ? ORDER BY number",
        (account, region, name),
    )
    return [_load(r["config"]) for r in rows]


def all_versions(db: Reader, account: str, region: str, latest_only: bool) -> list[Doc]:
    sql = "SELECT config FROM lambda_versions WHERE account = ? AND region = ?"
    if latest_only:
        sql += " AND number = 0"
    rows = db.all(sql + " ORDER BY name, number", (account, region))
    return [_load(r["config"]) for r in rows]


def put_version(tx: Transaction, account: str, region: str, name: str, config: Doc) -> None:
    label = config["Version"]
    number = 0 if label == LATEST else int(label)
    tx.execute(
        "INSERT OR REPLACE INTO lambda_versions (account, region, name, version, number, config)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (account, region, name, label, number, json.dumps(config)),
    )


def delete_version(tx: Transaction, account: str, region: str, name: str, version: str) -> None:
    tx.execute(
        "DELETE FROM lambda_versions WHERE account = ? AND region = ? AND name = ? AND version = ?",
        (account, region, name, version),
    )
    tx.execute(
        "DELETE FROM lambda_policies WHERE account = ? AND region = ? AND name = ? AND qualifier = ?",
        (account, region, name, version),
    )


def unsettled(db: Reader) -> list[tuple[str, str, str, str]]:
    """Versions still Pending or InProgress (a restart finishes them)."""
    rows = db.all(
        "SELECT account, region, name, version FROM lambda_versions"
        " WHERE json_extract(config, '$.State') = 'Pending'"
        " OR json_extract(config, '$.LastUpdateStatus') = 'InProgress'"
    )
    return [(r["account"], r["region"], r["name"], r["version"]) for r in rows]


# -- aliases -----------------------------------------------------------------------------------
def alias(db: Reader, account: str, region: str, name: str, alias: str) -> Doc | None:
    row = db.one(
        "SELECT config FROM lambda_aliases WHERE account = ? AND region = ? AND name = ? AND alias = ?",
        (account, region, name, alias),
    )
    return None if row is None else _load(row["config"])


def aliases(db: Reader, account: str, region: str, name: str) -> list[Doc]:
    rows = db.all(
        "SELECT config FROM lambda_aliases WHERE account = ? AND region = ? AND name = ? ORDER BY alias",
        (account, region, name),
    )
    return [_load(r["config"]) for r in rows]


def put_alias(tx: Transaction, account: str, region: str, name: str, config: Doc) -> None:
    tx.execute(
        "INSERT OR REPLACE INTO lambda_aliases (account, region, name, alias, config) VALUES (?, ?, ?, ?, ?)",
        (account, region, name, config["Name"], json.dumps(config)),
    )


def delete_alias(tx: Transaction, account: str, region: str, name: str, alias: str) -> None:
    tx.execute(
        "DELETE FROM lambda_aliases WHERE account = ? AND region = ? AND name = ? AND alias = ?",
        (account, region, name, alias),
    )
    tx.execute(
        "DELETE FROM lambda_policies WHERE account = ? AND region = ? AND name = ? AND qualifier = ?",
        (account, region, name, alias),
    )


# -- policies ----------------------------------------------------------------------------------
def policy(db: Reader, account: str, region: str, name: str, qualifier: str) -> tuple[list[Doc], str] | None:
    row = db.one(
        "SELECT statements, revision FROM lambda_policies"
        " WHERE account = ? AND region = ? AND name = ? AND qualifier = ?",
        (account, region, name, qualifier),
    )
    if row is None:
        return None
    return json.loads(row["statements"]), row["revision"]


def put_policy(
    tx: Transaction,
    account: str,
    region: str,
    name: str,
    qualifier: str,
    statements: list[Doc],
    revision: str,
) -> None:
    if not statements:
        tx.execute(
            "DELETE FROM lambda_policies WHERE account = ? AND region = ? AND name = ? AND qualifier = ?",
            (account, region, name, qualifier),
        )
        return
    tx.execute(
        "INSERT OR REPLACE INTO lambda_policies (account, region, name, qualifier, statements, revision)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (account, region, name, qualifier, json.dumps(statements), revision),
    )


# -- layers ------------------------------------------------------------------------------------
def take_layer_version(tx: Transaction, account: str, region: str, name: str) -> int:
    tx.execute(
        "INSERT OR IGNORE INTO lambda_layers (account, region, name) VALUES (?, ?, ?)",
        (account, region, name),
    )
    row = tx.one(
        "UPDATE lambda_layers SET next_version = next_version + 1"
        " WHERE account = ? AND region = ? AND name = ? RETURNING next_version - 1 AS number",
        (account, region, name),
    )
    assert row is not None
    return int(row["number"])


def layer_version(db: Reader, account: str, region: str, name: str, number: int) -> Doc | None:
    row = db.one(
        "SELECT config FROM lambda_layer_versions WHERE account = ? AND region = ? AND name = ? AND version = ?",
        (account, region, name, number),
    )
    return None if row is None else _load(row["config"])


def layer_versions(db: Reader, account: str, region: str, name: str | None) -> list[Doc]:
    """Newest first (as ListLayerVersions); every layer's when name is None, by name."""
    if name is None:
        rows = db.all(
            "SELECT config FROM lambda_layer_versions WHERE account = ? AND region = ?"
            " ORDER BY name, version DESC",
            (account, region),
        )
    else:
        rows = db.all(
            "SELECT config FROM lambda_layer_versions WHERE account = ? AND region = ? AND name = ?"
            " ORDER BY version DESC",
            (account, region, name),
        )
    return [_load(r["config"]) for r in rows]


def put_layer_version(
    tx: Transaction, account: str, region: str, name: str, number: int, config: Doc
) -> None:
    tx.execute(
        "INSERT INTO lambda_layer_versions (account, region, name, version, config) VALUES (?, ?, ?, ?, ?)",
        (account, region, name, number, json.dumps(config)),
    )


def delete_layer_version(tx: Transaction, account: str, region: str, name: str, number: int) -> None:
    tx.execute(
        "DELETE FROM lambda_layer_versions WHERE account = ? AND region = ? AND name = ? AND version = ?",
        (account, region, name, number),
    )
