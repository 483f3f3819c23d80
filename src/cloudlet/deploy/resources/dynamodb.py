"""Resource handlers: AWS::DynamoDB::Table and AWS::DynamoDB::GlobalTable (one region).

Table: Ref is the table name; Fn::GetAtt Arn, StreamArn. TableName, KeySchema and
LocalSecondaryIndexes need replacement ("Update requires: Replacement" in the reference);
the rest changes in place: billing mode and throughput, GSIs added / removed / re-keyed (one
index per UpdateTable, as DynamoDB allows), the stream on / off / new view type, SSE,
deletion protection, table class, TTL (UpdateTimeToLive), point-in-time recovery
(UpdateContinuousBackups) and tags.

GlobalTable: cloudlet runs one region, so Replicas may only name the stack's own region;
that replica's settings and the table's are mapped onto a table (dynamodb_global.py).

LIMITATIONS: KinesisStreamSpecification, ContributorInsightsSpecification and ResourcePolicy
are not applied; ImportSourceSpecification is refused; GSI OnDemandThroughput changes after
creation are not sent."""

from __future__ import annotations

from typing import Any

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.resources import dynamodb_global
from cloudlet.deploy.resources.awslambda_waits import until
from cloudlet.deploy.resources.base import Provisioned, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.property_values import as_bool, as_int, tag_list, tag_map
from cloudlet.deploy.resources.service_errors import is_missing
from cloudlet.deploy.values import to_text


def _throughput(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "ReadCapacityUnits": as_int(value.get("ReadCapacityUnits")),
        "WriteCapacityUnits": as_int(value.get("WriteCapacityUnits")),
    }


def _on_demand(value: dict[str, Any]) -> dict[str, Any]:
    return {k: as_int(v) for k, v in value.items() if k in ("MaxReadRequestUnits", "MaxWriteRequestUnits")}


def _index(index: dict[str, Any], local: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "IndexName": to_text(index["IndexName"]),
        "KeySchema": index["KeySchema"],
        "Projection": index.get("Projection") or {"ProjectionType": "ALL"},
    }
    if not local:
        if index.get("ProvisionedThroughput") is not None:
            out["ProvisionedThroughput"] = _throughput(index["ProvisionedThroughput"])
        if index.get("OnDemandThroughput") is not None:
            out["OnDemandThroughput"] = _on_demand(index["OnDemandThroughput"])
    return out


def _stream(properties: dict[str, Any]) -> str | None:
    spec = properties.get("StreamSpecification")
    return to_text(spec.get("StreamViewType")) if spec else None


def _sse(spec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"Enabled": as_bool(spec.get("SSEEnabled"))}
    if spec.get("SSEType") is not None:
        out["SSEType"] = to_text(spec["SSEType"])
    if spec.get("KMSMasterKeyId") is not None:
        out["KMSMasterKeyId"] = to_text(spec["KMSMasterKeyId"])
    return out


def _attributes(description: dict[str, Any]) -> dict[str, Any]:
    return {
        "Arn": description.get("TableArn", ""),
        "StreamArn": description.get("LatestStreamArn", ""),
        "TableId": description.get("TableId", ""),
    }


