"""UpdateTable: billing mode and throughput, GSIs created (backfilled at once) and deleted,
the stream switched on or off, SSE, deletion protection and table class."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.dynamodb import store, stream_store
from cloudlet.services.dynamodb import table_specs as specs
from cloudlet.services.dynamodb.describe import describe
from cloudlet.services.dynamodb.errors import invalid, resource_not_found, validation
from cloudlet.services.dynamodb.tables import Table
from cloudlet.services.dynamodb.writes import WritePath
from cloudlet.storage.db import Transaction

NOTHING_TO_UPDATE = (
    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates "
    "or SSESpecification or ReplicaUpdates is required"
)


class TableUpdates(WritePath):
    def update_table(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self.table(ctx, params.get("TableName"), detailed=True)
        state = table.edited()
        description = state["description"]
        changed = False
        now = self.now()
        billing = description.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
        if params.get("BillingMode") is not None:
            billing = specs.check_billing_mode(params["BillingMode"])
            summary: dict[str, Any] = {"BillingMode": billing}
            if billing == "PAY_PER_REQUEST":
                summary["LastUpdateToPayPerRequestDateTime"] = now
                description["ProvisionedThroughput"] = specs.throughput_description(None)
                for index in description.get("GlobalSecondaryIndexes") or ():
                    index["ProvisionedThroughput"] = specs.throughput_description(None)
            description["BillingModeSummary"] = summary
            changed = True
        if params.get("ProvisionedThroughput") is not None:
            throughput = specs.check_throughput(params["ProvisionedThroughput"], billing)
            description["ProvisionedThroughput"] = specs.throughput_description(throughput)
            changed = True
        elif params.get("BillingMode") == "PROVISIONED" and not description["ProvisionedThroughput"].get(
            "ReadCapacityUnits"
        ):
            raise invalid(
                "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
            )
        created, dropped = self._index_updates(params, description, billing)
        changed = changed or bool(created or dropped or params.get("GlobalSecondaryIndexUpdates"))
        stream_spec = specs.check_stream_spec(params.get("StreamSpecification"))
        if stream_spec is not None:
            if stream_spec["StreamEnabled"] and table.stream is not None:
                raise validation(f"Table already has an enabled stream: TableName: {table.name}")
            if not stream_spec["StreamEnabled"] and table.stream is None:
                raise validation(f"Table already has no enabled stream: TableName: {table.name}")
            changed = True
        if params.get("SSESpecification") is not None:
            sse = specs.sse_description(params["SSESpecification"], table.region, table.account)
            if sse is None:
                description.pop("SSEDescription", None)
            else:
                description["SSEDescription"] = sse
            changed = True
        if params.get("DeletionProtectionEnabled") is not None:
            description["DeletionProtectionEnabled"] = bool(params["DeletionProtectionEnabled"])
            changed = True
        if params.get("TableClass"):
            description["TableClassSummary"] = {"TableClass": params["TableClass"]}
            changed = True
        if not changed:
            raise validation(NOTHING_TO_UPDATE)
        with self.db.write() as tx:
            for name in dropped:
                store.drop_index(tx, table.id, name)
            if stream_spec is not None and not stream_spec["StreamEnabled"] and table.stream is not None:
                stream_store.disable_stream(tx, table.stream.id, now)
                state["stream"] = None
            updated = self.save(tx, table, state)
            if stream_spec is not None and stream_spec["StreamEnabled"]:
                updated = self.save(
                    tx, updated, self.enable_stream(tx, updated, stream_spec["StreamViewType"])
                )
            for name in created:
                self.backfill_index(tx, updated, name)
        self.tables.put(updated)
        return {"TableDescription": describe(self.db, updated)}

    def _index_updates(
        self, params: dict[str, Any], description: dict[str, Any], billing: str
    ) -> tuple[list[str], list[str]]:
        """Apply GlobalSecondaryIndexUpdates to the description; (created, deleted) names."""
        updates = params.get("GlobalSecondaryIndexUpdates") or []
        types = {d["AttributeName"]: d["AttributeType"] for d in description["AttributeDefinitions"]}
        for definition in params.get("AttributeDefinitions") or ():
            name, kind = definition.get("AttributeName"), definition.get("AttributeType")
            if name in types and types[name] != kind:
                raise invalid(f"Cannot change the type of an existing attribute definition: {name}")
            types[str(name)] = str(kind)
        indexes: list[dict[str, Any]] = description.get("GlobalSecondaryIndexes") or []
        local = {i["IndexName"] for i in description.get("LocalSecondaryIndexes") or ()}
        created: list[str] = []
        dropped: list[str] = []
        seen: set[str] = set()
        for number, update in enumerate(updates, 1):
            action = update.get("Create") or update.get("Delete") or update.get("Update")
            if not action:
                raise invalid(
                    "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                    "GlobalSecondaryIndexUpdate.Delete must not be null"
                )
            name = action.get("IndexName")
            if name in seen:
                raise invalid(
                    f"Only one global secondary index update per index is allowed simultaneously. Index: {name}"
                )
            seen.add(str(name))
            existing = next((i for i in indexes if i["IndexName"] == name), None)
            if "Create" in update:
                if existing is not None or name in local:
                    raise invalid(f"Attempting to create an index which already exists: {name}")
                if len(indexes) >= specs.MAX_GSI:
                    raise invalid(
                        f"GlobalSecondaryIndex count exceeds the per-table limit of {specs.MAX_GSI}"
                    )
                indexes.append(
                    specs.global_index(update["Create"], types, billing, description["TableArn"], number)
                )
                created.append(str(name))
            elif existing is None:
                raise resource_not_found(f"Index: {name} not found for table: {description['TableName']}")
            elif "Delete" in update:
                indexes.remove(existing)
                dropped.append(str(name))
            else:
                throughput = specs.check_throughput(
                    update["Update"].get("ProvisionedThroughput"), billing, name
                )
                existing["ProvisionedThroughput"] = specs.throughput_description(throughput)
        if indexes:
            description["GlobalSecondaryIndexes"] = indexes
        else:
            description.pop("GlobalSecondaryIndexes", None)
        if created or dropped:
            used = {e["AttributeName"] for e in description["KeySchema"]}
            for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
                for index in description.get(kind) or ():
                    used |= {e["AttributeName"] for e in index["KeySchema"]}
            description["AttributeDefinitions"] = [
                {"AttributeName": n, "AttributeType": t} for n, t in types.items() if n in used
            ]
        return created, dropped

    def enable_stream(self, tx: Transaction, table: Table, view_type: str) -> dict[str, Any]:
        """A new stream for the table (its ddb_streams row); returns the state to save."""
        now = self.now()
        moment = now
        while True:
            label = datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]
            arn = f"{table.arn}/stream/{label}"
            if not stream_store.arn_taken(tx, arn):
                break
            moment += 0.001  # labels are per millisecond; a quick re-enable takes the next one
        shard_id = f"shardId-{int(now * 1000):020d}-{secrets.token_hex(4)}"
        stream_id = stream_store.insert_stream(
            tx,
            arn,
            table.account,
            table.region,
            table.id,
            table.name,
            label,
            view_type,
            json.dumps(table.key_schema),
            shard_id,
            now,
        )
        state = table.edited()
        state["stream"] = {"id": stream_id, "arn": arn, "label": label, "view_type": view_type}
        state["description"]["LatestStreamArn"] = arn
        state["description"]["LatestStreamLabel"] = label
        return state
