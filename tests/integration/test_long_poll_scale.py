"""A thousand concurrent long polls hold no thread each, and a send wakes one at once."""

import asyncio
import json
from pathlib import Path

from harness import Server

POLLS = 1000
AUTH = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0"


async def call(port: int, operation: str, params: dict[str, object]) -> tuple[int, dict[str, object]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps(params).encode()
    head = (
        f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-amz-json-1.0\r\n"
        f"X-Amz-Target: AmazonSQS.{operation}\r\nAuthorization: {AUTH}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    writer.write(head.encode() + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    header, _, payload = raw.partition(b"\r\n\r\n")
    return int(header.split()[1]), json.loads(payload or b"{}")


def server_threads(server: Server) -> int:
    assert server.process is not None
    return len(list(Path(f"/proc/{server.process.pid}/task").iterdir()))


def test_thousand_long_polls(server: Server) -> None:
    url = server.client("sqs").create_queue(QueueName="many-waiters")["QueueUrl"]
    threads_before = server_threads(server)

    async def scenario() -> list[tuple[int, dict[str, object]]]:
        polls = [
            asyncio.create_task(call(server.port, "ReceiveMessage", {"QueueUrl": url, "WaitTimeSeconds": 20}))
            for _ in range(POLLS)
        ]
        status, sent = await call(server.port, "SendMessage", {"QueueUrl": url, "MessageBody": "wake"})
        assert status == 200, sent
        done, pending = await asyncio.wait(polls, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        assert len(done) == 1, "a send wakes exactly one long poll"
        assert len(pending) == POLLS - 1
        assert server_threads(server) <= threads_before + 8
        # The rest time out on the clock, not in real time (a poll the server accepted
        # only after an advance needs the next one).
        for _ in range(10):
            await asyncio.to_thread(server.advance, 21)
            _, pending = await asyncio.wait(polls, timeout=5)
            if not pending:
                break
        return await asyncio.gather(*polls)

    results = asyncio.run(scenario())
    assert all(status == 200 for status, _ in results)
    delivered = [r for _, r in results if r.get("Messages")]
    assert len(delivered) == 1
