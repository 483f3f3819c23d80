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

Every error is the ServiceError("ValidationException", ...) DynamoDB answers with.

The bound forms (Condition, Action and their nodes) are exported too, for code that builds
conditions and updates from other sources (the legacy parameters, PartiQL) and compiles
them with compile_predicate / analyze_key_condition. A compiled request is cached per
shape, so a repeated request skips binding (request.py, reuse.py)."""

from cloudlet.services.dynamodb.expressions.attributes import ExpressionAttributes
from cloudlet.services.dynamodb.expressions.bound import (
    Action,
    And,
    Arithmetic,
    Between,
    Compare,
    Condition,
    Function,
    IfNotExists,
    In,
    ListAppend,
    Literal,
    Not,
    Operand,
    Or,
    Path,
    PathRef,
    Size,
    UpdateOperand,
    condition_paths,
)
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
from cloudlet.services.dynamodb.expressions.evaluation import Predicate, compile_predicate
from cloudlet.services.dynamodb.expressions.key_conditions import (
    Bound,
    KeyCondition,
    KeyRange,
    KeyTerm,
    analyze_key_condition,
)
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
    "Action",
    "And",
    "Arithmetic",
    "Between",
    "Bound",
    "Compare",
    "CompiledCondition",
    "Condition",
    "ExpressionAttributes",
    "Function",
    "IfNotExists",
    "In",
    "KeyCondition",
    "KeyRange",
    "KeyTerm",
    "ListAppend",
    "Literal",
    "Not",
    "Operand",
    "Or",
    "Path",
    "PathRef",
    "Predicate",
    "Projection",
    "RequestExpressions",
    "Size",
    "Update",
    "UpdateOperand",
    "UpdateResult",
    "analyze_key_condition",
    "check_expression_parameters",
    "compile_condition",
    "compile_filter",
    "compile_key_condition",
    "compile_predicate",
    "compile_projection",
    "compile_request",
    "compile_update",
    "condition_paths",
    "get_path",
    "is_reserved",
    "project",
]
