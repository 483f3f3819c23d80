"""Properties of the pattern engine over generated events."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cloudlet.patterns import compile_pattern

keys = st.text(alphabet="abcdefgh-_.", min_size=1, max_size=6).filter(lambda k: k != "$or")
scalars = st.one_of(
    st.text(max_size=8),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.none(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(keys, inner, min_size=1, max_size=3),
    ),
    max_leaves=12,
)
events = st.dictionaries(keys, values, min_size=1, max_size=4)


def own_values_pattern(event: dict[str, Any]) -> dict[str, Any] | None:
    """A pattern naming every leaf of the event with one of its own values (or exists:false
    where the event has no leaf), following objects and the first object of an array."""
    pattern: dict[str, Any] = {}
    for key, value in event.items():
        if isinstance(value, list):
            flat = _flatten(value)
            objects = [v for v in flat if isinstance(v, dict)]
            leaves = [v for v in flat if not isinstance(v, dict)]
            if leaves:
                pattern[key] = [leaves[-1]]
            elif objects:
                sub = own_values_pattern(objects[0])
                if sub:
                    pattern[key] = sub
            else:
                pattern[key] = [{"exists": False}]
        elif isinstance(value, dict):
            sub = own_values_pattern(value)
            if sub:
                pattern[key] = sub
        else:
            pattern[key] = [value]
    return pattern or None


def _flatten(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out


@settings(max_examples=200, deadline=None)
@given(events)
def test_a_pattern_built_from_an_event_matches_it(event: dict[str, Any]) -> None:
    pattern = own_values_pattern(event)
    if pattern is None:
        return
    assert compile_pattern(pattern).matches(event)
    # the same pattern as JSON text (numbers become Decimal) and an event that went through JSON
    assert compile_pattern(json.dumps(pattern)).matches(json.loads(json.dumps(event)))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=10), st.text(max_size=10))
def test_anything_but_is_the_complement_of_exact_for_a_scalar(value: str, other: str) -> None:
    exact = compile_pattern({"f": [other]})
    anything_but = compile_pattern({"f": [{"anything-but": other}]})
    assert exact.matches({"f": value}) != anything_but.matches({"f": value})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=5), min_size=1, max_size=5), st.data())
def test_wildcard_built_by_starring_parts_of_a_string_matches_it(
    parts: list[str], data: st.DataObject
) -> None:
    text = "".join(parts)
    stars = [data.draw(st.booleans()) for _ in parts]
    pattern = ""
    previous_starred = False
    for part, starred in zip(parts, stars, strict=True):
        if starred and not previous_starred:
            pattern += "*"
        elif not starred:
            pattern += part.replace("\\", "\\\\").replace("*", "\\*")
        if starred or part:  # an empty literal leaves two stars adjacent
            previous_starred = starred
    assert compile_pattern({"f": [{"wildcard": pattern}]}).matches({"f": text})


bounds = st.integers(min_value=-(10**9), max_value=10**9)


@settings(max_examples=200, deadline=None)
@given(bounds, bounds, st.integers(min_value=-(10**9) - 10, max_value=10**9 + 10))
def test_numeric_range_agrees_with_python_comparison(low: int, high: int, value: int) -> None:
    if low >= high:
        return
    pattern = compile_pattern({"n": [{"numeric": [">=", low, "<", high]}]})
    assert pattern.matches({"n": value}) == (low <= value < high)
    assert pattern.matches({"n": float(value)}) == (low <= value < high)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="aAbBßİ", max_size=6), st.text(alphabet="aAbBßİ", max_size=6))
def test_equals_ignore_case_agrees_with_lower(value: str, other: str) -> None:
    pattern = compile_pattern({"f": [{"equals-ignore-case": other}]})
    assert pattern.matches({"f": value}) == (value.lower() == other.lower())


wildcards = st.text(alphabet="ab*", max_size=7).filter(lambda w: "**" not in w)


@settings(max_examples=300, deadline=None)
@given(wildcards, st.text(alphabet="ab", max_size=8))
def test_wildcard_agrees_with_a_regex(wildcard: str, value: str) -> None:
    regex = "".join(".*" if c == "*" else re.escape(c) for c in wildcard)
    expected = re.fullmatch(regex, value) is not None
    assert compile_pattern({"f": [{"wildcard": wildcard}]}).matches({"f": value}) == expected
