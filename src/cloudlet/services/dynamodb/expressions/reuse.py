"""Compiled expressions reused with another request's ExpressionAttributeValues.

Binding reads a value's type, not its content, except in two checks: BETWEEN's literal
bounds (same type, in order) and attribute_type's type name. So a request compiled once
serves every later request with the same expression strings, the same names and values of
the same types: its bound trees get the new values, those two checks run on them, and the
evaluators are rebuilt. A check that fails raises Stale, and the caller compiles in full to
report the error as DynamoDB would."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Generic, TypeVar

from cloudlet.services.dynamodb.expressions.bound import (
    Action,
    And,
    Arithmetic,
    Between,
    Compare,
    Condition,
    Function,
    IfNotExists,
    In,
    ListAppend,
    Literal,
    Not,
    Operand,
    Or,
    PathRef,
    Size,
    UpdateOperand,
)
from cloudlet.services.dynamodb.expressions.compiler import CompiledCondition, Update
from cloudlet.services.dynamodb.expressions.condition_binding import bounds_problem, type_name_problem
from cloudlet.services.dynamodb.expressions.evaluation import compile_predicate
from cloudlet.services.dynamodb.expressions.key_conditions import KeyCondition, KeyTerm, analyze_key_condition
from cloudlet.services.dynamodb.values import AttributeValue

K = TypeVar("K")
V = TypeVar("V")
Values = Mapping[str, AttributeValue]


class Stale(Exception):
    """The new values fail a check the compiled form passed: compile in full instead."""


class LruCache(Generic[K, V]):
    """A small bounded map, least recently used entry evicted first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def condition_with(compiled: CompiledCondition, values: Values) -> CompiledCondition:
    tree = _condition(compiled.tree, values)
    return CompiledCondition(tree, compiled.paths, compile_predicate(tree))


def key_condition_with(compiled: KeyCondition, values: Values) -> KeyCondition:
    condition = _condition(compiled.condition, values)
    if any(None in term.placeholders for term in compiled.terms):
        return analyze_key_condition(condition)
    terms = tuple(
        KeyTerm(
            term.attribute,
            term.op,
            tuple(values[placeholder] for placeholder in term.placeholders),  # type: ignore[index]
            term.placeholders,
        )
        for term in compiled.terms
    )
    return KeyCondition(condition, terms)


def update_with(compiled: Update, values: Values) -> Update:
    return Update(
        tuple(
            action
            if action.value is None
            else Action(action.section, action.path, _update(action.value, values))
            for action in compiled.actions
        )
    )


def placeholders(compiled: CompiledCondition | KeyCondition | Update) -> frozenset[str]:
    """The value placeholders a compiled expression holds."""
    found: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, Literal):
            if node.placeholder is not None:
                found.add(node.placeholder)
        elif isinstance(node, tuple):
            for element in node:
                visit(element)
        elif hasattr(node, "__slots__"):  # the bound node dataclasses
            for name in node.__slots__:
                visit(getattr(node, name))

    if isinstance(compiled, Update):
        visit(compiled.actions)
    else:
        visit(compiled.tree if isinstance(compiled, CompiledCondition) else compiled.condition)
    return frozenset(found)


def _literal(literal: Literal, values: Values) -> Literal:
    if literal.placeholder is None:
        return literal
    return Literal(values[literal.placeholder], literal.placeholder)


def _operand(operand: Operand, values: Values) -> Operand:
    if isinstance(operand, Literal):
        return _literal(operand, values)
    if isinstance(operand, Size):
        return Size(_operand(operand.operand, values))
    return operand


def _update(operand: UpdateOperand, values: Values) -> UpdateOperand:
    if isinstance(operand, Literal):
        return _literal(operand, values)
    if isinstance(operand, IfNotExists):
        return IfNotExists(operand.path, _update(operand.fallback, values))
    if isinstance(operand, ListAppend):
        return ListAppend(_update(operand.first, values), _update(operand.second, values))
    if isinstance(operand, Arithmetic):
        return Arithmetic(operand.op, _update(operand.left, values), _update(operand.right, values))
    assert isinstance(operand, PathRef)
    return operand


def _condition(node: Condition, values: Values) -> Condition:
    if isinstance(node, Compare):
        return Compare(node.op, _operand(node.left, values), _operand(node.right, values))
    if isinstance(node, And):
        return And(tuple(_condition(term, values) for term in node.terms))
    if isinstance(node, Or):
        return Or(tuple(_condition(term, values) for term in node.terms))
    if isinstance(node, Not):
        return Not(_condition(node.term, values))
    if isinstance(node, Between):
        low, high = _operand(node.low, values), _operand(node.high, values)
        if isinstance(low, Literal) and isinstance(high, Literal) and bounds_problem(low.value, high.value):
            raise Stale
        return Between(_operand(node.operand, values), low, high)
    if isinstance(node, In):
        return In(_operand(node.operand, values), tuple(_operand(option, values) for option in node.options))
    args = tuple(_operand(arg, values) for arg in node.args)
    if node.name == "attribute_type" and isinstance(args[1], Literal) and type_name_problem(args[1].value):
        raise Stale
    return Function(node.name, args)
