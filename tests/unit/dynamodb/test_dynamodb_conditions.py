"""Condition and filter expressions, operator by operator, as the comparison operator and
function reference describes them (Expressions.OperatorsAndFunctions)."""

from __future__ import annotations

from typing import Any

import pytest

from cloudlet.services.dynamodb.expressions import ExpressionAttributes, compile_condition

ITEM: dict[str, Any] = {
    "id": {"S": "p1"},
    "price": {"N": "10.50"},
    "title": {"S": "Bicycle 123"},
    "bin": {"B": b"\x00\x01\x02"},
    "tags": {"SS": ["red", "blue"]},
    "sizes": {"NS": ["1", "2.5"]},
    "codes": {"BS": [b"\x01", b"\x02"]},
    "things": {"L": [{"S": "a"}, {"N": "1"}, {"M": {"k": {"S": "v"}}}]},
    "info": {"M": {"rating": {"N": "4"}, "nested": {"M": {"deep": {"BOOL": True}}}, "blank": {"S": ""}}},
    "flag": {"BOOL": True},
    "nothing": {"NULL": True},
    "emoji": {"S": "é😀"},
}


def holds(expression: str, item: dict[str, Any] = ITEM, **values: Any) -> bool:
    attributes = ExpressionAttributes(
        {"#s": "status", "#dot": "a.b"} if "#" in expression else None,
        {f":{name}": value for name, value in values.items()} or None,
    )
    return compile_condition(expression, attributes).matches(item)


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("price = :v", {"v": {"N": "10.5"}}, True),
        ("price = :v", {"v": {"S": "10.5"}}, False),
        ("price <> :v", {"v": {"N": "10.5"}}, False),
        ("price <> :v", {"v": {"S": "10.5"}}, True),
        ("price < :v", {"v": {"N": "11"}}, True),
        ("price <= :v", {"v": {"N": "10.5"}}, True),
        ("price > :v", {"v": {"N": "9"}}, True),
        ("price >= :v", {"v": {"N": "10.51"}}, False),
        ("price < :v", {"v": {"S": "11"}}, False),
        ("title < :v", {"v": {"S": "bicycle"}}, True),
        ("bin > :v", {"v": {"B": b"\x00"}}, True),
        ("tags = :v", {"v": {"SS": ["blue", "red"]}}, True),
        ("things = :v", {"v": {"L": [{"S": "a"}, {"N": "1.0"}, {"M": {"k": {"S": "v"}}}]}}, True),
        ("flag = :v", {"v": {"BOOL": True}}, True),
        ("flag < :v", {"v": {"BOOL": True}}, False),
        ("info.rating = :v", {"v": {"N": "4"}}, True),
        ("info.nested.deep = :v", {"v": {"BOOL": True}}, True),
        ("things[1] = :v", {"v": {"N": "1"}}, True),
        ("things[2].k = :v", {"v": {"S": "v"}}, True),
        ("things[9] = :v", {"v": {"N": "1"}}, False),
        ("info[0] = :v", {"v": {"N": "4"}}, False),
        ("price BETWEEN :lo AND :hi", {"lo": {"N": "10"}, "hi": {"N": "11"}}, True),
        ("price BETWEEN :lo AND :hi", {"lo": {"N": "10.5"}, "hi": {"N": "10.5"}}, True),
        ("price BETWEEN :lo AND :hi", {"lo": {"N": "11"}, "hi": {"N": "12"}}, False),
        ("title BETWEEN :lo AND :hi", {"lo": {"S": "A"}, "hi": {"S": "C"}}, True),
        ("price BETWEEN :lo AND :hi", {"lo": {"S": "1"}, "hi": {"S": "2"}}, False),
        ("price IN (:a, :b)", {"a": {"N": "1"}, "b": {"N": "10.5"}}, True),
        ("price IN (:a, :b)", {"a": {"N": "1"}, "b": {"S": "10.5"}}, False),
        ("tags IN (:a)", {"a": {"SS": ["red", "blue"]}}, True),
    ],
)
def test_comparators(expression: str, values: dict[str, Any], expected: bool) -> None:
    assert holds(expression, **values) is expected


