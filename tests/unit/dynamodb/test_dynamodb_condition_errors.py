"""Condition, filter and key-condition errors: wording and which one DynamoDB reports first."""

from __future__ import annotations

from typing import Any

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.dynamodb.expressions import ExpressionAttributes, compile_condition, compile_filter


def error(expression: str, values: dict[str, Any] | None = None, names: dict[str, str] | None = None) -> str:
    with pytest.raises(ServiceError) as caught:
        compile_filter(expression, ExpressionAttributes(names, values))
    assert caught.value.code == "ValidationException"
    assert caught.value.status == 400
    prefix = "Invalid FilterExpression: "
    assert caught.value.message.startswith(prefix)
    return caught.value.message[len(prefix) :]


@pytest.mark.parametrize(
    ("expression", "token", "near"),
    [
        ("things are not gonna be ok", "are", "things are not"),
        ("a > 4", "4", "> 4"),
        ("a in b", "b", "in b"),
        ("a in (b,c,)", ")", ",)"),
        ("a = b c", "c", "b c"),
        ("a =", "<EOF>", "="),
        ("a = :v AND", "<EOF>", "AND"),
        ("attribute_exists(Pictures-RearView)", "-", "Pictures-RearView"),
        ('attribute_exists("Pictures.RearView")', '"', '("Pictures'),
        ("attribute_exists(Pictures..RearView)", ".", "..RearView"),
        ("attribute_exists(asdf[a])", "a", "[a]"),
        ("#$.b > a", "#", "#$"),
        ("ü > a", "ü", "ü >"),
        ("size(a).b > a", ".", ").b"),
        ("(size(a))[0] > a", "[", ")[0"),
        ("a > :things.stuff", ".", ":things.stuff"),
        ("a = and", "and", "= and"),
        ("(a)between(b.(c.d))and(c)", "(", ".(c"),
    ],
)
def test_syntax_errors_name_the_token_and_its_neighbours(expression: str, token: str, near: str) -> None:
    assert error(expression) == f'Syntax error; token: "{token}", near: "{near}"'


@pytest.mark.parametrize("expression", ["", "   "])
def test_empty_expressions(expression: str) -> None:
    assert error(expression) == "The expression can not be empty;"


def test_expression_size_limit() -> None:
    expression = "a = :v OR " * 409 + "a = :v"  # 4096 bytes exactly
    assert len(expression) == 4096
    compile_filter(expression, ExpressionAttributes(None, {":v": {"N": "1"}}))
    assert (
        error(expression + " ")
        == "Expression size has exceeded the maximum allowed size; expression size: 4097"
    )


@pytest.mark.parametrize(
    "expression",
    [
        "a=a and a > ((views))",
        "(a)between(((b.c)).d)and(c)",
        "a > whatever((:things), ((a)))",
        "a=a AND ((a=a AND a=a)) AND a=a",
        "a=a OR ((a=a OR (a=a OR a=a)))",
        "NOT ((a = b))",
    ],
)
def test_redundant_parentheses(expression: str) -> None:
    assert error(expression) == "The expression has redundant parentheses;"


def test_single_parentheses_and_call_parentheses_are_not_redundant() -> None:
    attributes = ExpressionAttributes(None, {":v": {"N": "1"}})
    compile_condition("((a = :v) OR (b = :v)) AND size((c)) > :v AND a IN ((b), :v)", attributes)


@pytest.mark.parametrize(
    ("expression", "function"),
    [("a=a and whatever((:things)) > a", "whatever"), ("attRIbute_exIsts((views), #a)", "attRIbute_exIsts")],
)
def test_unknown_functions(expression: str, function: str) -> None:
    assert error(expression) == f"Invalid function name; function: {function}"


@pytest.mark.parametrize(
    ("expression", "function"),
    [
        ("a=a and attribute_exists((views), (#a)) > b", "attribute_exists"),
        ("attribute_not_exists(things) > b", "attribute_not_exists"),
        ("attribute_type(things, :a) > b", "attribute_type"),
        ("begins_with(things, a) > b", "begins_with"),
        ("contains(:things, c) > b", "contains"),
        ("size(contains(a, b)) > a", "contains"),
        ("size(things)", "size"),
        ("a between b and attribute_exists(things)", "attribute_exists"),
        ("a in (b, attribute_exists(things))", "attribute_exists"),
    ],
)
def test_functions_used_where_they_are_not_allowed(expression: str, function: str) -> None:
    assert error(expression) == (
        f"The function is not allowed to be used this way in an expression; function: {function}"
    )


@pytest.mark.parametrize(
    ("expression", "word"), [("attribute_exists(views, #a)", "views"), (":a < abOrT", "abOrT")]
)
def test_reserved_words_come_before_per_condition_checks(expression: str, word: str) -> None:
    assert error(expression) == f"Attribute name is a reserved keyword; reserved keyword: {word}"


@pytest.mark.parametrize(
    ("expression", "name"),
    [
        ("attribute_exists(#Pictures.RearView, :a) and a=a", "#Pictures"),
        ("begins_with(Pictures.#RearView)", "#RearView"),
        ("(#P between :lo and :hi) and (#PC in (:cat1, :cat2))", "#P"),
        ("#4g > a", "#4g"),
        ("(a)between(b.c[45].#d)and(:a)", "#d"),
    ],
)
def test_undefined_names(expression: str, name: str) -> None:
    assert error(expression) == (
        f"An expression attribute name used in the document path is not defined; attribute name: {name}"
    )


