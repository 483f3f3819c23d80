"""A queue as the provider sees it (settings parsed once), and the in-memory cache of them.

The cache is the reason a SendMessage costs one INSERT: the queue lookup is a dict hit.
It is filled from the database on a miss and changed only by the provider's own writes
(one server process owns the database), cleared on reset."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from cloudlet import ids
from cloudlet.services.sqs import attributes as attrs
from cloudlet.services.sqs.attributes import RedriveAllowPolicy, RedrivePolicy
from cloudlet.services.sqs.store import Row

Key = tuple[str, str, str]  # account, region, name


@dataclass
class Queue:
    id: int
    account: str
    region: str
    name: str
    fifo: bool
    explicit: dict[str, str]  # the settable attributes set by the user
    tags: dict[str, str]
    created_s: int
    modified_s: int
    purged_at: int | None
    arn: str = field(init=False, default="")
    effective: dict[str, str] = field(init=False, default_factory=dict)
    visibility_timeout: int = field(init=False, default=30)
    delay: int = field(init=False, default=0)
    retention_ms: int = field(init=False, default=345_600_000)
    max_size: int = field(init=False, default=1_048_576)
    wait_time: int = field(init=False, default=0)
    content_dedup: bool = field(init=False, default=False)
    dedup_per_group: bool = field(init=False, default=False)
    redrive: RedrivePolicy | None = field(init=False, default=None)
    redrive_allow: RedriveAllowPolicy | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.arn = ids.arn("sqs", self.region, self.account, self.name)
        self.effective = {**attrs.defaults(self.fifo), **self.explicit}
        values = self.effective
        self.visibility_timeout = int(values["VisibilityTimeout"])
        self.delay = int(values["DelaySeconds"])
        self.retention_ms = int(values["MessageRetentionPeriod"]) * 1000
        self.max_size = int(values["MaximumMessageSize"])
        self.wait_time = int(values["ReceiveMessageWaitTimeSeconds"])
        self.content_dedup = values.get("ContentBasedDeduplication") == "true"
        self.dedup_per_group = values.get("DeduplicationScope") == "messageGroup"
        redrive = values.get("RedrivePolicy")
        self.redrive = attrs.parse_redrive_policy(redrive) if redrive else None
        allow = values.get("RedriveAllowPolicy")
        self.redrive_allow = attrs.parse_redrive_allow_policy(allow) if allow else None

    @property
    def key(self) -> Key:
        return (self.account, self.region, self.name)

    @classmethod
    def from_row(cls, row: Row) -> Queue:
        return cls(
            id=int(row["id"]),
            account=str(row["account"]),
            region=str(row["region"]),
            name=str(row["name"]),
            fifo=bool(row["fifo"]),
            explicit=json.loads(row["attributes"]),
            tags=json.loads(row["tags"]),
            created_s=int(row["created_s"]),
            modified_s=int(row["modified_s"]),
            purged_at=None if row["purged_at"] is None else int(row["purged_at"]),
        )

    def with_changes(self, **changes: Any) -> Queue:
        return replace(self, **changes)


def key_of_arn(arn: str) -> Key | None:
    parts = ids.parse_arn(arn)
    if parts is None or parts["service"] != "sqs":
        return None
    return (parts["account"], parts["region"], parts["resource"])


class QueueCache:
    def __init__(self) -> None:
        self._by_key: dict[Key, Queue] = {}

    def get(self, key: Key) -> Queue | None:
        return self._by_key.get(key)

    def put(self, queue: Queue) -> Queue:
        self._by_key[queue.key] = queue
        return queue

    def drop(self, key: Key) -> None:
        self._by_key.pop(key, None)

    def clear(self) -> None:
        self._by_key.clear()