def _create_params(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    if properties.get("ImportSourceSpecification") is not None:
        raise ValidationError(
            "ImportSourceSpecification is not supported: cloudlet does not import tables from S3"
        )
    params: dict[str, Any] = {
        "TableName": name,
        "KeySchema": properties["KeySchema"],
        "AttributeDefinitions": properties.get("AttributeDefinitions") or [],
    }
    if properties.get("BillingMode") is not None:
        params["BillingMode"] = to_text(properties["BillingMode"])
    if properties.get("ProvisionedThroughput") is not None:
        params["ProvisionedThroughput"] = _throughput(properties["ProvisionedThroughput"])
    if properties.get("OnDemandThroughput") is not None:
        params["OnDemandThroughput"] = _on_demand(properties["OnDemandThroughput"])
    if properties.get("GlobalSecondaryIndexes"):
        params["GlobalSecondaryIndexes"] = [_index(i) for i in properties["GlobalSecondaryIndexes"]]
    if properties.get("LocalSecondaryIndexes"):
        params["LocalSecondaryIndexes"] = [_index(i, local=True) for i in properties["LocalSecondaryIndexes"]]
    view = _stream(properties)
    if view:
        params["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view}
    if properties.get("SSESpecification") is not None:
        params["SSESpecification"] = _sse(properties["SSESpecification"])
    if properties.get("TableClass") is not None:
        params["TableClass"] = to_text(properties["TableClass"])
    if properties.get("DeletionProtectionEnabled") is not None:
        params["DeletionProtectionEnabled"] = as_bool(properties["DeletionProtectionEnabled"])
    tags = tag_list(properties.get("Tags"))
    if tags:
        params["Tags"] = tags
    return params


async def _describe(ctx: ResourceContext, name: str) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        found = await ctx.call("dynamodb", "DescribeTable", {"TableName": name})
        table: dict[str, Any] = found["Table"]
        return table

    def ready(table: dict[str, Any]) -> bool:
        indexes = table.get("GlobalSecondaryIndexes") or []
        return table.get("TableStatus") == "ACTIVE" and all(i.get("IndexStatus") == "ACTIVE" for i in indexes)

    return await until(read, ready, name)


async def _ttl(
    ctx: ResourceContext, name: str, new: dict[str, Any] | None, old: dict[str, Any] | None
) -> None:
    enabled = bool(new) and as_bool(new.get("Enabled"))  # type: ignore[union-attr]
    was = bool(old) and as_bool(old.get("Enabled"))  # type: ignore[union-attr]
    attribute = to_text((new or {}).get("AttributeName"))
    old_attribute = to_text((old or {}).get("AttributeName"))
    if was and (not enabled or attribute != old_attribute):
        spec = {"Enabled": False, "AttributeName": old_attribute}
        await ctx.call("dynamodb", "UpdateTimeToLive", {"TableName": name, "TimeToLiveSpecification": spec})
    if enabled and (not was or attribute != old_attribute):
        spec = {"Enabled": True, "AttributeName": attribute}
        await ctx.call("dynamodb", "UpdateTimeToLive", {"TableName": name, "TimeToLiveSpecification": spec})


def _pitr(properties: dict[str, Any]) -> bool:
    spec = properties.get("PointInTimeRecoverySpecification") or {}
    return as_bool(spec.get("PointInTimeRecoveryEnabled"))


async def _set_pitr(ctx: ResourceContext, name: str, enabled: bool) -> None:
    spec = {"PointInTimeRecoveryEnabled": enabled}
    await ctx.call(
        "dynamodb", "UpdateContinuousBackups", {"TableName": name, "PointInTimeRecoverySpecification": spec}
    )


async def create_table(ctx: ResourceContext, name: str, properties: dict[str, Any]) -> Provisioned:
    await ctx.call("dynamodb", "CreateTable", _create_params(name, properties))
    await _describe(ctx, name)
    await _ttl(ctx, name, properties.get("TimeToLiveSpecification"), None)
    if _pitr(properties):
        await _set_pitr(ctx, name, True)
    return Provisioned(name, _attributes(await _describe(ctx, name)))


async def update_table(
    ctx: ResourceContext, name: str, properties: dict[str, Any], old: dict[str, Any]
) -> Provisioned:
    definitions = properties.get("AttributeDefinitions") or []

    async def apply(**params: Any) -> None:
        await ctx.call("dynamodb", "UpdateTable", {"TableName": name, **params})
        await _describe(ctx, name)

    billing = to_text(properties.get("BillingMode") or "PROVISIONED")
    old_billing = to_text(old.get("BillingMode") or "PROVISIONED")
    throughput = _throughput(properties.get("ProvisionedThroughput"))
    if billing != old_billing or throughput != _throughput(old.get("ProvisionedThroughput")):
        params: dict[str, Any] = {"BillingMode": billing}
        if billing == "PROVISIONED" and throughput is not None:
            params["ProvisionedThroughput"] = throughput
        await apply(**params)
    new_indexes = {to_text(i["IndexName"]): _index(i) for i in properties.get("GlobalSecondaryIndexes") or []}
    old_indexes = {to_text(i["IndexName"]): _index(i) for i in old.get("GlobalSecondaryIndexes") or []}
    for index_name, index in old_indexes.items():
        fresh = new_indexes.get(index_name)
        if fresh is None or (fresh["KeySchema"], fresh["Projection"]) != (
            index["KeySchema"],
            index["Projection"],
        ):
            await apply(GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": index_name}}])
            old_indexes[index_name] = {}
    for index_name, index in new_indexes.items():
        previous = old_indexes.get(index_name)
        if not previous:
            await apply(AttributeDefinitions=definitions, GlobalSecondaryIndexUpdates=[{"Create": index}])
        elif index.get("ProvisionedThroughput") and index["ProvisionedThroughput"] != previous.get(
            "ProvisionedThroughput"
        ):
            change = {"IndexName": index_name, "ProvisionedThroughput": index["ProvisionedThroughput"]}
            await apply(GlobalSecondaryIndexUpdates=[{"Update": change}])
    view, old_view = _stream(properties), _stream(old)
    if view != old_view:
        if old_view:
            await apply(StreamSpecification={"StreamEnabled": False})
        if view:
            await apply(StreamSpecification={"StreamEnabled": True, "StreamViewType": view})
    if properties.get("SSESpecification") != old.get("SSESpecification"):
        await apply(SSESpecification=_sse(properties.get("SSESpecification") or {}))
    protection = as_bool(properties.get("DeletionProtectionEnabled"))
    if protection != as_bool(old.get("DeletionProtectionEnabled")):
        await apply(DeletionProtectionEnabled=protection)
    if properties.get("TableClass") != old.get("TableClass"):
        await apply(TableClass=to_text(properties.get("TableClass") or "STANDARD"))
    await _ttl(ctx, name, properties.get("TimeToLiveSpecification"), old.get("TimeToLiveSpecification"))
    if _pitr(properties) != _pitr(old):
        await _set_pitr(ctx, name, _pitr(properties))
    description = await _describe(ctx, name)
    await _retag(ctx, description["TableArn"], tag_map(old.get("Tags")), tag_map(properties.get("Tags")))
    return Provisioned(name, _attributes(description))


async def _retag(ctx: ResourceContext, arn: str, old: dict[str, str], new: dict[str, str]) -> None:
    gone = [k for k in old if k not in new]
    if gone:
        await ctx.call("dynamodb", "UntagResource", {"ResourceArn": arn, "TagKeys": gone})
    changed = [{"Key": k, "Value": v} for k, v in new.items() if old.get(k) != v]
    if changed:
        await ctx.call("dynamodb", "TagResource", {"ResourceArn": arn, "Tags": changed})


async def delete_table(ctx: ResourceContext, name: str) -> None:
    try:
        await ctx.call("dynamodb", "DeleteTable", {"TableName": name})
    except Exception as error:
        if not is_missing(error):
            raise


class TableHandler(ResourceHandler):
    type_name = "AWS::DynamoDB::Table"
    replace_on = frozenset({"TableName", "KeySchema", "LocalSecondaryIndexes", "ImportSourceSpecification"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        made = await create_table(ctx, ctx.physical_name(properties), properties)
        made.attributes.pop("TableId", None)  # not an attribute of AWS::DynamoDB::Table
        return made

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        made = await update_table(ctx, physical_id, properties, old)
        made.attributes.pop("TableId", None)
        return made

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        await delete_table(ctx, physical_id)


class GlobalTableHandler(ResourceHandler):
    """Ref: the table name; Fn::GetAtt Arn, StreamArn, TableId."""

    type_name = "AWS::DynamoDB::GlobalTable"
    replace_on = frozenset({"TableName", "KeySchema", "LocalSecondaryIndexes"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        table = dynamodb_global.as_table(properties, ctx.region)
        return await create_table(ctx, ctx.physical_name(properties), table)

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        new_table = dynamodb_global.as_table(properties, ctx.region)
        old_table = dynamodb_global.as_table(old, ctx.region)
        return await update_table(ctx, physical_id, new_table, old_table)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        await delete_table(ctx, physical_id)


HANDLERS: list[ResourceHandler] = [TableHandler(), GlobalTableHandler()]