@pytest.mark.parametrize(
    ("expression", "value"), [("begins_with(:hello, #a, #b)", ":hello"), (":a < :b", ":a")]
)
def test_undefined_values(expression: str, value: str) -> None:
    assert error(expression) == (
        f"An expression attribute value used in expression is not defined; attribute value: {value}"
    )


@pytest.mark.parametrize(
    ("expression", "function", "count"),
    [
        ("attribute_exists(things, a) and a=a", "attribute_exists", 2),
        ("attribute_type(things)", "attribute_type", 1),
        ("begins_with(things, size(a), b)", "begins_with", 3),
        ("contains(things)", "contains", 1),
        ("size(things, a) > b", "size", 2),
    ],
)
def test_operand_counts(expression: str, function: str, count: int) -> None:
    assert error(expression) == (
        "Incorrect number of operands for operator or function; "
        f"operator or function: {function}, number of operands: {count}"
    )


@pytest.mark.parametrize(
    ("expression", "function", "value"),
    [
        ("attribute_type(a, size(a)) and a=a and a=:a", "attribute_type", {"N": "1"}),
        ("attribute_type(a, :a)", "attribute_type", {"BOOL": True}),
        ("attribute_type(a, :a)", "attribute_type", {"SS": ["1"]}),
        ("begins_with(a, size(a)) and a=:a", "begins_with", {"N": "1"}),
        ("begins_with(a, :a)", "begins_with", {"L": []}),
        ("begins_with(:a, a)", "begins_with", {"NS": ["1"]}),
        ("size(size(a)) > :a", "size", {"N": "1"}),
        ("attribute_not_exists(size(:a))", "size", {"N": "1"}),
        ("size(:a) > a", "size", {"BOOL": True}),
        ("size(:a) > a", "size", {"NULL": True}),
    ],
)
def test_operand_types(expression: str, function: str, value: dict[str, Any]) -> None:
    kind = "N" if "size(a)" in expression else next(iter(value))
    assert error(expression, {":a": value}) == (
        f"Incorrect operand type for operator or function; operator or function: {function}, operand type: {kind}"
    )


def test_attribute_type_needs_a_type_name() -> None:
    assert error("attribute_type(a, b)") == (
        "Incorrect operand type for operator or function; "
        "operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
    )
    assert error("attribute_type(a, :a)", {":a": {"S": "1"}}) == (
        "Invalid attribute type name found; type: 1, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
    )


@pytest.mark.parametrize(
    "expression", ["attribute_exists(:a) and a=a", "attribute_not_exists(size(:a))", "attribute_exists((:a))"]
)
def test_functions_that_need_a_path(expression: str) -> None:
    function = expression.split("(")[0]
    assert error(expression, {":a": {"S": "1"}}) == (
        f"Operator or function requires a document path; operator or function: {function}"
    )


@pytest.mark.parametrize(
    ("expression", "operator", "path"),
    [
        ("a = a AND #a = b AND :views > a", "=", "[a]"),
        ("#a <> a", "<>", "[a]"),
        ("((a=a) OR (a=a))", "=", "[a]"),
        ("contains(ab.bc[1].a, ab.bc[1].#a)", "contains", "[ab, bc, [1], a]"),
        ("attribute_type(ab.bc[1].#a, ab.bc[1].a)", "attribute_type", "[ab, bc, [1], a]"),
    ],
)
def test_operands_must_be_distinct(expression: str, operator: str, path: str) -> None:
    assert error(expression, names={"#a": "a"}) == (
        "The first operand must be distinct from the remaining operands for this operator or function; "
        f"operator: {operator}, first operand: {path}"
    )


def test_between_bounds() -> None:
    assert error("a between :b and :a", {":a": {"S": "a"}, ":b": {"N": "1"}}) == (
        "The BETWEEN operator requires same data type for lower and upper bounds; "
        "lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}"
    )
    assert error("a between :b and :a", {":a": {"S": "a"}, ":b": {"S": "b"}}) == (
        "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
        "lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}"
    )


def test_in_takes_at_most_100_operands() -> None:
    values = {f":v{i}": {"N": str(i)} for i in range(101)}
    compile_filter("a IN (" + ", ".join(list(values)[:100]) + ")", ExpressionAttributes(None, values))
    assert error("a IN (" + ", ".join(values) + ")", values) == (
        "The IN operator is provided with too many operands; number of operands: 101"
    )


def test_the_first_condition_with_a_problem_is_reported() -> None:
    # The second condition's undefined value outranks its own operand-count error, but the
    # first condition's wrong operand type comes first in the text.
    message = error("begins_with(a, :n) AND contains(:x) AND attribute_exists(b)", {":n": {"N": "1"}})
    assert (
        message
        == "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
    )
    message = error("contains(:x, b) AND begins_with(a, :n)", {":n": {"N": "1"}})
    assert message == "An expression attribute value used in expression is not defined; attribute value: :x"


def test_condition_expression_prefix() -> None:
    with pytest.raises(ServiceError) as caught:
        compile_condition("whatever", ExpressionAttributes())
    assert (
        caught.value.message == 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "whatever"'
    )
