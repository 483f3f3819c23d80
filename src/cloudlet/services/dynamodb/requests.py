"""A request's expressions, from the expression parameters or their legacy equivalents,
compiled once by the expression engine and checked against the table's keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudlet.services.dynamodb import legacy
from cloudlet.services.dynamodb.errors import INVALID, validation
from cloudlet.services.dynamodb.expressions import (
    CompiledCondition,
    KeyCondition,
    Projection,
    Update,
    check_expression_parameters,
    compile_request,
)
from cloudlet.services.dynamodb.tables import Table


@dataclass(frozen=True, slots=True)
class Compiled:
    condition: CompiledCondition | None = None
    update: Update | None = None
    key: KeyCondition | None = None
    filter: CompiledCondition | None = None
    projection: Projection | None = None


_EXPRESSIONS = (
    "ConditionExpression",
    "UpdateExpression",
    "KeyConditionExpression",
    "FilterExpression",
    "ProjectionExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
)
_LEGACY = ("Expected", "AttributeUpdates", "KeyConditions", "QueryFilter", "ScanFilter", "AttributesToGet")
_ALL = frozenset(_EXPRESSIONS + _LEGACY)
_LEGACY_SET = frozenset(_LEGACY + ("ConditionalOperator",))


def compile_params(params: dict[str, Any], operation: str, table: Table | None = None) -> Compiled:
    """Every expression of `params` for `operation` (a key of the engine's OPERATION_PARAMETERS)."""
    if params.keys().isdisjoint(_ALL):  # the codec drops absent (null) members
        return Compiled()
    check_expression_parameters(params, operation)
    compiled = compile_request(params)
    if params.keys().isdisjoint(_LEGACY_SET):
        _check_update(compiled.update, table)
        return Compiled(
            compiled.condition, compiled.update, compiled.key_condition, compiled.filter, compiled.projection
        )
    update = compiled.update or legacy.attribute_updates(params.get("AttributeUpdates"))
    _check_update(update, table)
    key = compiled.key_condition
    if key is None and params.get("KeyConditions"):
        key = legacy.key_conditions(params["KeyConditions"])
    legacy_filter = params.get("QueryFilter") if operation == "Query" else params.get("ScanFilter")
    return Compiled(
        condition=compiled.condition or legacy.expected(params),
        update=update,
        key=key,
        filter=compiled.filter or legacy.filter_of(legacy_filter, params.get("ConditionalOperator")),
        projection=compiled.projection or legacy.attributes_to_get(params.get("AttributesToGet")),
    )


def _check_update(update: Update | None, table: Table | None) -> None:
    if update is not None and table is not None:
        for name in table.key_names:
            if name in update.attribute_names:
                raise validation(
                    f"{INVALID}Cannot update attribute {name}. This attribute is part of the key"
                )
