"""PartiQL for DynamoDB, the subset its API accepts: SELECT, INSERT, UPDATE and DELETE on one
table (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.html).

Statements parse into small trees whose conditions and update values are the expression
engine's bound forms (PathRef, Literal, Compare, ... and Action), so evaluation is the
engine's. `?` placeholders take the request's Parameters in order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NoReturn

from cloudlet.services.dynamodb.errors import validation
from cloudlet.services.dynamodb.expressions import (
    Action,
    And,
    Arithmetic,
    Between,
    Compare,
    Condition,
    Function,
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
)
from cloudlet.services.dynamodb.partiql_statements import (
    Delete,
    Exists,
    Insert,
    Select,
    Statement,
    Update,
    malformed,
)
from cloudlet.services.dynamodb.values import normalize_number, validate_value

Item = dict[str, Any]

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>'(?:[^']|'')*')
  | (?P<quoted>"(?:[^"]|"")*")
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct><<|>>|<>|!=|<=|>=|[()\[\]{},.=<>+\-*?:])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Tok:
    kind: str
    text: str


def parse(text: str, parameters: list[Any] | None) -> Statement:
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise malformed(f"Unexpected character: {text[position]!r}")
        position = match.end()
        if match.lastgroup != "ws":
            tokens.append(Tok(str(match.lastgroup), match.group()))
    parser = _Parser(tokens, [validate_value(p) for p in parameters or ()])
    statement = parser.statement()
    if parser.used != len(parser.parameters):
        raise validation("Number of parameters in request and statement don't match.")
    return statement


class _Parser:
    def __init__(self, tokens: list[Tok], parameters: list[Item]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.parameters = parameters
        self.used = 0

    # -- tokens --------------------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Tok:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else Tok("eof", "<EOF>")

    def keyword(self, *words: str) -> bool:
        token = self.peek()
        if token.kind == "ident" and token.text.upper() in words:
            self.pos += 1
            return True
        return False

    def expect_keyword(self, word: str) -> None:
        if not self.keyword(word):
            self.fail(f"expected {word}")

    def punct(self, text: str) -> bool:
        if self.peek().kind == "punct" and self.peek().text == text:
            self.pos += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.punct(text):
            self.fail(f"expected '{text}'")

    def fail(self, detail: str) -> NoReturn:
        raise malformed(f"{detail}, found '{self.peek().text}'")

    # -- statements ----------------------------------------------------------------------------
    def statement(self) -> Statement:
        if self.keyword("SELECT"):
            result: Statement = self.select()
        elif self.keyword("INSERT"):
            result = self.insert()
        elif self.keyword("UPDATE"):
            result = self.update()
        elif self.keyword("DELETE"):
            result = self.delete()
        elif self.keyword("EXISTS"):
            self.expect("(")
            self.expect_keyword("SELECT")
            result = Exists(self.select())
            self.expect(")")
        else:
            self.fail("expected SELECT, INSERT, UPDATE, DELETE or EXISTS")
        self.punct(";")
        if self.peek().kind != "eof":
            self.fail("unexpected token")
        return result

    def select(self) -> Select:
        paths: list[Path] | None = None
        if not self.punct("*"):
            paths = [self.path()]
            while self.punct(","):
                paths.append(self.path())
        self.expect_keyword("FROM")
        table = self.name()
        index = self.name() if self.punct(".") else None
        where = self.condition() if self.keyword("WHERE") else None
        order_by, descending = None, False
        if self.keyword("ORDER"):
            self.expect_keyword("BY")
            order_by = self.path()
            descending = self.keyword("DESC")
            if not descending:
                self.keyword("ASC")
        return Select(table, index, None if paths is None else tuple(paths), where, order_by, descending)

    def insert(self) -> Insert:
        self.expect_keyword("INTO")
        table = self.name()
        self.expect_keyword("VALUE")
        value = self.value()
        if "M" not in value:
            self.fail("INSERT expects a tuple value")
        return Insert(table, value["M"])

    def update(self) -> Update:
        table = self.name()
        actions: list[Action] = []
        while True:
            if self.keyword("SET"):
                actions.append(self.assignment())
                while self.punct(","):
                    actions.append(self.assignment())
            elif self.keyword("REMOVE"):
                actions.append(Action("REMOVE", self.path()))
                while self.punct(","):
                    actions.append(Action("REMOVE", self.path()))
            else:
                break
        if not actions:
            self.fail("expected SET or REMOVE")
        where = self.condition() if self.keyword("WHERE") else None
        return Update(table, tuple(actions), where, self.returning())

    def delete(self) -> Delete:
        self.expect_keyword("FROM")
        table = self.name()
        where = self.condition() if self.keyword("WHERE") else None
        return Delete(table, where, self.returning())

    def returning(self) -> str | None:
        if not self.keyword("RETURNING"):
            return None
        scope = (
            "ALL"
            if self.keyword("ALL")
            else ("UPDATED" if self.keyword("MODIFIED") else self.fail("expected ALL or MODIFIED"))
        )
        age = (
            "OLD"
            if self.keyword("OLD")
            else ("NEW" if self.keyword("NEW") else self.fail("expected OLD or NEW"))
        )
        self.expect("*")
        return f"{scope}_{age}"

    def assignment(self) -> Action:
        path = self.path()
        self.expect("=")
        token = self.peek()
        if (
            token.kind == "ident"
            and token.text.lower() in ("set_add", "set_delete")
            and self.peek(1).text == "("
        ):
            self.pos += 2
            target = self.path()
            self.expect(",")
            value = self.value()
            self.expect(")")
            if target != path:
                self.fail(f"{token.text} must update the attribute it reads")
            return Action("ADD" if token.text.lower() == "set_add" else "DELETE", path, Literal(value))
        first = self.update_operand()
        if self.punct("+"):
            return Action("SET", path, Arithmetic("+", first, self.update_operand()))
        if self.punct("-"):
            return Action("SET", path, Arithmetic("-", first, self.update_operand()))
        return Action("SET", path, first)

    def update_operand(self) -> UpdateOperand:
        token = self.peek()
        if token.kind == "ident" and token.text.lower() == "list_append" and self.peek(1).text == "(":
            self.pos += 2
            first = self.update_operand()
            self.expect(",")
            second = self.update_operand()
            self.expect(")")
            return ListAppend(first, second)
        operand = self.operand()
        if isinstance(operand, Size):
            self.fail("size() cannot be assigned")
        return operand

    # -- conditions ----------------------------------------------------------------------------
    def condition(self) -> Condition:
        terms = [self.conjunction()]
        while self.keyword("OR"):
            terms.append(self.conjunction())
        return terms[0] if len(terms) == 1 else Or(tuple(terms))

    def conjunction(self) -> Condition:
        terms = [self.negation()]
        while self.keyword("AND"):
            terms.append(self.negation())
        return terms[0] if len(terms) == 1 else And(tuple(terms))

    def negation(self) -> Condition:
        if self.keyword("NOT"):
            return Not(self.negation())
        return self.predicate()

    def predicate(self) -> Condition:
        if self.punct("("):  # operands never start with "(": this nests a condition
            condition = self.condition()
            self.expect(")")
            return condition
        token = self.peek()
        name = token.text.lower()
        if token.kind == "ident" and self.peek(1).text == "(" and name in _FUNCTIONS:
            self.pos += 2
            args = [self.operand()]
            while self.punct(","):
                args.append(self.operand())
            self.expect(")")
            return Function(name, tuple(args))
        left = self.operand()
        if self.keyword("IS"):
            negated = self.keyword("NOT")
            if self.keyword("MISSING"):
                test: Condition = Function("attribute_not_exists", (left,))
            elif self.keyword("NULL"):
                test = Function("attribute_type", (left, Literal({"S": "NULL"})))
            else:
                self.fail("expected MISSING or NULL")
            return Not(test) if negated else test
        if self.keyword("BETWEEN"):
            low = self.operand()
            self.expect_keyword("AND")
            return Between(left, low, self.operand())
        if self.keyword("IN"):
            closing = "]" if self.punct("[") else (")" if self.punct("(") else self.fail("expected a list"))
            options = [self.operand()]
            while self.punct(","):
                options.append(self.operand())
            self.expect(closing)
            return In(left, tuple(options))
        for op in ("=", "<>", "!=", "<=", ">=", "<", ">"):
            if self.punct(op):
                return Compare("<>" if op == "!=" else op, left, self.operand())
        self.fail("expected a comparison")

    def operand(self) -> Operand:
        token = self.peek()
        if token.kind == "ident" and token.text.lower() == "size" and self.peek(1).text == "(":
            self.pos += 2
            inner = self.operand()
            self.expect(")")
            return Size(inner)
        if token.kind in ("ident", "quoted") and token.text.upper() not in _LITERAL_WORDS:
            return PathRef(self.path())
        return Literal(self.value())

    # -- names, paths and values ---------------------------------------------------------------
    def name(self) -> str:
        token = self.peek()
        if token.kind == "quoted":
            self.pos += 1
            return token.text[1:-1].replace('""', '"')
        if token.kind == "ident":
            self.pos += 1
            return token.text
        self.fail("expected a name")

    def path(self) -> Path:
        elements: list[str | int] = [self.name()]
        while True:
            if self.peek().text == "." and self.peek(1).kind in ("ident", "quoted"):
                self.pos += 1
                elements.append(self.name())
            elif self.punct("["):
                token = self.peek()
                if token.kind == "number" and token.text.isdigit():
                    elements.append(int(token.text))
                elif token.kind == "string":
                    elements.append(token.text[1:-1].replace("''", "'"))
                else:
                    self.fail("expected an index")
                self.pos += 1
                self.expect("]")
            else:
                return tuple(elements)

    def value(self) -> Item:
        token = self.peek()
        self.pos += 1
        if token.text == "?":
            if self.used >= len(self.parameters):
                raise validation("Number of parameters in request and statement don't match.")
            self.used += 1
            return self.parameters[self.used - 1]
        if token.kind == "string":
            return {"S": token.text[1:-1].replace("''", "'")}
        if token.kind == "number":
            return {"N": normalize_number(token.text)}
        word = token.text.upper() if token.kind == "ident" else ""
        if word in ("TRUE", "FALSE"):
            return {"BOOL": word == "TRUE"}
        if word == "NULL":
            return {"NULL": True}
        if token.text == "[":
            elements = [] if self.punct("]") else self._values("]")
            return {"L": elements}
        if token.text == "{":
            members: dict[str, Item] = {}
            if not self.punct("}"):
                while True:
                    key = self.value()
                    if "S" not in key:
                        self.fail("tuple keys are strings")
                    self.expect(":")
                    members[key["S"]] = self.value()
                    if self.punct("}"):
                        break
                    self.expect(",")
            return {"M": members}
        if token.text == "<<":
            elements = self._values(">>")
            kinds = {next(iter(e)) for e in elements}
            if len(kinds) != 1 or next(iter(kinds)) not in ("S", "N", "B"):
                self.fail("a set holds strings, numbers or binaries of one type")
            kind = next(iter(kinds))
            return validate_value({f"{kind}S": [e[kind] for e in elements]})
        self.pos -= 1
        self.fail("expected a value")

    def _values(self, closing: str) -> list[Item]:
        values = [self.value()]
        while self.punct(","):
            values.append(self.value())
        self.expect(closing)
        return values


_FUNCTIONS = ("begins_with", "contains", "attribute_type", "attribute_exists", "attribute_not_exists")
_LITERAL_WORDS = ("TRUE", "FALSE", "NULL")
