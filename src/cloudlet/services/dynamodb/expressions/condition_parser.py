"""The grammar of condition, filter and key-condition expressions
(https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html#Expressions.OperatorsAndFunctions.Syntax):

    condition := or
    or        := and (OR and)*
    and       := not (AND not)*             precedence NOT > AND > OR, as the doc lists
    not       := NOT not | primary
    primary   := operand comparator operand
               | operand BETWEEN operand AND operand
               | operand IN "(" operand ("," operand)* ")"
               | function                   e.g. attribute_exists(a)
               | "(" condition ")"
    operand   := :value | function | path | "(" operand ")"
    path      := (name | "(" path ")") ("." name | "[" digits "]")*

Literals are not operands ("a > 4" is a syntax error), and AND, OR, NOT, BETWEEN and IN
cannot be bare names. A pair of parentheses directly around another pair is reported as
"The expression has redundant parentheses;" once the syntax is known good."""

from __future__ import annotations

from functools import lru_cache

from cloudlet.services.dynamodb.expressions.nodes import (
    AndNode,
    BetweenNode,
    CallNode,
    CompareNode,
    ConditionNode,
    InNode,
    NotNode,
    OperandNode,
    OrNode,
    ParsedCondition,
    PathElement,
    PathNode,
    ValueNode,
)
from cloudlet.services.dynamodb.expressions.parser_base import ParseFailure, Parser
from cloudlet.services.dynamodb.expressions.tokens import IDENT, PUNCT, VALUE, Token

KEYWORDS = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"})
COMPARATORS = frozenset({"=", "<>", "<", "<=", ">", ">="})


@lru_cache(maxsize=2048)
def parse_condition(text: str) -> ParsedCondition:
    parser = ConditionParser(text)
    tree = parser.run(parser.condition)
    return ParsedCondition(tree, has_redundant_parentheses(parser.tokens))


class ConditionParser(Parser):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._operands: dict[int, tuple[OperandNode, int] | None] = {}
        self._paths: dict[int, tuple[PathNode, int] | None] = {}

    def condition(self) -> ConditionNode:
        terms = [self.conjunction()]
        while self.peek().keyword() == "OR":
            self.pos += 1
            terms.append(self.conjunction())
        return terms[0] if len(terms) == 1 else OrNode(tuple(terms))

    def conjunction(self) -> ConditionNode:
        terms = [self.negation()]
        while self.peek().keyword() == "AND":
            self.pos += 1
            terms.append(self.negation())
        return terms[0] if len(terms) == 1 else AndNode(tuple(terms))

    def negation(self) -> ConditionNode:
        if self.peek().keyword() == "NOT":
            self.pos += 1
            return NotNode(self.negation())
        return self.primary()

    def primary(self) -> ConditionNode:
        leaf = self.attempt(self.comparison)
        if leaf is not None:
            return leaf
        call = self.attempt(self.bare_function)
        if call is not None:
            return call
        if not self.peek().is_punct("("):
            self.fail()
        self.pos += 1
        inner = self.condition()
        self.expect(")")
        return inner

    def comparison(self) -> ConditionNode:
        left = self.operand()
        token = self.peek()
        if token.kind == PUNCT and token.text in COMPARATORS:
            self.pos += 1
            return CompareNode(token.text, left, self.operand())
        keyword = token.keyword()
        if keyword == "BETWEEN":
            self.pos += 1
            low = self.operand()
            if self.peek().keyword() != "AND":
                self.fail()
            self.pos += 1
            return BetweenNode(left, low, self.operand())
        if keyword == "IN":
            self.pos += 1
            self.expect("(")
            return InNode(left, self.operand_list())
        self.fail()

    def bare_function(self) -> CallNode:
        start = self.pos
        node = self.operand()
        if not isinstance(node, CallNode):
            self.pos = start
            raise ParseFailure
        return node

    def operand_list(self) -> tuple[OperandNode, ...]:
        """Operands separated by commas, up to and including the closing parenthesis."""
        operands = [self.operand()]
        while self.peek().is_punct(","):
            self.pos += 1
            operands.append(self.operand())
        self.expect(")")
        return tuple(operands)

    def operand(self) -> OperandNode:
        return self.memoized(self._operands, self._operand)

    def _operand(self) -> OperandNode:
        token = self.peek()
        if token.kind == VALUE:
            self.pos += 1
            return ValueNode(token.text)
        if token.kind == IDENT and token.keyword() not in KEYWORDS and self.peek(1).is_punct("("):
            self.pos += 2
            return CallNode(token.text, self.operand_list())
        path = self.attempt(self.grouped_path)
        if path is not None:
            return path
        if not token.is_punct("("):
            self.fail()
        self.pos += 1
        inner = self.operand()
        self.expect(")")
        return inner

    def grouped_path(self) -> PathNode:
        return self.memoized(self._paths, self._grouped_path)

    def _grouped_path(self) -> PathNode:
        elements: list[PathElement]
        if self.peek().is_punct("("):
            self.pos += 1
            elements = list(self.grouped_path().elements)
            self.expect(")")
        else:
            elements = [self.path_element(KEYWORDS)]
        return self.path_tail(elements, KEYWORDS)


def has_redundant_parentheses(tokens: list[Token]) -> bool:
    """Whether a grouping pair of parentheses directly encloses another pair. The parentheses
    of a function call or an IN list are not groupings: f((a)) is fine, ((a)) is not."""
    closing: dict[int, int] = {}
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.is_punct("("):
            stack.append(index)
        elif token.is_punct(")") and stack:
            closing[stack.pop()] = index
    for index, token in enumerate(tokens[:-1]):
        if not token.is_punct("(") or not tokens[index + 1].is_punct("("):
            continue
        before = tokens[index - 1] if index > 0 else None
        if (
            before is not None
            and before.kind == IDENT
            and before.keyword() not in ("AND", "OR", "NOT", "BETWEEN")
        ):
            continue  # a call's or an IN list's parentheses
        if closing.get(index + 1) == closing.get(index, -1) - 1:
            return True
    return False
