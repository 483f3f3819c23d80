"""The SQL of CloudFormation: stacks, their resources and events (the engine's StackSink)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from cloudlet.clock import Clock
from cloudlet.deploy.engine import ResourceState
from cloudlet.storage import Database, Transaction

Reader = Database | Transaction
STACK_TYPE = "AWS::CloudFormation::Stack"


def find_stack(db: Reader, account: str, region: str, name_or_id: str, *, live: bool = True) -> Any:
    """A stack by name (the live one) or by id (deleted ones too)."""
    if name_or_id.startswith("arn:"):
        return db.one("SELECT * FROM cfn_stacks WHERE stack_id = ?", (name_or_id,))
    sql = "SELECT * FROM cfn_stacks WHERE account = ? AND region = ? AND name = ?"
    if live:
        sql += " AND status != 'DELETE_COMPLETE'"
    return db.one(sql + " ORDER BY created DESC LIMIT 1", (account, region, name_or_id))


def stack_row(db: Reader, stack_id: str) -> Any:
    return db.one("SELECT * FROM cfn_stacks WHERE stack_id = ?", (stack_id,))


def stacks(db: Reader, account: str, region: str) -> list[Any]:
    return db.all(
        "SELECT * FROM cfn_stacks WHERE account = ? AND region = ? ORDER BY created DESC", (account, region)
    )


def update_stack(db: Database, stack_id: str, **columns: Any) -> None:
    encoded = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in columns.items()}
    assignments = ", ".join(f"{k} = ?" for k in encoded)
    with db.write() as tx:
        tx.execute(f"UPDATE cfn_stacks SET {assignments} WHERE stack_id = ?", (*encoded.values(), stack_id))  # noqa: S608


def resources(db: Reader, stack_id: str) -> list[Any]:
    return db.all("SELECT * FROM cfn_resources WHERE stack_id = ? ORDER BY seq", (stack_id,))


def resource_states(db: Reader, stack_id: str) -> dict[str, ResourceState]:
    return {
        row["logical_id"]: ResourceState(
            logical_id=row["logical_id"],
            type=row["type"],
            physical_id=row["physical_id"],
            properties=json.loads(row["properties"]),
            attributes=json.loads(row["attributes"]),
            status=row["status"],
            reason=row["reason"],
            seq=row["seq"],
            depends=json.loads(row["depends"]),
            deletion_policy=row["deletion_policy"],
            update_replace_policy=row["update_replace_policy"],
        )
        for row in resources(db, stack_id)
    }


def events(db: Reader, stack_id: str) -> list[Any]:
    return db.all("SELECT * FROM cfn_events WHERE stack_id = ? ORDER BY seq DESC", (stack_id,))


def add_event(
    tx: Transaction,
    clock: Clock,
    stack_id: str,
    logical_id: str,
    resource_type: str,
    status: str,
    physical_id: str | None,
    reason: str = "",
    properties: dict[str, Any] | None = None,
) -> None:
    # Each event a millisecond after the last at least: clients (the cdk CLI) order a stack's
    # events by their timestamps, which AWS never gives twice in a row.
    last = tx.one("SELECT max(timestamp) AS t FROM cfn_events WHERE stack_id = ?", (stack_id,))
    moment = clock.now()
    if last is not None and last["t"] is not None:
        moment = max(moment, float(last["t"]) + 0.001)
    tx.execute(
        "INSERT INTO cfn_events (stack_id, event_id, logical_id, physical_id, type, status, reason,"
        " properties, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            stack_id,
            str(uuid.uuid4()),
            logical_id,
            physical_id,
            resource_type,
            status,
            reason or None,
            json.dumps(properties) if properties is not None else None,
            moment,
        ),
    )


class DbSink:
    """The engine's StackSink over the database: every change a committed row and event."""

    def __init__(self, db: Database, clock: Clock, stack_id: str, stack_name: str) -> None:
        self.db = db
        self.clock = clock
        self.stack_id = stack_id
        self.stack_name = stack_name
        self.status = ""

    def event(
        self,
        logical_id: str,
        resource_type: str,
        status: str,
        physical_id: str | None = None,
        reason: str = "",
        properties: dict[str, Any] | None = None,
    ) -> None:
        with self.db.write() as tx:
            add_event(
                tx,
                self.clock,
                self.stack_id,
                logical_id,
                resource_type,
                status,
                physical_id,
                reason,
                properties,
            )

    def save(self, resource: ResourceState) -> None:
        with self.db.write() as tx:
            tx.execute(
                "INSERT OR REPLACE INTO cfn_resources (stack_id, logical_id, type, physical_id, status, reason,"
                " properties, attributes, seq, depends, deletion_policy, update_replace_policy, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.stack_id,
                    resource.logical_id,
                    resource.type,
                    resource.physical_id,
                    resource.status,
                    resource.reason,
                    json.dumps(resource.properties),
                    json.dumps(resource.attributes),
                    resource.seq,
                    json.dumps(resource.depends),
                    resource.deletion_policy,
                    resource.update_replace_policy,
                    self.clock.now(),
                ),
            )

    def forget(self, logical_id: str) -> None:
        with self.db.write() as tx:
            tx.execute(
                "DELETE FROM cfn_resources WHERE stack_id = ? AND logical_id = ?", (self.stack_id, logical_id)
            )

    def stack_status(self, status: str, reason: str = "") -> None:
        self.status = status
        now = self.clock.now()
        with self.db.write() as tx:
            extra = ", deleted = ?" if status == "DELETE_COMPLETE" else ""
            args: tuple[Any, ...] = (status, reason, now) if extra else (status, reason)
            tx.execute(
                f"UPDATE cfn_stacks SET status = ?, status_reason = ?{extra} WHERE stack_id = ?",  # noqa: S608
                (*args, self.stack_id),
            )
            add_event(
                tx, self.clock, self.stack_id, self.stack_name, STACK_TYPE, status, self.stack_id, reason
            )
