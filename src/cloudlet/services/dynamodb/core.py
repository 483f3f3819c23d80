"""What every DynamoDB operation shares: finding tables (cached), saving their definition."""

from __future__ import annotations

import json
from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.base import Provider, ServiceEnv
from cloudlet.services.dynamodb import store
from cloudlet.services.dynamodb.errors import resource_not_found, table_not_found, validation
from cloudlet.services.dynamodb.table_specs import check_table_name
from cloudlet.services.dynamodb.tables import Table, TableCache
from cloudlet.storage.db import Transaction


class DynamoCore(Provider):
    service = "dynamodb"

    def __init__(self, env: ServiceEnv) -> None:
        super().__init__(env)
        self.tables = TableCache()

    def reset(self) -> None:
        self.tables.clear()

    # -- finding tables ----------------------------------------------------------------------
    def load_table(self, account: str, region: str, name: str) -> Table | None:
        table = self.tables.get(account, region, name)
        if table is None:
            row = store.find_table(self.db, account, region, name)
            if row is None:
                return None
            table = self.tables.put(
                self._build(int(row["id"]), account, region, name, json.loads(row["definition"]))
            )
        return table

    def _build(self, table_id: int, account: str, region: str, name: str, state: dict[str, Any]) -> Table:
        return Table(table_id, account, region, name, state)

    def table(self, ctx: RequestContext, name: Any, detailed: bool = False) -> Table:
        """The table a request names (by name or ARN); ResourceNotFoundException if none.
        `detailed` errors name the table, as the control-plane operations do."""
        account, region, table_name = self.locate(ctx, name)
        table = self.load_table(account, region, table_name)
        if table is None:
            raise table_not_found(table_name) if detailed else resource_not_found()
        return table

    @staticmethod
    def locate(ctx: RequestContext, name: Any) -> tuple[str, str, str]:
        if isinstance(name, str) and name.startswith("arn:"):
            # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.Naming.html:
            # operations take a table ARN wherever they take TableName.
            parts = name.split(":", 5)
            if len(parts) == 6 and parts[5].startswith("table/"):
                return parts[4], parts[3], parts[5][len("table/") :].split("/")[0]
            raise validation(f"Invalid TableArn: {name}")
        return ctx.account, ctx.region, check_table_name(name)

    def save(self, tx: Transaction, table: Table, state: dict[str, Any]) -> Table:
        """Store a changed definition; the cache takes the new Table once the caller commits."""
        store.save_table(tx, table.id, json.dumps(state, separators=(",", ":")))
        return self._build(table.id, table.account, table.region, table.name, state)

    def now(self) -> float:
        return self.clock.now()
