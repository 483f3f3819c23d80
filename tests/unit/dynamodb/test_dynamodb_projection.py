"""Projection expressions: what comes back, and their errors (Expressions.ProjectionExpressions)."""

from __future__ import annotations

from typing import Any

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.dynamodb.expressions import ExpressionAttributes, compile_projection

ITEM: dict[str, Any] = {
    "a": {"S": "key"},
    "b": {"M": {"a": {"S": "a"}, "b": {"S": "b"}, "c": {"S": "c"}}},
    "c": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]},
    "d": {"L": [{"M": {"x": {"N": "1"}, "y": {"N": "2"}}}, {"L": [{"N": "3"}, {"N": "4"}]}]},
}


def project(expression: str, names: dict[str, str] | None = None) -> dict[str, Any]:
    return compile_projection(expression, ExpressionAttributes(names)).apply(ITEM)


def test_top_level_attributes() -> None:
    assert project("a, c") == {"a": ITEM["a"], "c": ITEM["c"]}
    assert project("absent") == {}


def test_nested_paths_keep_only_what_they_select() -> None:
    expected = {"b": {"M": {"b": {"S": "b"}, "c": {"S": "c"}}}, "c": {"L": [{"S": "b"}, {"S": "c"}]}}
    assert project("b.c,c[2],b.b,c[1],c[0].a") == expected
    assert project("#b.#c,#c[2],#b.#b,#c[1],#c[0][1]", {"#b": "b", "#c": "c"}) == expected


def test_lists_close_their_gaps_in_index_order() -> None:
    assert project("c[2], c[0], c[9]") == {"c": {"L": [{"S": "a"}, {"S": "c"}]}}
    assert project("d[0].y, d[1][1]") == {"d": {"L": [{"M": {"y": {"N": "2"}}}, {"L": [{"N": "4"}]}]}}


def test_projection_paths() -> None:
    projection = compile_projection("a, b.c, #x", ExpressionAttributes({"#x": "d"}))
    assert projection.paths == (("a",), ("b", "c"), ("d",))
    assert projection.attribute_names == {"a", "b", "d"}
    assert projection.nested_attribute_names == {"b"}


def error(expression: str, names: dict[str, str] | None = None) -> str:
    with pytest.raises(ServiceError) as caught:
        compile_projection(expression, ExpressionAttributes(names))
    prefix = "Invalid ProjectionExpression: "
    assert caught.value.message.startswith(prefix)
    return caught.value.message[len(prefix) :]


@pytest.mark.parametrize(
    ("expression", "token", "near"),
    [
        ("!!! INVALID !!!", "!", "!!"),
        ("whatever(stuff)", "(", "whatever(stuff"),
        (":a", ":a", ":a"),
        ("abort,", "<EOF>", ","),
        ("a,,b", ",", ",,b"),
        ("a..b", ".", "..b"),
        ("a[b]", "b", "[b]"),
        ("(a)", "(", "(a"),
        ("a-b", "-", "a-b"),
    ],
)
def test_syntax_errors(expression: str, token: str, near: str) -> None:
    assert error(expression) == f'Syntax error; token: "{token}", near: "{near}"'


def test_semantic_errors() -> None:
    assert error("") == "The expression can not be empty;"
    assert error("a.abORt") == "Attribute name is a reserved keyword; reserved keyword: abORt"
    assert error("#a,ABSoLUTE") == "Attribute name is a reserved keyword; reserved keyword: ABSoLUTE"
    assert error("a,b,a,#a") == (
        "An expression attribute name used in the document path is not defined; attribute name: #a"
    )
    overlap = "Two document paths overlap with each other; must remove or rewrite one of these paths; "
    assert error("b[1], b.a, #a.b, a", {"#a": "a"}) == overlap + "path one: [a, b], path two: [a]"
    assert error("a, #a[1]", {"#a": "a"}) == overlap + "path one: [a], path two: [a, [1]]"
    conflict = "Two document paths conflict with each other; must remove or rewrite one of these paths; "
    names = {"#a": "a", "#b": "[3]"}
    assert error("a.b, #a[1], #b", names) == conflict + "path one: [a, b], path two: [a, [1]]"
    assert error("a[3].b, #a.#b.b", names) == conflict + "path one: [a, [3], b], path two: [a, [3], b]"
