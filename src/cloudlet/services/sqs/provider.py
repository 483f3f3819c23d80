"""SQS: every operation of the 2012-11-05 API, standard and FIFO queues, on SQLite and the clock.

The operations live in one module per concern (queue_ops, permissions, send, receive,
handle_ops, move_tasks); this class puts them together and adds retention and the peek.

LIMITATIONS:
    - Policies (Policy, AddPermission) are stored and returned, never enforced; any account
      may use any queue it can name by URL.
    - KMS attributes are stored and returned; messages are not encrypted and no KMS call is made.
    - Queue URLs carry no region (http://<host>/<account>/<name>): a URL is resolved in the
      region of the request that uses it.
    - FifoThroughputLimit is stored only; no throughput quota (or OverLimit / RequestThrottled)
      is applied, and the 120,000 in-flight message limit is not enforced.
    - StringListValues / BinaryListValues (reserved by AWS) are dropped from message attributes.
    - ReceiveRequestAttemptId retries are remembered in memory: a restart forgets them.
    - A message move task skips messages that are in flight in the dead-letter queue when it
      reaches them; default (unset) rates move every message at once.
    - Retention expiry is exact for reads (expired messages are never returned or counted);
      the rows themselves are deleted by a sweep every 60 virtual seconds.
    - SenderId is the caller's account id (AWS gives the IAM user or role id).
    - A standard queue acts as one server: a short poll returns visible messages up to
      MaxNumberOfMessages in about send order (AWS samples some servers and may return fewer).
    - The approximate counts of GetQueueAttributes are exact, and cost a scan of the
      queue's index (~20 ms at 100k messages).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.services.base import InternalHandler
from cloudlet.services.sqs import fifo, names, store
from cloudlet.services.sqs.handle_ops import HandleOperations
from cloudlet.services.sqs.move_tasks import MoveTaskOperations
from cloudlet.services.sqs.permissions import PermissionOperations
from cloudlet.services.sqs.queue_ops import QueueOperations
from cloudlet.services.sqs.receive import ReceiveOperations
from cloudlet.services.sqs.send import SendOperations

log = logging.getLogger("cloudlet.sqs")

SWEEP_INTERVAL_S = 60.0


class SqsProvider(
    QueueOperations,
    PermissionOperations,
    SendOperations,
    ReceiveOperations,
    HandleOperations,
    MoveTaskOperations,
):
    service = "sqs"

    async def start(self) -> None:
        await super().start()
        self.env.background.start_loop(self._sweep_loop(), "sqs-retention")

    def busy(self) -> bool:
        # A parked long poll that was woken but has not taken its messages yet is work due now.
        return super().busy() or self.waiters.woken()

    # -- retention -------------------------------------------------------------------------------
    async def _sweep_loop(self) -> None:
        while True:
            try:
                self.sweep()
            except Exception:
                log.exception("retention sweep failed")
            await self.clock.sleep_until(self.clock.now() + SWEEP_INTERVAL_S)

    def sweep(self) -> None:
        """Delete messages past their retention period and deduplication ids past their window."""
        now = self.now()
        with self.db.write() as tx:
            expired = store.expire(tx, now)
            groups: dict[int, set[str | None]] = {}
            for queue_id, group_id in expired:
                if group_id is not None:
                    groups.setdefault(queue_id, set()).add(group_id)
            for queue_id, group_ids in groups.items():
                fifo.refresh_groups(tx, queue_id, group_ids)
            fifo.forget_expired(tx, now)

    # -- the peek ----------------------------------------------------------------------------------
    def internal_routes(self) -> dict[tuple[str, str], InternalHandler]:
        return {("GET", "/_cloudlet/sqs/messages"): self.peek}

    def peek(self, query: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        """Every message of a queue with its state, without receiving any (for tooling), and
        how many long polls wait on it."""
        url = query.get("QueueUrl") or body.get("QueueUrl")
        if not url:
            raise ServiceError("MissingParameter", "QueueUrl is required", 400)
        account, name = names.parse_queue_url(str(url))
        settings = self.env.settings
        region = query.get("Region") or body.get("Region") or settings.default_region
        queue = self.load_queue((account or settings.default_account, str(region), name))
        if queue is None:
            raise ServiceError("QueueDoesNotExist", "The specified queue does not exist.", 404)
        now = self.now()
        listed = []
        for row in store.peek(self.db, queue.id):
            if row["expires_at"] <= now:
                continue
            visible_at = int(row["visible_at"])
            if visible_at <= now:
                state = "visible"
            else:
                state = "inflight" if row["first_received_at"] is not None else "delayed"
            attributes = {
                "SenderId": row["sender_id"],
                "SentTimestamp": str(row["sent_at"]),
                "ApproximateReceiveCount": str(row["receive_count"]),
            }
            if row["first_received_at"] is not None:
                attributes["ApproximateFirstReceiveTimestamp"] = str(row["first_received_at"])
            if queue.fifo:
                attributes["SequenceNumber"] = fifo.sequence_number(int(row["id"]))
                attributes["MessageDeduplicationId"] = str(row["dedup_id"])
            if row["source_arn"]:
                attributes["DeadLetterQueueSourceArn"] = str(row["source_arn"])
            listed.append(
                {
                    "MessageId": row["message_id"],
                    "Body": row["body"],
                    "Attributes": attributes,
                    "MessageAttributes": json.loads(row["attributes"])
                    if row["attributes"]
                    else {},  # binary: base64
                    "ReceiveCount": int(row["receive_count"]),
                    "VisibleAt": datetime.fromtimestamp(visible_at / 1000, UTC)
                    .isoformat()
                    .replace("+00:00", "Z"),
                    "MessageGroupId": row["group_id"],
                    "State": state,
                }
            )
        return {"messages": listed, "waiting": self.waiters.count(queue.id)}
