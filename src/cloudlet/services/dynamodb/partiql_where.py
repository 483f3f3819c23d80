"""What a PartiQL WHERE says about keys: the primary key an UPDATE or DELETE pins with `=`,
the partition a SELECT reads, and the sort-key range one conjunct narrows it to."""

from __future__ import annotations

from typing import Any

from cloudlet.services.dynamodb import store
from cloudlet.services.dynamodb.errors import validation
from cloudlet.services.dynamodb.expressions import (
    And,
    Between,
    Compare,
    Condition,
    Function,
    KeyRange,
    Literal,
    PathRef,
)
from cloudlet.services.dynamodb.tables import KeyAttr

Item = dict[str, Any]


def conjuncts(where: Condition | None) -> list[Condition]:
    if where is None:
        return []
    return list(where.terms) if isinstance(where, And) else [where]


def key_term(term: Condition) -> tuple[str, Item] | None:
    if isinstance(term, Compare) and term.op == "=":
        for path, value in ((term.left, term.right), (term.right, term.left)):
            if isinstance(path, PathRef) and len(path.path) == 1 and isinstance(value, Literal):
                return str(path.path[0]), value.value
    return None


_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def sort_bounds(
    where: Condition | None, attr: KeyAttr | None
) -> tuple[store.Bound | None, store.Bound | None]:
    """The sort-key range one WHERE conjunct pins (=, <, <=, >, >=, BETWEEN, begins_with), so a
    partition read covers only it; the whole WHERE still filters what is read."""
    if attr is None:
        return None, None
    path = (attr.name,)
    for term in conjuncts(where):
        op: str | None = None
        values: tuple[Item, ...] = ()
        if isinstance(term, Compare) and term.op in _FLIPPED:
            if isinstance(term.left, PathRef) and term.left.path == path and isinstance(term.right, Literal):
                op, values = term.op, (term.right.value,)
            elif (
                isinstance(term.right, PathRef) and term.right.path == path and isinstance(term.left, Literal)
            ):
                op, values = _FLIPPED[term.op], (term.left.value,)
        elif isinstance(term, Between) and isinstance(term.operand, PathRef) and term.operand.path == path:
            if isinstance(term.low, Literal) and isinstance(term.high, Literal):
                op, values = "BETWEEN", (term.low.value, term.high.value)
        elif isinstance(term, Function) and term.name == "begins_with" and attr.type != "N":
            target, prefix = term.args
            if isinstance(target, PathRef) and target.path == path and isinstance(prefix, Literal):
                op, values = "BEGINS_WITH", (prefix.value,)
        if op is None or any(attr.type not in value for value in values):
            continue
        low, high = KeyRange(attr.name, {}, attr.name, op, values).sort_bounds()
        return (
            None if low is None else (low.key, low.inclusive),
            None if high is None else (high.key, high.inclusive),
        )
    return None, None


def equality(where: Condition | None, name: str) -> Item | None:
    for term in conjuncts(where):
        found = key_term(term)
        if found is not None and found[0] == name:
            return found[1]
    return None


def split_key(names: tuple[str, ...], where: Condition | None) -> tuple[Item, Condition | None]:
    """The primary key a WHERE pins with `=`, and what is left of it as a condition."""
    key: Item = {}
    rest: list[Condition] = []
    for term in conjuncts(where):
        found = key_term(term)
        if found is not None and found[0] in names and found[0] not in key:
            key[found[0]] = found[1]
        else:
            rest.append(term)
    if set(key) != set(names):
        raise validation("Where clause does not contain a mandatory equality on all key attributes")
    if not rest:
        return key, None
    return key, rest[0] if len(rest) == 1 else And(tuple(rest))
