"""Evaluation of a bound condition against items: the condition is turned into nested
closures once, then called per item (a Scan filter runs it on every item it reads).

Semantics follow the comparison operator and function reference
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html):
a comparison with a missing operand is false, except `<>`, which is then true (even with
both sides missing, as DynamoDB answers); `<`, `<=`, `>`, `>=` and BETWEEN hold only between two numbers, two
strings or two binaries; size() of a string counts UTF-16 code units, as DynamoDB does."""

from __future__ import annotations

from collections.abc import Callable

from cloudlet.services.dynamodb.expressions.bound import (
    And,
    Between,
    Compare,
    Condition,
    Function,
    In,
    Literal,
    Not,
    Operand,
    Or,
    PathRef,
    Size,
)
from cloudlet.services.dynamodb.expressions.paths import get_path
from cloudlet.services.dynamodb.values import AttributeValue, Item, compare_values, type_of, values_equal
from cloudlet.services.dynamodb.values.compare import set_key

Getter = Callable[[Item], AttributeValue | None]
Predicate = Callable[[Item], bool]

_ORDERINGS: dict[str, Callable[[int], bool]] = {
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
}


def compile_predicate(condition: Condition) -> Predicate:
    if isinstance(condition, And):
        terms = tuple(compile_predicate(term) for term in condition.terms)
        return lambda item: all(term(item) for term in terms)
    if isinstance(condition, Or):
        terms = tuple(compile_predicate(term) for term in condition.terms)
        return lambda item: any(term(item) for term in terms)
    if isinstance(condition, Not):
        term = compile_predicate(condition.term)
        return lambda item: not term(item)
    if isinstance(condition, Compare):
        return _comparison(condition.op, compile_getter(condition.left), compile_getter(condition.right))
    if isinstance(condition, Between):
        return _between(*(compile_getter(o) for o in (condition.operand, condition.low, condition.high)))
    if isinstance(condition, In):
        operand = compile_getter(condition.operand)
        options = tuple(compile_getter(option) for option in condition.options)
        return lambda item: (
            (value := operand(item)) is not None
            and any(values_equal(value, option(item)) for option in options)
        )
    return _function(condition)


def compile_getter(operand: Operand) -> Getter:
    if isinstance(operand, Literal):
        value = operand.value
        return lambda item: value
    if isinstance(operand, PathRef):
        path, head = operand.path, operand.path[0]
        if len(path) == 1 and isinstance(head, str):
            return lambda item: item.get(head)
        return lambda item: get_path(item, path)
    assert isinstance(operand, Size)
    inner = compile_getter(operand.operand)
    return lambda item: size_of(inner(item))


def size_of(value: AttributeValue | None) -> AttributeValue | None:
    if value is None:
        return None
    kind = type_of(value)
    data = value[kind]
    if kind == "S":
        length = len(data.encode("utf-16-le", "surrogatepass")) // 2
    elif kind in ("B", "SS", "NS", "BS", "L", "M"):
        length = len(data)
    else:
        return None  # size() of a number, boolean or null matches nothing
    return {"N": str(length)}


def _comparison(op: str, left: Getter, right: Getter) -> Predicate:
    if op == "=":
        return lambda item: values_equal(left(item), right(item))
    if op == "<>":
        return lambda item: not values_equal(left(item), right(item))
    holds = _ORDERINGS[op]

    def ordered(item: Item) -> bool:
        comparison = compare_values(left(item), right(item))
        return comparison is not None and holds(comparison)

    return ordered


def _between(operand: Getter, low: Getter, high: Getter) -> Predicate:
    def between(item: Item) -> bool:
        value = operand(item)
        above = compare_values(value, low(item))
        below = compare_values(value, high(item))
        return above is not None and below is not None and above >= 0 and below <= 0

    return between


def _function(function: Function) -> Predicate:
    getters = tuple(compile_getter(arg) for arg in function.args)
    first = getters[0]
    if function.name == "attribute_exists":
        return lambda item: first(item) is not None
    if function.name == "attribute_not_exists":
        return lambda item: first(item) is None
    second = getters[1]
    if function.name == "attribute_type":
        return lambda item: (
            (value := first(item)) is not None and type_of(value) == (second(item) or {}).get("S")
        )
    if function.name == "begins_with":
        return lambda item: begins_with(first(item), second(item))
    return lambda item: contains(first(item), second(item))


def begins_with(value: AttributeValue | None, prefix: AttributeValue | None) -> bool:
    if value is None or prefix is None:
        return False
    kind = type_of(value)
    if kind not in ("S", "B") or kind not in prefix:
        return False
    return bool(value[kind].startswith(prefix[kind]))


def contains(value: AttributeValue | None, operand: AttributeValue | None) -> bool:
    """A substring of a string, a subsequence of a binary, a member of a set (of the set's
    element type) or an element of a list."""
    if value is None or operand is None:
        return False
    kind, operand_kind = type_of(value), type_of(operand)
    data = value[kind]
    if kind in ("S", "B"):
        return operand_kind == kind and operand[kind] in data
    if kind in ("SS", "NS", "BS"):
        if operand_kind != kind[0]:
            return False
        wanted = set_key(kind, operand[operand_kind])
        return any(set_key(kind, element) == wanted for element in data)
    if kind == "L":
        return any(values_equal(element, operand) for element in data)
    return False
