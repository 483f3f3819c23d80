"""Event patterns: JSON text or dict -> a validated Pattern tree; Pattern.matches(event).

Semantics follow the EventBridge user guide ("Event patterns", "Content filtering", "Arrays
in event patterns", "Matching null values and empty strings"): fields AND, values in a
pattern array OR, an event array matches when any element matches, and a nested pattern
object must be satisfied by one single element of an array of objects."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cloudlet.patterns.dialects import EVENTBRIDGE, Dialect
from cloudlet.patterns.values import (
    AnythingBut,
    EqualsIgnoreCase,
    ExactAddress,
    ExactLiteral,
    ExactNumber,
    ExactString,
    Matcher,
    NumericRange,
    PatternError,
    Prefix,
    Suffix,
    as_number,
    compile_cidr,
    compile_wildcard,
    decimal_places,
    parse_address,
)

OR = "$or"
_MISSING = object()


@dataclass(frozen=True)
class Field:
    """One leaf field: matches when any leaf value under `name` matches any matcher."""

    name: str
    matchers: tuple[Matcher, ...]
    exists: bool  # an {"exists": true} is among the alternatives
    absent: bool  # an {"exists": false} is among the alternatives

    def matches(self, obj: Mapping[str, Any]) -> bool:
        values = list(leaf_values(obj.get(self.name, _MISSING)))
        if not values:
            return self.absent
        if self.exists:
            return True
        return any(matcher.matches(value) for value in values for matcher in self.matchers)


@dataclass(frozen=True)
class Node:
    """A pattern object: every field, every nested object and one branch of every $or."""

    fields: tuple[Field, ...] = ()
    children: tuple[tuple[str, Node], ...] = ()
    alternatives: tuple[tuple[Node, ...], ...] = ()

    def matches(self, obj: Mapping[str, Any]) -> bool:
        return (
            all(f.matches(obj) for f in self.fields)
            and all(
                any(child.matches(o) for o in objects_at(obj.get(name, _MISSING)))
                for name, child in self.children
            )
            and all(any(branch.matches(obj) for branch in group) for group in self.alternatives)
        )


@dataclass(frozen=True)
class Pattern:
    root: Node
    source: dict[str, Any] = field(compare=False)
    dialect: Dialect = EVENTBRIDGE

    def matches(self, event: Mapping[str, Any]) -> bool:
        return self.root.matches(event)

    def matches_json(self, event: str | bytes) -> bool:
        """Match JSON text, reading numbers as Decimal so none loses digits on the way; text
        that is not a JSON object matches nothing."""
        try:
            parsed = json.loads(event, parse_float=Decimal)
        except (ValueError, TypeError):
            return False
        return isinstance(parsed, Mapping) and self.root.matches(parsed)


def leaf_values(value: Any) -> Iterator[Any]:
    """The leaves of an event field: the value itself, or the scalars of an array (nested
    arrays flattened). Objects are not leaves, so an object-valued field counts as absent."""
    if value is _MISSING or isinstance(value, Mapping):
        return
    if isinstance(value, list):
        for item in value:
            yield from leaf_values(item)
        return
    yield value


def objects_at(value: Any) -> list[Mapping[str, Any]]:
    """The objects a nested pattern is tried against: the object, or each object in an array.
    When there is none the nested fields are all absent, which {"exists": false} matches."""
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        found = [item for item in _flatten(value) if isinstance(item, Mapping)]
        if found:
            return found
    return [{}]


def _flatten(items: list[Any]) -> Iterator[Any]:
    for item in items:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def parse_json(text: str | bytes) -> Any:
    try:
        return json.loads(text, parse_float=Decimal)
    except (ValueError, TypeError) as exc:  # JSONDecodeError, UnicodeDecodeError
        raise PatternError(f"Filter is not valid JSON: {exc}") from None


def compile_pattern(pattern: str | bytes | Mapping[str, Any], dialect: Dialect = EVENTBRIDGE) -> Pattern:
    """Validate and compile an event pattern; raises PatternError with AWS's reason."""
    source = parse_json(pattern) if isinstance(pattern, str | bytes) else pattern
    if not isinstance(source, Mapping):
        raise PatternError("Filter is not an object")
    root = _Compiler(dialect).node(source, inside_or=False)
    return Pattern(root, dict(source), dialect)


