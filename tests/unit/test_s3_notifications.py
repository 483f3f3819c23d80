"""Event matching, filters and the event record's shape."""

from __future__ import annotations

from cloudlet.services.s3 import notifications


def test_event_type_matching() -> None:
    assert notifications.matches("s3:ObjectCreated:*", "ObjectCreated:Put")
    assert notifications.matches("s3:ObjectCreated:Copy", "ObjectCreated:Copy")
    assert not notifications.matches("s3:ObjectCreated:Put", "ObjectCreated:Copy")
    assert not notifications.matches("s3:ObjectRemoved:*", "ObjectCreated:Put")


def test_targets_with_filters() -> None:
    config = {
        "QueueConfigurations": [
            {
                "Id": "csv",
                "QueueArn": "arn:aws:sqs:us-east-1:1:q",
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {
                    "Key": {
                        "FilterRules": [
                            {"Name": "Prefix", "Value": "in/"},
                            {"Name": "Suffix", "Value": ".csv"},
                        ]
                    }
                },
            }
        ],
        "TopicConfigurations": [
            {"Id": "all", "TopicArn": "arn:aws:sns:us-east-1:1:t", "Events": ["s3:ObjectRemoved:*"]}
        ],
    }
    assert notifications.targets(config, "ObjectCreated:Put", "in/a.csv") == [
        ("sqs", "arn:aws:sqs:us-east-1:1:q", "csv")
    ]
    assert notifications.targets(config, "ObjectCreated:Put", "in/a.txt") == []
    assert notifications.targets(config, "ObjectRemoved:Delete", "x") == [
        ("sns", "arn:aws:sns:us-east-1:1:t", "all")
    ]


def test_record_shape() -> None:
    record = notifications.record(
        event_name="ObjectCreated:Put",
        region="eu-west-1",
        event_time=1_700_000_000.1234,
        account="123456789012",
        source_ip="10.0.0.1",
        request_id="rid",
        bucket="b",
        owner_id="owner",
        key="a b/c+d=é.txt",
        size=3,
        etag='"e"',
        version_id="null",
        sequencer="00AB",
    )
    assert record["eventTime"] == "2023-11-14T22:13:20.123Z"
    assert record["s3"]["object"] == {
        "key": "a+b/c%2Bd%3D%C3%A9.txt",
        "size": 3,
        "eTag": "e",
        "sequencer": "00AB",
    }
    assert record["s3"]["bucket"]["arn"] == "arn:aws:s3:::b"
    assert record["responseElements"]["x-amz-request-id"] == "rid"


def test_sequencers_increase() -> None:
    values = [notifications.sequencer(1_700_000_000.0) for _ in range(5)]
    assert values == sorted(values)
    assert len(set(values)) == 5


def test_generated_ids() -> None:
    stored = notifications.with_ids(
        {"QueueConfigurations": [{"QueueArn": "a", "Events": []}], "TopicConfigurations": []}
    )
    assert stored["QueueConfigurations"][0]["Id"]
    assert "TopicConfigurations" not in stored
