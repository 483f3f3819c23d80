"""SNS subscription filter policies on top of the event-pattern engine.

MessageAttributes scope (the default) matches a flat policy against the message attributes,
read by their Type; MessageBody scope matches a (possibly nested) policy against the JSON body,
like an event pattern. SNS developer guide: "Amazon SNS subscription filter policies",
"Filter policy constraints"."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from cloudlet.patterns.compiler import OR, Pattern, compile_pattern, parse_json
from cloudlet.patterns.dialects import SNS_ATTRIBUTES, SNS_BODY
from cloudlet.patterns.values import PatternError

Scope = Literal["MessageAttributes", "MessageBody"]


@dataclass(frozen=True)
class FilterPolicy:
    pattern: Pattern
    scope: Scope

    def matches(self, message: str, attributes: Mapping[str, Mapping[str, Any]] | None) -> bool:
        if self.scope == "MessageBody":
            return self.matches_body(message)
        return self.matches_attributes(attributes or {})

    def matches_attributes(self, attributes: Mapping[str, Mapping[str, Any]]) -> bool:
        """`attributes`: {"Name": {"Type": "String"|"Number"|"String.Array"|"Binary", "Value": ...}},
        as in the SNS notification JSON; "DataType"/"StringValue" (the Publish shape) work too."""
        return self.pattern.matches(attribute_values(attributes))

    def matches_body(self, body: str | Mapping[str, Any]) -> bool:
        # a body that isn't a JSON object matches no MessageBody policy
        return self.pattern.matches_json(body) if isinstance(body, str) else self.pattern.matches(body)


def compile_filter_policy(
    policy: str | bytes | Mapping[str, Any], scope: Scope = "MessageAttributes"
) -> FilterPolicy:
    """Validate and compile a filter policy; raises PatternError (SNS: InvalidParameter,
    "Invalid parameter: FilterPolicy: <reason>")."""
    source = parse_json(policy) if isinstance(policy, str | bytes) else policy
    if not isinstance(source, Mapping):
        raise PatternError("Filter is not an object")
    dialect = SNS_BODY if scope == "MessageBody" else SNS_ATTRIBUTES
    pattern = compile_pattern(source, dialect)
    if dialect.max_keys is not None and len([k for k in source if k != OR]) > dialect.max_keys:
        raise PatternError(f"Filter policy can not have more than {dialect.max_keys} keys")
    if dialect.max_combinations is not None and combinations(source) > dialect.max_combinations:
        raise PatternError("Filter policy is too complex")
    return FilterPolicy(pattern, scope)


def combinations(policy: Mapping[str, Any]) -> int:
    """SNS's complexity measure, summed over the branches an $or expands to: the product, over
    every leaf array, of its number of values times its nesting depth ("Filter policy
    constraints": values 4, 3, 3 at depths 3, 2, 1 give 3x4 x 2x3 x 1x3 = 216)."""
    return sum(_product(branch) for branch in _branches(policy, 1))


def _branches(policy: Mapping[str, Any], depth: int) -> list[list[int]]:
    """Each alternative the policy expands to, as its list of (values x depth) factors."""
    branches: list[list[int]] = [[]]
    for key, value in policy.items():
        if key == OR and isinstance(value, list):
            options = [b for item in value if isinstance(item, Mapping) for b in _branches(item, depth)]
        elif isinstance(value, Mapping):
            options = _branches(value, depth + 1)
        elif isinstance(value, list):
            options = [[len(value) * depth]]
        else:
            continue
        branches = [mine + theirs for mine in branches for theirs in options]
    return branches


def _product(factors: list[int]) -> int:
    result = 1
    for factor in factors:
        result *= factor
    return result


def attribute_values(attributes: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Message attributes as the flat event a policy is matched against. SNS compares only
    String, String.Array and Number attributes ("Filter policy constraints"); Binary ones are
    left out. Custom type labels ("Number.float", "String.custom") keep their base type; the
    guide's examples also use a "Number.Array" type, read like String.Array."""
    event: dict[str, Any] = {}
    for name, attribute in attributes.items():
        kind = str(attribute.get("Type", attribute.get("DataType", "String")))
        value = attribute.get("Value", attribute.get("StringValue"))
        base = kind.split(".", 1)[0]
        if base == "Binary" or value is None:
            continue
        if kind in ("String.Array", "Number.Array"):
            event[name] = _array(value)
        elif base == "Number":
            event[name] = _number(value)
        else:
            event[name] = str(value)
    return event


def _array(value: Any) -> Any:
    if isinstance(value, list):
        return value
    try:
        parsed = json.loads(str(value), parse_float=Decimal)
    except ValueError:
        return str(value)
    return parsed if isinstance(parsed, list) else str(value)


def _number(value: Any) -> Any:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return str(value)
    return number if number.is_finite() else str(value)
