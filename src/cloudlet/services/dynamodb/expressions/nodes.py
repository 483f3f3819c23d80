"""The parse tree of an expression string, before names and values are substituted.

Trees are immutable and cached per expression string; binding them to one request's
ExpressionAttributeNames/Values produces the bound forms in `bound.py`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Name:
    """An attribute name written literally in a path (subject to the reserved words)."""

    text: str


@dataclass(frozen=True, slots=True)
class NameRef:
    """An expression attribute name placeholder, `#name`."""

    text: str


PathElement = Name | NameRef | int


@dataclass(frozen=True, slots=True)
class PathNode:
    elements: tuple[PathElement, ...]


@dataclass(frozen=True, slots=True)
class ValueNode:
    """An expression attribute value placeholder, `:value`."""

    text: str


@dataclass(frozen=True, slots=True)
class CallNode:
    name: str
    args: tuple[OperandNode, ...]


OperandNode = PathNode | ValueNode | CallNode


@dataclass(frozen=True, slots=True)
class CompareNode:
    op: str  # = <> < <= > >=
    left: OperandNode
    right: OperandNode


@dataclass(frozen=True, slots=True)
class BetweenNode:
    operand: OperandNode
    low: OperandNode
    high: OperandNode


@dataclass(frozen=True, slots=True)
class InNode:
    operand: OperandNode
    options: tuple[OperandNode, ...]


@dataclass(frozen=True, slots=True)
class AndNode:
    terms: tuple[ConditionNode, ...]


@dataclass(frozen=True, slots=True)
class OrNode:
    terms: tuple[ConditionNode, ...]


@dataclass(frozen=True, slots=True)
class NotNode:
    term: ConditionNode


ConditionNode = CompareNode | BetweenNode | InNode | CallNode | AndNode | OrNode | NotNode
LeafNode = CompareNode | BetweenNode | InNode | CallNode


@dataclass(frozen=True, slots=True)
class ArithmeticNode:
    op: str  # + or -
    left: OperandNode
    right: OperandNode


SetValueNode = OperandNode | ArithmeticNode


@dataclass(frozen=True, slots=True)
class ActionNode:
    """One clause of an update: SET path = value, REMOVE path, ADD path :v, DELETE path :v."""

    section: str  # SET REMOVE ADD DELETE
    path: PathNode
    value: SetValueNode | None = None


@dataclass(frozen=True, slots=True)
class ParsedCondition:
    tree: ConditionNode
    redundant_parentheses: bool


@dataclass(frozen=True, slots=True)
class ParsedUpdate:
    actions: tuple[ActionNode, ...]
    sections: tuple[str, ...]  # in the order written, repeats included


@dataclass(frozen=True, slots=True)
class ParsedProjection:
    paths: tuple[PathNode, ...]
