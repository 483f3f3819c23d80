"""Event notifications: which configured destinations an event goes to, and the event JSON
exactly as S3 sends it.
https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

from cloudlet import ids
from cloudlet.protocol.rest_s3 import host_id

# (configuration list member, destination ARN member, destination kind)
DESTINATIONS = (
    ("QueueConfigurations", "QueueArn", "sqs"),
    ("TopicConfigurations", "TopicArn", "sns"),
    ("LambdaFunctionConfigurations", "LambdaFunctionArn", "lambda"),
)

# https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
EVENT_TYPES = frozenset(
    {
        "s3:ReducedRedundancyLostObject",
        "s3:ObjectCreated:*",
        "s3:ObjectCreated:Put",
        "s3:ObjectCreated:Post",
        "s3:ObjectCreated:Copy",
        "s3:ObjectCreated:CompleteMultipartUpload",
        "s3:ObjectRemoved:*",
        "s3:ObjectRemoved:Delete",
        "s3:ObjectRemoved:DeleteMarkerCreated",
        "s3:ObjectRestore:*",
        "s3:ObjectRestore:Post",
        "s3:ObjectRestore:Completed",
        "s3:ObjectRestore:Delete",
        "s3:Replication:*",
        "s3:Replication:OperationFailedReplication",
        "s3:Replication:OperationNotTracked",
        "s3:Replication:OperationMissedThreshold",
        "s3:Replication:OperationReplicatedAfterThreshold",
        "s3:LifecycleExpiration:*",
        "s3:LifecycleExpiration:Delete",
        "s3:LifecycleExpiration:DeleteMarkerCreated",
        "s3:LifecycleTransition",
        "s3:IntelligentTiering",
        "s3:ObjectTagging:*",
        "s3:ObjectTagging:Put",
        "s3:ObjectTagging:Delete",
        "s3:ObjectAcl:Put",
    }
)

_SEQUENCE = itertools.count()


def matches(configured: str, event_name: str) -> bool:
    """A configured type ("s3:ObjectCreated:*") against an event's name ("ObjectCreated:Put")."""
    configured = configured.removeprefix("s3:")
    if configured.endswith(":*"):
        return event_name.startswith(configured[:-1])
    return configured == event_name


