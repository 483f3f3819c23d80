"""A stored message as ReceiveMessage returns it: the system attributes and message
attributes the request asked for, and the MD5 of the attributes returned."""

from __future__ import annotations

import json
from typing import Any

from cloudlet.services.sqs import fifo, names
from cloudlet.services.sqs.md5 import md5_of_attributes, md5_of_body
from cloudlet.services.sqs.send import decode_attributes
from cloudlet.services.sqs.store import Row

SYSTEM_ATTRIBUTES = (
    "SenderId",
    "SentTimestamp",
    "ApproximateReceiveCount",
    "ApproximateFirstReceiveTimestamp",
    "SequenceNumber",
    "MessageDeduplicationId",
    "MessageGroupId",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)


class MessageView:
    """What one ReceiveMessage asked to see, compiled once per request."""

    def __init__(self, system_names: list[str] | None, attribute_names: list[str] | None) -> None:
        wanted = set(system_names or ())
        self.system = (
            SYSTEM_ATTRIBUTES if "All" in wanted else tuple(n for n in SYSTEM_ATTRIBUTES if n in wanted)
        )
        requested = list(attribute_names or ())
        # "All", "*" and ".*" select every attribute; "Hel.*" every one whose name starts with
        # "Hel" (what SQS does, though the docs speak of "prefix.*").
        self.all_attributes = any(name in ("All", "*", ".*") for name in requested)
        self.prefixes = tuple(name[:-2] for name in requested if name.endswith(".*") and name != ".*")
        self.exact = frozenset(name for name in requested if not name.endswith(".*"))
        self.any_attributes = self.all_attributes or bool(self.prefixes or self.exact)

    def render(self, queue_id: int, fifo_queue: bool, row: Row, token: str) -> dict[str, Any]:
        body = row["body"]
        message: dict[str, Any] = {
            "MessageId": row["message_id"],
            "ReceiptHandle": names.encode_receipt(queue_id, int(row["id"]), token),
            "MD5OfBody": md5_of_body(body),
            "Body": body,
        }
        if self.system:
            system = self._system(row, fifo_queue)
            if system:
                message["Attributes"] = system
        if self.any_attributes and row["attributes"]:
            self._attributes(row, message)
        return message

    def _system(self, row: Row, fifo_queue: bool) -> dict[str, str]:
        extra: dict[str, Any] = json.loads(row["system_attributes"]) if row["system_attributes"] else {}
        values: dict[str, str] = {}
        for name in self.system:
            value: Any = None
            if name == "SenderId":
                value = row["sender_id"]
            elif name == "SentTimestamp":
                value = row["sent_at"]
            elif name == "ApproximateReceiveCount":
                value = row["receive_count"]
            elif name == "ApproximateFirstReceiveTimestamp":
                value = row["first_received_at"]
            elif name == "SequenceNumber":
                value = fifo.sequence_number(int(row["id"])) if fifo_queue else None
            elif name == "MessageDeduplicationId":
                value = row["dedup_id"] if fifo_queue else None
            elif name == "MessageGroupId":
                value = row["group_id"]
            elif name == "DeadLetterQueueSourceArn":
                value = row["source_arn"]
            else:
                value = extra.get(name)
            if value is not None:
                values[name] = str(value)
        return values

    def _attributes(self, row: Row, message: dict[str, Any]) -> None:
        attributes = decode_attributes(row["attributes"])
        if self.all_attributes:
            chosen, digest = attributes, row["attributes_md5"]
        else:
            chosen = {
                name: value
                for name, value in attributes.items()
                if name in self.exact or any(name.startswith(prefix) for prefix in self.prefixes)
            }
            digest = md5_of_attributes(chosen) if len(chosen) < len(attributes) else row["attributes_md5"]
        if chosen:
            message["MessageAttributes"] = chosen
            message["MD5OfMessageAttributes"] = digest
