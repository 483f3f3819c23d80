"""What a message may contain: body characters, attributes, sizes, ids (pure)."""

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.sqs import messages


def error_of(call: object, *args: object) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value


def test_body_characters() -> None:
    assert messages.check_body("ok \t\n\r é 😀 \ufffd") == "ok \t\n\r é 😀 \ufffd"
    for bad in ("\x00", "a\x08b", "\ufffe", "\ud800"):
        error = error_of(messages.check_body, bad)
        assert error.query_code == "InvalidMessageContents"
        assert "#x9 | #xA | #xD" in error.message
    assert error_of(messages.check_body, "").query_code == "MissingParameter"
    assert (
        error_of(messages.check_body, None).message == "The request must contain the parameter MessageBody."
    )


def test_message_attributes() -> None:
    checked = messages.check_message_attributes(
        {
            "s": {"DataType": "String", "StringValue": "v"},
            "n": {"DataType": "Number.float", "StringValue": "1.5e3"},
            "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        }
    )
    assert checked["b"] == {"DataType": "Binary", "BinaryValue": b"\x00\x01"}
    assert checked["n"] == {"DataType": "Number.float", "StringValue": "1.5e3"}


@pytest.mark.parametrize(
    "attributes",
    [
        {"AWS.x": {"DataType": "String", "StringValue": "v"}},
        {"amazon.x": {"DataType": "String", "StringValue": "v"}},
        {".x": {"DataType": "String", "StringValue": "v"}},
        {"x.": {"DataType": "String", "StringValue": "v"}},
        {"a..b": {"DataType": "String", "StringValue": "v"}},
        {"a b": {"DataType": "String", "StringValue": "v"}},
        {"x" * 257: {"DataType": "String", "StringValue": "v"}},
        {"x": {"DataType": "Text", "StringValue": "v"}},
        {"x": {"DataType": "String", "StringValue": ""}},
        {"x": {"DataType": "Number", "StringValue": "abc"}},
        {"x": {"DataType": "Binary", "StringValue": "abc"}},
        {"x": {"DataType": "", "StringValue": "abc"}},
        {f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)},
    ],
)
def test_invalid_message_attributes(attributes: dict[str, dict[str, object]]) -> None:
    assert error_of(messages.check_message_attributes, attributes).query_code == "InvalidParameterValue"


def test_empty_string_attribute_wording() -> None:
    error = error_of(
        messages.check_message_attributes, {"ErrorDetails": {"DataType": "String", "StringValue": ""}}
    )
    assert (
        error.message
        == "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'."
    )


def test_system_attributes_only_trace_header() -> None:
    header = {
        "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}
    }
    assert messages.check_message_attributes(header, system=True) == {
        "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}
    }
    with pytest.raises(ServiceError):
        messages.check_message_attributes({"Other": {"DataType": "String", "StringValue": "x"}}, system=True)


def test_size_counts_attribute_names_types_and_values() -> None:
    attributes = {
        "ab": {"DataType": "String", "StringValue": "xyz"},
        "b": {"DataType": "Binary", "BinaryValue": b"12"},
    }
    assert messages.message_size("é", attributes) == 2 + (2 + 6 + 3) + (1 + 6 + 2)


def test_fifo_ids() -> None:
    assert messages.check_fifo_id("MessageGroupId", "a-b_c.d!~") == "a-b_c.d!~"
    for bad in ("", "group 123", "x" * 129, "é"):
        error = error_of(messages.check_fifo_id, "MessageGroupId", bad)
        assert error.message == (
            f"Value {bad} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include "
            "alphanumeric and punctuation characters. 1 to 128 in length."
        )


def test_batch_checks() -> None:
    assert error_of(messages.check_batch, [], "X").query_code == "AWS.SimpleQueueService.EmptyBatchRequest"
    many = [{"Id": str(i)} for i in range(11)]
    error = error_of(messages.check_batch, many, "X")
    assert error.query_code == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
    assert error.message == "Maximum number of entries per request are 10. You have sent 11."
    for bad_id in ("", "a:b", "x" * 81):
        assert error_of(messages.check_batch, [{"Id": bad_id}], "X").query_code == (
            "AWS.SimpleQueueService.InvalidBatchEntryId"
        )
    repeated = error_of(messages.check_batch, [{"Id": "a"}, {"Id": "a"}], "X")
    assert repeated.query_code == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
    assert messages.check_batch([{"Id": "a-1_B"}], "X")


def test_delay() -> None:
    assert messages.check_delay(900) == 900
    assert "DelaySeconds must be >= 0 and <= 900" in error_of(messages.check_delay, 901).message
