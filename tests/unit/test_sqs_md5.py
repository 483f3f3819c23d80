"""MD5 digests of SQS messages, against values real SQS returned."""

from cloudlet.services.sqs.md5 import md5_of_attributes, md5_of_body


def test_body_digest_is_md5_of_utf8() -> None:
    assert md5_of_body("message-1") == "3d6b824fd8c1520e9a047d21fee6fb1f"
    assert md5_of_body("test") == "098f6bcd4621d373cade4e832627b4f6"


def test_string_attributes_are_sorted_by_name() -> None:
    attributes = {
        "Help.Me": {"DataType": "String", "StringValue": "Me"},
        "Hello": {"DataType": "String", "StringValue": "There"},
        "General": {"DataType": "String", "StringValue": "Kenobi"},
    }
    assert md5_of_attributes(attributes) == "4c360f3fdafd970e05fae2f149d997f5"
    subset = {k: v for k, v in attributes.items() if k in ("General", "Hello")}
    assert md5_of_attributes(subset) == "fca026605781cb4126a1e9044df24232"
    assert md5_of_attributes({"Hello": attributes["Hello"]}) == "a311262e065454b75da111d535b8dacd"


def test_binary_attribute() -> None:
    value = b"traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01"
    assert md5_of_attributes({"attr1": {"DataType": "Binary", "BinaryValue": value}}) == (
        "8cbe4db156db8a94db8b801b7addb984"
    )


def test_single_string_attributes() -> None:
    assert md5_of_attributes({"Foo": {"DataType": "String", "StringValue": "Bar"}}) == (
        "ae7155c6026991b6d54b11589678bf9c"
    )
    assert md5_of_attributes({"MyAttribute": {"DataType": "String", "StringValue": "foobar"}}) == (
        "adb59cd4678ea5a855436b949cd07ab6"
    )


def test_no_attributes_no_digest() -> None:
    assert md5_of_attributes({}) is None
    assert md5_of_attributes(None) is None


def test_number_and_custom_types_use_the_string_transport() -> None:
    as_number = md5_of_attributes({"n": {"DataType": "Number", "StringValue": "1"}})
    as_custom = md5_of_attributes({"n": {"DataType": "Number.int", "StringValue": "1"}})
    as_string = md5_of_attributes({"n": {"DataType": "String", "StringValue": "1"}})
    assert len({as_number, as_custom, as_string}) == 3  # the type name is part of the digest
