"""The condition engine against a deliberately naive reference model, on random items and
random condition trees rendered to expression strings (with random #name aliases, and
AND/OR/NOT chains left unparenthesized so the parser's precedence is exercised)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cloudlet.services.dynamodb.expressions import ExpressionAttributes, compile_condition

PATHS: list[tuple[Any, ...]] = [("a",), ("b",), ("c",), ("m", "x"), ("m", "y"), ("l", 0), ("l", 1)]
TYPE_NAMES = ["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"]

# -- random wire values and items -------------------------------------------------------

numbers = st.sampled_from(["0", "1", "-1", "2.5", "10", "-0.5", "100"])
strings = st.text(alphabet="aé😀", max_size=3)
binaries = st.binary(max_size=2)
scalars = st.one_of(
    numbers.map(lambda n: {"N": n}),
    strings.map(lambda s: {"S": s}),
    binaries.map(lambda b: {"B": b}),
    st.booleans().map(lambda b: {"BOOL": b}),
    st.just({"NULL": True}),
)
sets = st.one_of(
    st.sets(strings, min_size=1, max_size=3).map(lambda s: {"SS": sorted(s)}),
    st.sets(numbers, min_size=1, max_size=3).map(lambda s: {"NS": sorted(s)}),
    st.sets(binaries, min_size=1, max_size=3).map(lambda s: {"BS": sorted(s)}),
)
values = st.one_of(
    scalars,
    sets,
    st.lists(scalars, max_size=3).map(lambda items: {"L": items}),
    st.dictionaries(st.sampled_from(["x", "y"]), scalars, max_size=2).map(lambda m: {"M": m}),
)
items = st.fixed_dictionaries(
    {},
    optional={
        "a": values,
        "b": values,
        "c": values,
        "m": st.dictionaries(st.sampled_from(["x", "y"]), values, max_size=2).map(lambda m: {"M": m}),
        "l": st.lists(values, max_size=3).map(lambda items: {"L": items}),
    },
)

# -- random condition trees --------------------------------------------------------------

paths = st.sampled_from(PATHS)
operands = st.one_of(
    paths.map(lambda p: ("path", p)),
    paths.map(lambda p: ("size", p)),
    values.map(lambda v: ("value", v)),
)


@st.composite
def ordered_bounds(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    kind, element = draw(st.sampled_from([("N", numbers), ("S", strings), ("B", binaries)]))
    low, high = sorted((draw(element), draw(element)), key=lambda v: _sort_key(kind, v))
    return {kind: low}, {kind: high}


def _sort_key(kind: str, value: Any) -> Any:
    return Decimal(value) if kind == "N" else (value.encode() if kind == "S" else value)


@st.composite
def comparisons(draw: st.DrawFn) -> tuple[Any, ...]:
    left, right = draw(operands), draw(operands)
    if left == right and left[0] == "path":
        right = ("value", draw(values))  # identical paths are a validation error
    return ("compare", draw(st.sampled_from(["=", "<>", "<", "<=", ">", ">="])), left, right)


leaves = st.one_of(
    comparisons(),
    st.tuples(st.just("between"), st.one_of(operands.filter(lambda o: o[0] != "value")), ordered_bounds()),
    st.tuples(st.just("in"), operands, st.lists(values, min_size=1, max_size=3)),
    st.tuples(st.sampled_from(["attribute_exists", "attribute_not_exists"]), paths),
    st.tuples(st.just("attribute_type"), paths, st.sampled_from(TYPE_NAMES)),
    st.tuples(
        st.just("begins_with"),
        paths,
        st.one_of(strings.map(lambda s: {"S": s}), binaries.map(lambda b: {"B": b})),
    ),
    st.tuples(st.just("contains"), paths, values),
)
conditions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.tuples(st.just("not"), inner),
        st.tuples(
            st.just("chain"),
            st.lists(st.tuples(st.sampled_from(["AND", "OR"]), inner), min_size=2, max_size=4),
        ),
    ),
    max_leaves=8,
)

# -- the reference model: plain Python values, evaluated directly ------------------------


def ref(value: dict[str, Any] | None) -> tuple[str, Any] | None:
    if value is None:
        return None
    (kind, data), = value.items()  # fmt: skip
    if kind == "N":
        return kind, Decimal(data)
    if kind == "SS":
        return kind, frozenset(data)
    if kind == "NS":
        return kind, frozenset(Decimal(n) for n in data)
    if kind == "BS":
        return kind, frozenset(data)
    if kind == "L":
        return kind, tuple(ref(v) for v in data)
    if kind == "M":
        return kind, frozenset((k, ref(v)) for k, v in data.items())
    return kind, data


def lookup(item: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any] | None:
    current: Any = {"M": item}
    for step in path:
        if isinstance(step, int):
            elements = current.get("L") if current else None
            current = elements[step] if elements is not None and step < len(elements) else None
        else:
            members = current.get("M") if current else None
            current = members.get(step) if members is not None else None
    return current  # type: ignore[no-any-return]


def operand_value(item: dict[str, Any], operand: tuple[Any, ...]) -> tuple[str, Any] | None:
    if operand[0] == "value":
        return ref(operand[1])
    found = ref(lookup(item, operand[1]))
    if operand[0] == "path" or found is None:
        return found
    kind, data = found
    if kind == "S":
        return "N", Decimal(len(data.encode("utf-16-le")) // 2)
    if kind in ("B", "SS", "NS", "BS", "L", "M"):
        return "N", Decimal(len(data))
    return None


def ordered(a: tuple[str, Any] | None, b: tuple[str, Any] | None) -> int | None:
    if a is None or b is None or a[0] != b[0] or a[0] not in ("N", "S", "B"):
        return None
    x, y = (a[1].encode(), b[1].encode()) if a[0] == "S" else (a[1], b[1])
    return -1 if x < y else (1 if x > y else 0)


def reference(item: dict[str, Any], node: tuple[Any, ...]) -> bool:
    kind = node[0]
    if kind == "chain":
        groups: list[list[bool]] = [[reference(item, node[1][0][1])]]
        for connector, term in node[1][1:]:
            if connector == "OR":
                groups.append([])
            groups[-1].append(reference(item, term))
        return any(all(group) for group in groups)
    if kind == "not":
        return not reference(item, node[1])
    if kind == "compare":
        a, b = operand_value(item, node[2]), operand_value(item, node[3])
        if node[1] == "=":
            return a is not None and a == b
        if node[1] == "<>":
            return a is None or a != b
        order = ordered(a, b)
        return (
            order is not None
            and {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[node[1]]
        )
    if kind == "between":
        value = operand_value(item, node[1])
        low, high = ordered(value, ref(node[2][0])), ordered(value, ref(node[2][1]))
        return low is not None and high is not None and low >= 0 and high <= 0
    if kind == "in":
        value = operand_value(item, node[1])
        return value is not None and any(value == ref(option) for option in node[2])
    found = ref(lookup(item, node[1]))
    if kind == "attribute_exists":
        return found is not None
    if kind == "attribute_not_exists":
        return found is None
    if kind == "attribute_type":
        return found is not None and found[0] == node[2]
    operand = ref(node[2])
    assert operand is not None
    if found is None:
        return False
    if kind == "begins_with":
        return found[0] == operand[0] and found[1].startswith(operand[1])
    # contains
    if found[0] in ("S", "B"):
        return operand[0] == found[0] and operand[1] in found[1]
    if found[0] in ("SS", "NS", "BS"):
        return operand[0] == found[0][0] and operand[1] in found[1]
    if found[0] == "L":
        return operand in found[1]
    return False


# -- rendering trees to expression strings ------------------------------------------------


class Renderer:
    def __init__(self, aliases: list[bool]) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        self.aliases = aliases

    def value(self, value: dict[str, Any]) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value
        return placeholder

    def path(self, path: tuple[Any, ...]) -> str:
        text = ""
        for step in path:
            if isinstance(step, int):
                text += f"[{step}]"
                continue
            alias = self.aliases[len(self.names) % len(self.aliases)]
            if alias:
                placeholder = f"#n{len(self.names)}"
                self.names[placeholder] = step
                step = placeholder
            text += ("." if text else "") + step
        return text

    def operand(self, operand: tuple[Any, ...]) -> str:
        if operand[0] == "value":
            return self.value(operand[1])
        if operand[0] == "size":
            return f"size({self.path(operand[1])})"
        return self.path(operand[1])

    def render(self, node: tuple[Any, ...]) -> str:
        kind = node[0]
        if kind == "chain":
            parts = [self.grouped(node[1][0][1])]
            for connector, term in node[1][1:]:
                parts.append(f"{connector} {self.grouped(term)}")
            return " ".join(parts)
        if kind == "not":
            return f"NOT {self.grouped(node[1])}"
        if kind == "compare":
            return f"{self.operand(node[2])} {node[1]} {self.operand(node[3])}"
        if kind == "between":
            return f"{self.operand(node[1])} BETWEEN {self.value(node[2][0])} AND {self.value(node[2][1])}"
        if kind == "in":
            return f"{self.operand(node[1])} IN ({', '.join(self.value(v) for v in node[2])})"
        if kind in ("attribute_exists", "attribute_not_exists"):
            return f"{kind}({self.path(node[1])})"
        if kind == "attribute_type":
            return f"attribute_type({self.path(node[1])}, {self.value({'S': node[2]})})"
        return f"{kind}({self.path(node[1])}, {self.value(node[2])})"

    def grouped(self, node: tuple[Any, ...]) -> str:
        return f"({self.render(node)})" if node[0] == "chain" else self.render(node)


@settings(max_examples=400, deadline=None)
@given(conditions, st.lists(items, min_size=1, max_size=4), st.lists(st.booleans(), min_size=1, max_size=3))
def test_engine_agrees_with_the_reference_model(
    tree: tuple[Any, ...], sample: list[dict[str, Any]], aliases: list[bool]
) -> None:
    renderer = Renderer(aliases)
    expression = renderer.render(tree)
    condition = compile_condition(
        expression, ExpressionAttributes(renderer.names or None, renderer.values or None)
    )
    for item in sample:
        assert condition.matches(item) == reference(item, tree), (expression, item)
