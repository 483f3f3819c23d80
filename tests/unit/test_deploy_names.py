"""Generated physical names, as CloudFormation forms them."""

import random
import re

import pytest

from cloudlet.deploy.errors import ValidationError
from cloudlet.deploy.names import NAME_RULES, SUFFIX_LENGTH, check_stack_name, generate_name, physical_name

TAIL = re.compile(r"^[A-Za-z0-9]{12}$")


def split(name: str) -> tuple[str, str, str]:
    head, tail = name.rsplit("-", 1)
    stack, logical = head.split("-", 1) if head.count("-") == 1 else head.rsplit("-", 1)
    return stack, logical, tail


def test_short_names_are_whole() -> None:
    name = generate_name("MyStack", "MyQueue", 80, rng=random.Random(1))
    stack, logical, tail = split(name)
    assert (stack, logical) == ("MyStack", "MyQueue")
    assert TAIL.match(tail)
    assert len(tail) == SUFFIX_LENGTH


def test_long_names_split_as_cloudformation_does() -> None:
    # The two real names in names.py's docstring: 26-character stack, long CDK logical ids.
    bucket = generate_name("ChineseboostAnalyticsStack", "RainlyticsLogsBucket8DF4A1B2", 63, lowercase=True)
    assert bucket.startswith("chineseboostanalyticsstac-rainlyticslogsbucket8df4-")
    assert len(bucket) == 63 and bucket == bucket.lower()
    role = generate_name(
        "ChineseboostAnalyticsStack", "RainlyticsSummariesJobFunctionServiceRole1234ABCD", 64
    )
    assert role.startswith("ChineseboostAnalyticsStac-RainlyticsSummariesJobFun-")
    assert len(role) == 64
    logs = generate_name("ChineseboostAnalyticsStack", "RainlyticsSummariesJobLogs1C6CB09C", 512)
    assert logs.startswith("ChineseboostAnalyticsStack-RainlyticsSummariesJobLogs1C6CB09C-")


def test_a_short_part_leaves_room_for_the_other() -> None:
    short_stack = generate_name("App", "A" * 80, 64)
    assert short_stack.startswith("App-" + "A" * 47 + "-") and len(short_stack) == 64
    short_id = generate_name("S" * 80, "Fn", 64)
    assert short_id.startswith("S" * 48 + "-Fn-") and len(short_id) == 64


@pytest.mark.parametrize(
    ("resource_type", "limit"),
    [
        ("AWS::S3::Bucket", 63),
        ("AWS::SQS::Queue", 80),
        ("AWS::Lambda::Function", 64),
        ("AWS::DynamoDB::Table", 255),
        ("AWS::SNS::Topic", 256),
        ("AWS::Events::Rule", 64),
        ("AWS::IAM::Role", 64),
    ],
)
def test_limits_per_type(resource_type: str, limit: int) -> None:
    assert NAME_RULES[resource_type].max_length == limit
    name = physical_name(resource_type, "s" * 200, "L" * 200, {})
    assert name is not None and len(name) == limit


def test_buckets_are_lowercase() -> None:
    name = physical_name("AWS::S3::Bucket", "MyStack", "AssetsBucket5CB76180", {})
    assert name is not None and name == name.lower() and name.startswith("mystack-assetsbucket5cb76180-")


def test_fifo_queues_and_topics_keep_their_suffix() -> None:
    queue = physical_name("AWS::SQS::Queue", "S" * 60, "Orders" * 10, {"FifoQueue": True})
    assert queue is not None and queue.endswith(".fifo") and len(queue) == 80
    assert TAIL.match(queue[:-5].rsplit("-", 1)[1])
    short = physical_name("AWS::SQS::Queue", "Shop", "Orders", {"FifoQueue": "true"})
    assert short is not None and re.match(r"^Shop-Orders-[A-Za-z0-9]{12}\.fifo$", short)
    topic = physical_name("AWS::SNS::Topic", "Shop", "Events", {"FifoTopic": True})
    assert topic is not None and topic.endswith(".fifo")
    assert not (physical_name("AWS::SQS::Queue", "Shop", "Orders", {"FifoQueue": False}) or "").endswith(
        ".fifo"
    )


def test_given_names_win_and_unknown_types_have_none() -> None:
    assert physical_name("AWS::SQS::Queue", "S", "Q", {"QueueName": "orders"}) == "orders"
    assert physical_name("AWS::Lambda::Function", "S", "F", {"FunctionName": "fn"}) == "fn"
    assert physical_name("AWS::Lambda::EventSourceMapping", "S", "M", {}) is None
    parameter = physical_name("AWS::SSM::Parameter", "S", "Param", {})
    assert parameter is not None and parameter.startswith("CFN-Param-")


def test_names_are_random_but_reproducible_with_a_seed() -> None:
    assert generate_name("S", "L", 64, rng=random.Random(7)) == generate_name(
        "S", "L", 64, rng=random.Random(7)
    )
    assert len({generate_name("S", "L", 64) for _ in range(50)}) == 50


def test_stack_names() -> None:
    for good in ("AppStack", "Prod-AppStack", "a" * 128):
        check_stack_name(good)
    for bad, why in (
        ("1stack", "regular expression"),
        ("my_stack", "regular expression"),
        ("a" * 129, "length"),
    ):
        with pytest.raises(ValidationError) as caught:
            check_stack_name(bad)
        assert caught.value.message.startswith(f"1 validation error detected: Value '{bad}' at 'stackName'")
        assert why in caught.value.message
