"""SQL of event source mappings and their stream checkpoints."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cloudlet.storage.db import Database


@dataclass
class MappingRow:
    uuid: str
    account: str
    region: str
    function_arn: str
    source_arn: str
    state: str
    state_reason: str
    config: dict[str, Any]
    last_modified: float
    last_result: str
    id: int = 0


_COLUMNS = "id, uuid, account, region, function_arn, source_arn, state, state_reason, config, last_modified, last_result"


def _row(row: Any) -> MappingRow:
    return MappingRow(
        uuid=str(row["uuid"]),
        account=str(row["account"]),
        region=str(row["region"]),
        function_arn=str(row["function_arn"]),
        source_arn=str(row["source_arn"]),
        state=str(row["state"]),
        state_reason=str(row["state_reason"]),
        config=json.loads(row["config"]),
        last_modified=float(row["last_modified"]),
        last_result=str(row["last_result"]),
        id=int(row["id"]),
    )


def insert(db: Database, mapping: MappingRow) -> None:
    with db.write() as tx:
        tx.execute(
            "INSERT INTO lambda_event_source_mappings (uuid, account, region, function_arn, source_arn,"
            " state, state_reason, config, last_modified, last_result) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                mapping.uuid,
                mapping.account,
                mapping.region,
                mapping.function_arn,
                mapping.source_arn,
                mapping.state,
                mapping.state_reason,
                json.dumps(mapping.config),
                mapping.last_modified,
                mapping.last_result,
            ),
        )


def save(db: Database, mapping: MappingRow) -> None:
    with db.write() as tx:
        tx.execute(
            "UPDATE lambda_event_source_mappings SET function_arn = ?, state = ?, state_reason = ?,"
            " config = ?, last_modified = ?, last_result = ? WHERE uuid = ?",
            (
                mapping.function_arn,
                mapping.state,
                mapping.state_reason,
                json.dumps(mapping.config),
                mapping.last_modified,
                mapping.last_result,
                mapping.uuid,
            ),
        )


def set_state(db: Database, uuid: str, state: str) -> None:
    with db.write() as tx:
        tx.execute("UPDATE lambda_event_source_mappings SET state = ? WHERE uuid = ?", (state, uuid))


def set_result(db: Database, uuid: str, result: str) -> None:
    with db.write() as tx:
        tx.execute(
            "UPDATE lambda_event_source_mappings SET last_result = ? WHERE uuid = ? AND last_result != ?",
            (result, uuid, result),
        )


def get(db: Database, uuid: str) -> MappingRow | None:
    row = db.one(f"SELECT {_COLUMNS} FROM lambda_event_source_mappings WHERE uuid = ?", (uuid,))
    return None if row is None else _row(row)


def find(
    db: Database,
    account: str,
    region: str,
    function_arns: list[str] | None,
    source_arn: str | None,
    after_id: int,
    limit: int,
) -> list[MappingRow]:
    sql = f"SELECT {_COLUMNS} FROM lambda_event_source_mappings WHERE account = ? AND region = ? AND id > ?"
    args: list[Any] = [account, region, after_id]
    if function_arns is not None:
        sql += f" AND function_arn IN ({','.join('?' * len(function_arns))})"
        args += function_arns
    if source_arn is not None:
        sql += " AND source_arn = ?"
        args.append(source_arn)
    sql += " ORDER BY id LIMIT ?"
    args.append(limit)
    return [_row(row) for row in db.all(sql, tuple(args))]


def all_mappings(db: Database) -> list[MappingRow]:
    return [_row(row) for row in db.all(f"SELECT {_COLUMNS} FROM lambda_event_source_mappings ORDER BY id")]


def delete(db: Database, uuid: str) -> None:
    with db.write() as tx:
        tx.execute("DELETE FROM lambda_event_source_mappings WHERE uuid = ?", (uuid,))
        tx.execute("DELETE FROM lambda_mapping_checkpoints WHERE uuid = ?", (uuid,))


def checkpoints(db: Database, uuid: str) -> dict[str, str]:
    rows = db.all("SELECT shard_id, sequence_number FROM lambda_mapping_checkpoints WHERE uuid = ?", (uuid,))
    return {str(row["shard_id"]): str(row["sequence_number"]) for row in rows}


def save_checkpoint(db: Database, uuid: str, shard_id: str, sequence_number: str) -> None:
    with db.write() as tx:
        # Only for a mapping that still exists (a poller may finish a batch after a delete).
        tx.execute(
            "INSERT INTO lambda_mapping_checkpoints (uuid, shard_id, sequence_number)"
            " SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM lambda_event_source_mappings WHERE uuid = ?)"
            " ON CONFLICT (uuid, shard_id) DO UPDATE SET sequence_number = excluded.sequence_number",
            (uuid, shard_id, sequence_number, uuid),
        )
