"""Semantic checks of a parsed condition and its binding to one request's names and values.

DynamoDB reports the first problem in this order: redundant parentheses, an unknown
function, a function used where it is not allowed, a reserved word; then, leaf condition by
leaf condition in the order written, the first leaf with a problem, choosing among its
problems: an undefined name or value, a wrong number of operands, identical operands,
then an operand of the wrong type."""

from __future__ import annotations

import base64
from collections.abc import Iterator

from cloudlet.services.dynamodb.expressions import nodes as n
from cloudlet.services.dynamodb.expressions.attributes import ExpressionAttributes
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
from cloudlet.services.dynamodb.expressions.errors import ExpressionError, path_text
from cloudlet.services.dynamodb.expressions.reserved import is_reserved
from cloudlet.services.dynamodb.values import AttributeValue, compare_values, type_of

# name -> number of operands
FUNCTIONS = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
    "size": 1,
}
ATTRIBUTE_TYPES = ("B", "NULL", "SS", "BOOL", "L", "BS", "N", "NS", "S", "M")
MAX_IN_OPERANDS = 100

_PRIORITY = ("undefined", "operands", "distinct", "type")


def bind_condition(parsed: n.ParsedCondition, attributes: ExpressionAttributes) -> Condition:
    """The bound condition, or ExpressionError with the first problem DynamoDB would report."""
    if parsed.redundant_parentheses:
        raise ExpressionError("The expression has redundant parentheses;")
    for call in _calls(parsed.tree):
        if call.name not in FUNCTIONS:
            raise ExpressionError(f"Invalid function name; function: {call.name}")
    for name in _misused(parsed.tree):
        raise ExpressionError(
            f"The function is not allowed to be used this way in an expression; function: {name}"
        )
    for path in _paths(parsed.tree):
        for element in path.elements:
            if isinstance(element, n.Name) and is_reserved(element.text):
                raise ExpressionError(
                    f"Attribute name is a reserved keyword; reserved keyword: {element.text}"
                )
    return _bind(parsed.tree, attributes)


def _bind(node: n.ConditionNode, attributes: ExpressionAttributes) -> Condition:
    if isinstance(node, n.AndNode):
        return And(tuple(_bind(term, attributes) for term in node.terms))
    if isinstance(node, n.OrNode):
        return Or(tuple(_bind(term, attributes) for term in node.terms))
    if isinstance(node, n.NotNode):
        return Not(_bind(node.term, attributes))
    return _LeafBinder(attributes).bind(node)


class _LeafBinder:
    """Binds one leaf condition, keeping the first problem of each kind it meets."""

    def __init__(self, attributes: ExpressionAttributes) -> None:
        self.attributes = attributes
        self.problems: dict[str, str] = {}

    def problem(self, kind: str, message: str) -> None:
        self.problems.setdefault(kind, message)

    def bind(self, leaf: n.LeafNode) -> Condition:
        bound = self._leaf(leaf)
        for kind in _PRIORITY:
            if kind in self.problems:
                raise ExpressionError(self.problems[kind])
        return bound

    def _leaf(self, leaf: n.LeafNode) -> Condition:
        if isinstance(leaf, n.CompareNode):
            left, right = self.operand(leaf.left), self.operand(leaf.right)
            self.distinct(leaf.op, left, right)
            return Compare(leaf.op, left, right)
        if isinstance(leaf, n.BetweenNode):
            operand, low, high = self.operand(leaf.operand), self.operand(leaf.low), self.operand(leaf.high)
            self.check_bounds(low, high)
            return Between(operand, low, high)
        if isinstance(leaf, n.InNode):
            operand = self.operand(leaf.operand)
            options = tuple(self.operand(option) for option in leaf.options)
            if len(options) > MAX_IN_OPERANDS:
                self.problem(
                    "operands",
                    f"The IN operator is provided with too many operands; number of operands: {len(options)}",
                )
            return In(operand, options)
        args = tuple(self.operand(arg) for arg in leaf.args)
        self.check_function(leaf.name, args)
        return Function(leaf.name, args)

    def operand(self, node: n.OperandNode) -> Operand:
        if isinstance(node, n.PathNode):
            return PathRef(self.path(node))
        if isinstance(node, n.ValueNode):
            value = self.attributes.value(node.text)
            if value is None:
                self.problem(
                    "undefined",
                    f"An expression attribute value used in expression is not defined; attribute value: {node.text}",
                )
                return Literal({"NULL": True})
            return Literal(value, node.text)
        args = tuple(self.operand(arg) for arg in node.args)  # only size() is left here
        self.check_function(node.name, args)
        return Size(args[0] if args else Literal({"NULL": True}))

    def path(self, node: n.PathNode) -> tuple[str | int, ...]:
        path, undefined = self.attributes.path(node)
        if undefined is not None:
            self.problem("undefined", undefined)
        return path

    def distinct(self, operator: str, first: Operand, second: Operand) -> None:
        if isinstance(first, PathRef) and isinstance(second, PathRef) and first.path == second.path:
            self.problem(
                "distinct",
                "The first operand must be distinct from the remaining operands for this operator or "
                f"function; operator: {operator}, first operand: {path_text(first.path)}",
            )

    def check_function(self, name: str, args: tuple[Operand, ...]) -> None:
        if len(args) != FUNCTIONS[name]:
            self.problem(
                "operands",
                "Incorrect number of operands for operator or function; "
                f"operator or function: {name}, number of operands: {len(args)}",
            )
            return
        if len(args) == 2:
            self.distinct(name, args[0], args[1])
        if name in ("attribute_exists", "attribute_not_exists") and not isinstance(args[0], PathRef):
            self.problem(
                "type", f"Operator or function requires a document path; operator or function: {name}"
            )
        elif name == "begins_with":
            for arg in args:
                kind = static_type(arg)
                if kind is not None and kind not in ("S", "B"):
                    self.wrong_type(name, kind)
        elif name == "size":
            kind = static_type(args[0])
            if kind in ("N", "BOOL", "NULL"):
                self.wrong_type(name, kind)
        elif name == "attribute_type":
            self.check_type_name(args[1])

    def check_type_name(self, operand: Operand) -> None:
        kind = static_type(operand)
        if kind != "S":
            self.wrong_type("attribute_type", kind or "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}")
        elif isinstance(operand, Literal):
            problem = type_name_problem(operand.value)
            if problem is not None:
                self.problem("type", problem)

    def wrong_type(self, name: str, kind: str) -> None:
        self.problem(
            "type",
            f"Incorrect operand type for operator or function; operator or function: {name}, operand type: {kind}",
        )

    def check_bounds(self, low: Operand, high: Operand) -> None:
        if isinstance(low, Literal) and isinstance(high, Literal):
            problem = bounds_problem(low.value, high.value)
            if problem is not None:
                self.problem("type", problem)


