"""A do-nothing SQS server: the ceiling the client allows.

It answers every SQS JSON-protocol call (``X-Amz-Target: AmazonSQS.<Op>``) with a canned,
valid response that boto3 accepts, and keeps no queues and no messages. It is built on the
same stack as cloudlet's server (see bench/null_common.py), so that ``cloudlet / null`` in
bench/sqs.py measures cloudlet's own work, not the HTTP stack.

What it answers:

- SendMessage: a fresh MessageId and the correct MD5OfMessageBody of the body it received.
- SendMessageBatch: every entry Id echoed as Successful, each with its body's MD5.
- ReceiveMessage with WaitTimeSeconds 0 (or absent): MaxNumberOfMessages canned messages
  (default 1, at most 10) with the correct MD5OfBody.
- DeleteMessageBatch / ChangeMessageVisibilityBatch: every entry Id echoed as Successful.
- CreateQueue / GetQueueUrl: ``http://<Host>/000000000000/<QueueName>``.
- everything else (DeleteQueue, PurgeQueue, DeleteMessage, ...): ``{}``.

The one exception to "nothing": a long poll (ReceiveMessage with WaitTimeSeconds > 0)
parks until the next SendMessage to the same QueueUrl and returns that message's body
(or returns no messages when the wait ends). A SendMessage that finds no parked poll
leaves its body in a small bounded per-queue buffer that the next long poll takes at
once. This minimal hand-off lets the benchmark's send-to-receive latency workload run the
same client flow against this server as against real ones; it costs a dict lookup per
SendMessage.

Run: ``python bench/null_sqs.py --port 4598 [--host 127.0.0.1]``. ``GET`` on any path
answers 200 (the benchmark's readiness check).
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
from collections import deque
from typing import Any

from null_common import Receive, Scope, Send, read_body, respond, serve

ACCOUNT = "000000000000"
CANNED_BODY = "cloudlet null-server canned message"
PENDING_LIMIT = 64  # bodies buffered per queue for a long poll that is not parked yet
MAX_WAIT_SECONDS = 20.0

_JSON_HEADERS = [(b"content-type", b"application/x-amz-json-1.0")]
_counter = itertools.count(1)


def md5_hex(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _message(body: str, seq: int) -> dict[str, str]:
    return {
        "MessageId": f"00000000-0000-4000-8000-{seq:012d}",
        "ReceiptHandle": f"null-receipt-{seq}",
        "MD5OfBody": md5_hex(body),
        "Body": body,
    }


def _encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


# ReceiveMessage answers for MaxNumberOfMessages = 1..10, built once.
_CANNED_RECEIVES = {
    n: _encode({"Messages": [_message(CANNED_BODY, i) for i in range(n)]}) for n in range(1, 11)
}
_EMPTY = b"{}"


class LongPolls:
    """Per-queue hand-off from SendMessage to parked long polls (see module docstring)."""

    def __init__(self) -> None:
        self._waiters: dict[str, deque[asyncio.Future[str]]] = {}
        self._pending: dict[str, deque[str]] = {}

    def offer(self, queue_url: str, body: str) -> None:
        waiters = self._waiters.get(queue_url)
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(body)
                return
        self._pending.setdefault(queue_url, deque(maxlen=PENDING_LIMIT)).append(body)

    async def take(self, queue_url: str, max_messages: int, wait_seconds: float) -> list[str]:
        pending = self._pending.get(queue_url)
        if pending:
            return [pending.popleft() for _ in range(min(max_messages, len(pending)))]
        waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(queue_url, deque()).append(waiter)
        try:
            return [await asyncio.wait_for(waiter, timeout=wait_seconds)]
        except TimeoutError:
            waiters = self._waiters.get(queue_url)
            if waiters and waiter in waiters:
                waiters.remove(waiter)
            return []


class NullSqsApp:
    """Raw ASGI app: canned SQS JSON-protocol answers."""

    def __init__(self) -> None:
        self.long_polls = LongPolls()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        if scope["method"] != "POST":
            await _respond(send, 200, b'{"status":"ok"}')
            return
        target = ""
        host = "127.0.0.1"
        for key, value in scope["headers"]:
            if key == b"x-amz-target":
                target = value.decode("latin-1")
            elif key == b"host":
                host = value.decode("latin-1")
        service, _, operation = target.partition(".")
        if service != "AmazonSQS":
            await _respond(send, 400, _encode({"__type": "UnknownOperationException", "message": target}))
            return
        try:
            params = json.loads(body) if body else {}
        except ValueError:
            await _respond(send, 400, _encode({"__type": "InvalidParameterValue", "message": "bad JSON"}))
            return
        await _respond(send, 200, await self.answer(operation, params, host))

    async def answer(self, operation: str, params: dict[str, Any], host: str) -> bytes:
        if operation == "SendMessage":
            body = params.get("MessageBody", "")
            self.long_polls.offer(params.get("QueueUrl", ""), body)
            return _encode({"MessageId": _message_id(), "MD5OfMessageBody": md5_hex(body)})
        if operation == "SendMessageBatch":
            successful = [
                {
                    "Id": e["Id"],
                    "MessageId": _message_id(),
                    "MD5OfMessageBody": md5_hex(e.get("MessageBody", "")),
                }
                for e in params.get("Entries", [])
            ]
            return _encode({"Successful": successful, "Failed": []})
        if operation == "ReceiveMessage":
            return await self._receive(params)
        if operation in ("DeleteMessageBatch", "ChangeMessageVisibilityBatch"):
            successful = [{"Id": e["Id"]} for e in params.get("Entries", [])]
            return _encode({"Successful": successful, "Failed": []})
        if operation in ("CreateQueue", "GetQueueUrl"):
            return _encode({"QueueUrl": f"http://{host}/{ACCOUNT}/{params.get('QueueName', 'queue')}"})
        if operation == "GetQueueAttributes":
            return _encode({"Attributes": {}})
        if operation == "ListQueues":
            return _encode({"QueueUrls": []})
        return _EMPTY

    async def _receive(self, params: dict[str, Any]) -> bytes:
        count = min(max(int(params.get("MaxNumberOfMessages", 1)), 1), 10)
        wait = min(float(params.get("WaitTimeSeconds", 0)), MAX_WAIT_SECONDS)
        if wait <= 0:
            return _CANNED_RECEIVES[count]
        bodies = await self.long_polls.take(params.get("QueueUrl", ""), count, wait)
        if not bodies:
            return _EMPTY
        return _encode({"Messages": [_message(body, next(_counter)) for body in bodies]})


def _message_id() -> str:
    return f"00000000-0000-4000-8000-{next(_counter):012d}"


async def _respond(send: Send, status: int, body: bytes) -> None:
    await respond(send, status, body, _JSON_HEADERS)


def main(argv: list[str] | None = None) -> None:
    serve(lambda args: NullSqsApp(), __doc__.splitlines()[0] if __doc__ else None, argv, default_port=4598)


if __name__ == "__main__":
    main()
