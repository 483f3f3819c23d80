"""AWS::DynamoDB::GlobalTable as the properties of one AWS::DynamoDB::Table: the table's
own settings plus those of the replica in the stack's region (cloudlet runs one region,
so a replica anywhere else is refused rather than silently dropped).

Provisioned capacity: the write setting is the table's WriteProvisionedThroughputSettings
(its auto-scaling MinCapacity when only auto-scaling is given), the read setting the
replica's ReadProvisionedThroughputSettings (ReadCapacityUnits, else auto-scaling
MinCapacity); auto-scaling itself is not run."""

from __future__ import annotations

from typing import Any

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.values import to_text


def _capacity(settings: dict[str, Any] | None, units: str, scaling: str) -> Any:
    if not settings:
        return None
    if settings.get(units) is not None:
        return settings[units]
    return (settings.get(scaling) or {}).get("MinCapacity")


def _replica(properties: dict[str, Any], region: str) -> dict[str, Any]:
    replicas = properties.get("Replicas") or []
    elsewhere = [to_text(r.get("Region")) for r in replicas if to_text(r.get("Region")) != region]
    if elsewhere:
        raise ValidationError(
            f"cloudlet runs one region ({region}): replicas in {', '.join(elsewhere)} cannot be created"
        )
    mine = [r for r in replicas if to_text(r.get("Region")) == region]
    if not mine:
        raise ValidationError(f"Replicas must include the stack's region ({region})")
    replica: dict[str, Any] = mine[0]
    return replica


def as_table(properties: dict[str, Any], region: str) -> dict[str, Any]:
    replica = _replica(properties, region)
    table: dict[str, Any] = {
        k: properties[k]
        for k in (
            "TableName",
            "KeySchema",
            "AttributeDefinitions",
            "BillingMode",
            "LocalSecondaryIndexes",
            "StreamSpecification",
            "TimeToLiveSpecification",
        )
        if properties.get(k) is not None
    }
    provisioned = to_text(properties.get("BillingMode") or "PROVISIONED") == "PROVISIONED"
    if provisioned:
        write = _capacity(
            properties.get("WriteProvisionedThroughputSettings"),
            "WriteCapacityUnits",
            "WriteCapacityAutoScalingSettings",
        )
        read = _capacity(
            replica.get("ReadProvisionedThroughputSettings"),
            "ReadCapacityUnits",
            "ReadCapacityAutoScalingSettings",
        )
        if write is not None or read is not None:
            table["ProvisionedThroughput"] = {
                "ReadCapacityUnits": read or 1,
                "WriteCapacityUnits": write or 1,
            }
    replica_indexes = {to_text(i.get("IndexName")): i for i in replica.get("GlobalSecondaryIndexes") or []}
    indexes = []
    for index in properties.get("GlobalSecondaryIndexes") or []:
        out = {k: index[k] for k in ("IndexName", "KeySchema", "Projection") if k in index}
        if provisioned:
            write = _capacity(
                index.get("WriteProvisionedThroughputSettings"),
                "WriteCapacityUnits",
                "WriteCapacityAutoScalingSettings",
            )
            read = _capacity(
                replica_indexes.get(to_text(index.get("IndexName")), {}).get(
                    "ReadProvisionedThroughputSettings"
                ),
                "ReadCapacityUnits",
                "ReadCapacityAutoScalingSettings",
            )
            if write is not None or read is not None:
                out["ProvisionedThroughput"] = {
                    "ReadCapacityUnits": read or 1,
                    "WriteCapacityUnits": write or 1,
                }
        indexes.append(out)
    if indexes:
        table["GlobalSecondaryIndexes"] = indexes
    sse = dict(properties.get("SSESpecification") or {})
    if (replica.get("SSESpecification") or {}).get("KMSMasterKeyId") is not None:
        sse["KMSMasterKeyId"] = replica["SSESpecification"]["KMSMasterKeyId"]
    if sse:
        table["SSESpecification"] = sse
    for key in ("TableClass", "DeletionProtectionEnabled", "PointInTimeRecoverySpecification", "Tags"):
        if replica.get(key) is not None:
            table[key] = replica[key]
    return table
