"""Publish and PublishBatch: validate, give the message its id (and FIFO sequence number),
match every subscription's filter policy, and emit one "sns.delivery" per match, all in one
write transaction."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.patterns import FilterPolicy, compile_filter_policy
from cloudlet.services.sns import envelope, outgoing, store
from cloudlet.services.sns.core import SnsCore
from cloudlet.services.sns.errors import invalid_parameter, not_supported
from cloudlet.services.sns.messages import MAX_SIZE, Outgoing, validate
from cloudlet.storage.db import Transaction

DEDUP_WINDOW_MS = 5 * 60 * 1000  # "Message deduplication for FIFO topics": five minutes
MAX_BATCH = 10
_BATCH_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_SEQUENCE_BASE = 10_000_000_000_000_000_000


@lru_cache(maxsize=1024)
def _policy(text: str, scope: str) -> FilterPolicy:
    return compile_filter_policy(text, scope)  # type: ignore[arg-type]


def _matches(sub: store.Subscription, out: Outgoing) -> bool:
    text = sub.attributes.get("FilterPolicy")
    if not text:
        return True
    scope = sub.attributes.get("FilterPolicyScope", "MessageAttributes")
    try:
        policy = _policy(text, scope)
    except ValueError:
        return False
    return policy.matches(out.text_for(sub.protocol), out.attributes)


class PublishOperations(SnsCore):
    def _publish_topic(self, params: dict[str, Any]) -> store.Topic:
        if params.get("PhoneNumber"):
            raise not_supported("PhoneNumber")
        arn = params.get("TopicArn") or params.get("TargetArn")
        if not arn:
            raise invalid_parameter("TopicArn or TargetArn Reason: no value for required parameter")
        parts = ids.parse_arn(str(arn))
        if parts is not None and parts["resource"].startswith("endpoint/"):
            raise not_supported("TargetArn of a platform endpoint")
        return self.topic(arn, "TopicArn" if params.get("TopicArn") else "TargetArn")

    @staticmethod
    def _check_fifo(topic: store.Topic, out: Outgoing) -> None:
        if topic.fifo:
            if not out.group_id:
                raise invalid_parameter("The MessageGroupId parameter is required for FIFO topics")
            if (
                not out.dedup_id
                and topic.attributes.get("ContentBasedDeduplication", "false").lower() != "true"
            ):
                raise invalid_parameter(
                    "The topic should either have ContentBasedDeduplication enabled or"
                    " MessageDeduplicationId provided explicitly"
                )
        elif out.dedup_id is not None:
            raise invalid_parameter(
                "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter"
                " that is not valid for this topic type"
            )

    def publish(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic = self._publish_topic(params)
        out = validate(params)
        self._check_fifo(topic, out)
        with self.db.write() as tx:
            subs = store.topic_subscriptions(tx, topic.arn)
            message_id, sequence = self._commit(tx, topic, subs, out)
        result = {"MessageId": message_id}
        if sequence is not None:
            result["SequenceNumber"] = sequence
        return result

    def publish_batch(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        topic = self.topic(params.get("TopicArn"))
        entries = list(params.get("PublishBatchRequestEntries") or [])
        if not entries:
            raise ServiceError("EmptyBatchRequestException", "The batch request doesn't contain any entries.")
        if len(entries) > MAX_BATCH:
            raise ServiceError(
                "TooManyEntriesInBatchRequestException",
                "The batch request contains more entries than permissible.",
            )
        seen: set[str] = set()
        for entry in entries:
            entry_id = str(entry.get("Id", ""))
            if not _BATCH_ID.match(entry_id):
                raise ServiceError(
                    "InvalidBatchEntryIdException",
                    "The Id of a batch entry in a batch request doesn't abide by the specification.",
                )
            if entry_id in seen:
                raise ServiceError(
                    "BatchEntryIdsNotDistinctException",
                    "Two or more batch entries in the request have the same Id.",
                )
            seen.add(entry_id)
        if sum(len(str(entry.get("Message", "")).encode("utf-8")) for entry in entries) > MAX_SIZE:
            raise ServiceError(
                "BatchRequestTooLongException",
                "The length of all the messages put together is more than the limit.",
            )
        successful: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        with self.db.write() as tx:
            subs = store.topic_subscriptions(tx, topic.arn)
            for entry in entries:
                try:
                    out = validate(entry)
                    self._check_fifo(topic, out)
                except ServiceError as error:
                    code = {"InvalidParameterException": "InvalidParameter",
                            "InvalidParameterValueException": "InvalidParameterValue"}.get(error.code, error.code)  # fmt: skip
                    failed.append(
                        {"Id": entry["Id"], "Code": code, "Message": error.message, "SenderFault": True}
                    )
                    continue
                message_id, sequence = self._commit(tx, topic, subs, out)
                done: dict[str, Any] = {"Id": entry["Id"], "MessageId": message_id}
                if sequence is not None:
                    done["SequenceNumber"] = sequence
                successful.append(done)
        return {"Successful": successful, "Failed": failed}

    # -- the one write ---------------------------------------------------------------------------
    def _commit(
        self, tx: Transaction, topic: store.Topic, subs: list[store.Subscription], out: Outgoing
    ) -> tuple[str, str | None]:
        now = self.now()
        sequence: str | None = None
        dedup_id = out.dedup_id
        if topic.fifo:
            if not dedup_id:
                dedup_id = hashlib.sha256(out.message.encode("utf-8")).hexdigest()
            duplicate = store.find_duplicate(tx, topic.arn, dedup_id, now)
            if duplicate is not None:
                return duplicate  # accepted, not delivered again
            sequence = f"{_SEQUENCE_BASE + store.next_sequence(tx, topic.arn):020d}"
        message_id = ids.uuid4()
        if topic.fifo:
            assert dedup_id is not None and sequence is not None
            store.remember_dedup(tx, topic.arn, dedup_id, message_id, sequence, now, DEDUP_WINDOW_MS)
        notes: dict[str, dict[str, Any]] = {}
        for sub in subs:
            if not sub.confirmed or not _matches(sub, out):
                continue
            text = out.text_for(sub.protocol)
            note = notes.get(text)
            if note is None:
                note = envelope.notification(
                    message_id=message_id, topic_arn=topic.arn, subject=out.subject, message=text,
                    timestamp_ms=now, sequence_number=sequence, attributes=out.attributes,
                )  # fmt: skip
                if not topic.fifo:  # FIFO notifications carry no signature
                    version = topic.attributes.get("SignatureVersion", "1")
                    note = envelope.signed(note, version, self.signer.sign, self.endpoint)
                notes[text] = note
            group_id = out.group_id if topic.fifo else None
            outgoing.emit_notification(
                tx,
                topic,
                sub,
                note,
                text,
                out.attributes,
                group_id,
                dedup_id if topic.fifo else None,
                self.endpoint,
            )
        return message_id, sequence
