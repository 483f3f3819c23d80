"""Compiling one expression string against a request's names and values.

Parsing depends on the string alone and is cached per distinct string; binding (names and
values substituted, semantic checks) is linear in the expression, and compile_request
(request.py) keeps its result for later requests of the same shape.
Each compile_* raises the ValidationException DynamoDB would, prefixed with the
expression's parameter name ("Invalid ConditionExpression: ...")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from cloudlet.services.dynamodb.expressions import nodes as n
from cloudlet.services.dynamodb.expressions.attributes import ExpressionAttributes
from cloudlet.services.dynamodb.expressions.bound import Action, Condition, Path, condition_paths
from cloudlet.services.dynamodb.expressions.condition_binding import bind_condition
from cloudlet.services.dynamodb.expressions.condition_parser import parse_condition
from cloudlet.services.dynamodb.expressions.errors import ExpressionError
from cloudlet.services.dynamodb.expressions.evaluation import Predicate, compile_predicate
from cloudlet.services.dynamodb.expressions.key_conditions import KeyCondition, analyze_key_condition
from cloudlet.services.dynamodb.expressions.nodes import ParsedProjection
from cloudlet.services.dynamodb.expressions.parser_base import parse_projection
from cloudlet.services.dynamodb.expressions.paths import check_paths_disjoint
from cloudlet.services.dynamodb.expressions.projection import project
from cloudlet.services.dynamodb.expressions.reserved import is_reserved
from cloudlet.services.dynamodb.expressions.update_binding import bind_update
from cloudlet.services.dynamodb.expressions.update_parser import parse_update
from cloudlet.services.dynamodb.expressions.updates import UpdateResult, apply_actions
from cloudlet.services.dynamodb.values import Item

MAX_EXPRESSION_SIZE = 4096  # bytes of UTF-8, per expression string

T = TypeVar("T")


def _heads(paths: tuple[Path, ...]) -> frozenset[str]:
    return frozenset(str(path[0]) for path in paths)


def _nested_heads(paths: tuple[Path, ...]) -> frozenset[str]:
    return frozenset(str(path[0]) for path in paths if len(path) > 1)


@dataclass(frozen=True)
class CompiledCondition:
    """A condition or filter expression, bound and ready to test items."""

    tree: Condition
    paths: tuple[Path, ...]  # every document path it reads, in the order written
    _predicate: Predicate = field(repr=False, compare=False)

    def matches(self, item: Item) -> bool:
        """Whether the condition holds for `item` ({} for an item that does not exist)."""
        return self._predicate(item)

    @cached_property
    def attribute_names(self) -> frozenset[str]:
        """Top-level attributes the condition reads (Query rejects key attributes in a filter)."""
        return _heads(self.paths)

    @cached_property
    def nested_attribute_names(self) -> frozenset[str]:
        """Top-level attributes read through a nested path (a.b, a[0]): keys must be scalars."""
        return _nested_heads(self.paths)


@dataclass(frozen=True)
class Update:
    actions: tuple[Action, ...]

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(action.path for action in self.actions)

    @cached_property
    def attribute_names(self) -> frozenset[str]:
        """Top-level attributes written ("Cannot update attribute pk" is checked on these)."""
        return _heads(self.paths)

    @cached_property
    def nested_attribute_names(self) -> frozenset[str]:
        return _nested_heads(self.paths)

    def apply(self, item: Item) -> UpdateResult:
        """The item after the update. `item` is the existing item, or only its key attributes
        when it does not exist yet; it is not modified. Raises the ValidationException
        DynamoDB gives for a path or operand that does not fit the item."""
        return apply_actions(self.actions, item)


@dataclass(frozen=True)
class Projection:
    paths: tuple[Path, ...]

    @cached_property
    def attribute_names(self) -> frozenset[str]:
        return _heads(self.paths)

    @cached_property
    def nested_attribute_names(self) -> frozenset[str]:
        return _nested_heads(self.paths)

    def apply(self, item: Item) -> Item:
        return project(item, self.paths)


def compile_condition(
    text: str, attributes: ExpressionAttributes, kind: str = "ConditionExpression"
) -> CompiledCondition:
    """Compile a ConditionExpression (or, with kind="FilterExpression", a filter)."""
    tree = _compile(kind, text, lambda: bind_condition(parse_condition(text), attributes))
    return CompiledCondition(tree, tuple(condition_paths(tree)), compile_predicate(tree))


def compile_filter(text: str, attributes: ExpressionAttributes) -> CompiledCondition:
    return compile_condition(text, attributes, "FilterExpression")


def compile_key_condition(text: str, attributes: ExpressionAttributes) -> KeyCondition:
    kind = "KeyConditionExpression"
    tree = _compile(kind, text, lambda: bind_condition(parse_condition(text), attributes))
    return analyze_key_condition(tree)


def compile_update(text: str, attributes: ExpressionAttributes) -> Update:
    return Update(_compile("UpdateExpression", text, lambda: bind_update(parse_update(text), attributes)))


def compile_projection(text: str, attributes: ExpressionAttributes) -> Projection:
    return Projection(
        _compile("ProjectionExpression", text, lambda: _bind_projection(parse_projection(text), attributes))
    )


def _compile(kind: str, text: str, compile_: Callable[[], T]) -> T:
    try:
        if not text.strip():
            raise ExpressionError("The expression can not be empty;")
        size = len(text.encode("utf-8"))
        if size > MAX_EXPRESSION_SIZE:
            raise ExpressionError(
                f"Expression size has exceeded the maximum allowed size; expression size: {size}"
            )
        return compile_()
    except ExpressionError as error:
        raise error.service_error(kind) from None


def _bind_projection(parsed: ParsedProjection, attributes: ExpressionAttributes) -> tuple[Path, ...]:
    """Reserved words first, then undefined names, then overlapping or conflicting paths."""
    for path in parsed.paths:
        for element in path.elements:
            if isinstance(element, n.Name) and is_reserved(element.text):
                raise ExpressionError(
                    f"Attribute name is a reserved keyword; reserved keyword: {element.text}"
                )
    paths: list[Path] = []
    for path in parsed.paths:
        bound, undefined = attributes.path(path)
        if undefined is not None:
            raise ExpressionError(undefined)
        paths.append(bound)
    check_paths_disjoint(paths)
    return tuple(paths)
