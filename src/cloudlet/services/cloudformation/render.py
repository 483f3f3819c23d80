"""Rows -> the shapes DescribeStacks, DescribeStackEvents and the resource operations answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

NOT_CHECKED = {"StackDriftStatus": "NOT_CHECKED"}
RESOURCE_NOT_CHECKED = {"StackResourceDriftStatus": "NOT_CHECKED"}


def when(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _drop_none(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if v is not None and v != ""}


def stack(row: Any) -> dict[str, Any]:
    outputs = [{k: v for k, v in o.items()} for o in json.loads(row["outputs"])]
    out = {
        "StackId": row["stack_id"],
        "StackName": row["name"],
        "ChangeSetId": row["change_set_id"],
        "Description": row["description"],
        "Parameters": json.loads(row["described_parameters"]),
        "CreationTime": when(row["created"]),
        "DeletionTime": when(row["deleted"]),
        "LastUpdatedTime": when(row["updated"]),
        "RollbackConfiguration": {},
        "StackStatus": row["status"],
        "StackStatusReason": row["status_reason"],
        "DisableRollback": bool(row["disable_rollback"]),
        "NotificationARNs": json.loads(row["notification_arns"]),
        "TimeoutInMinutes": row["timeout"],
        "Capabilities": json.loads(row["capabilities"]),
        "Outputs": outputs,
        "RoleARN": row["role_arn"],
        "Tags": json.loads(row["tags"]),
        "EnableTerminationProtection": bool(row["termination_protection"]),
        "DriftInformation": NOT_CHECKED,
        "ParentId": row["parent_id"],
        "RootId": row["root_id"],
    }
    return _drop_none(out) | {"DisableRollback": out["DisableRollback"]}


def summary(row: Any) -> dict[str, Any]:
    return _drop_none(
        {
            "StackId": row["stack_id"],
            "StackName": row["name"],
            "TemplateDescription": row["description"],
            "CreationTime": when(row["created"]),
            "LastUpdatedTime": when(row["updated"]),
            "DeletionTime": when(row["deleted"]),
            "StackStatus": row["status"],
            "StackStatusReason": row["status_reason"],
            "DriftInformation": NOT_CHECKED,
            "ParentId": row["parent_id"],
            "RootId": row["root_id"],
        }
    )


def event(row: Any, stack_name: str) -> dict[str, Any]:
    return _drop_none(
        {
            "StackId": row["stack_id"],
            "EventId": row["event_id"],
            "StackName": stack_name,
            "LogicalResourceId": row["logical_id"],
            "PhysicalResourceId": row["physical_id"] or "",
            "ResourceType": row["type"],
            "Timestamp": when(row["timestamp"]),
            "ResourceStatus": row["status"],
            "ResourceStatusReason": row["reason"],
            "ResourceProperties": row["properties"],
        }
    ) | {"PhysicalResourceId": row["physical_id"] or ""}


def resource(row: Any, stack_row: Any) -> dict[str, Any]:
    return _drop_none(
        {
            "StackName": stack_row["name"],
            "StackId": stack_row["stack_id"],
            "LogicalResourceId": row["logical_id"],
            "PhysicalResourceId": row["physical_id"],
            "ResourceType": row["type"],
            "Timestamp": when(row["updated"]),
            "ResourceStatus": row["status"],
            "ResourceStatusReason": row["reason"],
            "DriftInformation": RESOURCE_NOT_CHECKED,
        }
    )


def resource_detail(row: Any, stack_row: Any, metadata: Any) -> dict[str, Any]:
    out = resource(row, stack_row)
    out["LastUpdatedTimestamp"] = out.pop("Timestamp")
    if metadata is not None:
        out["Metadata"] = json.dumps(metadata)
    return out


def resource_summary(row: Any) -> dict[str, Any]:
    return _drop_none(
        {
            "LogicalResourceId": row["logical_id"],
            "PhysicalResourceId": row["physical_id"],
            "ResourceType": row["type"],
            "LastUpdatedTimestamp": when(row["updated"]),
            "ResourceStatus": row["status"],
            "ResourceStatusReason": row["reason"],
            "DriftInformation": RESOURCE_NOT_CHECKED,
        }
    )
