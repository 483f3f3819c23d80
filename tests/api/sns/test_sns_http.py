"""HTTP subscriptions to a small server the test runs: the confirmation POST, ConfirmSubscription,
notifications with AWS's headers, retries on the clock, the dead-letter queue."""

from __future__ import annotations

import json
import queue
import threading
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sns_support import error_of

from harness import Server

TopicFactory = Callable[..., str]


class Endpoint:
    """Records every POST; answers the next statuses queued in `fail_with`, then 200."""

    def __init__(self) -> None:
        self.received: queue.Queue[tuple[dict[str, str], str]] = queue.Queue()
        self.fail_with: list[int] = []
        self.always_fail = False
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                endpoint.received.put(({k.lower(): v for k, v in self.headers.items()}, body))
                status = (
                    500
                    if endpoint.always_fail
                    else (endpoint.fail_with.pop(0) if endpoint.fail_with else 200)
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def take(self) -> tuple[dict[str, str], dict[str, Any]]:
        headers, body = self.received.get(timeout=5)
        return headers, json.loads(body)

    def count(self) -> int:
        return self.received.qsize()


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    serving = Endpoint()
    yield serving
    serving.httpd.shutdown()
    serving.httpd.server_close()


def subscribe(server: Server, sns: Any, topic: str, endpoint: Endpoint, **attributes: str) -> tuple[str, str]:
    """Subscribe and confirm; (subscription ARN, confirmation token)."""
    pending = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url, Attributes=attributes)
    assert pending["SubscriptionArn"] == "pending confirmation"
    server.settle()
    _, confirmation = endpoint.take()
    arn = sns.confirm_subscription(TopicArn=topic, Token=confirmation["Token"])["SubscriptionArn"]
    return arn, confirmation["Token"]


def test_confirmation_then_notification(
    server: Server, sns: Any, make_topic: TopicFactory, endpoint: Endpoint
) -> None:
    topic = make_topic("hooks")
    arn = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url, ReturnSubscriptionArn=True)[
        "SubscriptionArn"
    ]
    server.settle()
    headers, confirmation = endpoint.take()
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-topic-arn"] == topic
    assert headers["x-amz-sns-message-id"] == confirmation["MessageId"]
    assert headers["content-type"] == "text/plain; charset=UTF-8"
    assert list(confirmation) == [
        "Type", "MessageId", "Token", "TopicArn", "Message", "SubscribeURL", "Timestamp",
        "SignatureVersion", "Signature", "SigningCertURL",
    ]  # fmt: skip
    assert confirmation["SubscribeURL"].startswith(f"{server.endpoint}/?Action=ConfirmSubscription&TopicArn=")
    [listed] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed["SubscriptionArn"] == "PendingConfirmation"
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert attributes["PendingConfirmation"] == "true"

    sns.publish(TopicArn=topic, Message="not yet")  # pending subscriptions get nothing
    server.settle()
    assert endpoint.count() == 0

    # Visiting the SubscribeURL confirms, as on AWS.
    with urllib.request.urlopen(confirmation["SubscribeURL"]) as response:
        assert response.status == 200
    [listed] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed["SubscriptionArn"] == arn

    published = sns.publish(TopicArn=topic, Message="hello", Subject="hi")
    server.settle()
    headers, note = endpoint.take()
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-message-id"] == published["MessageId"]
    assert headers["x-amz-sns-subscription-arn"] == arn
    assert note["Message"] == "hello" and note["Subject"] == "hi"
    assert note["UnsubscribeURL"].endswith(f"SubscriptionArn={arn}")


def test_confirm_subscription_with_a_bad_token(sns: Any, make_topic: TopicFactory) -> None:
    topic = make_topic()
    with pytest.raises(sns.exceptions.InvalidParameterException) as excinfo:
        sns.confirm_subscription(TopicArn=topic, Token="nope")
    assert error_of(excinfo) == ("InvalidParameter", "Invalid parameter: Token", 400)


def test_raw_delivery_over_http(
    server: Server, sns: Any, make_topic: TopicFactory, endpoint: Endpoint
) -> None:
    topic = make_topic()
    subscribe(server, sns, topic, endpoint, RawMessageDelivery="true")
    sns.publish(TopicArn=topic, Message='{"just": "the body"}')
    server.settle()
    headers, body = endpoint.take()
    assert body == {"just": "the body"}
    assert headers["x-amz-sns-rawdelivery"] == "true"


def test_failed_posts_are_retried_on_the_clock(
    server: Server, sns: Any, make_topic: TopicFactory, endpoint: Endpoint
) -> None:
    topic = make_topic()
    subscribe(server, sns, topic, endpoint)
    endpoint.fail_with = [500, 503]
    sns.publish(TopicArn=topic, Message="eventually")
    server.settle()
    assert endpoint.take()[1]["Message"] == "eventually"  # the 500
    assert endpoint.count() == 0
    server.advance(20)  # the default policy: 20 s between retries
    assert endpoint.take()[1]["Message"] == "eventually"  # the 503
    server.advance(20)
    _, note = endpoint.take()
    assert note["Message"] == "eventually"
    server.advance(60)
    assert endpoint.count() == 0  # delivered: no more retries


def test_undeliverable_posts_go_to_the_dead_letter_queue(
    server: Server, sns: Any, make_topic: TopicFactory, endpoint: Endpoint
) -> None:
    sqs = server.client("sqs")
    dlq = sqs.create_queue(QueueName="http-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = {"healthyRetryPolicy": {"numRetries": 2, "minDelayTarget": 5, "maxDelayTarget": 5}}
    topic = make_topic(
        DeliveryPolicy=json.dumps({"http": {"defaultHealthyRetryPolicy": policy["healthyRetryPolicy"]}})
    )
    subscribe(server, sns, topic, endpoint, RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn}))
    endpoint.always_fail = True
    sns.publish(TopicArn=topic, Message="doomed")
    server.settle()  # the first try, which schedules the retries
    server.advance(11)
    assert endpoint.count() == 3  # the first try and two retries
    [message] = sqs.receive_message(QueueUrl=dlq).get("Messages", [])
    assert json.loads(message["Body"])["Message"] == "doomed"


def test_unsubscribe_sends_an_unsubscribe_confirmation(
    server: Server, sns: Any, make_topic: TopicFactory, endpoint: Endpoint
) -> None:
    topic = make_topic()
    arn, _ = subscribe(server, sns, topic, endpoint)
    sns.unsubscribe(SubscriptionArn=arn)
    server.settle()
    headers, body = endpoint.take()
    assert headers["x-amz-sns-message-type"] == body["Type"] == "UnsubscribeConfirmation"
    with pytest.raises(sns.exceptions.NotFoundException) as excinfo:
        sns.get_subscription_attributes(SubscriptionArn=arn)
    assert error_of(excinfo) == ("NotFound", "Subscription does not exist", 404)
