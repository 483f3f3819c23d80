"""client.py: boto3 clients that reach the gateway in-process, without a socket."""

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from cloudlet.runtime.runtime import Runtime
from cloudlet.settings import Settings


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    runtime = Runtime(Settings(data_dir=tmp_path, port=1, log_requests=False))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(runtime.start(), loop).result(10)
    yield runtime
    asyncio.run_coroutine_threadsafe(runtime.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


def test_in_process_client_round_trip(runtime: Runtime) -> None:
    sqs = runtime.clients.client("sqs", account="123456789012")
    url = sqs.create_queue(QueueName="internal")["QueueUrl"]
    assert url.endswith("/123456789012/internal")
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "hello"


def test_in_process_client_gets_aws_errors(runtime: Runtime) -> None:
    with pytest.raises(ClientError) as caught:
        runtime.clients.client("dynamodb").list_backups()
    assert caught.value.response["Error"]["Code"] == "NotImplemented"
