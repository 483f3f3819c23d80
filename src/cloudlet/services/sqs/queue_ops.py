"""Queue lifecycle and settings: create, find, list, attributes, purge, delete, tags."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cloudlet import ids
from cloudlet.gateway.context import RequestContext
from cloudlet.services.sqs import attributes as attrs
from cloudlet.services.sqs import names, store
from cloudlet.services.sqs.core import SqsCore
from cloudlet.services.sqs.errors import (
    invalid_parameter,
    invalid_value,
    missing_parameter,
    queue_does_not_exist,
    sqs_error,
    unknown_attribute,
)
from cloudlet.services.sqs.queues import Queue, key_of_arn

DELETED_RECENTLY_MS = (
    60_000  # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteQueue.html
)
PURGE_INTERVAL_MS = (
    60_000  # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html
)
MAX_TAGS = 50
MAX_LIST_RESULTS = 1000


class QueueOperations(SqsCore):
    def create_queue(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = params.get("QueueName")
        if not name:
            raise missing_parameter("QueueName")
        given = {str(k): str(v) for k, v in (params.get("Attributes") or {}).items()}
        fifo = given.get("FifoQueue", "").strip().lower() == "true"
        names.check_queue_name(name, fifo)
        requested = attrs.validate(given, fifo, creating=True)
        explicit = {k: v for k, v in requested.items() if v != ""}
        attrs.check_throughput({**attrs.defaults(fifo), **explicit})
        key = (ctx.account, ctx.region, name)
        existing = self.load_queue(key)
        if existing is not None:
            # Same name and same (or no) attributes is not an error: CreateQueue is idempotent.
            different = attrs.differing(requested, existing.effective)
            if different:
                raise sqs_error(
                    "QueueNameExists",
                    f"A queue already exists with the same name and a different value for attribute {different}",
                )
            return {"QueueUrl": self.url_of(ctx, existing)}
        now = self.now()
        deleted = store.deleted_at(self.db, *key)
        if deleted is not None and now - deleted < DELETED_RECENTLY_MS:
            raise sqs_error(
                "QueueDeletedRecently",
                "You must wait 60 seconds after deleting a queue before you can create another with the same name.",
            )
        tags = self._checked_tags({}, params.get("tags") or {}, name)
        source_arn = ids.arn("sqs", ctx.region, ctx.account, name)
        dead_letter_arn = self._check_dead_letter_target(explicit.get("RedrivePolicy"), fifo, source_arn)
        with self.db.write() as tx:
            row = store.insert_queue(
                tx, ctx.account, ctx.region, name, fifo, explicit, tags, dead_letter_arn, now // 1000
            )
        queue = self.queues.put(Queue.from_row(row))
        return {"QueueUrl": self.url_of(ctx, queue)}

    def get_queue_url(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = params.get("QueueName")
        if not name:
            raise missing_parameter("QueueName")
        account = params.get("QueueOwnerAWSAccountId") or ctx.account
        queue = self.load_queue((str(account), ctx.region, str(name)))
        if queue is None:
            raise queue_does_not_exist(legacy_wording=self.legacy(ctx))
        return {"QueueUrl": self.url_of(ctx, queue)}

    def delete_queue(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        with self.db.write() as tx:
            store.delete_queue(tx, queue.id, queue.account, queue.region, queue.name, self.now())
        self.queues.drop(queue.key)
        self.waiters.wake_all(queue.id)
        return {}

    def purge_queue(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        now = self.now()
        if queue.purged_at is not None and now - queue.purged_at < PURGE_INTERVAL_MS:
            raise sqs_error(
                "PurgeQueueInProgress",
                f"Only one PurgeQueue operation on {queue.name} is allowed every 60 seconds.",
            )
        with self.db.write() as tx:
            store.set_purged(tx, queue.id, now)
        self.queues.put(queue.with_changes(purged_at=now))
        return {}

    def list_queues(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        prefix = str(params.get("QueueNamePrefix") or "")
        limit, after = self._page(params)
        found = store.queue_names(
            self.db, ctx.account, ctx.region, prefix, after, (limit or MAX_LIST_RESULTS) + 1
        )
        result: dict[str, Any] = {}
        page = found[: limit or MAX_LIST_RESULTS]
        if page:
            result["QueueUrls"] = [names.queue_url(ctx.request.url_root, ctx.account, name) for name in page]
        if limit and len(found) > limit:
            result["NextToken"] = _token(page[-1])
        return result

    def list_dead_letter_source_queues(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        limit, after = self._page(params)
        found = store.dead_letter_sources(self.db, queue.arn, after, (limit or MAX_LIST_RESULTS) + 1)
        page = found[: limit or MAX_LIST_RESULTS]
        result: dict[str, Any] = {
            "queueUrls": [names.queue_url(ctx.request.url_root, account, name) for account, name in page]
        }
        if limit and len(found) > limit:
            result["NextToken"] = _token(page[-1][1])
        return result

    @staticmethod
    def _page(params: dict[str, Any]) -> tuple[int | None, str]:
        limit = params.get("MaxResults")
        if limit is not None and not 1 <= int(limit) <= MAX_LIST_RESULTS:
            raise invalid_value(
                "MaxResults", limit, f"MaxResults must be an integer between 1 and {MAX_LIST_RESULTS}."
            )
        token = params.get("NextToken")
        after = _untoken(str(token)) if token else ""
        return (None if limit is None else int(limit)), after

    # -- attributes --------------------------------------------------------------------------
    def get_queue_attributes(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        wanted = set(params.get("AttributeNames") or [])
        for name in wanted:
            if name != "All" and name not in attrs.READABLE:
                raise unknown_attribute(name)
        if "All" in wanted:
            wanted = set(attrs.READABLE)
        if not wanted:
            return {}
        values = {k: v for k, v in queue.effective.items() if v != ""}
        if "KmsMasterKeyId" not in values:
            values.pop("KmsDataKeyReusePeriodSeconds", None)
        values["QueueArn"] = queue.arn
        values["CreatedTimestamp"] = str(queue.created_s)
        values["LastModifiedTimestamp"] = str(queue.modified_s)
        if wanted & {
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        }:
            visible, inflight, delayed = store.counts(self.db, queue.id, self.now())
            values["ApproximateNumberOfMessages"] = str(visible)
            values["ApproximateNumberOfMessagesNotVisible"] = str(inflight)
            values["ApproximateNumberOfMessagesDelayed"] = str(delayed)
        chosen = {name: value for name, value in values.items() if name in wanted}
        return {"Attributes": chosen} if chosen else {}

    def set_queue_attributes(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        given = {str(k): str(v) for k, v in (params.get("Attributes") or {}).items()}
        changes = attrs.validate(given, queue.fifo, creating=False)
        explicit = dict(queue.explicit)
        for name, value in changes.items():
            if value == "":
                explicit.pop(name, None)
            else:
                explicit[name] = value
        if changes.get("SqsManagedSseEnabled") == "true":
            explicit.pop("KmsMasterKeyId", None)
        attrs.check_throughput({**attrs.defaults(queue.fifo), **explicit})
        dead_letter_arn = self._check_dead_letter_target(explicit.get("RedrivePolicy"), queue.fifo, queue.arn)
        now = self.now()
        with self.db.write() as tx:
            store.update_queue_attributes(tx, queue.id, explicit, dead_letter_arn, now // 1000)
            if "MessageRetentionPeriod" in changes:
                tx.execute(
                    "UPDATE sqs_messages SET expires_at = sent_at + ? WHERE queue_id = ?",
                    (
                        int(
                            explicit.get("MessageRetentionPeriod", attrs.NUMERIC["MessageRetentionPeriod"][2])
                        )
                        * 1000,
                        queue.id,
                    ),
                )
        self.queues.put(queue.with_changes(explicit=explicit, modified_s=now // 1000))
        return {}

    def _check_dead_letter_target(self, policy_json: str | None, fifo: bool, source_arn: str) -> str | None:
        """The dead-letter target ARN of a RedrivePolicy once it is known to be acceptable."""
        if not policy_json:
            return None
        policy = attrs.parse_redrive_policy(policy_json)
        source_key, target_key = key_of_arn(source_arn), key_of_arn(policy.target_arn)
        target = self.load_queue(target_key) if target_key else None
        if target is None or source_key is None or target_key is None or target_key[:2] != source_key[:2]:
            raise invalid_value("RedrivePolicy", policy_json, "Dead letter target does not exist.")
        if target.fifo != fifo:
            raise invalid_value(
                "RedrivePolicy", policy_json, "Dead-letter queue must be same type of queue as the source."
            )
        if target.redrive_allow is not None and not target.redrive_allow.allows(source_arn):
            raise invalid_value(
                "RedrivePolicy",
                policy_json,
                "Dead-letter queue's RedriveAllowPolicy does not allow this queue as a source queue.",
            )
        return policy.target_arn

    # -- tags --------------------------------------------------------------------------------
    def tag_queue(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        tags = self._checked_tags(queue.tags, params.get("Tags") or {}, queue.name)
        self._save_tags(queue, tags)
        return {}

    def untag_queue(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        removed = set(params.get("TagKeys") or [])
        self._save_tags(queue, {k: v for k, v in queue.tags.items() if k not in removed})
        return {}

    def list_queue_tags(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        return {"Tags": dict(queue.tags)} if queue.tags else {}

    def _save_tags(self, queue: Queue, tags: dict[str, str]) -> None:
        with self.db.write() as tx:
            store.update_tags(tx, queue.id, tags)
        self.queues.put(queue.with_changes(tags=tags))

    @staticmethod
    def _checked_tags(current: dict[str, str], added: dict[str, Any], queue_name: str) -> dict[str, str]:
        tags = dict(current)
        for key, value in added.items():
            key, value = str(key), "" if value is None else str(value)
            if not 1 <= len(key) <= 128 or len(value) > 256 or key.lower().startswith("aws:"):
                raise invalid_parameter(f"Tag {key} is invalid for queue {queue_name}.")
            tags[key] = value
        if len(tags) > MAX_TAGS:
            raise invalid_parameter(f"Too many tags added for queue {queue_name}.")
        return tags


def _token(last: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last}).encode()).decode("ascii")


def _untoken(token: str) -> str:
    try:
        after = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))["after"]
        if isinstance(after, str):
            return after
    except (ValueError, KeyError, TypeError, UnicodeError, binascii.Error):
        pass
    raise invalid_parameter("Invalid NextToken value.")
