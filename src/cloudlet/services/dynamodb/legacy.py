"""The legacy (pre-expression) parameters, translated into the expression engine's bound
forms: Expected and QueryFilter/ScanFilter into conditions, KeyConditions into a key
condition, AttributeUpdates into update actions, AttributesToGet into a projection.
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.html"""

from __future__ import annotations

from typing import Any

from cloudlet.services.dynamodb.errors import INVALID, validation
from cloudlet.services.dynamodb.expressions import (
    Action,
    And,
    Between,
    Compare,
    CompiledCondition,
    Condition,
    Function,
    IfNotExists,
    In,
    KeyCondition,
    ListAppend,
    Literal,
    Not,
    Or,
    PathRef,
    Projection,
    Update,
    analyze_key_condition,
    compile_predicate,
    condition_paths,
)
from cloudlet.services.dynamodb.values import type_of, validate_value

_COMPARE = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}
_ARGUMENTS = {
    "EQ": 1, "NE": 1, "LE": 1, "LT": 1, "GE": 1, "GT": 1, "CONTAINS": 1, "NOT_CONTAINS": 1,
    "BEGINS_WITH": 1, "NOT_NULL": 0, "NULL": 0, "BETWEEN": 2,
}  # fmt: skip
_KEY_OPERATORS = ("EQ", "LE", "LT", "GE", "GT", "BEGINS_WITH", "BETWEEN")


def _compiled(tree: Condition) -> CompiledCondition:
    return CompiledCondition(tree, tuple(condition_paths(tree)), compile_predicate(tree))


def _join(terms: list[Condition], operator: Any) -> Condition:
    if operator not in (None, "AND", "OR"):
        raise validation(
            f"1 validation error detected: Value '{operator}' at 'conditionalOperator' failed to satisfy "
            "constraint: Member must satisfy enum value set: [OR, AND]"
        )
    if len(terms) == 1:
        return terms[0]
    return Or(tuple(terms)) if operator == "OR" else And(tuple(terms))


def _comparison(name: str, operator: Any, values: list[Any]) -> Condition:
    if operator not in _ARGUMENTS and operator != "IN":
        raise validation(
            f"1 validation error detected: Value '{operator}' at 'comparisonOperator' failed to satisfy constraint: "
            "Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, "
            "BEGINS_WITH, GE, CONTAINS]"
        )
    wanted = _ARGUMENTS.get(operator)
    if (wanted is None and not values) or (wanted is not None and len(values) != wanted):
        raise validation(f"{INVALID}Invalid number of argument(s) for the {operator} ComparisonOperator")
    path = PathRef((name,))
    literals = [Literal(validate_value(v)) for v in values]
    if operator in _COMPARE:
        return Compare(_COMPARE[operator], path, literals[0])
    if operator == "NOT_NULL":
        return Function("attribute_exists", (path,))
    if operator == "NULL":
        return Function("attribute_not_exists", (path,))
    if operator == "CONTAINS":
        return Function("contains", (path, literals[0]))
    if operator == "NOT_CONTAINS":
        return Not(Function("contains", (path, literals[0])))
    if operator == "BEGINS_WITH":
        return Function("begins_with", (path, literals[0]))
    if operator == "BETWEEN":
        return Between(path, literals[0], literals[1])
    return In(path, tuple(literals))


def expected(params: dict[str, Any]) -> CompiledCondition | None:
    """Expected + ConditionalOperator (PutItem, UpdateItem, DeleteItem)."""
    spec = params.get("Expected")
    if not spec:
        return None
    terms: list[Condition] = []
    for name, condition in spec.items():
        if "ComparisonOperator" in condition:
            if "Exists" in condition:
                raise validation(
                    f"{INVALID}Exists and ComparisonOperator cannot be used together for Attribute: {name}"
                )
            if "AttributeValueList" in condition and "Value" in condition:
                raise validation(
                    f"{INVALID}Value and AttributeValueList cannot be used together for Attribute: {name}"
                )
            values = condition.get("AttributeValueList") or (
                [condition["Value"]] if "Value" in condition else []
            )
            terms.append(_comparison(name, condition["ComparisonOperator"], values))
            continue
        if "AttributeValueList" in condition:
            raise validation(
                f"{INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: {name}"
            )
        exists = condition.get("Exists", True)
        if exists:
            if "Value" not in condition:
                shown = "null" if "Exists" not in condition else "true"
                raise validation(
                    f"{INVALID}Value must be provided when Exists is {shown} for Attribute: {name}"
                )
            terms.append(Compare("=", PathRef((name,)), Literal(validate_value(condition["Value"]))))
        else:
            if "Value" in condition:
                raise validation(f"{INVALID}Value cannot be used when Exists is false for Attribute: {name}")
            terms.append(Function("attribute_not_exists", (PathRef((name,)),)))
    return _compiled(_join(terms, params.get("ConditionalOperator")))


def filter_of(spec: dict[str, Any] | None, operator: Any) -> CompiledCondition | None:
    """QueryFilter / ScanFilter + ConditionalOperator."""
    if not spec:
        return None
    terms = [
        _comparison(name, condition.get("ComparisonOperator"), condition.get("AttributeValueList") or [])
        for name, condition in spec.items()
    ]
    return _compiled(_join(terms, operator))


def key_conditions(spec: dict[str, Any]) -> KeyCondition:
    terms: list[Condition] = []
    for name, condition in spec.items():
        operator = condition.get("ComparisonOperator")
        if operator not in _KEY_OPERATORS:
            raise validation("Attempted conditional constraint is not an indexable operation")
        terms.append(_comparison(name, operator, condition.get("AttributeValueList") or []))
    return analyze_key_condition(_join(terms, "AND"))


def attributes_to_get(names: list[str] | None) -> Projection | None:
    if names is None:
        return None
    if len(set(names)) != len(names):
        duplicate = next(n for n in names if names.count(n) > 1)
        raise validation(f"{INVALID}Duplicate value in attribute name: {duplicate}")
    return Projection(tuple((name,) for name in names))


def attribute_updates(spec: dict[str, Any] | None) -> Update | None:
    if not spec:
        return None
    actions = []
    for name, update in spec.items():
        action = update.get("Action") or "PUT"
        value = update.get("Value")
        path = (name,)
        if action == "PUT":
            if value is None:
                raise validation(
                    f"{INVALID}Only DELETE action is allowed when no attribute value is specified"
                )
            actions.append(Action("SET", path, Literal(validate_value(value))))
        elif action == "DELETE":
            if value is None:
                actions.append(Action("REMOVE", path))
            else:
                actions.append(Action("DELETE", path, Literal(validate_value(value))))
        elif action == "ADD":
            if value is None:
                raise validation(
                    f"{INVALID}Only DELETE action is allowed when no attribute value is specified"
                )
            checked = validate_value(value)
            if type_of(checked) == "L":
                # Legacy ADD appends to a list (the expression ADD has no list form).
                empty = Literal({"L": []})
                actions.append(Action("SET", path, ListAppend(IfNotExists(path, empty), Literal(checked))))
            else:
                actions.append(Action("ADD", path, Literal(checked)))
        else:
            raise validation(
                f"1 validation error detected: Value '{action}' at 'attributeUpdates.{name}.member.action' failed "
                "to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]"
            )
    return Update(tuple(actions))
