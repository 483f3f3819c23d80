"""Expressions bound to one request: names substituted, values looked up and validated.

This is the form the evaluator, the update engine and key-condition analysis work on,
and what a provider may inspect (paths are tuples of names and list indexes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cloudlet.services.dynamodb.values import AttributeValue

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class PathRef:
    path: Path


@dataclass(frozen=True, slots=True)
class Literal:
    value: AttributeValue
    # The ExpressionAttributeValues key it came from (None for values given otherwise), so a
    # compiled request can be reused with another request's values (see reuse.py).
    placeholder: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Size:
    operand: Operand


Operand = PathRef | Literal | Size


@dataclass(frozen=True, slots=True)
class Compare:
    op: str
    left: Operand
    right: Operand


@dataclass(frozen=True, slots=True)
class Between:
    operand: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True, slots=True)
class In:
    operand: Operand
    options: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class Function:
    """A boolean function: attribute_exists, attribute_not_exists, attribute_type,
    begins_with or contains."""

    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class And:
    terms: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Or:
    terms: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    term: Condition


Condition = Compare | Between | In | Function | And | Or | Not


@dataclass(frozen=True, slots=True)
class IfNotExists:
    path: Path
    fallback: UpdateOperand


@dataclass(frozen=True, slots=True)
class ListAppend:
    first: UpdateOperand
    second: UpdateOperand


@dataclass(frozen=True, slots=True)
class Arithmetic:
    op: str  # + or -
    left: UpdateOperand
    right: UpdateOperand


UpdateOperand = PathRef | Literal | IfNotExists | ListAppend | Arithmetic


@dataclass(frozen=True, slots=True)
class Action:
    """SET path = value, REMOVE path, ADD path value, DELETE path value."""

    section: str
    path: Path
    value: UpdateOperand | None = None


def operand_paths(operand: Operand | UpdateOperand) -> list[Path]:
    if isinstance(operand, PathRef):
        return [operand.path]
    if isinstance(operand, Size):
        return operand_paths(operand.operand)
    if isinstance(operand, IfNotExists):
        return [operand.path, *operand_paths(operand.fallback)]
    if isinstance(operand, ListAppend):
        return operand_paths(operand.first) + operand_paths(operand.second)
    if isinstance(operand, Arithmetic):
        return operand_paths(operand.left) + operand_paths(operand.right)
    return []


def condition_paths(condition: Condition) -> list[Path]:
    """Every document path a condition reads, in the order written."""
    if isinstance(condition, And | Or):
        return [path for term in condition.terms for path in condition_paths(term)]
    if isinstance(condition, Not):
        return condition_paths(condition.term)
    if isinstance(condition, Compare):
        operands: tuple[Operand, ...] = (condition.left, condition.right)
    elif isinstance(condition, Between):
        operands = (condition.operand, condition.low, condition.high)
    elif isinstance(condition, In):
        operands = (condition.operand, *condition.options)
    else:
        operands = condition.args
    return [path for operand in operands for path in operand_paths(operand)]
