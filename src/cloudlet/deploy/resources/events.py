"""Resource handlers: AWS::Events::Rule, AWS::Events::EventBus, AWS::Events::Archive.

Rule: Ref is the rule name on the default bus and "<bus name>|<rule name>" on any other
(what CloudFormation returns, cloudformation-coverage-roadmap#1131); Fn::GetAtt Arn. Name
and EventBusName need replacement; targets are diffed by Id on update (removed ones
RemoveTargets, new and changed ones PutTargets). EventBus: Ref the name; Arn, Name, Policy.
Archive: Ref the archive name; Arn.

LIMITATIONS: a rule whose targets fail validation fails with the first FailedEntries
message (CloudFormation words it through its own handler error)."""

from __future__ import annotations

from typing import Any

from cloudlet.deploy.resources.base import Provisioned, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.property_values import as_int, json_text, json_value, tag_list, tag_map
from cloudlet.deploy.resources.service_errors import is_missing
from cloudlet.deploy.values import to_text

DEFAULT_BUS = "default"


async def _ignore_missing(ctx: ResourceContext, operation: str, params: dict[str, Any]) -> None:
    try:
        await ctx.call("events", operation, params)
    except Exception as error:
        if not is_missing(error):
            raise


def _bus_name(value: Any) -> str:
    """A bus name or ARN -> its name."""
    text = to_text(value) if value else DEFAULT_BUS
    return text.split(":event-bus/", 1)[1] if ":event-bus/" in text else text


def _rule_ref(bus: str, name: str) -> str:
    return name if bus == DEFAULT_BUS else f"{bus}|{name}"


def _split_ref(physical_id: str) -> tuple[str, str]:
    bus, _, name = physical_id.rpartition("|")
    return bus or DEFAULT_BUS, name


def _target(target: dict[str, Any]) -> dict[str, Any]:
    out = dict(target)
    for key in ("Id", "Arn", "RoleArn", "Input", "InputPath"):
        if out.get(key) is not None:
            out[key] = to_text(out[key])
    retry = target.get("RetryPolicy")
    if retry is not None:
        out["RetryPolicy"] = {k: as_int(v) for k, v in retry.items()}
    transformer = target.get("InputTransformer")
    if transformer is not None:
        out["InputTransformer"] = {
            **transformer,
            "InputTemplate": to_text(transformer.get("InputTemplate", "")),
        }
    return out


