"""Queue names and URLs, receipt and task handles (pure)."""

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.sqs import names


def test_queue_names() -> None:
    names.check_queue_name("a-B_1", fifo=False)
    names.check_queue_name("x" * 80, fifo=False)
    names.check_queue_name("x" * 75 + ".fifo", fifo=True)
    for name, fifo in (
        ("x" * 81, False),
        ("a.b", False),
        ("a.fifo", False),
        ("", False),
        ("a", True),
        ("x" * 76 + ".fifo", True),
    ):
        with pytest.raises(ServiceError) as caught:
            names.check_queue_name(name, fifo)
        assert caught.value.query_code == "InvalidParameterValue"


def test_queue_urls_of_any_form() -> None:
    assert names.parse_queue_url("http://localhost:4566/000000000000/q") == ("000000000000", "q")
    assert names.parse_queue_url("https://sqs.us-east-1.amazonaws.com/123456789012/q.fifo") == (
        "123456789012",
        "q.fifo",
    )
    assert names.parse_queue_url("/000000000000/q") == ("000000000000", "q")
    assert names.parse_queue_url("q") == (None, "q")
    assert names.parse_queue_url("http://h/a/b/c")[0] is None


def test_receipt_handles_round_trip() -> None:
    handle = names.encode_receipt(3, 42, "abc")
    assert names.decode_receipt(handle) == names.Receipt(3, 42, "abc")
    for bad in ("garbage", "", "bm90OmFuOmludA==", handle[:-3]):
        with pytest.raises(ServiceError) as caught:
            names.decode_receipt(bad)
        assert caught.value.query_code == "ReceiptHandleIsInvalid"
        assert caught.value.message == f'The input receipt handle "{bad}" is not a valid receipt handle.'


def test_task_handles() -> None:
    handle = names.encode_task_handle("t1", "arn:aws:sqs:us-east-1:000000000000:dlq")
    assert names.decode_task_handle(handle) == ("t1", "arn:aws:sqs:us-east-1:000000000000:dlq")
    with pytest.raises(ServiceError) as caught:
        names.decode_task_handle("nope")
    assert caught.value.message == "Value for parameter TaskHandle is invalid."
