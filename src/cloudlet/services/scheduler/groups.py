"""Schedule groups: create, get, list, delete; tags on groups."""

from __future__ import annotations

from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.scheduler import specs, store
from cloudlet.services.scheduler.core import SchedulerCore, decode_token, encode_token, group_not_found
from cloudlet.services.scheduler.store import Group

MAX_TAGS = 200


def check_tags(tags: Any, at: str = "tags") -> list[dict[str, str]]:
    if not isinstance(tags, list):
        raise specs.constraint(tags, at, "Member must not be null")
    if len(tags) > MAX_TAGS:
        raise specs.constraint(tags, at, f"Member must have length less than or equal to {MAX_TAGS}")
    for tag in tags:
        key, value = tag.get("Key"), tag.get("Value")
        if not isinstance(key, str) or not 1 <= len(key) <= 128:
            raise specs.constraint(key, f"{at}.member.key", "Member must have length between 1 and 128")
        if not isinstance(value, str) or not 1 <= len(value) <= 256:
            raise specs.constraint(value, f"{at}.member.value", "Member must have length between 1 and 256")
    return [{"Key": t["Key"], "Value": t["Value"]} for t in tags]


def merge_tags(current: list[dict[str, str]], new: list[dict[str, str]]) -> list[dict[str, str]]:
    merged = {t["Key"]: t["Value"] for t in current}
    merged.update({t["Key"]: t["Value"] for t in new})
    return [{"Key": k, "Value": v} for k, v in merged.items()]


class GroupOperations(SchedulerCore):
    def create_schedule_group(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = specs.check_name(params.get("Name"))
        tags = check_tags(params.get("Tags") or [])
        token = specs.check_client_token(params.get("ClientToken"))
        if token is not None:
            earlier = store.token_result(self.db, ctx.account, ctx.region, "CreateScheduleGroup", token)
            if earlier is not None:
                return earlier
        if name == store.DEFAULT_GROUP:
            store.ensure_default_group(self.db, ctx.account, ctx.region, self.clock.now())
        result = {"ScheduleGroupArn": store.group_arn(ctx.region, ctx.account, name)}
        with self.db.write() as tx:
            created = store.insert_group(tx, ctx.account, ctx.region, name, self.clock.now(), tags)
            if created and token is not None:
                store.remember_token(tx, ctx.account, ctx.region, "CreateScheduleGroup", token, result)
        if not created:
            raise ServiceError("ConflictException", f"Schedule group {name} already exists.", 409)
        return result

    def get_schedule_group(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return self.render_group(self.group_named(ctx, specs.check_name(params.get("Name"))))

    def list_schedule_groups(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        prefix = params.get("NamePrefix")
        if prefix is not None:
            specs.check_name(prefix, "namePrefix")
        limit = specs.check_max_results(params.get("MaxResults"))
        after = None if params.get("NextToken") is None else str(decode_token(params["NextToken"]))
        store.ensure_default_group(self.db, ctx.account, ctx.region, self.clock.now())
        groups = store.list_groups(self.db, ctx.account, ctx.region, prefix, after, limit + 1)
        result: dict[str, Any] = {"ScheduleGroups": [self.render_group(g) for g in groups[:limit]]}
        if len(groups) > limit:
            result["NextToken"] = encode_token(groups[limit - 1].name)
        return result

    def delete_schedule_group(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = specs.check_name(params.get("Name"))
        token = specs.check_client_token(params.get("ClientToken"))
        if token is not None and store.token_result(
            self.db, ctx.account, ctx.region, "DeleteScheduleGroup", token
        ):
            return {}
        if name == store.DEFAULT_GROUP:
            raise specs.invalid("The default schedule group cannot be deleted.")
        self.group_named(ctx, name)
        # AWS marks the group DELETING and removes it and its schedules asynchronously
        # ("Deleting a schedule group", Scheduler guide); here both go at once.
        with self.db.write() as tx:
            deleted = store.delete_group(tx, ctx.account, ctx.region, name)
            if token is not None:
                store.remember_token(
                    tx, ctx.account, ctx.region, "DeleteScheduleGroup", token, {"deleted": True}
                )
        for key in deleted:
            self.disarm(key)
        return {}

    # -- tags -------------------------------------------------------------------------------
    def group_by_arn(self, ctx: RequestContext, arn: Any) -> Group:
        parts = ids.parse_arn(str(arn or ""))
        resource = "" if parts is None else parts["resource"]
        if parts is None or parts["service"] != "scheduler" or not resource.startswith("schedule-group/"):
            rule = "Member must satisfy regular expression pattern: arn:aws[a-z-]*:scheduler:[a-z0-9\\-]+:\\d{12}:schedule-group\\/[0-9a-zA-Z-_.]+"
            raise specs.constraint(arn, "resourceArn", rule)
        name = resource.removeprefix("schedule-group/")
        if (parts["account"], parts["region"]) != (ctx.account, ctx.region):
            raise group_not_found(name)
        return self.group_named(ctx, name)

    def list_tags_for_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return {"Tags": self.group_by_arn(ctx, params.get("ResourceArn")).tags}

    def tag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group_by_arn(ctx, params.get("ResourceArn"))
        tags = merge_tags(group.tags, check_tags(params.get("Tags")))
        if len(tags) > MAX_TAGS:
            raise specs.invalid(f"A schedule group can have at most {MAX_TAGS} tags.")
        with self.db.write() as tx:
            store.set_group_tags(tx, group, tags, group.modified)
        return {}

    def untag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group_by_arn(ctx, params.get("ResourceArn"))
        keys = set(params.get("TagKeys") or [])
        with self.db.write() as tx:
            store.set_group_tags(tx, group, [t for t in group.tags if t["Key"] not in keys], group.modified)
        return {}
