"""Operations on received messages by receipt handle: delete and change visibility, single and batch.

Standard queues accept a handle from an earlier receive of the same message (AWS: "the
request succeeds, but the message might not be deleted" - here it is); FIFO queues accept
only the latest handle while the message is in flight, else "The receipt handle has expired"
(https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.sqs import fifo, messages, names, store
from cloudlet.services.sqs.core import SqsCore
from cloudlet.services.sqs.errors import invalid_value, missing_parameter, receipt_handle_invalid, sqs_error
from cloudlet.services.sqs.queues import Queue
from cloudlet.storage.db import Transaction

MAX_VISIBILITY = 43_200
EXPIRED = "The receipt handle has expired."


class HandleOperations(SqsCore):
    def delete_message(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        handle = params.get("ReceiptHandle")
        if not handle:
            raise missing_parameter("ReceiptHandle")
        with self.db.write() as tx:
            freed = self._delete(tx, queue, str(handle), self.now())
        if freed:
            self.waiters.wake(queue.id, 1)
        return {}

    def delete_message_batch(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        entries = messages.check_batch(params.get("Entries"), "DeleteMessageBatchRequestEntry")
        now = self.now()
        freed = 0
        doomed: list[int] = []

        def delete(tx: Transaction, entry: dict[str, Any]) -> None:
            nonlocal freed
            handle = str(entry.get("ReceiptHandle") or "")
            if queue.fifo:
                freed += self._delete(tx, queue, handle, now)
            else:
                doomed.append(self._receipt(queue, handle).message_id)

        def delete_all(tx: Transaction) -> None:
            store.delete_messages(tx, queue.id, doomed)

        result = self._batch(entries, delete, delete_all)
        if freed:
            self.waiters.wake(queue.id, freed)
        return result

    def change_message_visibility(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        handle = params.get("ReceiptHandle")
        if not handle:
            raise missing_parameter("ReceiptHandle")
        if params.get("VisibilityTimeout") is None:
            raise missing_parameter("VisibilityTimeout")
        with self.db.write() as tx:
            wake = self._change(tx, queue, str(handle), int(params["VisibilityTimeout"]), self.now())
        self._wake(queue, wake)
        return {}

    def change_message_visibility_batch(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        queue = self.queue_of(ctx, params)
        entries = messages.check_batch(params.get("Entries"), "ChangeMessageVisibilityBatchRequestEntry")
        now = self.now()
        wakes: list[str] = []

        def change(tx: Transaction, entry: dict[str, Any]) -> None:
            if entry.get("VisibilityTimeout") is None:
                raise missing_parameter("VisibilityTimeout")
            wakes.append(
                self._change(
                    tx, queue, str(entry.get("ReceiptHandle") or ""), int(entry["VisibilityTimeout"]), now
                )
            )

        result = self._batch(entries, change)
        for wake in set(wakes):
            self._wake(queue, wake)
        return result

    # -- the work ------------------------------------------------------------------------------
    def _batch(
        self,
        entries: list[dict[str, Any]],
        action: Callable[[Transaction, dict[str, Any]], None],
        finish: Callable[[Transaction], None] | None = None,
    ) -> dict[str, Any]:
        successful: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        with self.db.write() as tx:
            for entry in entries:
                try:
                    action(tx, entry)
                except ServiceError as error:
                    failed.append(
                        {
                            "Id": entry["Id"],
                            "SenderFault": error.sender_fault,
                            "Code": error.query_code or error.code,
                            "Message": error.message,
                        }
                    )
                else:
                    successful.append({"Id": entry["Id"]})
            if finish is not None:
                finish(tx)
        return {"Successful": successful, "Failed": failed}

    @staticmethod
    def _receipt(queue: Queue, handle: str) -> names.Receipt:
        if not handle:
            raise missing_parameter("ReceiptHandle")
        receipt = names.decode_receipt(handle)
        if receipt.queue_id != queue.id:
            raise receipt_handle_invalid(handle)
        return receipt

    def _delete(self, tx: Transaction, queue: Queue, handle: str, now: int) -> int:
        """Delete by handle (deleting a deleted message succeeds); 1 when that may free
        messages of a FIFO group, else 0."""
        receipt = self._receipt(queue, handle)
        if not queue.fifo:
            store.delete_messages(tx, queue.id, [receipt.message_id])
            return 0
        row = store.message(tx, receipt.message_id)
        if row is None or row["queue_id"] != queue.id:
            return 0  # already deleted (or redriven): deleting again succeeds
        if row["receipt"] != receipt.token or row["visible_at"] <= now:
            raise invalid_value("ReceiptHandle", handle, EXPIRED)
        store.delete_messages(tx, queue.id, [receipt.message_id])
        fifo.refresh_groups(tx, queue.id, [row["group_id"]])
        return 1

    def _change(self, tx: Transaction, queue: Queue, handle: str, timeout: int, now: int) -> str:
        """Change one message's visibility; which waiters that concerns: "", "one" or "all"."""
        if not 0 <= timeout <= MAX_VISIBILITY:
            raise invalid_value(
                "VisibilityTimeout", timeout, f"Must be >= 0 and <= {MAX_VISIBILITY}, if provided."
            )
        receipt = self._receipt(queue, handle)
        row = store.message(tx, receipt.message_id)
        if row is None or row["queue_id"] != queue.id:
            raise invalid_value(
                "ReceiptHandle",
                handle,
                "Message does not exist or is not available for visibility timeout change.",
            )
        in_flight = row["visible_at"] > now and row["received_at"] is not None
        if queue.fifo:
            if row["receipt"] != receipt.token:
                raise invalid_value("ReceiptHandle", handle, EXPIRED)
            if not in_flight:
                raise sqs_error("MessageNotInflight", "The message referred to isn't in flight.")
        visible_at = now + timeout * 1000
        if (
            in_flight
            and row["received_at"] is not None
            and visible_at - int(row["received_at"]) > MAX_VISIBILITY * 1000
        ):
            raise invalid_value(
                "VisibilityTimeout",
                timeout,
                f"Total VisibilityTimeout for the message is beyond the limit [{MAX_VISIBILITY} seconds]",
            )
        store.set_visible_at(tx, receipt.message_id, visible_at)
        if queue.fifo:
            fifo.refresh_groups(tx, queue.id, [row["group_id"]])
        if visible_at <= now:
            return "all" if queue.fifo else "one"
        return "all" if visible_at < int(row["visible_at"]) else ""

    def _wake(self, queue: Queue, which: str) -> None:
        if which == "one":
            self.waiters.wake(queue.id, 1)
        elif which == "all":
            self.waiters.wake_all(queue.id)