def _rule_params(name: str, bus: str, properties: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {"Name": name, "EventBusName": bus}
    if properties.get("EventPattern") is not None:
        params["EventPattern"] = json_text(properties["EventPattern"])
    for key in ("ScheduleExpression", "State", "Description", "RoleArn"):
        if properties.get(key) is not None:
            params[key] = to_text(properties[key])
    return params


async def _put_targets(ctx: ResourceContext, name: str, bus: str, targets: list[dict[str, Any]]) -> None:
    if not targets:
        return
    result = await ctx.call("events", "PutTargets", {"Rule": name, "EventBusName": bus, "Targets": targets})
    failed = result.get("FailedEntries") or []
    if failed:
        first = failed[0]
        raise RuntimeError(
            f"Target {first.get('TargetId')}: {first.get('ErrorMessage') or first.get('ErrorCode')}"
        )


class RuleHandler(ResourceHandler):
    type_name = "AWS::Events::Rule"
    replace_on = frozenset({"Name", "EventBusName"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = ctx.physical_name(properties)
        bus = _bus_name(properties.get("EventBusName"))
        made = await ctx.call("events", "PutRule", _rule_params(name, bus, properties))
        try:
            await _put_targets(ctx, name, bus, [_target(t) for t in properties.get("Targets") or []])
        except Exception:
            await self.delete(ctx, _rule_ref(bus, name), properties)
            raise
        return Provisioned(_rule_ref(bus, name), {"Arn": made["RuleArn"]})

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        bus, name = _split_ref(physical_id)
        params = _rule_params(name, bus, properties)
        if properties.get("Description") is None and old.get("Description") is not None:
            params["Description"] = ""
        made = await ctx.call("events", "PutRule", params)
        new = {to_text(t["Id"]): _target(t) for t in properties.get("Targets") or []}
        previous = {to_text(t["Id"]): _target(t) for t in old.get("Targets") or []}
        gone = [target_id for target_id in previous if target_id not in new]
        if gone:
            await ctx.call("events", "RemoveTargets", {"Rule": name, "EventBusName": bus, "Ids": gone})
        changed = [t for target_id, t in new.items() if previous.get(target_id) != t]
        await _put_targets(ctx, name, bus, changed)
        return Provisioned(physical_id, {"Arn": made["RuleArn"]})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        bus, name = _split_ref(physical_id)
        try:
            listed = await ctx.call("events", "ListTargetsByRule", {"Rule": name, "EventBusName": bus})
        except Exception as error:
            if is_missing(error):
                return
            raise
        ids = [t["Id"] for t in listed.get("Targets") or []]
        if ids:
            await ctx.call("events", "RemoveTargets", {"Rule": name, "EventBusName": bus, "Ids": ids})
        await _ignore_missing(ctx, "DeleteRule", {"Name": name, "EventBusName": bus})


# -- AWS::Events::EventBus ---------------------------------------------------------------------
def _bus_settings(properties: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("Description", "KmsKeyIdentifier"):
        if properties.get(key) is not None:
            out[key] = to_text(properties[key])
    if properties.get("DeadLetterConfig") is not None:
        out["DeadLetterConfig"] = {"Arn": to_text(properties["DeadLetterConfig"].get("Arn", ""))}
    return out


class EventBusHandler(ResourceHandler):
    type_name = "AWS::Events::EventBus"
    replace_on = frozenset({"Name", "EventSourceName"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = to_text(properties.get("Name"))
        params: dict[str, Any] = {"Name": name, **_bus_settings(properties)}
        if properties.get("EventSourceName") is not None:
            params["EventSourceName"] = to_text(properties["EventSourceName"])
        tags = tag_list(properties.get("Tags"))
        if tags:
            params["Tags"] = tags
        made = await ctx.call("events", "CreateEventBus", params)
        if properties.get("Policy") is not None:
            await ctx.call(
                "events", "PutPermission", {"EventBusName": name, "Policy": json_text(properties["Policy"])}
            )
        return Provisioned(name, self._attributes(name, made["EventBusArn"], properties))

    @staticmethod
    def _attributes(name: str, arn: str, properties: dict[str, Any]) -> dict[str, Any]:
        attributes: dict[str, Any] = {"Arn": arn, "Name": name}
        if properties.get("Policy") is not None:
            attributes["Policy"] = json_value(properties["Policy"])
        return attributes

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        settings = _bus_settings(properties)
        if settings != _bus_settings(old):
            for key, empty in (("Description", ""), ("KmsKeyIdentifier", ""), ("DeadLetterConfig", {})):
                settings.setdefault(key, empty)
            await ctx.call("events", "UpdateEventBus", {"Name": physical_id, **settings})
        if properties.get("Policy") != old.get("Policy"):
            if properties.get("Policy") is None:
                params = {"EventBusName": physical_id, "RemoveAllPermissions": True}
                await ctx.call("events", "RemovePermission", params)
            else:
                policy = json_text(properties["Policy"])
                await ctx.call("events", "PutPermission", {"EventBusName": physical_id, "Policy": policy})
        described = await ctx.call("events", "DescribeEventBus", {"Name": physical_id})
        old_tags, new_tags = tag_map(old.get("Tags")), tag_map(properties.get("Tags"))
        gone = [k for k in old_tags if k not in new_tags]
        if gone:
            await ctx.call("events", "UntagResource", {"ResourceARN": described["Arn"], "TagKeys": gone})
        changed = [{"Key": k, "Value": v} for k, v in new_tags.items() if old_tags.get(k) != v]
        if changed:
            await ctx.call("events", "TagResource", {"ResourceARN": described["Arn"], "Tags": changed})
        return Provisioned(physical_id, self._attributes(physical_id, described["Arn"], properties))

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        await _ignore_missing(ctx, "DeleteEventBus", {"Name": physical_id})


# -- AWS::Events::Archive ----------------------------------------------------------------------
def _archive_settings(properties: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if properties.get("Description") is not None:
        out["Description"] = to_text(properties["Description"])
    if properties.get("EventPattern") is not None:
        out["EventPattern"] = json_text(properties["EventPattern"])
    if properties.get("RetentionDays") is not None:
        out["RetentionDays"] = as_int(properties["RetentionDays"])
    return out


class ArchiveHandler(ResourceHandler):
    type_name = "AWS::Events::Archive"
    replace_on = frozenset({"ArchiveName", "SourceArn"})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = ctx.physical_name(properties)
        params = {
            "ArchiveName": name,
            "EventSourceArn": to_text(properties.get("SourceArn")),
            **_archive_settings(properties),
        }
        made = await ctx.call("events", "CreateArchive", params)
        return Provisioned(name, {"Arn": made["ArchiveArn"]})

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        settings = _archive_settings(properties)
        settings.setdefault("Description", "")
        settings.setdefault("RetentionDays", 0)
        made = await ctx.call("events", "UpdateArchive", {"ArchiveName": physical_id, **settings})
        return Provisioned(physical_id, {"Arn": made["ArchiveArn"]})

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        await _ignore_missing(ctx, "DeleteArchive", {"ArchiveName": physical_id})


HANDLERS: list[ResourceHandler] = [RuleHandler(), EventBusHandler(), ArchiveHandler()]
