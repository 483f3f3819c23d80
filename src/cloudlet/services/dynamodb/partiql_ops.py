"""ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: PartiQL statements run on
the same paths as the item operations.

A SELECT whose WHERE pins the partition key with `=` reads that partition (of the table or
the index named "table"."index"); any other SELECT scans. UPDATE and DELETE must pin the
whole primary key; the rest of their WHERE is the condition. UPDATE of a missing item fails
its condition; DELETE of one succeeds with nothing deleted; INSERT of an existing key fails
with DuplicateItemException (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.html)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.dynamodb import item_json, store
from cloudlet.services.dynamodb.addresses import (
    Address,
    address_of_item,
    address_of_key,
    check_index_keys,
    checked_key,
)
from cloudlet.services.dynamodb.errors import (
    INVALID,
    conditional_check_failed,
    item_too_large,
    transaction_canceled,
    validation,
)
from cloudlet.services.dynamodb.expressions import Predicate, compile_predicate
from cloudlet.services.dynamodb.expressions import Update as UpdateActions
from cloudlet.services.dynamodb.partiql_parser import parse
from cloudlet.services.dynamodb.partiql_select import PartiqlSelect, project
from cloudlet.services.dynamodb.partiql_statements import Delete, Exists, Insert, Select, Statement, Update
from cloudlet.services.dynamodb.partiql_where import split_key
from cloudlet.services.dynamodb.tables import Table
from cloudlet.services.dynamodb.values import MAX_ITEM_SIZE, item_size, validate_item

Item = dict[str, Any]
MAX_BATCH = 25
MAX_TRANSACTION = 100
_REASON_CODES = {
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
    "ValidationException": "ValidationError",
    "ResourceNotFoundException": "ResourceNotFound",
}


def _outside_transaction(statement: Statement) -> None:
    if isinstance(statement, Exists):
        raise validation("EXISTS can only be used in a transaction")  # wording is cloudlet's


def _duplicate() -> ServiceError:
    return ServiceError("DuplicateItemException", "Duplicate primary key exists in table", 400)


@dataclass
class WritePlan:
    """One INSERT, UPDATE or DELETE resolved to its item: outcome(old) -> (new, returned)."""

    table: Table
    address: Address
    statement: Insert | Update | Delete | Exists
    key: Item
    condition: Predicate | None
    return_old: bool

    def outcome(self, old: Item | None) -> tuple[Item | None, list[Item]]:
        statement = self.statement
        if isinstance(statement, Exists):  # a condition check: the item stays as it is
            if old is None:
                raise conditional_check_failed()
            self._check(old)
            return old, []
        if isinstance(statement, Insert):
            if old is not None:
                raise _duplicate()
            return statement.item, []
        if isinstance(statement, Delete):
            if old is None:
                return None, []
            self._check(old)
            return None, [old] if statement.returning == "ALL_OLD" else []
        if old is None:
            raise conditional_check_failed()
        self._check(old)
        result = UpdateActions(statement.actions).apply(old)
        new = result.new
        check_index_keys(self.table, new)
        if item_size(new) > MAX_ITEM_SIZE:
            raise validation("Item size to update has exceeded the maximum allowed size")
        returned = {
            "ALL_OLD": old,
            "ALL_NEW": new,
            "UPDATED_OLD": result.updated_old(),
            "UPDATED_NEW": result.updated_new(),
        }.get(statement.returning or "")
        return new, [] if returned is None else [returned]

    def _check(self, old: Item) -> None:
        if self.condition is not None and not self.condition(old):
            raise conditional_check_failed(old if self.return_old else None)


class PartiqlOperations(PartiqlSelect):
    def execute_statement(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        statement = self._parse(params)
        _outside_transaction(statement)
        table = self.table(ctx, statement.table)
        if isinstance(statement, Select):
            return self._select(table, statement, params)
        plan = self._plan(table, statement, params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD")
        with self.db.write() as tx:
            old = self.read_item(tx, table, plan.address)
            new, returned = plan.outcome(old)
            self.apply(tx, table, plan.address, old, new)
        return {"Items": returned} if getattr(statement, "returning", None) else {}

    def batch_execute_statement(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        statements = params.get("Statements") or []
        if not statements or len(statements) > MAX_BATCH:
            raise validation(
                f"1 validation error detected: Value at 'statements' failed to satisfy constraint: Member must have "
                f"length {'greater than or equal to 1' if not statements else 'less than or equal to 25'}"
            )
        responses = []
        for entry in statements:
            response: dict[str, Any] = {}
            try:
                statement = self._parse(entry)
                _outside_transaction(statement)
                table = self.table(ctx, statement.table)
                response["TableName"] = table.name
                if isinstance(statement, Select):
                    key, _ = split_key(table.key_names, statement.where)
                    text = store.get_item(self.db, table.id, *address_of_key(table, checked_key(table, key)))
                    if text is not None:
                        item = item_json.loads(text)
                        if statement.where is None or compile_predicate(statement.where)(item):
                            response["Item"] = project(statement, item)
                else:
                    return_old = entry.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
                    plan = self._plan(table, statement, return_old)
                    with self.db.write() as tx:
                        old = self.read_item(tx, table, plan.address)
                        new, _ = plan.outcome(old)
                        self.apply(tx, table, plan.address, old, new)
            except ServiceError as error:
                response["Error"] = {
                    "Code": _REASON_CODES.get(error.code, error.code),
                    "Message": error.message,
                }
                if "Item" in error.fields:
                    response["Error"]["Item"] = error.fields["Item"]
            responses.append(response)
        return {"Responses": responses}

    def execute_transaction(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        entries = params.get("TransactStatements") or []
        if not entries or len(entries) > MAX_TRANSACTION:
            raise validation(
                "1 validation error detected: Value at 'transactStatements' failed to satisfy constraint: Member must "
                f"have length {'greater than or equal to 1' if not entries else 'less than or equal to 100'}"
            )
        parsed = [(self._parse(entry), entry) for entry in entries]
        reads = [s for s, _ in parsed if isinstance(s, Select)]
        if reads and len(reads) != len(parsed):
            raise validation(
                "Transaction request cannot include both read and write operations"
            )  # AWS: all or none
        plans: list[tuple[Table, Address, Select | WritePlan]] = []
        for statement, entry in parsed:
            table = self.table(ctx, statement.table)
            if isinstance(statement, Select):
                key, _ = split_key(table.key_names, statement.where)
                plans.append((table, address_of_key(table, checked_key(table, key)), statement))
            else:
                plan = self._plan(
                    table, statement, entry.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
                )
                plans.append((table, plan.address, plan))
        if len({(t.id, a) for t, a, _ in plans}) != len(plans):
            raise validation("Transaction request cannot include multiple operations on one item")
        with self.db.write() as tx:
            olds = [self.read_item(tx, table, address) for table, address, _ in plans]
            if reads:
                responses = []
                for (_, _, select), old in zip(plans, olds, strict=True):
                    assert isinstance(select, Select)
                    responses.append({} if old is None else {"Item": project(select, old)})
                return {"Responses": responses}
            reasons: list[dict[str, Any]] = []
            news: list[Item | None] = []
            for (_, _, write), old in zip(plans, olds, strict=True):
                assert isinstance(write, WritePlan)
                try:
                    news.append(write.outcome(old)[0])
                    reasons.append({"Code": "None"})
                except ServiceError as error:
                    news.append(None)
                    reason = {"Code": _REASON_CODES.get(error.code, error.code), "Message": error.message}
                    if "Item" in error.fields:
                        reason["Item"] = error.fields["Item"]
                    reasons.append(reason)
            if any(r["Code"] != "None" for r in reasons):
                raise transaction_canceled(reasons)
            for (table, address, _), old, new in zip(plans, olds, news, strict=True):
                self.apply(tx, table, address, old, new)
        return {}

    # -- statements ----------------------------------------------------------------------------
    @staticmethod
    def _parse(params: dict[str, Any]) -> Statement:
        text = params.get("Statement")
        if not isinstance(text, str) or not text.strip():
            raise validation(
                "1 validation error detected: Value at 'statement' failed to satisfy constraint: Member must have length greater than or equal to 1"
            )
        return parse(text, params.get("Parameters"))

    def _plan(
        self, table: Table, statement: Insert | Update | Delete | Exists, return_old: bool
    ) -> WritePlan:
        if isinstance(statement, Insert):
            item = validate_item(statement.item)
            address = address_of_item(table, item)
            check_index_keys(table, item)
            if item_size(item) > MAX_ITEM_SIZE:
                raise item_too_large()
            return WritePlan(
                table, address, Insert(statement.table, item), table.key_of(item), None, return_old
            )
        if isinstance(statement, Update):
            for action in statement.actions:
                if action.path[0] in table.key_names:
                    raise validation(
                        f"{INVALID}Cannot update attribute {action.path[0]}. This attribute is part of the key"
                    )
        where = statement.select.where if isinstance(statement, Exists) else statement.where
        key, rest = split_key(table.key_names, where)
        key = checked_key(table, key)
        condition = None if rest is None else compile_predicate(rest)
        return WritePlan(table, address_of_key(table, key), statement, key, condition, return_old)
