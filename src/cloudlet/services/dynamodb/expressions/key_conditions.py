"""Key condition analysis: which key attribute each term constrains and how, then, given a
table's or index's key schema, the partition value and the sort-key range to read.

A KeyConditionExpression is a condition limited to `partition = :v` and, optionally, one
sort key term: = < <= > >= BETWEEN or begins_with
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.KeyConditionExpressions.html).
These structural errors are reported without the "Invalid KeyConditionExpression:" prefix,
as DynamoDB reports them."""

from __future__ import annotations

from dataclasses import dataclass, field

from cloudlet.errors import validation_error
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
from cloudlet.services.dynamodb.expressions.evaluation import begins_with
from cloudlet.services.dynamodb.values import AttributeValue, compare_values, encode_key, prefix_upper_bound
from cloudlet.services.dynamodb.values.compare import type_of

_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
NOT_SUPPORTED = "Query key condition not supported"
TYPE_MISMATCH = (
    "One or more parameter values were invalid: Condition parameter type does not match schema type"
)


@dataclass(frozen=True)
class KeyTerm:
    attribute: str
    op: str  # = < <= > >= BETWEEN BEGINS_WITH, with the attribute on the left
    values: tuple[AttributeValue, ...]
    placeholders: tuple[str | None, ...] = field(default=(), compare=False)  # of the values


@dataclass(frozen=True)
class Bound:
    key: bytes  # encode_key() of the bounding value
    inclusive: bool


@dataclass(frozen=True)
class KeyRange:
    """What a Query reads: one partition, and optionally a range of its sort keys."""

    partition_key: str
    partition_value: AttributeValue
    sort_key: str | None = None
    sort_op: str | None = None
    sort_values: tuple[AttributeValue, ...] = ()

    @property
    def partition_bytes(self) -> bytes:
        return encode_key(self.partition_value)

    def sort_bounds(self) -> tuple[Bound | None, Bound | None]:
        """(lower, upper) bounds on encode_key(sort value); None where unbounded."""
        if self.sort_op is None:
            return None, None
        first = encode_key(self.sort_values[0])
        if self.sort_op == "=":
            return Bound(first, True), Bound(first, True)
        if self.sort_op in ("<", "<="):
            return None, Bound(first, self.sort_op == "<=")
        if self.sort_op in (">", ">="):
            return Bound(first, self.sort_op == ">="), None
        if self.sort_op == "BETWEEN":
            return Bound(first, True), Bound(encode_key(self.sort_values[1]), True)
        upper = prefix_upper_bound(first)  # BEGINS_WITH
        return Bound(first, True), (Bound(upper, False) if upper is not None else None)

    def matches_sort(self, value: AttributeValue | None) -> bool:
        """Whether a sort key value lies in the range (True when there is no sort term)."""
        if self.sort_op is None:
            return True
        if self.sort_op == "BEGINS_WITH":
            return begins_with(value, self.sort_values[0])
        low = compare_values(value, self.sort_values[0])
        if low is None:
            return False
        if self.sort_op == "BETWEEN":
            high = compare_values(value, self.sort_values[1])
            return low >= 0 and high is not None and high <= 0
        return {"=": low == 0, "<": low < 0, "<=": low <= 0, ">": low > 0, ">=": low >= 0}[self.sort_op]


@dataclass(frozen=True)
class KeyCondition:
    condition: Condition
    terms: tuple[KeyTerm, ...]  # in the order written

    def for_schema(
        self,
        partition_key: str,
        partition_type: str,
        sort_key: str | None = None,
        sort_type: str | None = None,
    ) -> KeyRange:
        """The range to read for this key schema, or the ValidationException Query gives."""
        by_name = {term.attribute: term for term in self.terms}
        if sort_key is None and len(self.terms) > 1:
            raise validation_error(NOT_SUPPORTED)
        partition = by_name.get(partition_key)
        if partition is None:
            raise validation_error(f"Query condition missed key schema element: {partition_key}")
        _check_type(partition, partition_type)
        if partition.op != "=":
            raise validation_error(NOT_SUPPORTED)
        sort = by_name.get(sort_key) if sort_key is not None else None
        if sort_key is not None and sort is None and len(self.terms) > 1:
            raise validation_error(f"Query condition missed key schema element: {sort_key}")
        if sort is not None:
            assert sort_type is not None
            _check_type(sort, sort_type)
        if any(term.attribute not in (partition_key, sort_key) for term in self.terms):
            raise validation_error(NOT_SUPPORTED)
        if sort is None:
            return KeyRange(partition_key, partition.values[0])
        return KeyRange(partition_key, partition.values[0], sort_key, sort.op, sort.values)


def _check_type(term: KeyTerm, declared: str) -> None:
    if any(type_of(value) != declared for value in term.values):
        raise validation_error(TYPE_MISMATCH)


def analyze_key_condition(condition: Condition) -> KeyCondition:
    terms: dict[str, KeyTerm] = {}
    _collect(condition, terms)
    return KeyCondition(condition, tuple(terms.values()))


def _collect(node: Condition, terms: dict[str, KeyTerm]) -> None:
    if isinstance(node, Or | Not | In) or (isinstance(node, Compare) and node.op == "<>"):
        name = {Or: "OR", Not: "NOT", In: "IN"}.get(type(node), "<>")
        raise validation_error(f"Invalid operator used in KeyConditionExpression: {name}")
    if isinstance(node, Function) and node.name != "begins_with":
        raise validation_error(f"Invalid operator used in KeyConditionExpression: {node.name}")
    if isinstance(node, Between | Function):
        first = node.operand if isinstance(node, Between) else node.args[0]
        if not isinstance(first, PathRef):
            name = "BETWEEN" if isinstance(node, Between) else node.name
            raise validation_error(
                f"Invalid condition in KeyConditionExpression: {name} operator must have the key attribute "
                "as its first operand"
            )
    if isinstance(node, And):
        for term in node.terms:
            _collect(term, terms)
        return
    operands = _operands(node)
    attribute, position = None, 0
    for index, operand in enumerate(operands):
        if isinstance(operand, PathRef):
            if attribute is not None:
                raise validation_error(
                    "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"
                )
            if len(operand.path) > 1:
                raise validation_error("KeyConditionExpressions cannot have conditions on nested attributes")
            attribute, position = str(operand.path[0]), index
        elif isinstance(operand, Size):
            raise validation_error("KeyConditionExpressions cannot contain nested operations")
    if attribute is None:
        raise validation_error("Invalid condition in KeyConditionExpression: No key attribute specified")
    if attribute in terms:
        raise validation_error("KeyConditionExpressions must only contain one condition per key")
    literals = [operand for operand in operands if isinstance(operand, Literal)]
    values = tuple(literal.value for literal in literals)
    placeholders = tuple(literal.placeholder for literal in literals)
    if isinstance(node, Compare):
        op = node.op if position == 0 else _FLIPPED[node.op]
    else:
        op = "BETWEEN" if isinstance(node, Between) else "BEGINS_WITH"
    terms[attribute] = KeyTerm(attribute, op, values, placeholders)


def _operands(node: Condition) -> tuple[Operand, ...]:
    if isinstance(node, Compare):
        return (node.left, node.right)
    if isinstance(node, Between):
        return (node.operand, node.low, node.high)
    assert isinstance(node, Function)
    return node.args