def key_filter(config: dict[str, Any]) -> tuple[str, str]:
    rules = ((config.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
    prefix = suffix = ""
    for rule in rules:
        name = str(rule.get("Name", "")).lower()
        if name == "prefix":
            prefix = str(rule.get("Value", ""))
        elif name == "suffix":
            suffix = str(rule.get("Value", ""))
    return prefix, suffix


def targets(config: dict[str, Any], event_name: str, key: str) -> list[tuple[str, str, str]]:
    """(kind, destination ARN, configuration id) for each configuration the event matches."""
    found = []
    for list_name, arn_name, kind in DESTINATIONS:
        for entry in config.get(list_name) or []:
            if not any(matches(e, event_name) for e in entry.get("Events") or []):
                continue
            prefix, suffix = key_filter(entry)
            if key.startswith(prefix) and key.endswith(suffix):
                found.append((kind, str(entry[arn_name]), str(entry.get("Id") or "")))
    return found


def event_time(moment: float) -> str:
    stamp = datetime.fromtimestamp(moment, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def sequencer(moment: float) -> str:
    """Increasing for the events of a key (S3 only promises ordering per key): hex, fixed width."""
    return f"{int(moment * 1_000_000):014X}{next(_SEQUENCE) % 0x10000:04X}"


def record(
    *,
    event_name: str,
    region: str,
    event_time: float,
    account: str,
    source_ip: str,
    request_id: str,
    bucket: str,
    owner_id: str,
    key: str,
    size: int | None,
    etag: str | None,
    version_id: str | None,
    sequencer: str,
) -> dict[str, Any]:
    obj: dict[str, Any] = {"key": quote_plus(key, safe="/")}
    if size is not None:
        obj["size"] = size
    if etag:
        obj["eTag"] = etag.strip('"')
    if version_id and version_id != "null":
        obj["versionId"] = version_id
    obj["sequencer"] = sequencer
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": region,
        "eventTime": _format(event_time),
        "eventName": event_name,
        "userIdentity": {"principalId": f"AWS:{account}"},
        "requestParameters": {"sourceIPAddress": source_ip},
        "responseElements": {"x-amz-request-id": request_id, "x-amz-id-2": host_id(request_id)},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "",
            "bucket": {
                "name": bucket,
                "ownerIdentity": {"principalId": owner_id},
                "arn": f"arn:aws:s3:::{bucket}",
            },
            "object": obj,
        },
    }


def _format(moment: float) -> str:
    return event_time(moment)


def test_event(bucket: str, moment: float, request_id: str) -> dict[str, Any]:
    """What S3 sends a destination when a configuration naming it is put."""
    return {
        "Service": "Amazon S3",
        "Event": "s3:TestEvent",
        "Time": event_time(moment),
        "Bucket": bucket,
        "RequestId": request_id,
        "HostId": host_id(request_id),
    }


def with_ids(config: dict[str, Any]) -> dict[str, Any]:
    """The configuration as stored: every entry gets an Id (S3 generates the missing ones)."""
    out = dict(config)
    for list_name, _, _ in DESTINATIONS:
        entries = []
        for entry in config.get(list_name) or []:
            entry = dict(entry)
            entry.setdefault("Id", ids.token(24))
            entries.append(entry)
        if entries:
            out[list_name] = entries
        else:
            out.pop(list_name, None)
    return out


def destination_arns(config: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (kind, str(entry.get(arn_name) or ""))
        for list_name, arn_name, kind in DESTINATIONS
        for entry in config.get(list_name) or []
    ]


# Object-level events S3 sends to EventBridge when the configuration has
# EventBridgeConfiguration: detail-type and the reason per event name.
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
_EVENTBRIDGE_EVENTS = {
    "ObjectCreated:Put": ("Object Created", "PutObject"),
    "ObjectCreated:Post": ("Object Created", "POST Object"),
    "ObjectCreated:Copy": ("Object Created", "CopyObject"),
    "ObjectCreated:CompleteMultipartUpload": ("Object Created", "CompleteMultipartUpload"),
    "ObjectRemoved:Delete": ("Object Deleted", "DeleteObject"),
    "ObjectRemoved:DeleteMarkerCreated": ("Object Deleted", "DeleteObject"),
}


def eventbridge_enabled(config: dict[str, Any]) -> bool:
    return config.get("EventBridgeConfiguration") is not None


def eventbridge_event(
    *,
    event_name: str,
    region: str,
    account: str,
    event_time: float,
    source_ip: str,
    request_id: str,
    bucket: str,
    key: str,
    size: int | None,
    etag: str | None,
    version_id: str | None,
    sequencer: str,
) -> dict[str, Any] | None:
    """The event S3 puts on the default bus, or None for an event EventBridge doesn't get."""
    kind = _EVENTBRIDGE_EVENTS.get(event_name)
    if kind is None:
        return None
    detail_type, reason = kind
    obj: dict[str, Any] = {"key": key}
    if size is not None:
        obj["size"] = size
    if etag:
        obj["etag"] = etag.strip('"')
    if version_id and version_id != "null":
        obj["version-id"] = version_id
    obj["sequencer"] = sequencer
    detail: dict[str, Any] = {
        "version": "0",
        "bucket": {"name": bucket},
        "object": obj,
        "request-id": request_id,
        "requester": account,
        "source-ip-address": source_ip,
        "reason": reason,
    }
    if detail_type == "Object Deleted":
        detail["deletion-type"] = (
            "Delete Marker Created" if event_name.endswith("DeleteMarkerCreated") else "Permanently Deleted"
        )
    stamp = datetime.fromtimestamp(event_time, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "version": "0",
        "id": ids.uuid4(),
        "detail-type": detail_type,
        "source": "aws.s3",
        "account": account,
        "time": stamp,
        "region": region,
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": detail,
    }
