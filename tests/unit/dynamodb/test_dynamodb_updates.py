"""Update expressions: SET (+, -, if_not_exists, list_append), REMOVE, ADD and DELETE applied
to items, as Expressions.UpdateExpressions describes, and ReturnValues projections."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cloudlet.errors import ServiceError
from cloudlet.services.dynamodb.expressions import ExpressionAttributes, UpdateResult, compile_update

ITEM: dict[str, Any] = {
    "id": {"S": "k"},
    "count": {"N": "5"},
    "name": {"S": "bike"},
    "tags": {"SS": ["a", "b"]},
    "nums": {"NS": ["1", "2"]},
    "l": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]},
    "m": {"M": {"a": {"N": "1"}, "b": {"N": "2"}, "child": {"M": {"c": {"S": "deep"}}}}},
}


def apply(
    expression: str,
    item: dict[str, Any] = ITEM,
    names: dict[str, str] | None = None,
    **values: Any,
) -> UpdateResult:
    before = copy.deepcopy(item)
    attributes = ExpressionAttributes(names, {f":{k}": v for k, v in values.items()} or None)
    result = compile_update(expression, attributes).apply(item)
    assert item == before  # the input item is never modified
    return result


def failure(expression: str, item: dict[str, Any] = ITEM, **values: Any) -> str:
    with pytest.raises(ServiceError) as caught:
        apply(expression, item, **values)
    assert caught.value.code == "ValidationException"
    return caught.value.message


def test_set_values_functions_and_arithmetic() -> None:
    new = apply(
        "SET a = :s, #c = #c + :one, b = m.a - :one, c = if_not_exists(absent, :s), d = if_not_exists(#n, :s), "
        "e = list_append(l, :more), f = list_append(:more, l)",
        names={"#c": "count", "#n": "name"},
        s={"S": "new"},
        one={"N": "1"},
        more={"L": [{"N": "0"}]},
    ).new
    assert new["a"] == {"S": "new"}
    assert new["count"] == {"N": "6"}
    assert new["b"] == {"N": "0"}
    assert new["c"] == {"S": "new"}
    assert new["d"] == {"S": "bike"}
    assert new["e"] == {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}, {"N": "0"}]}
    assert new["f"] == {"L": [{"N": "0"}, {"S": "x"}, {"S": "y"}, {"S": "z"}]}


def test_every_set_value_is_read_from_the_item_before_the_update() -> None:
    new = apply("SET m.a = m.b, m.b = m.a").new
    assert new["m"]["M"]["a"] == {"N": "2"} and new["m"]["M"]["b"] == {"N": "1"}


def test_nested_set_and_the_aws_example_of_list_appends_in_index_order() -> None:
    item = {
        "a": {"S": "k"},
        "b": {"M": {"a": {"N": "1"}, "b": {"N": "2"}, "c": {"N": "3"}}},
        "c": {"L": [{"N": "1"}, {"N": "3"}]},
    }
    result = apply(
        "set b.c=((c[1])+(b.a)),b.a = a,c[1] = a, c[4] = b.a - b.b, c[2] = b.c add c[8] :b, c[6] :a",
        item,
        a={"N": "2"},
        b={"SS": ["a"]},
    )
    assert result.new == {
        "a": {"S": "k"},
        "b": {"M": {"a": {"S": "k"}, "b": {"N": "2"}, "c": {"N": "4"}}},
        "c": {"L": [{"N": "1"}, {"S": "k"}, {"N": "3"}, {"N": "-1"}, {"N": "2"}, {"SS": ["a"]}]},
    }
    assert result.updated_new() == {
        "b": {"M": {"c": {"N": "4"}, "a": {"S": "k"}}},
        "c": {"L": [{"S": "k"}, {"N": "3"}, {"N": "2"}]},
    }
    assert result.updated_old() == {
        "b": {"M": {"c": {"N": "3"}, "a": {"N": "1"}}},
        "c": {"L": [{"N": "3"}]},
    }
    assert result.changed_attributes == {"b", "c"}


def test_remove() -> None:
    new = apply("REMOVE #n, m.child.c, l[0], l[2], absent, m.absent, l[7]", names={"#n": "name"}).new
    assert "name" not in new
    assert new["m"]["M"]["child"] == {"M": {}}
    assert new["l"] == {"L": [{"S": "y"}]}  # indexes name the elements before the update


def test_add_to_numbers_and_sets() -> None:
    new = apply(
        "ADD #c :n, tags :ss, nums :ns, fresh :n, fresh_set :ss", names={"#c": "count"}, n={"N": "-7.5"},
        ss={"SS": ["b", "c"]}, ns={"NS": ["2.0", "3"]},
    ).new  # fmt: skip
    assert new["count"] == {"N": "-2.5"}
    assert new["tags"] == {"SS": ["a", "b", "c"]}
    assert new["nums"] == {"NS": ["1", "2", "3"]}
    assert new["fresh"] == {"N": "-7.5"}
    assert new["fresh_set"] == {"SS": ["b", "c"]}


def test_delete_from_sets() -> None:
    new = apply("DELETE tags :a, nums :ns, absent :a", a={"SS": ["a", "q"]}, ns={"NS": ["1.0", "2"]}).new
    assert new["tags"] == {"SS": ["b"]}
    assert "nums" not in new  # the last elements gone, the attribute goes
    assert "absent" not in new


def test_updates_to_an_item_that_does_not_exist_start_from_its_key() -> None:
    result = apply(
        "REMOVE b DELETE c :c ADD d :d, e :e SET f = :f",
        {"id": {"S": "k"}},
        c={"SS": ["a", "b"]},
        d={"N": "5"},
        e={"SS": ["a", "b"]},
        f={"L": [{"S": "a"}, {"N": "1"}]},
    )
    assert result.new == {
        "id": {"S": "k"},
        "d": {"N": "5"},
        "e": {"SS": ["a", "b"]},
        "f": {"L": [{"S": "a"}, {"N": "1"}]},
    }
    assert result.updated_new() == {k: v for k, v in result.new.items() if k != "id"}
    assert result.updated_old() == {}


def test_sections_in_any_order_and_case() -> None:
    new = apply("remove tags add #c :n set a = :n delete nums :ns", names={"#c": "count"}, n={"N": "1"},
                ns={"NS": ["1"]}).new  # fmt: skip
    assert new["count"] == {"N": "6"} and new["a"] == {"N": "1"} and new["nums"] == {"NS": ["2"]}
    assert "tags" not in new


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("SET a = absent", {}, "The provided expression refers to an attribute that does not exist in the item"),
        ("SET a = list_append(absent, l)", {}, "The provided expression refers to an attribute that does not exist in the item"),
        ("SET a = #n + :one", {"one": {"N": "1"}}, "An operand in the update expression has an incorrect data type"),
        ("SET a = list_append(tags, l)", {}, "An operand in the update expression has an incorrect data type"),
        ("ADD #n :one", {"one": {"N": "1"}}, "An operand in the update expression has an incorrect data type"),
        ("ADD nums :one", {"one": {"N": "1"}}, "An operand in the update expression has an incorrect data type"),
        ("ADD tags :ns", {"ns": {"NS": ["1"]}}, "An operand in the update expression has an incorrect data type"),
        ("DELETE #c :ns", {"ns": {"NS": ["1"]}}, "An operand in the update expression has an incorrect data type"),
        ("DELETE tags :ns", {"ns": {"NS": ["1"]}}, "An operand in the update expression has an incorrect data type"),
        ("SET absent.a = :one", {"one": {"N": "1"}}, "The document path provided in the update expression is invalid for update"),
        ("SET l.a = :one", {"one": {"N": "1"}}, "The document path provided in the update expression is invalid for update"),
        ("SET m[0] = :one", {"one": {"N": "1"}}, "The document path provided in the update expression is invalid for update"),
        ("SET l[5].a = :one", {"one": {"N": "1"}}, "The document path provided in the update expression is invalid for update"),
        ("REMOVE absent.a", {}, "The document path provided in the update expression is invalid for update"),
        ("REMOVE m[1]", {}, "The document path provided in the update expression is invalid for update"),
        ("ADD absent[1] :one", {"one": {"N": "1"}}, "The document path provided in the update expression is invalid for update"),
        ("DELETE l.a :ss", {"ss": {"SS": ["a"]}}, "The document path provided in the update expression is invalid for update"),
        ("SET a = #c + :big", {"big": {"N": "1E+100"}}, "Attempting to store more than 38 significant digits in a Number"),
    ],
)  # fmt: skip
def test_errors_found_on_the_item(expression: str, values: dict[str, Any], expected: str) -> None:
    names = {k: v for k, v in {"#n": "name", "#c": "count"}.items() if k in expression}
    with pytest.raises(ServiceError) as caught:
        attributes = ExpressionAttributes(names or None, {f":{k}": v for k, v in values.items()} or None)
        compile_update(expression, attributes).apply(ITEM)
    assert caught.value.message == expected


def compile_error(
    expression: str, values: dict[str, Any] | None = None, names: dict[str, str] | None = None
) -> str:
    with pytest.raises(ServiceError) as caught:
        compile_update(expression, ExpressionAttributes(names, values))
    prefix = "Invalid UpdateExpression: "
    assert caught.value.message.startswith(prefix)
    return caught.value.message[len(prefix) :]


@pytest.mark.parametrize(
    "expression",
    [
        "whatever", "set a", "add a", "set a=set", "remove a = b", "delete a b", "add abort b", "remove a b",
        "set :a = b", "remove :a", "set a = b / c", 'set a[1] = "eight"', "set a[1] = 1",
        "SET a = if_not_exist(a, 100)", "set (a = (b + c))", "set a = (b.c).d + e", "set a = b + c + d",
        "set a = b,", "SET a = :v REMOVE",
    ],
)  # fmt: skip
def test_syntax_errors(expression: str) -> None:
    assert compile_error(expression).startswith("Syntax error; token: ")


def test_parenthesized_operands_are_allowed() -> None:
    values = {":v": {"N": "1"}}
    for expression in ("set a = (b) + c", "set a = ((b) + (:v))", "set a = (b + :v)", "set a = (:v)"):
        compile_update(expression, ExpressionAttributes(None, values if ":v" in expression else None))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (" set #c = :c set abOrt = true ", "Attribute name is a reserved keyword; reserved keyword: abOrt"),
        (" remove Absolute ", "Attribute name is a reserved keyword; reserved keyword: Absolute"),
        ("set #c = if_not_exist(:c) set c = d", "Invalid function name; function: if_not_exist"),
        ("set a = size(b)", "Invalid function name; function: size"),
        ("set a = #c set c = :d", 'The "SET" section can only be used once in an update expression;'),
        ("remove #d set a = b remove e", 'The "REMOVE" section can only be used once in an update expression;'),
        ("add #d :e set a = b add e :f", 'The "ADD" section can only be used once in an update expression;'),
        ("SET #c = if_not_exists(:c)", "An expression attribute name used in the document path is not defined; attribute name: #c"),
        ("SET #a = if_not_exists(:c)", "An expression attribute value used in expression is not defined; attribute value: :c"),
    ],
)  # fmt: skip
def test_static_errors_in_aws_order(expression: str, expected: str) -> None:
    assert compile_error(expression, {":a": {"S": "a"}, ":b": {"S": "a"}}, {"#a": "a", "#b": "b"}) == expected


@pytest.mark.parametrize(
    ("expression", "one", "two"),
    [
        ("SET a = :v REMOVE a.b", "[a]", "[a, b]"),
        ("set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a, b)", "[c, [1], a]", "[c]"),
        ("set #c[3].#d = a, #c[3] = a", "[c, [3], [3]]", "[c, [3]]"),
        ("REMOVE a, a", "[a]", "[a]"),
    ],
)
def test_overlapping_paths(expression: str, one: str, two: str) -> None:
    values = {":v": {"N": "1"}} if ":v" in expression else None
    names = {k: v for k, v in {"#c": "c", "#d": "[3]"}.items() if k in expression} or None
    assert compile_error(expression, values, names) == (
        "Two document paths overlap with each other; must remove or rewrite one of these paths; "
        f"path one: {one}, path two: {two}"
    )


@pytest.mark.parametrize(
    ("expression", "one", "two"),
    [
        ("set #c[3].#d = a, #c.#d[3] = if_not_exists(a, b)", "[c, [3], [3]]", "[c, [3], [3]]"),
        ("remove a.#c set a[1] = #d", "[a, c]", "[a, [1]]"),
    ],
)
def test_conflicting_paths(expression: str, one: str, two: str) -> None:
    assert compile_error(expression, None, {"#c": "c", "#d": "[3]"}) == (
        "Two document paths conflict with each other; must remove or rewrite one of these paths; "
        f"path one: {one}, path two: {two}"
    )


@pytest.mark.parametrize(
    ("section", "value", "shown"),
    [
        ("ADD", {"S": "a"}, "STRING"), ("DELETE", {"S": "a"}, "STRING"), ("ADD", {"NULL": True}, "NULL"),
        ("ADD", {"BOOL": False}, "BOOLEAN"), ("DELETE", {"B": b"a"}, "BINARY"), ("ADD", {"M": {}}, "MAP"),
        ("ADD", {"L": []}, "LIST"), ("DELETE", {"N": "1"}, "NUMBER"),
    ],
)  # fmt: skip
def test_add_and_delete_operand_types(section: str, value: dict[str, Any], shown: str) -> None:
    assert compile_error(f"{section} a.b :a", {":a": value}) == (
        f"Incorrect operand type for operator or function; operator: {section}, operand type: {shown}"
    )


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("set a = if_not_exists(c)", "Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1"),
        ("set a = list_append(c)", "Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1"),
        ("set a = if_not_exists(:a, c)", "Operator or function requires a document path; operator or function: if_not_exists"),
        ("set a = if_not_exists(if_not_exists(a, b), c)", "Operator or function requires a document path; operator or function: if_not_exists"),
        ("set a = list_append(:a, a)", "Incorrect operand type for operator or function; operator or function: list_append, operand type: S"),
        ("set a = list_append(a, :n)", "Incorrect operand type for operator or function; operator or function: list_append, operand type: N"),
        ("set a = a + :a", "Incorrect operand type for operator or function; operator or function: +, operand type: S"),
        ("set a = :m - a", "Incorrect operand type for operator or function; operator or function: -, operand type: M"),
    ],
)  # fmt: skip
def test_function_errors(expression: str, expected: str) -> None:
    values = {":a": {"S": "a"}, ":n": {"N": "1"}, ":m": {"M": {}}}
    used = {k: v for k, v in values.items() if k in expression} or None
    assert compile_error(expression, used) == expected


def test_update_paths() -> None:
    update = compile_update(
        "SET a.b = :v, c = :v REMOVE d[0]", ExpressionAttributes(None, {":v": {"N": "1"}})
    )
    assert update.paths == (("a", "b"), ("c",), ("d", 0))
    assert update.attribute_names == {"a", "c", "d"}
    assert update.nested_attribute_names == {"a", "d"}


DEEP: dict[str, Any] = {
    "pk": {"S": "p"},
    "m": {"M": {"a": {"M": {"b": {"S": "old-b"}, "c": {"N": "1"}}}, "keep": {"S": "mk"}}},
    "l": {
        "L": [{"M": {"a": {"S": "old0"}, "b": {"S": "b0"}}}, {"M": {"a": {"S": "old1"}, "b": {"S": "b1"}}}]
    },
    "rootList": {"L": [{"S": "x"}, {"S": "y"}]},
}


@pytest.mark.parametrize(
    ("expression", "values", "updated_old", "updated_new"),
    [
        ("SET m.a.b = :v", {"v": {"S": "new-b"}},
         {"m": {"M": {"a": {"M": {"b": {"S": "old-b"}}}}}}, {"m": {"M": {"a": {"M": {"b": {"S": "new-b"}}}}}}),
        ("SET m.a.b = :v, m.a.c = :n", {"v": {"S": "new-b"}, "n": {"N": "2"}},
         {"m": {"M": {"a": {"M": {"b": {"S": "old-b"}, "c": {"N": "1"}}}}}},
         {"m": {"M": {"a": {"M": {"b": {"S": "new-b"}, "c": {"N": "2"}}}}}}),
        ("SET l[1].a = :v", {"v": {"S": "new1"}},
         {"l": {"L": [{"M": {"a": {"S": "old1"}}}]}}, {"l": {"L": [{"M": {"a": {"S": "new1"}}}]}}),
        ("SET rootList[99] = :v", {"v": {"S": "z"}}, {}, {}),  # appended: nothing at index 99
        ("REMOVE m.a.b", {}, {"m": {"M": {"a": {"M": {"b": {"S": "old-b"}}}}}}, {}),
        ("REMOVE l[0]", {}, {"l": {"L": [DEEP["l"]["L"][0]]}}, {"l": {"L": [DEEP["l"]["L"][1]]}}),
        ("ADD m.a.c :inc", {"inc": {"N": "3"}},
         {"m": {"M": {"a": {"M": {"c": {"N": "1"}}}}}}, {"m": {"M": {"a": {"M": {"c": {"N": "4"}}}}}}),
    ],
)  # fmt: skip
def test_updated_old_and_new_are_the_updated_paths(
    expression: str, values: dict[str, Any], updated_old: dict[str, Any], updated_new: dict[str, Any]
) -> None:
    # Cases others have recorded from DynamoDB's ReturnValues answers.
    result = apply(expression, DEEP, **values)
    assert result.updated_old() == updated_old
    assert result.updated_new() == updated_new
