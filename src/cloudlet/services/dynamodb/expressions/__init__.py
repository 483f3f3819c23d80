"""DynamoDB's expression language: condition, filter, key-condition, projection and update
expressions, parsed (once per distinct string), checked and bound to a request's
ExpressionAttributeNames/Values, then evaluated against items in wire form.

A provider typically calls, per request:

    check_expression_parameters(params, "UpdateItem")   # expressions vs legacy parameters
    compiled = compile_request(params)                   # every expression + unused names/values
    compiled.condition.matches(existing or {})           # ConditionalCheckFailedException if False
    result = compiled.update.apply(existing or key)      # result.new, result.updated_old(), ...
    key_range = compiled.key_condition.for_schema("pk", "S", "sk", "N")
    compiled.filter.matches(item); compiled.projection.apply(item)

Every error is the ServiceError("ValidationException", ...) DynamoDB answers with."""

from cloudlet.services.dynamodb.expressions.attributes import ExpressionAttributes
from cloudlet.services.dynamodb.expressions.bound import Path
from cloudlet.services.dynamodb.expressions.compiler import (
    MAX_EXPRESSION_SIZE,
    CompiledCondition,
    Projection,
    Update,
    compile_condition,
    compile_filter,
    compile_key_condition,
    compile_projection,
    compile_update,
)
from cloudlet.services.dynamodb.expressions.key_conditions import Bound, KeyCondition, KeyRange, KeyTerm
from cloudlet.services.dynamodb.expressions.paths import get_path
from cloudlet.services.dynamodb.expressions.projection import project
from cloudlet.services.dynamodb.expressions.request import (
    OPERATION_PARAMETERS,
    RequestExpressions,
    check_expression_parameters,
    compile_request,
)
from cloudlet.services.dynamodb.expressions.reserved import is_reserved
from cloudlet.services.dynamodb.expressions.updates import UpdateResult

__all__ = [
    "MAX_EXPRESSION_SIZE",
    "OPERATION_PARAMETERS",
    "Bound",
    "CompiledCondition",
    "ExpressionAttributes",
    "KeyCondition",
    "KeyRange",
    "KeyTerm",
    "Path",
    "Projection",
    "RequestExpressions",
    "Update",
    "UpdateResult",
    "check_expression_parameters",
    "compile_condition",
    "compile_filter",
    "compile_key_condition",
    "compile_projection",
    "compile_request",
    "compile_update",
    "get_path",
    "is_reserved",
    "project",
]
