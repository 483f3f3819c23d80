"""SendMessage and SendMessageBatch: validate, then one INSERT per message, committed
before the response (nothing acknowledged is lost)."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cloudlet import ids
from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.sqs import fifo, messages, store
from cloudlet.services.sqs.core import SqsCore
from cloudlet.services.sqs.errors import invalid_parameter, invalid_value, missing_parameter, sqs_error
from cloudlet.services.sqs.md5 import md5_of_attributes, md5_of_body
from cloudlet.services.sqs.queues import Queue
from cloudlet.storage.db import Transaction

NOT_FOR_THIS_QUEUE = "The request include parameter that is not valid for this queue type."
NEEDS_DEDUP = "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"


@dataclass(slots=True)
class Prepared:
    message: store.NewMessage
    result: dict[str, Any]  # the MD5s, before MessageId / SequenceNumber are known
    delay: int | None
    size: int


def encode_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> str | None:
    if not attributes:
        return None
    stored = {}
    for name, attribute in attributes.items():
        if "BinaryValue" in attribute:
            stored[name] = {
                "DataType": attribute["DataType"],
                "BinaryValue": base64.b64encode(attribute["BinaryValue"]).decode(),
            }
        else:
            stored[name] = dict(attribute)
    return json.dumps(stored, separators=(",", ":"))


def decode_attributes(text: str | None) -> dict[str, dict[str, Any]]:
    if not text:
        return {}
    attributes: dict[str, dict[str, Any]] = json.loads(text)
    for attribute in attributes.values():
        if "BinaryValue" in attribute:
            attribute["BinaryValue"] = base64.b64decode(attribute["BinaryValue"])
    return attributes


class SendOperations(SqsCore):
    def send_message(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        prepared = self._prepare(ctx, queue, params, batch=False)
        if prepared.size > queue.max_size:
            raise messages.too_long(queue.max_size)
        now = self.now()
        with self.db.write() as tx:
            result, visible = self._store(tx, queue, prepared, now)
        if visible:
            self.waiters.wake(queue.id, 1)
        return result

    def send_message_batch(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        entries = messages.check_batch(params.get("Entries"), "SendMessageBatchRequestEntry")
        if queue.fifo:
            # A FIFO requirement missing from any entry fails the whole request.
            for entry in entries:
                if not entry.get("MessageGroupId"):
                    raise invalid_parameter("The request must contain the parameter MessageGroupId.")
                if not entry.get("MessageDeduplicationId") and not queue.content_dedup:
                    raise invalid_parameter(NEEDS_DEDUP)
        prepared: list[tuple[str, Prepared | ServiceError]] = []
        total = 0
        for entry in entries:
            try:
                item = self._prepare(ctx, queue, entry, batch=True)
                total += item.size
                if item.size > queue.max_size:
                    raise messages.too_long(queue.max_size, batch=True)
                prepared.append((entry["Id"], item))
            except ServiceError as error:
                prepared.append((entry["Id"], error))
        if total > messages.MAX_BATCH_BYTES:
            raise sqs_error(
                "BatchRequestTooLong",
                f"Batch requests cannot be longer than {messages.MAX_BATCH_BYTES} bytes. You have sent {total} bytes.",
            )
        successful: list[dict[str, Any]] = []
        failed = [_failure(entry_id, item) for entry_id, item in prepared if isinstance(item, ServiceError)]
        good = [(entry_id, item) for entry_id, item in prepared if not isinstance(item, ServiceError)]
        woken = 0
        now = self.now()
        with self.db.write() as tx:
            if not queue.fifo:
                successful, woken = self._store_standard_batch(tx, queue, good, now)
            else:
                for entry_id, item in good:
                    result, visible = self._store(tx, queue, item, now)
                    successful.append({"Id": entry_id, **result})
                    woken += visible
        if woken:
            self.waiters.wake(queue.id, woken)
        return {"Successful": successful, "Failed": failed}

    # -- one message -------------------------------------------------------------------------
    def _prepare(self, ctx: RequestContext, queue: Queue, params: Mapping[str, Any], batch: bool) -> Prepared:
        body = messages.check_body(params.get("MessageBody"))
        attributes = messages.check_message_attributes(params.get("MessageAttributes"))
        system = messages.check_message_attributes(params.get("MessageSystemAttributes"), system=True)
        system_md5 = md5_of_attributes(system)
        if not system:
            # An X-Ray trace header on the request becomes the message's AWSTraceHeader; no
            # digest is returned for it since the client sent no system attributes to check.
            trace = ctx.request.headers.get("x-amzn-trace-id")
            if trace:
                system = {"AWSTraceHeader": {"DataType": "String", "StringValue": trace}}
        delay = params.get("DelaySeconds")
        if delay is not None:
            delay = messages.check_delay(delay)
            if queue.fifo:
                # FIFO queues take only the queue's delay; 0 means "no per-message delay".
                if delay:
                    raise invalid_value("DelaySeconds", delay, NOT_FOR_THIS_QUEUE)
                delay = None
        group_id = params.get("MessageGroupId")
        dedup_id = params.get("MessageDeduplicationId")
        if group_id is not None:
            group_id = messages.check_fifo_id("MessageGroupId", group_id)
        if dedup_id is not None:
            dedup_id = messages.check_fifo_id("MessageDeduplicationId", dedup_id)
        if queue.fifo:
            if group_id is None:
                if batch:
                    raise invalid_parameter("The request must contain the parameter MessageGroupId.")
                raise missing_parameter("MessageGroupId")
            if dedup_id is None:
                if not queue.content_dedup:
                    raise invalid_parameter(NEEDS_DEDUP)
                dedup_id = fifo.content_dedup_id(body)
        elif dedup_id is not None:
            raise invalid_value("MessageDeduplicationId", dedup_id, NOT_FOR_THIS_QUEUE)
        result: dict[str, Any] = {"MD5OfMessageBody": md5_of_body(body)}
        attributes_md5 = md5_of_attributes(attributes)
        if attributes_md5:
            result["MD5OfMessageAttributes"] = attributes_md5
        if system_md5:
            result["MD5OfMessageSystemAttributes"] = system_md5
        message = store.NewMessage(
            body=body,
            attributes=encode_attributes(attributes),
            attributes_md5=attributes_md5,
            system_attributes=json.dumps({k: v["StringValue"] for k, v in system.items()})
            if system
            else None,
            sender_id=ctx.account,
            group_id=group_id,
            dedup_id=dedup_id,
        )
        return Prepared(message, result, delay, messages.message_size(body, attributes))

    def _store(
        self, tx: Transaction, queue: Queue, prepared: Prepared, now: int
    ) -> tuple[dict[str, Any], bool]:
        """Insert one message; (result entry, whether it is visible now)."""
        message = prepared.message
        result = dict(prepared.result)
        delay = queue.delay if prepared.delay is None else prepared.delay
        visible_at = now + delay * 1000
        if not queue.fifo:
            message_id = ids.message_id()
            store.insert_message(
                tx, store.insert_row(queue.id, message_id, message, now, visible_at, now + queue.retention_ms)
            )
            result["MessageId"] = message_id
            return result, delay == 0
        assert message.dedup_id is not None and message.group_id is not None
        scope = message.group_id if queue.dedup_per_group else ""
        duplicate = fifo.find_duplicate(tx, queue.id, scope, message.dedup_id, now)
        if duplicate is not None:
            # A duplicate is accepted and answered like the original, and never delivered.
            result.update(MessageId=duplicate["message_id"], SequenceNumber=duplicate["sequence"])
            return result, False
        message_id = ids.message_id()
        row_id = store.insert_message(
            tx, store.insert_row(queue.id, message_id, message, now, visible_at, now + queue.retention_ms)
        )
        sequence = fifo.sequence_number(row_id)
        fifo.remember(tx, queue.id, scope, message.dedup_id, message_id, sequence, now)
        fifo.add_to_group(tx, queue.id, message.group_id, row_id, visible_at)
        result.update(MessageId=message_id, SequenceNumber=sequence)
        return result, delay == 0

    def _store_standard_batch(
        self, tx: Transaction, queue: Queue, batch: list[tuple[str, Prepared]], now: int
    ) -> tuple[list[dict[str, Any]], int]:
        """A standard queue's batch in one executemany; (result entries, how many are visible now)."""
        rows: list[store.InsertRow] = []
        results: list[dict[str, Any]] = []
        visible = 0
        expires_at = now + queue.retention_ms
        for entry_id, prepared in batch:
            delay = queue.delay if prepared.delay is None else prepared.delay
            message_id = ids.message_id()
            rows.append(
                store.insert_row(queue.id, message_id, prepared.message, now, now + delay * 1000, expires_at)
            )
            results.append({"Id": entry_id, **prepared.result, "MessageId": message_id})
            visible += delay == 0
        store.insert_messages(tx, rows)
        return results, visible


def _failure(entry_id: str, error: ServiceError) -> dict[str, Any]:
    return {
        "Id": entry_id,
        "SenderFault": error.sender_fault,
        "Code": error.query_code or error.code,
        "Message": error.message,
    }
