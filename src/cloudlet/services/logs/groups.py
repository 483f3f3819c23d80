"""Log groups and log streams: create, delete, describe; retention policies; tags."""

from __future__ import annotations

import json
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.logs import names, store
from cloudlet.services.logs.core import LogsCore, decode_token, encode_token
from cloudlet.services.logs.store import Group


class GroupOperations(LogsCore):
    # -- log groups -----------------------------------------------------------------------------
    def create_log_group(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = names.check_group_name(params.get("logGroupName"))
        group_class = params.get("logGroupClass") or "STANDARD"
        if group_class not in names.GROUP_CLASSES:
            rule = f"Member must satisfy enum value set: [{', '.join(names.GROUP_CLASSES)}]"
            raise names.constraint(group_class, "logGroupClass", rule)
        tags = names.check_tags(params.get("tags") or {})
        if len(tags) > names.MAX_TAGS:
            raise names.too_many_tags(name)
        with self.db.write() as tx:
            created = store.insert_group(
                tx,
                ctx.account,
                ctx.region,
                name,
                self.now(),
                group_class,
                params.get("kmsKeyId"),
                bool(params.get("deletionProtectionEnabled")),
                tags,
            )
        if not created:
            raise ServiceError("ResourceAlreadyExistsException", "The specified log group already exists")
        return {}

    def delete_log_group(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group_named(ctx, params.get("logGroupName"))
        if group.deletion_protection:
            raise ServiceError(
                "ValidationException",
                f"Log group {group.name} has deletion protection enabled."
                " Disable deletion protection before deleting the log group.",
            )
        with self.db.write() as tx:
            store.delete_group(tx, group.id)
        return {}

    def describe_log_groups(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        prefix = params.get("logGroupNamePrefix")
        pattern = params.get("logGroupNamePattern")
        if prefix is not None and pattern is not None:
            raise names.invalid(
                "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."
            )
        limit = names.check_limit(params.get("limit"), 50, 50)
        after = None
        if params.get("nextToken") is not None:
            decoded = decode_token(params["nextToken"])
            if not isinstance(decoded, dict) or not isinstance(decoded.get("after"), str):
                raise names.bad_token()
            after = decoded["after"]
        wanted = None
        if params.get("logGroupIdentifiers"):
            wanted = [self._identifier_name(ctx, str(i)) for i in params["logGroupIdentifiers"]]
        groups = store.list_groups(
            self.db,
            ctx.account,
            ctx.region,
            after,
            prefix,
            pattern,
            params.get("logGroupClass"),
            wanted,
            limit + 1,
        )
        out: dict[str, Any] = {"logGroups": [self.render_group(g) for g in groups[:limit]]}
        if len(groups) > limit:
            out["nextToken"] = encode_token({"after": groups[limit - 1].name})
        return out

    @staticmethod
    def _identifier_name(ctx: RequestContext, identifier: str) -> str:
        if not identifier.startswith("arn:"):
            return identifier
        parsed = names.parse_group_arn(identifier)
        return parsed[2] if parsed and parsed[:2] == (ctx.account, ctx.region) else ""

    # -- log streams ----------------------------------------------------------------------------
    def create_log_stream(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group_named(ctx, params.get("logGroupName"))
        name = names.check_stream_name(params.get("logStreamName"))
        with self.db.write() as tx:
            created = store.insert_stream(tx, group.id, name, self.now())
        if not created:
            raise ServiceError("ResourceAlreadyExistsException", "The specified log stream already exists")
        return {}

    def delete_log_stream(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group_named(ctx, params.get("logGroupName"))
        stream = self.stream_of(group, params.get("logStreamName"))
        with self.db.write() as tx:
            store.delete_stream(tx, group.id, int(stream["id"]))
        return {}

    def describe_log_streams(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group_of(ctx, params)
        order = params.get("orderBy") or "LogStreamName"
        if order not in ("LogStreamName", "LastEventTime"):
            rule = "Member must satisfy enum value set: [LogStreamName, LastEventTime]"
            raise names.constraint(order, "orderBy", rule)
        prefix = params.get("logStreamNamePrefix")
        if order == "LastEventTime" and prefix:
            raise names.invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
        limit = names.check_limit(params.get("limit"), 50, 50)
        after = None
        if params.get("nextToken") is not None:
            decoded = decode_token(params["nextToken"])
            valid = isinstance(decoded, list) and len(decoded) == 2
            if not valid or not isinstance(decoded[0], int) or not isinstance(decoded[1], str):
                raise names.bad_token()
            after = (decoded[0], decoded[1])
        rows = store.list_streams(
            self.db,
            group.id,
            prefix,
            order == "LastEventTime",
            bool(params.get("descending")),
            after,
            limit + 1,
        )
        out: dict[str, Any] = {"logStreams": [self.render_stream(group, row) for row in rows[:limit]]}
        if len(rows) > limit:
            last = rows[limit - 1]
            last_event = -1 if last["last_event_ms"] is None else int(last["last_event_ms"])
            out["nextToken"] = encode_token([last_event, str(last["name"])])
        return out

    # -- retention ------------------------------------------------------------------------------
    def arm_sweep(self) -> None:
        """Start the retention sweep (the provider's timer) if it isn't running."""

    def put_retention_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group_named(ctx, params.get("logGroupName"))
        days = names.check_retention(params.get("retentionInDays"))
        with self.db.write() as tx:
            store.update_group(tx, group.id, retention_days=days)
        self.arm_sweep()
        return {}

    def delete_retention_policy(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        group = self.group_named(ctx, params.get("logGroupName"))
        with self.db.write() as tx:
            store.update_group(tx, group.id, retention_days=None)
        return {}

    # -- tags -----------------------------------------------------------------------------------
    def tag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._tag(self._resource(ctx, params.get("resourceArn")), names.check_tags(params.get("tags")))
        return {}

    def untag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._untag(self._resource(ctx, params.get("resourceArn")), params.get("tagKeys") or [])
        return {}

    def list_tags_for_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return {"tags": self._resource(ctx, params.get("resourceArn")).tags}

    def tag_log_group(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._tag(self.group_named(ctx, params.get("logGroupName")), names.check_tags(params.get("tags")))
        return {}

    def untag_log_group(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        self._untag(self.group_named(ctx, params.get("logGroupName")), params.get("tags") or [])
        return {}

    def list_tags_log_group(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return {"tags": self.group_named(ctx, params.get("logGroupName")).tags}

    def _resource(self, ctx: RequestContext, arn: Any) -> Group:
        parsed = names.parse_group_arn(str(arn or ""))
        if parsed is None:
            raise names.invalid(f"Invalid ARN: {arn}")
        return self.group_by_arn(ctx, parsed)

    def _tag(self, group: Group, tags: dict[str, str]) -> None:
        merged = {**group.tags, **tags}
        if len(merged) > names.MAX_TAGS:
            raise names.too_many_tags(names.group_arn(group.region, group.account, group.name))
        with self.db.write() as tx:
            store.update_group(tx, group.id, tags=json.dumps(merged))

    def _untag(self, group: Group, keys: list[Any]) -> None:
        kept = {k: v for k, v in group.tags.items() if k not in set(map(str, keys))}
        with self.db.write() as tx:
            store.update_group(tx, group.id, tags=json.dumps(kept))
