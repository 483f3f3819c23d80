"""Other services publishing to a topic: S3 event notifications reach a queue subscribed to it."""

from __future__ import annotations

import json
from collections.abc import Callable

from sns_support import Subscribed

from harness import Server


def test_s3_notifications_through_a_topic(
    server: Server, make_topic: Callable[..., str], subscribe_queue: Callable[..., Subscribed]
) -> None:
    s3 = server.client("s3")
    topic = make_topic("uploads")
    queue = subscribe_queue(topic)
    s3.create_bucket(Bucket="photos")
    s3.put_bucket_notification_configuration(
        Bucket="photos",
        NotificationConfiguration={
            "TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]
        },
    )
    s3.put_object(Bucket="photos", Key="cat.jpg", Body=b"meow")
    notes = queue.bodies(server)
    events = [json.loads(note["Message"]) for note in notes]
    assert events[0]["Event"] == "s3:TestEvent"
    [record] = events[1]["Records"]
    assert record["eventSource"] == "aws:s3" and record["s3"]["object"]["key"] == "cat.jpg"
    assert all(note["TopicArn"] == topic for note in notes)