# The two checks that read a value's content, not only its type: a compiled request reused
# with other values (reuse.py) runs them again.


def type_name_problem(value: AttributeValue) -> str | None:
    """attribute_type's second operand, a string, must name a type."""
    if value["S"] in ATTRIBUTE_TYPES:
        return None
    return (
        f"Invalid attribute type name found; type: {value['S']}, valid types: {{{','.join(ATTRIBUTE_TYPES)}}}"
    )


def bounds_problem(low: AttributeValue, high: AttributeValue) -> str | None:
    """BETWEEN's literal bounds must have one type and be in order."""
    low_type, high_type = type_of(low), type_of(high)
    if low_type != high_type:
        problem = "The BETWEEN operator requires same data type for lower and upper bounds"
    elif (compare_values(low, high) or 0) > 0:
        problem = "The BETWEEN operator requires upper bound to be greater than or equal to lower bound"
    else:
        return None
    return (
        f"{problem}; lower bound operand: AttributeValue: {{{low_type}:{_shown(low)}}}, "
        f"upper bound operand: AttributeValue: {{{high_type}:{_shown(high)}}}"
    )


def static_type(operand: Operand) -> str | None:
    """The type an operand is known to have before any item is read (None for paths)."""
    if isinstance(operand, Literal):
        return type_of(operand.value)
    if isinstance(operand, Size):
        return "N"
    return None


def _shown(value: AttributeValue) -> str:
    kind = type_of(value)
    data = value[kind]
    return base64.b64encode(data).decode() if kind == "B" else str(data)


def _operands(node: n.ConditionNode) -> tuple[n.OperandNode, ...]:
    if isinstance(node, n.CompareNode):
        return (node.left, node.right)
    if isinstance(node, n.BetweenNode):
        return (node.operand, node.low, node.high)
    if isinstance(node, n.InNode):
        return (node.operand, *node.options)
    if isinstance(node, n.CallNode):
        return node.args
    return ()


def _conditions(node: n.ConditionNode) -> Iterator[n.ConditionNode]:
    """Leaf conditions in the order written."""
    if isinstance(node, n.AndNode | n.OrNode):
        for term in node.terms:
            yield from _conditions(term)
    elif isinstance(node, n.NotNode):
        yield from _conditions(node.term)
    else:
        yield node


def _calls(node: n.ConditionNode) -> Iterator[n.CallNode]:
    """Every function call, innermost first, in the order written."""

    def walk(operand: n.OperandNode) -> Iterator[n.CallNode]:
        if isinstance(operand, n.CallNode):
            for arg in operand.args:
                yield from walk(arg)
            yield operand

    for leaf in _conditions(node):
        if isinstance(leaf, n.CallNode):
            yield from walk(leaf)
        else:
            for operand in _operands(leaf):
                yield from walk(operand)


def _misused(node: n.ConditionNode) -> Iterator[str]:
    """Functions where they may not be: any but size() as an operand, size() as a condition."""

    def among(operands: tuple[n.OperandNode, ...]) -> Iterator[str]:
        for operand in operands:
            if isinstance(operand, n.CallNode):
                yield from among(operand.args)
        for operand in operands:
            if isinstance(operand, n.CallNode) and operand.name != "size":
                yield operand.name

    for leaf in _conditions(node):
        yield from among(_operands(leaf))
        if isinstance(leaf, n.CallNode) and leaf.name == "size":
            yield "size"


def _paths(node: n.ConditionNode) -> Iterator[n.PathNode]:
    def walk(operand: n.OperandNode) -> Iterator[n.PathNode]:
        if isinstance(operand, n.PathNode):
            yield operand
        elif isinstance(operand, n.CallNode):
            for arg in operand.args:
                yield from walk(arg)

    for leaf in _conditions(node):
        for operand in _operands(leaf):
            yield from walk(operand)
