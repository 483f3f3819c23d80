"""Semantic checks of a parsed update expression and its binding to one request.

DynamoDB reports the first of: a reserved word, an unknown function, a section used twice,
an undefined name, an undefined value, overlapping target paths, conflicting target paths,
an ADD/DELETE value of the wrong type, then a function or +/- problem (operand count, a
value where a path is required, an operand of the wrong type)."""

from __future__ import annotations

from collections.abc import Iterator

from cloudlet.services.dynamodb.expressions import nodes as n
from cloudlet.services.dynamodb.expressions.attributes import ExpressionAttributes
from cloudlet.services.dynamodb.expressions.bound import (
    Action,
    Arithmetic,
    IfNotExists,
    ListAppend,
    Literal,
    Path,
    PathRef,
    UpdateOperand,
)
from cloudlet.services.dynamodb.expressions.errors import ExpressionError
from cloudlet.services.dynamodb.expressions.paths import check_paths_disjoint
from cloudlet.services.dynamodb.expressions.reserved import is_reserved
from cloudlet.services.dynamodb.values import type_of

FUNCTIONS = {"if_not_exists": 2, "list_append": 2}
# How ADD and DELETE name a wrong operand's type.
_TYPE_NAMES = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "NULL": "NULL",
    "BOOL": "BOOLEAN",
    "L": "LIST",
    "M": "MAP",
}
_PLACEHOLDER = Literal({"NULL": True})


def bind_update(parsed: n.ParsedUpdate, attributes: ExpressionAttributes) -> tuple[Action, ...]:
    for path in _paths(parsed):
        for element in path.elements:
            if isinstance(element, n.Name) and is_reserved(element.text):
                raise ExpressionError(
                    f"Attribute name is a reserved keyword; reserved keyword: {element.text}"
                )
    for call in _calls(parsed):
        if call.name not in FUNCTIONS:
            raise ExpressionError(f"Invalid function name; function: {call.name}")
    seen: set[str] = set()
    for section in parsed.sections:
        if section in seen:
            raise ExpressionError(f'The "{section}" section can only be used once in an update expression;')
        seen.add(section)
    binder = _Binder(attributes)
    actions = tuple(binder.action(action) for action in parsed.actions)
    for kind in ("undefined name", "undefined value"):
        if kind in binder.problems:
            raise ExpressionError(binder.problems[kind])
    check_paths_disjoint(action.path for action in actions)
    for kind in ("operand", "function"):
        if kind in binder.problems:
            raise ExpressionError(binder.problems[kind])
    return actions


class _Binder:
    def __init__(self, attributes: ExpressionAttributes) -> None:
        self.attributes = attributes
        self.problems: dict[str, str] = {}

    def problem(self, kind: str, message: str) -> None:
        self.problems.setdefault(kind, message)

    def action(self, node: n.ActionNode) -> Action:
        path = self.path(node.path)
        if node.section == "SET":
            assert node.value is not None
            return Action("SET", path, self.value(node.value))
        if node.section == "REMOVE":
            return Action("REMOVE", path)
        assert isinstance(node.value, n.ValueNode)
        value = self.literal(node.value)
        if value is not _PLACEHOLDER:
            kind = type_of(value.value)
            allowed = ("N", "SS", "NS", "BS") if node.section == "ADD" else ("SS", "NS", "BS")
            if kind not in allowed:
                self.problem(
                    "operand",
                    "Incorrect operand type for operator or function; "
                    f"operator: {node.section}, operand type: {_TYPE_NAMES[kind]}",
                )
        return Action(node.section, path, value)

    def path(self, node: n.PathNode) -> Path:
        path, undefined = self.attributes.path(node)
        if undefined is not None:
            self.problem("undefined name", undefined)
        return path

    def literal(self, node: n.ValueNode) -> Literal:
        value = self.attributes.value(node.text)
        if value is None:
            self.problem(
                "undefined value",
                f"An expression attribute value used in expression is not defined; attribute value: {node.text}",
            )
            return _PLACEHOLDER
        return Literal(value, node.text)

    def value(self, node: n.SetValueNode) -> UpdateOperand:
        if isinstance(node, n.PathNode):
            return PathRef(self.path(node))
        if isinstance(node, n.ValueNode):
            return self.literal(node)
        if isinstance(node, n.ArithmeticNode):
            left, right = self.value(node.left), self.value(node.right)
            self.check_types(node.op, (left, right), "N")
            return Arithmetic(node.op, left, right)
        args = tuple(self.value(arg) for arg in node.args)
        if len(args) != FUNCTIONS[node.name]:
            self.problem(
                "function",
                "Incorrect number of operands for operator or function; "
                f"operator or function: {node.name}, number of operands: {len(args)}",
            )
            return _PLACEHOLDER
        if node.name == "if_not_exists":
            if not isinstance(args[0], PathRef):
                self.problem(
                    "function",
                    "Operator or function requires a document path; operator or function: if_not_exists",
                )
                return _PLACEHOLDER
            return IfNotExists(args[0].path, args[1])
        self.check_types(node.name, args, "L")
        return ListAppend(args[0], args[1])

    def check_types(self, name: str, operands: tuple[UpdateOperand, ...], wanted: str) -> None:
        for operand in operands:
            if isinstance(operand, Literal) and operand is not _PLACEHOLDER:
                kind = type_of(operand.value)
                if kind != wanted:
                    self.problem(
                        "function",
                        "Incorrect operand type for operator or function; "
                        f"operator or function: {name}, operand type: {kind}",
                    )


def _operands(node: n.SetValueNode | None) -> Iterator[n.OperandNode]:
    if isinstance(node, n.ArithmeticNode):
        yield from _operands(node.left)
        yield from _operands(node.right)
    elif node is not None:
        yield node
        if isinstance(node, n.CallNode):
            for arg in node.args:
                yield from _operands(arg)


def _paths(parsed: n.ParsedUpdate) -> Iterator[n.PathNode]:
    for action in parsed.actions:
        yield action.path
        yield from (operand for operand in _operands(action.value) if isinstance(operand, n.PathNode))


def _calls(parsed: n.ParsedUpdate) -> Iterator[n.CallNode]:
    """Function calls, innermost first."""

    def walk(node: n.OperandNode) -> Iterator[n.CallNode]:
        if isinstance(node, n.CallNode):
            for arg in node.args:
                yield from walk(arg)
            yield node

    for action in parsed.actions:
        value = action.value
        if isinstance(value, n.ArithmeticNode):
            yield from walk(value.left)
            yield from walk(value.right)
        elif value is not None:
            yield from walk(value)
