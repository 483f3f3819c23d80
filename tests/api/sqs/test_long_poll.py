"""Long polling: a parked ReceiveMessage returns as soon as a message is there, and times out
on the virtual clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from harness import Server


class Poll(threading.Thread):
    """One ReceiveMessage in a thread (boto3 clients are not shared between threads)."""

    def __init__(self, server: Server, **params: Any) -> None:
        super().__init__(daemon=True)
        self.client = server.client("sqs", read_timeout=30)
        self.params = params
        self.result: dict[str, Any] | None = None

    def run(self) -> None:
        self.result = self.client.receive_message(**self.params)

    def bodies(self) -> list[str]:
        assert self.result is not None
        return [m["Body"] for m in self.result.get("Messages", [])]


def waiting(server: Server, url: str) -> int:
    peek = server.internal("GET", f"/_cloudlet/sqs/messages?QueueUrl={url}")
    return int(peek["waiting"])


def parked(server: Server, poll: Poll) -> Poll:
    """Start the poll and return once the server holds it (a real-time handshake, not a clock wait)."""
    url = poll.params["QueueUrl"]
    before = waiting(server, url)
    poll.start()
    deadline = time.monotonic() + 5
    while waiting(server, url) <= before and poll.is_alive():
        assert time.monotonic() < deadline, "the poll never parked"
        time.sleep(0.005)
    return poll


def test_a_send_wakes_a_parked_poll_at_once(server: Server, sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    poll = parked(server, Poll(server, QueueUrl=url, WaitTimeSeconds=20))
    assert poll.is_alive()
    started = time.monotonic()
    sqs.send_message(QueueUrl=url, MessageBody="wake")
    poll.join(5)
    assert not poll.is_alive() and poll.bodies() == ["wake"]
    assert time.monotonic() - started < 2


def test_the_queue_default_wait_time_applies(
    server: Server, sqs: Any, make_queue: Callable[..., str]
) -> None:
    url = make_queue(ReceiveMessageWaitTimeSeconds="20")
    poll = parked(server, Poll(server, QueueUrl=url))
    assert poll.is_alive()
    sqs.send_message(QueueUrl=url, MessageBody="m")
    poll.join(5)
    assert poll.bodies() == ["m"]
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages") is None  # 0 overrides


def test_a_poll_times_out_on_the_clock(server: Server, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    poll = parked(server, Poll(server, QueueUrl=url, WaitTimeSeconds=20))
    server.advance(10)
    assert poll.is_alive()
    server.advance(11)
    poll.join(5)
    assert not poll.is_alive() and poll.bodies() == []


def test_a_delayed_message_wakes_the_poll_when_it_becomes_visible(
    server: Server, sqs: Any, make_queue: Callable[..., str]
) -> None:
    url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="soon", DelaySeconds=5)
    poll = parked(server, Poll(server, QueueUrl=url, WaitTimeSeconds=20))
    assert poll.is_alive()
    server.advance(5)
    poll.join(5)
    assert poll.bodies() == ["soon"]


def test_a_message_back_from_flight_wakes_the_poll(
    server: Server, sqs: Any, make_queue: Callable[..., str]
) -> None:
    url = make_queue(VisibilityTimeout="8")
    sqs.send_message(QueueUrl=url, MessageBody="again")
    handle = sqs.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    poll = parked(server, Poll(server, QueueUrl=url, WaitTimeSeconds=20))
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    poll.join(5)
    assert poll.bodies() == ["again"]


def test_one_send_wakes_one_of_many_polls(server: Server, sqs: Any, make_queue: Callable[..., str]) -> None:
    url = make_queue()
    polls = [parked(server, Poll(server, QueueUrl=url, WaitTimeSeconds=20)) for _ in range(3)]
    sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": "1", "MessageBody": "a"}, {"Id": "2", "MessageBody": "b"}]
    )
    deadline = time.monotonic() + 5
    while sum(not p.is_alive() for p in polls) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sum(not p.is_alive() for p in polls) == 2
    server.advance(21)
    for poll in polls:
        poll.join(5)
    assert sorted(body for poll in polls for body in poll.bodies()) == ["a", "b"]


def test_a_poll_on_a_fifo_queue_waits_for_the_group_to_unlock(
    server: Server, sqs: Any, make_queue: Callable[..., str]
) -> None:
    url = make_queue("wait.fifo")
    for body in ("first", "second"):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g", MessageDeduplicationId=body)
    handle = sqs.receive_message(QueueUrl=url)["Messages"][0]["ReceiptHandle"]
    poll = parked(server, Poll(server, QueueUrl=url, WaitTimeSeconds=20))
    assert poll.is_alive()
    sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
    poll.join(5)
    assert poll.bodies() == ["second"]