# event-ruler's RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP: operator names, including ones
# reserved for future use, may not be field names inside an $or branch.
_RESERVED_IN_OR = frozenset(
    {
        *("exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard"),
        *("numeric", "cidr", "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case"),
        *("date-after", "date-on-or-after", "date-before", "date-on-or-before", "in-date-range"),
        *("ip-address-in-range", "ip-address-not-in-range"),
    }
)


class _Compiler:
    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    def node(self, obj: Mapping[str, Any], inside_or: bool) -> Node:
        if not obj:
            raise PatternError("Empty objects are not allowed")
        fields: list[Field] = []
        children: list[tuple[str, Node]] = []
        alternatives: list[tuple[Node, ...]] = []
        for name, value in obj.items():
            if name == OR:
                alternatives.append(self.alternatives(value))
                continue
            if inside_or and name in _RESERVED_IN_OR:
                raise PatternError(f"{name} is Ruler reserved fieldName which cannot be used inside {OR}.")
            if isinstance(value, Mapping):
                if not self.dialect.nested:
                    raise PatternError(
                        "Filter policy scope MessageAttributes does not support nested filter policy"
                    )
                children.append((name, self.node(value, inside_or)))
            elif isinstance(value, list):
                fields.append(self.field(name, value))
            else:
                raise PatternError(f'"{name}" must be an object or an array')
        return Node(tuple(fields), tuple(children), tuple(alternatives))

    def alternatives(self, value: Any) -> tuple[Node, ...]:
        if not isinstance(value, list):
            raise PatternError(f"It must be an Array followed with {OR}.")
        branches: list[Node] = []
        for item in value:
            if not isinstance(item, Mapping):
                raise PatternError(f"Only JSON object is allowed in array of {OR} relationship.")
            branches.append(self.node(item, inside_or=True))
        if len(branches) < 2:
            raise PatternError(f"There must have at least 2 Objects in {OR} relationship.")
        return tuple(branches)

    def field(self, name: str, values: list[Any]) -> Field:
        if not values:
            raise PatternError("Empty arrays are not allowed")
        matchers: list[Matcher] = []
        exists = absent = False
        for value in values:
            if isinstance(value, Mapping):
                if set(value) == {"exists"}:
                    flag = self.exists(value["exists"])
                    exists, absent = exists or flag, absent or not flag
                else:
                    matchers.append(self.expression(value))
            else:
                matchers.append(self.literal(value))
        return Field(name, tuple(matchers), exists, absent)

    def literal(self, value: Any) -> Matcher:
        if value is None or isinstance(value, bool):
            return ExactLiteral(value)
        if isinstance(value, str):
            address = parse_address(value)
            return ExactString(value) if address is None else ExactAddress(address)
        number = as_number(value)
        if number is None:
            raise PatternError("Match value must be String, number, true, false, or null")
        return ExactNumber(number)

    def expression(self, expr: Mapping[str, Any]) -> Matcher:
        if not expr:
            raise PatternError("Match expression name not found")
        op, arg = next(iter(expr.items()))
        if op not in self.dialect.operators:
            raise PatternError(f"Unrecognized match type {op}")
        if len(expr) > 1:
            # event-ruler reports the numeric wording for both of these
            if op in ("numeric", "anything-but"):
                raise PatternError("Too many elements in numeric expression")
            raise PatternError("Only one key allowed in match expression")
        if op in ("prefix", "suffix"):
            text, ignore_case = self.affix(op, arg)
            return Prefix(text, ignore_case) if op == "prefix" else Suffix(text, ignore_case)
        if op == "equals-ignore-case":
            return EqualsIgnoreCase(frozenset({self.string(op, arg).lower()}))
        if op == "wildcard":
            return compile_wildcard(self.string(op, arg))
        if op == "cidr":
            return compile_cidr(self.string(op, arg))
        if op == "numeric":
            return self.numeric(arg)
        if op == "anything-but":
            return self.anything_but(arg)
        raise PatternError("exists match pattern must be either true or false.")  # {"exists": x, ...}

    @staticmethod
    def string(op: str, arg: Any) -> str:
        if not isinstance(arg, str):
            raise PatternError(f"{op} match pattern must be a string")
        return arg

    def affix(self, op: str, arg: Any) -> tuple[str, bool]:
        # {"prefix": {"equals-ignore-case": "EventB"}} (EventBridge user guide, "Prefix matching
        # while ignoring case"; the same for suffix)
        if isinstance(arg, Mapping) and set(arg) == {"equals-ignore-case"}:
            return self.string("equals-ignore-case", arg["equals-ignore-case"]), True
        return self.string(op, arg), False

    @staticmethod
    def exists(arg: Any) -> bool:
        if not isinstance(arg, bool):
            raise PatternError("exists match pattern must be either true or false.")
        return arg

    def number(self, op: str, arg: Any) -> Decimal:
        number = as_number(arg)
        if number is None:
            raise PatternError(f"Value of {op} must be numeric")
        if not self.dialect.numeric_min <= number <= self.dialect.numeric_max:
            raise PatternError(self.dialect.range_message())
        if decimal_places(number) > self.dialect.decimal_places:
            raise PatternError(self.dialect.precision_message())
        return number

    def numeric(self, arg: Any) -> NumericRange:
        if not isinstance(arg, list):
            raise PatternError("Value of numeric must be an array.")
        terms = list(arg)
        if not terms or not isinstance(terms[0], str):
            raise PatternError(f"Invalid member in numeric match: {_text(terms[0] if terms else ']')}")
        op = terms[0]
        if op not in ("=", "<", "<=", ">", ">="):
            raise PatternError(f"Unrecognized numeric range operator: {op}")
        value = self.number("equals" if op == "=" else op, terms[1] if len(terms) > 1 else None)
        if op == "=":
            if len(terms) > 2:
                raise PatternError("Too many elements in numeric expression")
            return NumericRange(value, False, value, False, self.dialect)
        if op in ("<", "<="):
            if len(terms) > 2:
                raise PatternError("Too many elements in numeric expression")
            return NumericRange(None, False, value, op == "<", self.dialect)
        if len(terms) == 2:
            return NumericRange(value, op == ">", None, False, self.dialect)
        upper_op = terms[2]
        if not isinstance(upper_op, str):
            raise PatternError(f"Bad value in numeric range: {_text(upper_op)}")
        if upper_op not in ("<", "<="):
            raise PatternError(f"Bad numeric range operator: {upper_op}")
        upper = self.number(upper_op, terms[3] if len(terms) > 3 else None)
        if len(terms) > 4:
            raise PatternError("Too many terms in numeric range expression")
        if upper <= value:
            raise PatternError("Bottom must be less than top")
        return NumericRange(value, op == ">", upper, upper_op == "<", self.dialect)

    def anything_but(self, arg: Any) -> AnythingBut:
        if isinstance(arg, Mapping):
            return self.anything_but_expression(arg)
        if isinstance(arg, str | int | float | Decimal) and not isinstance(arg, bool):
            return AnythingBut((self.excluded(arg),))
        if not isinstance(arg, list):
            raise PatternError("Value of anything-but must be an array or single string/number value.")
        excluded: list[Matcher] = []
        for item in arg:
            if item is None or isinstance(item, bool | list | Mapping):
                raise PatternError("Inside anything but list, start|null|boolean is not supported.")
            excluded.append(self.excluded(item))
        kinds = {isinstance(item, str) for item in arg}
        if len(kinds) != 1:
            raise PatternError(
                "Inside anything but list, either all values are number or string, mixed type is not supported"
            )
        return AnythingBut(tuple(excluded))

    def excluded(self, value: str | int | float | Decimal) -> Matcher:
        # anything-but numbers go through event-ruler's ComparableNumber, so they share the
        # numeric range and precision limits
        if isinstance(value, str):
            return self.literal(value)
        return ExactNumber(self.number("anything-but", value))

    def anything_but_expression(self, expr: Mapping[str, Any]) -> AnythingBut:
        if not expr:
            raise PatternError("Anything-But expression name not found")
        if len(expr) > 1:
            raise PatternError("Only one key allowed in match expression")
        op, arg = next(iter(expr.items()))
        if op in ("prefix", "suffix"):
            if not isinstance(arg, str):
                raise PatternError("prefix/suffix match pattern must be a string")
            if not arg:
                raise PatternError("Null prefix/suffix not allowed")
            return AnythingBut((Prefix(arg) if op == "prefix" else Suffix(arg),))
        if op == "wildcard" and op in self.dialect.operators:
            return AnythingBut((compile_wildcard(self.string(op, arg)),))
        if op == "equals-ignore-case":
            texts = arg if isinstance(arg, list) else [arg]
            if not texts or not all(isinstance(t, str) for t in texts):
                raise PatternError(
                    "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."
                )
            return AnythingBut((EqualsIgnoreCase(frozenset(t.lower() for t in texts)),))
        raise PatternError(f"Unsupported anything-but pattern: {op}")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)
