"""DynamoDB's type system over attribute values in wire form ({"S": "x"}, {"N": "1.5"},
{"B": b"..."}, {"L": [...]}, {"M": {...}}, {"SS": [...]}, ...; B values as bytes)."""

from cloudlet.services.dynamodb.values.compare import (
    AttributeValue,
    Item,
    compare_values,
    type_of,
    values_equal,
)
from cloudlet.services.dynamodb.values.key_encoding import decode_key, encode_key, prefix_upper_bound
from cloudlet.services.dynamodb.values.numbers import (
    add_numbers,
    format_number,
    normalize_number,
    parse_number,
    subtract_numbers,
)
from cloudlet.services.dynamodb.values.size import (
    MAX_ITEM_SIZE,
    check_item_size,
    check_key_value,
    item_size,
    value_size,
)
from cloudlet.services.dynamodb.values.validation import validate_item, validate_value

__all__ = [
    "MAX_ITEM_SIZE",
    "AttributeValue",
    "Item",
    "add_numbers",
    "check_item_size",
    "check_key_value",
    "compare_values",
    "decode_key",
    "encode_key",
    "format_number",
    "item_size",
    "normalize_number",
    "parse_number",
    "prefix_upper_bound",
    "subtract_numbers",
    "type_of",
    "validate_item",
    "validate_value",
    "value_size",
    "values_equal",
]
