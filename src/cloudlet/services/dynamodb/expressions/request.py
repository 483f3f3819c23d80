"""All the expressions of one request, compiled in the order DynamoDB validates them:
UpdateExpression, ConditionExpression, KeyConditionExpression, FilterExpression,
ProjectionExpression, then names no expression used, then values no expression used."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cloudlet.errors import validation_error
from cloudlet.services.dynamodb.expressions.attributes import ExpressionAttributes, validate_values
from cloudlet.services.dynamodb.expressions.compiler import (
    CompiledCondition,
    Projection,
    Update,
    compile_condition,
    compile_filter,
    compile_key_condition,
    compile_projection,
    compile_update,
)
from cloudlet.services.dynamodb.expressions.key_conditions import KeyCondition
from cloudlet.services.dynamodb.expressions.reuse import (
    LruCache,
    Stale,
    condition_with,
    key_condition_with,
    placeholders,
    update_with,
)
from cloudlet.services.dynamodb.values import AttributeValue, item_size, type_of

# Per operation: its expression parameters and the legacy parameters they replace, in the
# order DynamoDB lists them in "Can not use both expression and non-expression parameters".
OPERATION_PARAMETERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "GetItem": (("ProjectionExpression",), ("AttributesToGet",)),
    "BatchGetItem": (("ProjectionExpression",), ("AttributesToGet",)),
    "PutItem": (("ConditionExpression",), ("Expected",)),
    "DeleteItem": (("ConditionExpression",), ("Expected",)),
    "UpdateItem": (("UpdateExpression", "ConditionExpression"), ("AttributeUpdates", "Expected")),
    "Query": (
        ("ProjectionExpression", "FilterExpression", "KeyConditionExpression"),
        ("AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"),
    ),
    "Scan": (
        ("ProjectionExpression", "FilterExpression"),
        ("AttributesToGet", "ScanFilter", "ConditionalOperator"),
    ),
}


@dataclass(frozen=True)
class RequestExpressions:
    update: Update | None = None
    condition: CompiledCondition | None = None
    key_condition: KeyCondition | None = None
    filter: CompiledCondition | None = None
    projection: Projection | None = None


def compile_request(params: Mapping[str, Any]) -> RequestExpressions:
    """Compile whichever expressions `params` (a request's parameters) carries, then reject
    names and values none of them used.

    Requests of one shape (the same expression strings and names, values of the same keys
    and types) share one compiled form: an identical request reuses it as it is, one with
    other values reuses it with its values put in (reuse.py). Only successful compiles are
    kept, so every error comes from a full compile, in DynamoDB's order."""
    shape = _shape(params)
    if shape is None:
        return _compile(params)[0]
    entry = _CACHE.get(shape)
    if entry is not None:
        reused = entry.reuse(params.get("ExpressionAttributeValues"))
        if reused is not None:
            return reused
    compiled, values = _compile(params)
    if item_size(values) <= MAX_CACHED_VALUES_SIZE:
        _CACHE.put(shape, _Entry(values, compiled))
    return compiled


_EXPRESSIONS = (
    "UpdateExpression",
    "ConditionExpression",
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
)
_COMPILERS: tuple[Callable[[str, ExpressionAttributes], Any], ...] = (
    compile_update,
    compile_condition,
    compile_key_condition,
    compile_filter,
    compile_projection,
)
MAX_CACHED_SHAPES = 512
MAX_CACHED_VALUES_SIZE = 16 * 1024  # bytes of ExpressionAttributeValues a cached entry may hold


def _compile(params: Mapping[str, Any]) -> tuple[RequestExpressions, dict[str, AttributeValue]]:
    attributes = ExpressionAttributes(
        params.get("ExpressionAttributeNames"), params.get("ExpressionAttributeValues")
    )
    update, condition, key_condition, filter_, projection = (
        (compile_(params[name], attributes) if params.get(name) is not None else None)
        for name, compile_ in zip(_EXPRESSIONS, _COMPILERS, strict=True)
    )
    attributes.check_unused()
    compiled = RequestExpressions(update, condition, key_condition, filter_, projection)
    return compiled, attributes.values


_Shape = tuple[tuple[Any, ...], Any, Any]


def _shape(params: Mapping[str, Any]) -> _Shape | None:
    """The cache key: expression strings, names, and each value's key and type keys; None
    for a request that cannot have one (a malformed member), which compiles uncached."""
    names = params.get("ExpressionAttributeNames")
    values = params.get("ExpressionAttributeValues")
    try:
        shape = (
            tuple(params.get(name) for name in _EXPRESSIONS),
            None if names is None else tuple(names.items()),
            None if values is None else tuple((key, tuple(value)) for key, value in values.items()),
        )
        hash(shape)
    except (TypeError, AttributeError):
        return None
    return shape


class _Entry:
    """One compiled request, and what its parts need to be reused with other values."""

    __slots__ = ("values", "types", "compiled", "uses")

    def __init__(self, values: dict[str, AttributeValue], compiled: RequestExpressions) -> None:
        self.values = values  # validated, as the compiled trees hold them
        self.types = {key: type_of(value) for key, value in values.items()}
        self.compiled = compiled
        # The value placeholders each part holds: a part none of whose values changed is reused.
        self.uses = (
            frozenset() if compiled.update is None else placeholders(compiled.update),
            frozenset() if compiled.condition is None else placeholders(compiled.condition),
            frozenset() if compiled.key_condition is None else placeholders(compiled.key_condition),
            frozenset() if compiled.filter is None else placeholders(compiled.filter),
        )

    def reuse(self, raw: Mapping[str, Any] | None) -> RequestExpressions | None:
        """The compiled form for a request of this shape with values `raw`, or None when it
        must be compiled in full. An invalid value raises as a full compile would: values
        equal to the ones compiled are valid, so the first invalid value is a changed one."""
        if raw is None:
            return self.compiled
        changed = {key: value for key, value in raw.items() if value != self.values[key]}
        if not changed:
            return self.compiled
        fresh = validate_values(changed)
        if any(type_of(value) != self.types[key] for key, value in fresh.items()):
            return None
        values = {**self.values, **fresh}
        compiled = self.compiled
        update_uses, condition_uses, key_uses, filter_uses = self.uses
        try:
            return RequestExpressions(
                update=(
                    compiled.update
                    if compiled.update is None or update_uses.isdisjoint(fresh)
                    else update_with(compiled.update, values)
                ),
                condition=(
                    compiled.condition
                    if compiled.condition is None or condition_uses.isdisjoint(fresh)
                    else condition_with(compiled.condition, values)
                ),
                key_condition=(
                    compiled.key_condition
                    if compiled.key_condition is None or key_uses.isdisjoint(fresh)
                    else key_condition_with(compiled.key_condition, values)
                ),
                filter=(
                    compiled.filter
                    if compiled.filter is None or filter_uses.isdisjoint(fresh)
                    else condition_with(compiled.filter, values)
                ),
                projection=compiled.projection,
            )
        except Stale:
            return None


_CACHE: LruCache[_Shape, _Entry] = LruCache(MAX_CACHED_SHAPES)


def clear_cache() -> None:
    _CACHE.clear()


def check_expression_parameters(params: Mapping[str, Any], operation: str) -> None:
    """Reject mixing expressions with their legacy parameters, and names or values given
    without an expression to use them."""
    expressions, legacy = OPERATION_PARAMETERS[operation]
    used = [name for name in expressions if params.get(name) is not None]
    if used:
        # Query may combine the legacy KeyConditions with expressions that are not a key condition.
        exempt = {"KeyConditions"} if params.get("KeyConditionExpression") is None else set()
        mixed = [name for name in legacy if params.get(name) is not None and name not in exempt]
        if mixed:
            raise validation_error(
                "Can not use both expression and non-expression parameters in the same request: "
                f"Non-expression parameters: {{{', '.join(mixed)}}} Expression parameters: {{{', '.join(used)}}}"
            )
    if params.get("ExpressionAttributeNames") is not None and not used:
        raise validation_error("ExpressionAttributeNames can only be specified when using expressions")
    with_values = [name for name in expressions if name != "ProjectionExpression"]
    if with_values and params.get("ExpressionAttributeValues") is not None:
        if all(params.get(name) is None for name in with_values):
            verb = "are" if len(with_values) > 1 else "is"
            raise validation_error(
                "ExpressionAttributeValues can only be specified when using expressions: "
                f"{' and '.join(with_values)} {verb} null"
            )
