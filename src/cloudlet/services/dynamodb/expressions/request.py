"""All the expressions of one request, compiled in the order DynamoDB validates them:
UpdateExpression, ConditionExpression, KeyConditionExpression, FilterExpression,
ProjectionExpression, then names no expression used, then values no expression used."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cloudlet.errors import validation_error
from cloudlet.services.dynamodb.expressions.attributes import ExpressionAttributes
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
    names and values none of them used."""
    attributes = ExpressionAttributes(
        params.get("ExpressionAttributeNames"), params.get("ExpressionAttributeValues")
    )
    compilers: tuple[tuple[str, Callable[[str, ExpressionAttributes], Any]], ...] = (
        ("UpdateExpression", compile_update),
        ("ConditionExpression", compile_condition),
        ("KeyConditionExpression", compile_key_condition),
        ("FilterExpression", compile_filter),
        ("ProjectionExpression", compile_projection),
    )
    compiled = {
        name: (compile_(params[name], attributes) if params.get(name) is not None else None)
        for name, compile_ in compilers
    }
    attributes.check_unused()
    return RequestExpressions(
        update=compiled["UpdateExpression"],
        condition=compiled["ConditionExpression"],
        key_condition=compiled["KeyConditionExpression"],
        filter=compiled["FilterExpression"],
        projection=compiled["ProjectionExpression"],
    )


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