def test_a_missing_attribute_fails_every_comparison_but_not_equal() -> None:
    v = {"N": "1"}
    assert not holds("absent = :v", v=v)
    assert not holds("absent < :v", v=v)
    assert not holds("absent BETWEEN :v AND :v", v=v)
    assert not holds("absent IN (:v)", v=v)
    assert holds("absent <> :v", v=v)
    assert holds("absent <> nope")  # even both missing (verified against DynamoDB by others)
    assert holds("price <> absent")


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("attribute_exists(price)", {}, True),
        ("attribute_exists(info.nested.deep)", {}, True),
        ("attribute_exists(info.absent)", {}, False),
        ("attribute_exists(nothing)", {}, True),
        ("attribute_not_exists(absent)", {}, True),
        ("attribute_not_exists(things[0])", {}, False),
        ("attribute_type(price, :t)", {"t": {"S": "N"}}, True),
        ("attribute_type(tags, :t)", {"t": {"S": "SS"}}, True),
        ("attribute_type(tags, :t)", {"t": {"S": "L"}}, False),
        ("attribute_type(absent, :t)", {"t": {"S": "NULL"}}, False),
        ("attribute_type(nothing, :t)", {"t": {"S": "NULL"}}, True),
        ("begins_with(title, :p)", {"p": {"S": "Bic"}}, True),
        ("begins_with(title, :p)", {"p": {"S": "bic"}}, False),
        ("begins_with(title, :p)", {"p": {"S": ""}}, True),
        ("begins_with(bin, :p)", {"p": {"B": b"\x00\x01"}}, True),
        ("begins_with(bin, :p)", {"p": {"S": "a"}}, False),
        ("begins_with(price, :p)", {"p": {"S": "1"}}, False),
        ("contains(title, :s)", {"s": {"S": "cle 1"}}, True),
        ("contains(title, :s)", {"s": {"S": "x"}}, False),
        ("contains(bin, :s)", {"s": {"B": b"\x01\x02"}}, True),
        ("contains(tags, :s)", {"s": {"S": "red"}}, True),
        ("contains(tags, :s)", {"s": {"S": "re"}}, False),
        ("contains(sizes, :s)", {"s": {"N": "2.50"}}, True),
        ("contains(sizes, :s)", {"s": {"S": "1"}}, False),
        ("contains(codes, :s)", {"s": {"B": b"\x02"}}, True),
        ("contains(things, :s)", {"s": {"N": "1.0"}}, True),
        ("contains(things, :s)", {"s": {"M": {"k": {"S": "v"}}}}, True),
        ("contains(things, :s)", {"s": {"S": "b"}}, False),
        ("contains(price, :s)", {"s": {"N": "1"}}, False),
        ("contains(absent, :s)", {"s": {"S": "a"}}, False),
    ],
)
def test_functions(expression: str, values: dict[str, Any], expected: bool) -> None:
    assert holds(expression, **values) is expected


@pytest.mark.parametrize(
    ("expression", "size"),
    [
        ("size(title)", 11),
        ("size(emoji)", 3),  # UTF-16 code units: é is one, the emoji two
        ("size(bin)", 3),
        ("size(tags)", 2),
        ("size(sizes)", 2),
        ("size(codes)", 2),
        ("size(things)", 3),
        ("size(info)", 3),
        ("size(info.blank)", 0),
    ],
)
def test_size(expression: str, size: int) -> None:
    assert holds(f"{expression} = :n", n={"N": str(size)})
    assert holds(f"{expression} < :n", n={"N": str(size + 1)})


def test_size_of_a_number_boolean_null_or_missing_attribute_matches_nothing() -> None:
    for path in ("price", "flag", "nothing", "absent"):
        assert not holds(f"size({path}) >= :n", n={"N": "0"})
        assert not holds(f"size({path}) < :n", n={"N": "100"})


def test_precedence_is_not_then_and_then_or() -> None:
    t, f = "attribute_exists(price)", "attribute_exists(absent)"
    assert holds(f"{t} OR {f} AND {f}")  # OR binds loosest
    assert not holds(f"({t} OR {f}) AND {f}")
    assert holds(f"NOT {f} AND {t}")  # (NOT f) AND t
    assert not holds(f"NOT ({f} OR {t})")
    assert holds(f"NOT NOT {t}")
    assert holds(f"{f} or {t} and not {f}")  # keywords are case-insensitive


def test_parenthesized_operands_and_paths() -> None:
    assert holds("(price) = :v", v={"N": "10.5"})
    assert holds("(info.rating) = (:v)", v={"N": "4"})
    assert holds("(info).rating = :v", v={"N": "4"})
    assert holds("(price)between(:a)and(:b)", a={"N": "1"}, b={"N": "20"})
    assert holds("size((title)) > :n", n={"N": "2"})


def test_names_are_substituted_and_used_literally() -> None:
    item = {"status": {"S": "on"}, "a.b": {"N": "1"}, "a": {"M": {"b": {"N": "2"}}}}
    assert holds("#s = :v", item, v={"S": "on"})
    assert holds("#dot = :v", item, v={"N": "1"})  # one attribute named "a.b"
    assert holds("a.b = :v", item, v={"N": "2"})  # a nested path


def test_conditions_on_an_item_that_does_not_exist() -> None:
    assert holds("attribute_not_exists(id)", {})
    assert not holds("attribute_exists(id)", {})
    assert holds("NOT price = :v", {}, v={"N": "1"})


def test_compiled_condition_reports_the_paths_it_reads() -> None:
    attributes = ExpressionAttributes({"#k": "key"}, {":v": {"N": "1"}})
    condition = compile_condition("#k = :v AND size(a.b) > :v OR contains(c[0], :v)", attributes)
    assert condition.paths == (("key",), ("a", "b"), ("c", 0))
    assert condition.attribute_names == {"key", "a", "c"}
    assert condition.nested_attribute_names == {"a", "c"}
