"""The grammar of update expressions
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html):

    update    := section+
    section   := SET path "=" value ("," path "=" value)*
               | REMOVE path ("," path)*
               | ADD path :value ("," path :value)*
               | DELETE path :value ("," path :value)*
    value     := "(" sum ")" | sum
    sum       := operand_p (("+" | "-") operand_p)?
    operand_p := "(" operand ")" | operand
    operand   := :value | function "(" operand_p ("," operand_p)* ")" | path

One + or - at most ("a + b + c" is a syntax error), paths are not parenthesized, and
SET, REMOVE, ADD and DELETE (any case) cannot be bare names."""

from __future__ import annotations

from functools import lru_cache

from cloudlet.services.dynamodb.expressions.nodes import (
    ActionNode,
    ArithmeticNode,
    CallNode,
    OperandNode,
    ParsedUpdate,
    SetValueNode,
    ValueNode,
)
from cloudlet.services.dynamodb.expressions.parser_base import Parser
from cloudlet.services.dynamodb.expressions.tokens import EOF, IDENT, PUNCT, VALUE

SECTIONS = frozenset({"SET", "REMOVE", "ADD", "DELETE"})


@lru_cache(maxsize=2048)
def parse_update(text: str) -> ParsedUpdate:
    parser = UpdateParser(text)
    return parser.run(parser.update)


class UpdateParser(Parser):
    def update(self) -> ParsedUpdate:
        actions: list[ActionNode] = []
        sections: list[str] = []
        while True:
            section = self.peek().keyword()
            if section not in SECTIONS:
                self.fail()
            self.pos += 1
            sections.append(section)
            actions.append(self.action(section))
            while self.peek().is_punct(","):
                self.pos += 1
                actions.append(self.action(section))
            if self.peek().kind == EOF:
                return ParsedUpdate(tuple(actions), tuple(sections))

    def action(self, section: str) -> ActionNode:
        path = self.path(SECTIONS)
        if section == "SET":
            self.expect("=")
            return ActionNode(section, path, self.set_value())
        if section == "REMOVE":
            return ActionNode(section, path)
        token = self.peek()
        if token.kind != VALUE:
            self.fail()
        self.pos += 1
        return ActionNode(section, path, ValueNode(token.text))

    def set_value(self) -> SetValueNode:
        if self.peek().is_punct("("):
            grouped = self.attempt(self.grouped_sum)
            if grouped is not None:
                return grouped
        return self.sum()

    def grouped_sum(self) -> SetValueNode:
        self.expect("(")
        value = self.sum()
        self.expect(")")
        if self.peek().kind == PUNCT and self.peek().text in ("+", "-"):
            self.fail()  # "(a) + b": the parentheses were the first operand's
        return value

    def sum(self) -> SetValueNode:
        left = self.parenthesized_operand()
        token = self.peek()
        if token.kind == PUNCT and token.text in ("+", "-"):
            self.pos += 1
            return ArithmeticNode(token.text, left, self.parenthesized_operand())
        return left

    def parenthesized_operand(self) -> OperandNode:
        if not self.peek().is_punct("("):
            return self.operand()
        self.pos += 1
        operand = self.operand()
        self.expect(")")
        return operand

    def operand(self) -> OperandNode:
        token = self.peek()
        if token.kind == VALUE:
            self.pos += 1
            return ValueNode(token.text)
        if token.kind == IDENT and token.keyword() not in SECTIONS and self.peek(1).is_punct("("):
            self.pos += 2
            args = [self.parenthesized_operand()]
            while self.peek().is_punct(","):
                self.pos += 1
                args.append(self.parenthesized_operand())
            self.expect(")")
            return CallNode(token.text, tuple(args))
        return self.path(SECTIONS)
