"""Resource handlers: AWS::Scheduler::Schedule and AWS::Scheduler::ScheduleGroup.

Schedule: Ref is the schedule name; Fn::GetAtt Arn. Name is create-only; a new GroupName
also means a new schedule (the group is part of its identity). UpdateSchedule replaces the
whole definition, so an update sends every property. ScheduleGroup: Ref the group name;
Fn::GetAtt Arn, CreationDate, LastModificationDate, State; only tags change in place."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cloudlet.deploy.resources.base import Provisioned, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.property_values import as_int, tag_list, tag_map
from cloudlet.deploy.resources.service_errors import is_missing
from cloudlet.deploy.values import to_text

DEFAULT_GROUP = "default"


async def _ignore_missing(ctx: ResourceContext, operation: str, params: dict[str, Any]) -> None:
    try:
        await ctx.call("scheduler", operation, params)
    except Exception as error:
        if not is_missing(error):
            raise


def _date(value: Any) -> datetime:
    """An ISO 8601 date-time property (or epoch seconds) as an aware datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = to_text(value).strip()
    try:
        return datetime.fromtimestamp(float(text), UTC)
    except ValueError:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _numbers(value: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: (as_int(v) if k in keys else v) for k, v in value.items()}


def _target(target: dict[str, Any]) -> dict[str, Any]:
    out = dict(target)
    for key in ("Arn", "RoleArn", "Input"):
        if out.get(key) is not None:
            out[key] = to_text(out[key])
    if target.get("RetryPolicy") is not None:
        out["RetryPolicy"] = _numbers(
            target["RetryPolicy"], "MaximumEventAgeInSeconds", "MaximumRetryAttempts"
        )
    if target.get("EcsParameters") is not None:
        out["EcsParameters"] = _numbers(target["EcsParameters"], "TaskCount")
    return out


def _schedule_params(name: str, group: str, properties: dict[str, Any]) -> dict[str, Any]:
    window = properties.get("FlexibleTimeWindow") or {"Mode": "OFF"}
    params: dict[str, Any] = {
        "Name": name,
        "GroupName": group,
        "ScheduleExpression": to_text(properties.get("ScheduleExpression")),
        "FlexibleTimeWindow": _numbers(window, "MaximumWindowInMinutes"),
        "Target": _target(properties.get("Target") or {}),
    }
    for key in ("ScheduleExpressionTimezone", "State", "Description", "KmsKeyArn", "ActionAfterCompletion"):
        if properties.get(key) is not None:
            params[key] = to_text(properties[key])
    for key in ("StartDate", "EndDate"):
        if properties.get(key) is not None:
            params[key] = _date(properties[key])
    return params


def _group(properties: dict[str, Any]) -> str:
    return to_text(properties.get("GroupName") or DEFAULT_GROUP)


class ScheduleHandler(ResourceHandler):
    type_name = "AWS::Scheduler::Schedule"
    replace_on = frozenset({"Name", "GroupName"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = ctx.physical_name(properties)
        made = await ctx.call(
            "scheduler", "CreateSchedule", _schedule_params(name, _group(properties), properties)
        )
        return Provisioned(name, {"Arn": made["ScheduleArn"]})

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        params = _schedule_params(physical_id, _group(properties), properties)
        made = await ctx.call("scheduler", "UpdateSchedule", params)
        return Provisioned(physical_id, {"Arn": made["ScheduleArn"]})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        await _ignore_missing(ctx, "DeleteSchedule", {"Name": physical_id, "GroupName": _group(properties)})


class ScheduleGroupHandler(ResourceHandler):
    type_name = "AWS::Scheduler::ScheduleGroup"
    replace_on = frozenset({"Name"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = ctx.physical_name(properties)
        params: dict[str, Any] = {"Name": name}
        tags = tag_list(properties.get("Tags"))
        if tags:
            params["Tags"] = tags
        await ctx.call("scheduler", "CreateScheduleGroup", params)
        return await self._provisioned(ctx, name)

    async def _provisioned(self, ctx: ResourceContext, name: str) -> Provisioned:
        group = await ctx.call("scheduler", "GetScheduleGroup", {"Name": name})
        attributes = {"Arn": group["Arn"], "State": group.get("State", "ACTIVE")}
        for key in ("CreationDate", "LastModificationDate"):
            value = group.get(key)
            if isinstance(value, datetime):
                attributes[key] = value.astimezone(UTC).isoformat().replace("+00:00", "Z")
            elif value is not None:
                attributes[key] = to_text(value)
        return Provisioned(name, attributes)

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        made = await self._provisioned(ctx, physical_id)
        arn = made.attributes["Arn"]
        old_tags, new_tags = tag_map(old.get("Tags")), tag_map(properties.get("Tags"))
        gone = [k for k in old_tags if k not in new_tags]
        if gone:
            await ctx.call("scheduler", "UntagResource", {"ResourceArn": arn, "TagKeys": gone})
        changed = [{"Key": k, "Value": v} for k, v in new_tags.items() if old_tags.get(k) != v]
        if changed:
            await ctx.call("scheduler", "TagResource", {"ResourceArn": arn, "Tags": changed})
        return made

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        await _ignore_missing(ctx, "DeleteScheduleGroup", {"Name": physical_id})


HANDLERS: list[ResourceHandler] = [ScheduleHandler(), ScheduleGroupHandler()]
