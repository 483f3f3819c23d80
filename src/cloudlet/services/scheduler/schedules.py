"""Schedules: create, get, update, delete, list. Each change re-arms the schedule's timer."""

from __future__ import annotations

from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.scheduler import specs, store
from cloudlet.services.scheduler.core import SchedulerCore, decode_token, encode_token

# A new schedule may fire at its creation instant (a rate without StartDate starts "immediately").
_JUST_BEFORE = 0.001


class ScheduleOperations(SchedulerCore):
    def create_schedule(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = specs.check_name(params.get("Name"))
        group = specs.check_name(params.get("GroupName") or store.DEFAULT_GROUP, "groupName")
        token = specs.check_client_token(params.get("ClientToken"))
        if token is not None:
            earlier = store.token_result(self.db, ctx.account, ctx.region, "CreateSchedule", token)
            if earlier is not None:
                return earlier
        now = self.clock.now()
        spec = specs.build_spec(params, now)
        self.group_named(ctx, group)
        result = {"ScheduleArn": store.schedule_arn(ctx.region, ctx.account, group, name)}
        with self.db.write() as tx:
            if store.find_group(tx, ctx.account, ctx.region, group) is None:
                raise ServiceError(
                    "ResourceNotFoundException", f"Schedule group {group} does not exist.", 404
                )
            created = store.insert_schedule(
                tx, ctx.account, ctx.region, group, name, spec.pop("State"), spec, now
            )
            if created and token is not None:
                store.remember_token(tx, ctx.account, ctx.region, "CreateSchedule", token, result)
        if not created:
            raise ServiceError("ConflictException", f"Schedule {name} already exists.", 409)
        schedule = store.find_schedule(self.db, ctx.account, ctx.region, group, name)
        if schedule is not None:
            self.arm(schedule, now - _JUST_BEFORE)
        return result

    def get_schedule(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.render_schedule(self.schedule_named(ctx, params))

    def update_schedule(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        token = specs.check_client_token(params.get("ClientToken"))
        if token is not None:
            earlier = store.token_result(self.db, ctx.account, ctx.region, "UpdateSchedule", token)
            if earlier is not None:
                return earlier
        schedule = self.schedule_named(ctx, params)
        now = self.clock.now()
        # UpdateSchedule replaces every setting: an optional one left out goes back to its
        # default (API reference, UpdateSchedule).
        spec = specs.build_spec(params, now)
        result = {"ScheduleArn": schedule.arn}
        with self.db.write() as tx:
            store.update_schedule(tx, schedule.id, spec.pop("State"), spec, now)
            if token is not None:
                store.remember_token(tx, ctx.account, ctx.region, "UpdateSchedule", token, result)
        updated = store.find_schedule(self.db, *schedule.key)
        if updated is not None:
            self.arm(updated, now)
        return result

    def delete_schedule(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        token = specs.check_client_token(params.get("ClientToken"))
        if token is not None and store.token_result(
            self.db, ctx.account, ctx.region, "DeleteSchedule", token
        ):
            return {}
        schedule = self.schedule_named(ctx, params)
        with self.db.write() as tx:
            store.delete_schedule(tx, schedule.id)
            if token is not None:
                store.remember_token(tx, ctx.account, ctx.region, "DeleteSchedule", token, {"deleted": True})
        self.disarm(schedule.key)
        return {}

    def list_schedules(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        group = params.get("GroupName")
        if group is not None:
            specs.check_name(group, "groupName")
        prefix = params.get("NamePrefix")
        if prefix is not None:
            specs.check_name(prefix, "namePrefix")
        state = params.get("State")
        if state is not None:
            specs.check_enum(state, "state", specs.STATES)
        limit = specs.check_max_results(params.get("MaxResults"))
        after: tuple[str, str] | None = None
        if params.get("NextToken") is not None:
            position = decode_token(params["NextToken"])
            if not isinstance(position, list) or len(position) != 2:
                raise specs.invalid("Invalid NextToken.")
            after = (str(position[0]), str(position[1]))
        if group is not None and group != store.DEFAULT_GROUP:
            if store.find_group(self.db, ctx.account, ctx.region, group) is None:
                raise ServiceError(
                    "ResourceNotFoundException", f"Schedule group {group} does not exist.", 404
                )
        found = store.list_schedules(self.db, ctx.account, ctx.region, group, prefix, state, after, limit + 1)
        result: dict[str, Any] = {"Schedules": [self.summarize_schedule(s) for s in found[:limit]]}
        if len(found) > limit:
            last = found[limit - 1]
            result["NextToken"] = encode_token([last.name, last.group_name])
        return result
