"""Topics, subscriptions, FIFO dedup ids and the signing key survive a kill -9 and restart."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from sns_support import verify

from harness import Server


def test_state_and_signing_key_survive_sigkill() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="cloudlet-sns-"))
    try:
        first = Server(data_dir=data_dir).start()
        sns, sqs = first.client("sns"), first.client("sqs")
        topic = sns.create_topic(Name="kept.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
        url = sqs.create_queue(QueueName="kept.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        sns.subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"}
        )
        standard = sns.create_topic(Name="signed")["TopicArn"]
        plain_url = sqs.create_queue(QueueName="plain")["QueueUrl"]
        plain_arn = sqs.get_queue_attributes(QueueUrl=plain_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        sns.subscribe(TopicArn=standard, Protocol="sqs", Endpoint=plain_arn)
        first_id = sns.publish(TopicArn=topic, Message="a", MessageGroupId="g", MessageDeduplicationId="1")
        sns.publish(TopicArn=standard, Message="before")
        first.settle()
        first.kill()
        second = Server(data_dir=data_dir, port=first.port).start()
        try:
            sns, sqs = second.client("sns"), second.client("sqs")
            again = sns.publish(TopicArn=topic, Message="a", MessageGroupId="g", MessageDeduplicationId="1")
            assert again["MessageId"] == first_id["MessageId"]  # still within the dedup window
            sns.publish(TopicArn=topic, Message="b", MessageGroupId="g", MessageDeduplicationId="2")
            sns.publish(TopicArn=standard, Message="after")
            second.settle()
            bodies = [
                m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
            ]
            assert bodies == ["a", "b"]
            notes = [
                json.loads(m["Body"])
                for m in sqs.receive_message(QueueUrl=plain_url, MaxNumberOfMessages=10)["Messages"]
            ]
            assert sorted(n["Message"] for n in notes) == ["after", "before"]
            for note in notes:
                verify(note)  # signed before and after the restart with the same key
        finally:
            second.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
