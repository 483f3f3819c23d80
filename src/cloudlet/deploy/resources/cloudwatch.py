"""Resource handlers: AWS::CloudWatch::Alarm, stored only.

cloudlet has no CloudWatch service: an alarm is recorded in the stack (its physical id is
AlarmName, or a generated name, and its Arn attribute the alarm's ARN) without any service
call, so templates with alarms deploy; the alarm never evaluates metrics nor fires actions."""

from __future__ import annotations

from typing import Any

from cloudlet.deploy.names import generate_name
from cloudlet.deploy.resources.base import Provisioned, Replace, ResourceContext, ResourceHandler
from cloudlet.deploy.resources.property_values import changed
from cloudlet.deploy.values import to_text


class AlarmHandler(ResourceHandler):
    type_name = "AWS::CloudWatch::Alarm"
    replace_on = frozenset({"AlarmName"})

    def _provisioned(self, ctx: ResourceContext, name: str) -> Provisioned:
        return Provisioned(name, {"Arn": ctx.arn("cloudwatch", f"alarm:{name}")})

    async def create(self, ctx: ResourceContext, properties: dict[str, Any]) -> Provisioned:
        name = properties.get("AlarmName")
        return self._provisioned(
            ctx, to_text(name) if name else generate_name(ctx.stack_name, ctx.logical_id, 255)
        )

    async def update(
        self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any], old: dict[str, Any]
    ) -> Provisioned:
        if changed(properties, old, *self.replace_on):
            raise Replace()
        return self._provisioned(ctx, physical_id)

    async def delete(self, ctx: ResourceContext, physical_id: str, properties: dict[str, Any]) -> None:
        return None


HANDLERS: list[ResourceHandler] = [AlarmHandler()]
