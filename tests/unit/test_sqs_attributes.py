"""Queue attribute validation and policy parsing (pure)."""

import json

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.sqs import attributes as attrs


def error_of(call: object, *args: object) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value


def test_defaults() -> None:
    standard = attrs.defaults(fifo=False)
    assert standard["VisibilityTimeout"] == "30"
    assert standard["MaximumMessageSize"] == "1048576"
    assert standard["MessageRetentionPeriod"] == "345600"
    assert standard["SqsManagedSseEnabled"] == "true"
    assert "FifoQueue" not in standard
    fifo = attrs.defaults(fifo=True)
    assert fifo["DeduplicationScope"] == "queue" and fifo["FifoThroughputLimit"] == "perQueue"


@pytest.mark.parametrize(
    ("name", "bad", "good"),
    [
        ("VisibilityTimeout", "43201", "43200"),
        ("DelaySeconds", "901", "900"),
        ("MessageRetentionPeriod", "59", "60"),
        ("MaximumMessageSize", "1023", "1024"),
        ("ReceiveMessageWaitTimeSeconds", "21", "20"),
        ("KmsDataKeyReusePeriodSeconds", "86401", "86400"),
        ("VisibilityTimeout", "abc", "0"),
    ],
)
def test_numeric_ranges(name: str, bad: str, good: str) -> None:
    error = error_of(attrs.validate, {name: bad}, False, True)
    assert error.query_code == "InvalidAttributeValue"
    assert error.message == f"Invalid value for the parameter {name}."
    assert attrs.validate({name: good}, False, True) == {name: good}


def test_unknown_and_fifo_only_attributes_on_standard_queues() -> None:
    assert error_of(attrs.validate, {"Nope": "1"}, False, True).message == "Unknown Attribute Nope."
    assert error_of(attrs.validate, {"QueueArn": "x"}, False, True).message == "Unknown Attribute QueueArn."
    assert (
        error_of(attrs.validate, {"FifoQueue": "false"}, False, True).message
        == "Unknown Attribute FifoQueue."
    )
    error = error_of(attrs.validate, {"DeduplicationScope": "queue"}, False, True)
    assert error.code == "InvalidAttributeName"
    assert error.message == "You can specify the DeduplicationScope only when FifoQueue is set to true."


def test_fifo_queue_type_cannot_change() -> None:
    assert attrs.validate({"FifoQueue": "TRUE"}, True, False) == {"FifoQueue": "true"}
    error = error_of(attrs.validate, {"FifoQueue": "false"}, True, False)
    assert (
        error.message
        == "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported."
    )


def test_kms_and_sqs_sse_exclusive() -> None:
    error = error_of(attrs.validate, {"KmsMasterKeyId": "k", "SqsManagedSseEnabled": "true"}, False, True)
    assert error.code == "InvalidAttributeName"
    assert attrs.validate({"KmsMasterKeyId": "k"}, False, True)["SqsManagedSseEnabled"] == "false"


def test_redrive_policy_parsing() -> None:
    arn = "arn:aws:sqs:us-east-1:000000000000:dlq"
    policy = attrs.parse_redrive_policy(json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": "5"}))
    assert policy.max_receive_count == 5
    assert (
        policy.to_json()
        == '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":5}'
    )
    for bad in (0, 1001, "x"):
        text = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": bad})
        error = error_of(attrs.parse_redrive_policy, text)
        assert error.query_code == "InvalidParameterValue"
        assert "valid values are from 1 to 1000 both inclusive" in error.message
    assert "deadLetterTargetArn" in error_of(attrs.parse_redrive_policy, '{"maxReceiveCount": 1}').message
    assert "JSON" in error_of(attrs.parse_redrive_policy, "nope").message
    assert attrs.validate({"RedrivePolicy": ""}, False, False) == {"RedrivePolicy": ""}


def test_redrive_allow_policy() -> None:
    source = "arn:aws:sqs:us-east-1:000000000000:src"
    by_queue = attrs.parse_redrive_allow_policy(
        json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [source]})
    )
    assert by_queue.allows(source) and not by_queue.allows(source + "2")
    assert attrs.parse_redrive_allow_policy('{"redrivePermission": "allowAll"}').allows(source)
    assert not attrs.parse_redrive_allow_policy('{"redrivePermission": "denyAll"}').allows(source)
    too_many = {"redrivePermission": "byQueue", "sourceQueueArns": [f"{source}{i}" for i in range(11)]}
    assert (
        error_of(attrs.parse_redrive_allow_policy, json.dumps(too_many)).query_code == "InvalidParameterValue"
    )
    assert error_of(attrs.parse_redrive_allow_policy, '{"redrivePermission": "some"}')
    assert error_of(attrs.parse_redrive_allow_policy, '{"redrivePermission": "byQueue"}')


def test_high_throughput_needs_message_group_scope() -> None:
    attrs.check_throughput({"FifoThroughputLimit": "perMessageGroupId", "DeduplicationScope": "messageGroup"})
    with pytest.raises(ServiceError):
        attrs.check_throughput({"FifoThroughputLimit": "perMessageGroupId", "DeduplicationScope": "queue"})


def test_differing_compares_requested_against_effective() -> None:
    effective = {**attrs.defaults(False), "DelaySeconds": "1"}
    assert attrs.differing({"DelaySeconds": "1"}, effective) is None
    assert attrs.differing({"DelaySeconds": "2"}, effective) == "DelaySeconds"
    assert attrs.differing({"Policy": ""}, effective) is None
    assert attrs.differing({"Policy": '{"a": 1}'}, {**effective, "Policy": '{"a":1}'}) is None
