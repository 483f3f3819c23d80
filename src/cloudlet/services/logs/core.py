"""What every CloudWatch Logs operation shares: finding groups and streams, rendering, tokens."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.base import Provider
from cloudlet.services.logs import names, store
from cloudlet.services.logs.store import Group, Row


class LogsCore(Provider):
    service = "logs"

    def now(self) -> int:
        return self.clock.now_ms()

    # -- finding ----------------------------------------------------------------------------
    def group_named(self, ctx: RequestContext, name: Any) -> Group:
        group = store.find_group(self.db, ctx.account, ctx.region, names.check_group_name(name))
        if group is None:
            raise names.group_not_found()
        return group

    def group_of(self, ctx: RequestContext, params: dict[str, Any]) -> Group:
        """The group named by logGroupName or logGroupIdentifier (a name or an ARN), not both."""
        name = params.get("logGroupName")
        identifier = params.get("logGroupIdentifier")
        if name is not None and identifier is not None:
            raise ServiceError(
                "ValidationException", "LogGroup name and LogGroup ARN are mutually exclusive parameters."
            )
        if identifier is None:
            if name is None:
                raise names.invalid("Either logGroupName or logGroupIdentifier must be specified.")
            return self.group_named(ctx, name)
        return self.group_identified(ctx, str(identifier))

    def group_identified(self, ctx: RequestContext, identifier: str) -> Group:
        if not identifier.startswith("arn:"):
            return self.group_named(ctx, identifier)
        parsed = names.parse_group_arn(identifier)
        if parsed is None:
            raise names.invalid(f"Invalid log group identifier: {identifier}")
        return self.group_by_arn(ctx, parsed)

    def group_by_arn(self, ctx: RequestContext, parsed: tuple[str, str, str]) -> Group:
        """A group named by ARN: only the caller's own account and region hold it."""
        account, region, name = parsed
        group = None
        if (account, region) == (ctx.account, ctx.region):
            group = store.find_group(self.db, account, region, name)
        if group is None:
            raise names.group_not_found()
        return group

    def stream_of(self, group: Group, name: Any) -> Row:
        stream = store.find_stream(self.db, group.id, names.check_stream_name(name))
        if stream is None:
            raise names.stream_not_found()
        return stream

    # -- rendering --------------------------------------------------------------------------
    @staticmethod
    def render_group(group: Group) -> dict[str, Any]:
        arn = names.group_arn(group.region, group.account, group.name)
        out: dict[str, Any] = {
            "logGroupName": group.name,
            "creationTime": group.created_ms,
            "metricFilterCount": 0,
            "arn": f"{arn}:*",
            "storedBytes": group.stored_bytes,
            "logGroupClass": group.group_class,
            "logGroupArn": arn,
            "deletionProtectionEnabled": group.deletion_protection,
        }
        if group.retention_days is not None:
            out["retentionInDays"] = group.retention_days
        if group.kms_key_id:
            out["kmsKeyId"] = group.kms_key_id
        return out

    @staticmethod
    def render_stream(group: Group, row: Row) -> dict[str, Any]:
        out: dict[str, Any] = {
            "logStreamName": row["name"],
            "creationTime": row["created_ms"],
            "arn": names.stream_arn(group.region, group.account, group.name, row["name"]),
            # AWS: "As of June 17, 2019, this parameter is no longer supported for log
            # streams, and is always reported as zero."
            "storedBytes": 0,
        }
        for key, column in (
            ("firstEventTimestamp", "first_event_ms"),
            ("lastEventTimestamp", "last_event_ms"),
            ("lastIngestionTime", "last_ingestion_ms"),
        ):
            if row[column] is not None:
                out[key] = row[column]
        if row["last_ingestion_ms"] is not None:
            out["uploadSequenceToken"] = sequence_token(int(row["last_ingestion_ms"]))
        return out


def sequence_token(value: int) -> str:
    """A sequence token as AWS spells them (56 digits); PutLogEvents ignores the one it is given."""
    return f"{value:056d}"


def encode_token(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode()


def decode_token(token: Any) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(str(token).encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise names.bad_token() from exc
