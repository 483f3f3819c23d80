"""What every S3 operation shares: the blob store, bucket lookup, owners, presigned expiry,
and publishing event notifications with a commit."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.base import Provider, ServiceEnv
from cloudlet.services.s3 import errors, notifications, store
from cloudlet.services.s3.blobs import BlobStore
from cloudlet.storage.db import Transaction

NOTIFICATION_TOPIC = "s3.notification"


def owner(account: str) -> dict[str, str]:
    """The bucket/object owner: AWS shows a 64-hex canonical user id; ours derives from the account."""
    return dict(_owner(account))


@cache
def _owner(account: str) -> tuple[tuple[str, str], ...]:
    return (("DisplayName", f"account-{account}"), ("ID", hashlib.sha256(account.encode()).hexdigest()))


class S3Core(Provider):
    service = "s3"

    def __init__(self, env: ServiceEnv) -> None:
        super().__init__(env)
        self.blobs = BlobStore(env.data_dir / "s3")

    async def start(self) -> None:
        await super().start()
        self.blobs.wipe(blobs=False)

    def reset(self) -> None:
        self.blobs.wipe()

    def now(self) -> float:
        return self.clock.now()

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    # -- buckets -----------------------------------------------------------------------------
    def bucket(self, ctx: RequestContext, name: str | None) -> store.Row:
        """The named bucket, if the caller's account owns it."""
        check_presigned_expiry(ctx, self.now())
        if not name:
            raise errors.no_such_bucket("")
        row = store.find_bucket(self.db, name)
        if row is None:
            raise errors.no_such_bucket(name)
        if row["account"] != ctx.account:
            raise errors.access_denied()
        return row

    @staticmethod
    def configs(row: store.Row) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(row["configs"] or "{}")
        return value

    # -- events ------------------------------------------------------------------------------
    def publish(
        self,
        tx: Transaction,
        ctx: RequestContext,
        bucket: store.Row,
        event_name: str,
        key: str,
        *,
        size: int | None = None,
        etag: str | None = None,
        version_id: str | None = None,
    ) -> None:
        """Emit the notifications the bucket's configuration asks for (delivered after commit)."""
        config = self.configs(bucket).get("notification") or {}
        targets = notifications.targets(config, event_name, key)
        to_eventbridge = notifications.eventbridge_enabled(config)
        if not targets and not to_eventbridge:
            return
        region, account = str(bucket["region"]), str(bucket["account"])
        source_ip = ctx.request.headers.get("x-forwarded-for") or "127.0.0.1"
        now = self.now()
        sequencer = notifications.sequencer(now)
        if to_eventbridge:
            event = notifications.eventbridge_event(
                event_name=event_name,
                region=region,
                account=account,
                event_time=now,
                source_ip=source_ip,
                request_id=ctx.request_id,
                bucket=str(bucket["name"]),
                key=key,
                size=size,
                etag=etag,
                version_id=version_id,
                sequencer=sequencer,
            )
            if event is not None:
                bus = f"arn:aws:events:{region}:{account}:event-bus/default"
                payload = {"kind": "events", "arn": bus, "account": account, "region": region, "event": event}
                tx.emit(NOTIFICATION_TOPIC, payload)
        if not targets:
            return
        record = notifications.record(
            event_name=event_name,
            region=region,
            event_time=now,
            account=ctx.account,
            source_ip=source_ip,
            request_id=ctx.request_id,
            bucket=str(bucket["name"]),
            owner_id=owner(account)["ID"],
            key=key,
            size=size,
            etag=etag,
            version_id=version_id,
            sequencer=sequencer,
        )
        for kind, arn, config_id in targets:
            payload = {
                "kind": kind,
                "arn": arn,
                "account": account,
                "region": region,
                "event": {"Records": [{**record, "s3": {**record["s3"], "configurationId": config_id}}]},
            }
            tx.emit(NOTIFICATION_TOPIC, payload)


# SigV4 presigned URLs live at most seven days.
# https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
MAX_PRESIGNED_EXPIRES = 604800


def check_presigned_expiry(ctx: RequestContext, now: float) -> None:
    """A presigned URL past its expiry is refused as AWS does (403): SigV4's X-Amz-Date +
    X-Amz-Expires, or SigV2's absolute Expires (what boto3 presigns with by default).
    An X-Amz-Expires that is not a number, negative or over a week is refused (400) before that."""
    query = ctx.request.query_string
    if "Expires=" not in query:
        return
    values = dict(ctx.request.query)
    try:
        if "X-Amz-Expires" in values:
            expires = _sigv4_expires(values["X-Amz-Expires"])
            signed = datetime.strptime(values["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            deadline = signed.timestamp() + expires
        elif "Signature" in values and "Expires" in values:
            deadline = float(values["Expires"])
        else:
            return
    except (KeyError, ValueError):
        return
    if deadline < now:
        raise errors.access_denied("Request has expired")


def _sigv4_expires(text: str) -> int:
    """X-Amz-Expires checked with the messages S3 sends (AuthorizationQueryParametersError)."""
    try:
        expires = int(text)
    except ValueError:
        raise _query_parameters_error("X-Amz-Expires should be a number") from None
    if expires < 0:
        raise _query_parameters_error("X-Amz-Expires must be non-negative")
    if expires > MAX_PRESIGNED_EXPIRES:
        raise _query_parameters_error(
            "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires"
            f" must be less than {MAX_PRESIGNED_EXPIRES} seconds"
        )
    return expires


def _query_parameters_error(message: str) -> ServiceError:
    return ServiceError("AuthorizationQueryParametersError", message, 400)
