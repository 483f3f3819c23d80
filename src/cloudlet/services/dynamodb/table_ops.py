"""Table lifecycle: CreateTable, DescribeTable, UpdateTable, DeleteTable, ListTables.

CreateTable answers CREATING, as AWS does, but the table is ACTIVE (and usable) from the
next request on, so boto3's table_exists waiter passes on its first DescribeTable."""

from __future__ import annotations

import json
import uuid
from typing import Any

from cloudlet import ids
from cloudlet.gateway.context import RequestContext
from cloudlet.services.dynamodb import store, stream_store
from cloudlet.services.dynamodb import table_specs as specs
from cloudlet.services.dynamodb.describe import describe
from cloudlet.services.dynamodb.errors import constraint, invalid, resource_in_use, validation
from cloudlet.services.dynamodb.table_updates import TableUpdates
from cloudlet.services.dynamodb.tables import Table

MAX_LIST_TABLES = 100


class TableOperations(TableUpdates):
    def create_table(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = specs.check_table_name(params.get("TableName"))
        billing = specs.check_billing_mode(params.get("BillingMode"))
        throughput = specs.check_throughput(params.get("ProvisionedThroughput"), billing)
        types = specs.attribute_types(params.get("AttributeDefinitions"))
        schema = specs.check_key_schema(params.get("KeySchema"), types)
        now = self.now()
        arn = ids.arn("dynamodb", ctx.region, ctx.account, f"table/{name}")
        description: dict[str, Any] = {
            "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in types.items()],
            "TableName": name,
            "KeySchema": schema,
            "CreationDateTime": now,
            "ProvisionedThroughput": specs.throughput_description(throughput),
            "TableArn": arn,
            "TableId": str(uuid.uuid4()),
        }
        if params.get("BillingMode") is not None:
            description["BillingModeSummary"] = _billing_summary(billing, now)
        self._add_indexes(params, description, types, schema, billing, arn)
        specs.check_attribute_use(types, description)
        stream_spec = specs.check_stream_spec(params.get("StreamSpecification"))
        sse = specs.sse_description(params.get("SSESpecification"), ctx.region, ctx.account)
        if sse is not None:
            description["SSEDescription"] = sse
        description["DeletionProtectionEnabled"] = bool(params.get("DeletionProtectionEnabled", False))
        if params.get("TableClass"):
            description["TableClassSummary"] = {"TableClass": params["TableClass"]}
        state: dict[str, Any] = {
            "description": description,
            "tags": specs.check_tags(params.get("Tags")),
            "ttl": {"TimeToLiveStatus": "DISABLED"},
            "backups": {"PointInTimeRecoveryStatus": "DISABLED"},
            "stream": None,
        }
        if self.load_table(ctx.account, ctx.region, name) is not None:
            raise resource_in_use(f"Table already exists: {name}")
        with self.db.write() as tx:
            table_id = store.insert_table(tx, ctx.account, ctx.region, name, json.dumps(state))
            table = Table(table_id, ctx.account, ctx.region, name, state)
            if stream_spec is not None and stream_spec["StreamEnabled"]:
                table = self.save(tx, table, self.enable_stream(tx, table, stream_spec["StreamViewType"]))
        self.tables.put(table)
        return {"TableDescription": describe(self.db, table, "CREATING", counts=False)}

    def _add_indexes(
        self,
        params: dict[str, Any],
        description: dict[str, Any],
        types: dict[str, str],
        schema: list[dict[str, str]],
        billing: str,
        arn: str,
    ) -> None:
        names: set[str] = set()
        local = params.get("LocalSecondaryIndexes")
        if local is not None:
            if not local:
                raise invalid("List of LocalSecondaryIndexes is empty")
            if len(local) > specs.MAX_LSI:
                raise invalid("Number of LocalSecondaryIndexes exceeds per-table limit of 5")
            description["LocalSecondaryIndexes"] = [
                self._unique(names, specs.local_index(spec, types, schema, arn, n))
                for n, spec in enumerate(local, 1)
            ]
        global_ = params.get("GlobalSecondaryIndexes")
        if global_ is not None:
            if not global_:
                raise invalid("List of GlobalSecondaryIndexes is empty")
            if len(global_) > specs.MAX_GSI:
                raise invalid(f"GlobalSecondaryIndex count exceeds the per-table limit of {specs.MAX_GSI}")
            description["GlobalSecondaryIndexes"] = [
                self._unique(names, specs.global_index(spec, types, billing, arn, n))
                for n, spec in enumerate(global_, 1)
            ]

    @staticmethod
    def _unique(names: set[str], index: dict[str, Any]) -> dict[str, Any]:
        if index["IndexName"] in names:
            raise invalid(f"Duplicate index name: {index['IndexName']}")
        names.add(index["IndexName"])
        return index

    def describe_table(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self.table(ctx, params.get("TableName"), detailed=True)
        return {"Table": describe(self.db, table)}

    def delete_table(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self.table(ctx, params.get("TableName"), detailed=True)
        if table.description.get("DeletionProtectionEnabled"):
            raise validation(
                "Resource cannot be deleted as it is currently protected against deletion. "
                "Disable deletion protection first."
            )
        description = describe(self.db, table, "DELETING")
        with self.db.write() as tx:
            if table.stream is not None:
                stream_store.disable_stream(tx, table.stream.id, self.now())
            store.delete_table(tx, table.id)
        self.tables.drop(table.account, table.region, table.name)
        return {"TableDescription": description}

    def list_tables(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        limit = params.get("Limit", MAX_LIST_TABLES)
        if limit < 1:
            raise constraint(limit, "limit", "Member must have value greater than or equal to 1")
        if limit > MAX_LIST_TABLES:
            raise constraint(limit, "limit", "Member must have value less than or equal to 100")
        start = params.get("ExclusiveStartTableName") or ""
        names = store.table_names(self.db, ctx.account, ctx.region, start, limit + 1)
        result: dict[str, Any] = {"TableNames": names[:limit]}
        if len(names) > limit:
            result["LastEvaluatedTableName"] = names[limit - 1]
        return result


def _billing_summary(billing: str, now: float) -> dict[str, Any]:
    summary: dict[str, Any] = {"BillingMode": billing}
    if billing == "PAY_PER_REQUEST":
        summary["LastUpdateToPayPerRequestDateTime"] = now
    return summary
