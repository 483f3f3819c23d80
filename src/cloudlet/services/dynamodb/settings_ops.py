"""Per-table settings and account facts: tags, time to live, continuous backups, limits,
endpoints."""

from __future__ import annotations

from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.dynamodb import table_specs as specs
from cloudlet.services.dynamodb.errors import invalid, resource_not_found, validation
from cloudlet.services.dynamodb.tables import Table
from cloudlet.services.dynamodb.writes import WritePath

MAX_TAGS = 50  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Tagging.html
PITR_DAYS = 35


class SettingsOperations(WritePath):
    # -- tags ------------------------------------------------------------------------------------
    def _table_of_arn(self, ctx: RequestContext, arn: Any) -> Table:
        if not isinstance(arn, str) or not arn.startswith("arn:"):
            raise validation(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
        parts = arn.split(":", 5)
        if len(parts) != 6 or not parts[5].startswith("table/"):
            raise validation(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
        table = self.load_table(parts[4], parts[3], parts[5][len("table/") :].split("/")[0])
        if table is None:
            # AWS's wording, typo included.
            raise resource_not_found(f"ResourcArn: {arn} not found")
        return table

    def tag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self._table_of_arn(ctx, params.get("ResourceArn"))
        new = specs.check_tags(params.get("Tags"))
        state = table.edited()
        tags = {t["Key"]: t["Value"] for t in state["tags"]}
        tags.update({t["Key"]: t["Value"] for t in new})
        if len(tags) > MAX_TAGS:
            raise invalid(f"The number of tags exceeds the limit of {MAX_TAGS}")  # AWS words it vaguely
        state["tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        self._store(table, state)
        return {}

    def untag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self._table_of_arn(ctx, params.get("ResourceArn"))
        remove = set(params.get("TagKeys") or ())
        state = table.edited()
        state["tags"] = [t for t in state["tags"] if t["Key"] not in remove]
        self._store(table, state)
        return {}

    def list_tags_of_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self._table_of_arn(ctx, params.get("ResourceArn"))
        return {"Tags": list(table.state["tags"])}

    def _store(self, table: Table, state: dict[str, Any]) -> Table:
        with self.db.write() as tx:
            updated = self.save(tx, table, state)
        return self.tables.put(updated)

    # -- time to live ----------------------------------------------------------------------------
    def update_time_to_live(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self.table(ctx, params.get("TableName"), detailed=True)
        spec = params.get("TimeToLiveSpecification") or {}
        name, enabled = spec.get("AttributeName"), spec.get("Enabled")
        if not name or enabled is None:
            raise validation("TimeToLiveSpecification requires AttributeName and Enabled")
        current = table.state.get("ttl") or {}
        if enabled and current.get("TimeToLiveStatus") == "ENABLED":
            raise validation("TimeToLive is already enabled")
        if not enabled and current.get("TimeToLiveStatus") != "ENABLED":
            raise validation("TimeToLive is already disabled")
        if not enabled and current.get("AttributeName") != name:
            raise validation(
                f"TimeToLive is active on a different AttributeName: current AttributeName is {current.get('AttributeName')}"
            )
        state = table.edited()
        state["ttl"] = (
            {"TimeToLiveStatus": "ENABLED", "AttributeName": name}
            if enabled
            else {"TimeToLiveStatus": "DISABLED"}
        )
        with self.db.write() as tx:
            updated = self.save(tx, table, state)
            self.refresh_expiries(tx, updated)
        self.tables.put(updated)
        return {"TimeToLiveSpecification": {"Enabled": bool(enabled), "AttributeName": name}}

    def describe_time_to_live(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self.table(ctx, params.get("TableName"), detailed=True)
        return {"TimeToLiveDescription": dict(table.state.get("ttl") or {"TimeToLiveStatus": "DISABLED"})}

    # -- continuous backups (settings stored; no backups are taken) ------------------------------
    def _backup_table(self, ctx: RequestContext, name: Any) -> Table:
        account, region, table_name = self.locate(ctx, name)
        table = self.load_table(account, region, table_name)
        if table is None:
            raise ServiceError("TableNotFoundException", f"Table not found: {table_name}", 400)
        return table

    def describe_continuous_backups(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self._backup_table(ctx, params.get("TableName"))
        return {"ContinuousBackupsDescription": self._backups(table)}

    def update_continuous_backups(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self._backup_table(ctx, params.get("TableName"))
        spec = params.get("PointInTimeRecoverySpecification") or {}
        if spec.get("PointInTimeRecoveryEnabled") is None:
            raise validation("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is required")
        days = int(spec.get("RecoveryPeriodInDays") or PITR_DAYS)
        if not 1 <= days <= PITR_DAYS:
            raise validation("RecoveryPeriodInDays must be between 1 and 35")
        state = table.edited()
        if spec["PointInTimeRecoveryEnabled"]:
            state["backups"] = {
                "PointInTimeRecoveryStatus": "ENABLED",
                "RecoveryPeriodInDays": days,
                "Since": self.now(),
            }
        else:
            state["backups"] = {"PointInTimeRecoveryStatus": "DISABLED"}
        updated = self._store(table, state)
        return {"ContinuousBackupsDescription": self._backups(updated)}

    def _backups(self, table: Table) -> dict[str, Any]:
        stored = table.state.get("backups") or {"PointInTimeRecoveryStatus": "DISABLED"}
        pitr: dict[str, Any] = {"PointInTimeRecoveryStatus": stored["PointInTimeRecoveryStatus"]}
        if stored["PointInTimeRecoveryStatus"] == "ENABLED":
            now = self.now()
            pitr["RecoveryPeriodInDays"] = stored["RecoveryPeriodInDays"]
            pitr["EarliestRestorableDateTime"] = max(
                stored["Since"], now - stored["RecoveryPeriodInDays"] * 86400
            )
            pitr["LatestRestorableDateTime"] = now - 300  # AWS lags about five minutes
        return {"ContinuousBackupsStatus": "ENABLED", "PointInTimeRecoveryDescription": pitr}

    # -- account facts ---------------------------------------------------------------------------
    def describe_limits(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        # The default quotas: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
        return {
            "AccountMaxReadCapacityUnits": 80000,
            "AccountMaxWriteCapacityUnits": 80000,
            "TableMaxReadCapacityUnits": 40000,
            "TableMaxWriteCapacityUnits": 40000,
        }

    def describe_endpoints(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        address = ctx.request.host or f"dynamodb.{ctx.region}.amazonaws.com"
        return {"Endpoints": [{"Address": address, "CachePeriodInMinutes": 1440}]}
