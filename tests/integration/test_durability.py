"""Nothing acknowledged is lost: kill -9 the server mid-send, restart, find every message."""

import shutil
import tempfile
import threading
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from harness import Server


def test_acknowledged_sends_survive_sigkill() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="cloudlet-kill-"))
    try:
        first = Server(data_dir=data_dir).start()
        sqs = first.client("sqs")
        url = sqs.create_queue(QueueName="durable")["QueueUrl"]
        acknowledged: list[str] = []
        enough = threading.Event()

        def send_until_killed() -> None:
            for n in range(100_000):  # bounded; the kill ends it far sooner
                try:
                    acknowledged.append(sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")["MessageId"])
                except (BotoCoreError, ClientError):
                    return
                if len(acknowledged) == 200:
                    enough.set()

        sender = threading.Thread(target=send_until_killed)
        sender.start()
        assert enough.wait(60), "the server acknowledged too few sends"
        first.kill()
        sender.join(30)

        second = Server(data_dir=data_dir, port=first.port).start()
        try:
            received: set[str] = set()
            client = second.client("sqs")
            for _ in range(len(acknowledged) // 10 + 50):
                batch = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
                if not batch:
                    break
                received.update(m["MessageId"] for m in batch)
            missing = set(acknowledged) - received
            assert not missing, f"{len(missing)} acknowledged messages lost of {len(acknowledged)}"
        finally:
            second.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
