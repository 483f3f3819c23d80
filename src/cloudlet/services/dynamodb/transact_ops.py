"""TransactWriteItems and TransactGetItems: all or nothing, in one SQLite transaction.

Every condition is checked against the items as they are before any write; if one fails,
nothing is written and TransactionCanceledException lists a reason per action, in order
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html).
A ClientRequestToken makes a retry within 10 minutes return the first result again."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.dynamodb import capacity, item_json, store
from cloudlet.services.dynamodb.addresses import (
    Address,
    address_of_item,
    address_of_key,
    check_index_keys,
    checked_key,
)
from cloudlet.services.dynamodb.errors import (
    idempotent_mismatch,
    item_too_large,
    transaction_canceled,
    validation,
)
from cloudlet.services.dynamodb.item_ops import (
    ItemOperations,
    check_collection_metrics,
    check_on_failure,
    require_item,
)
from cloudlet.services.dynamodb.requests import Compiled, compile_params
from cloudlet.services.dynamodb.tables import Table
from cloudlet.services.dynamodb.values import MAX_ITEM_SIZE, item_size

Item = dict[str, Any]
MAX_ACTIONS = 100  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
MAX_AGGREGATE_SIZE = 4 * 1024 * 1024
TOKEN_LIFETIME_S = 600.0
ACTIONS = ("ConditionCheck", "Put", "Delete", "Update")


@dataclass
class _Action:
    kind: str
    table: Table
    address: Address
    key: Item
    request: Compiled
    item: Item | None  # Put's item
    size: int
    return_old: bool


class TransactOperations(ItemOperations):
    def transact_write_items(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        items = params.get("TransactItems") or []
        _check_count(items, "transactItems")
        token = params.get("ClientRequestToken")
        fingerprint = ""
        if token:
            fingerprint = hashlib.sha256(
                json.dumps(
                    {k: v for k, v in params.items() if k != "ClientRequestToken"},
                    sort_keys=True,
                    default=repr,
                ).encode()
            ).hexdigest()
            seen = store.find_token(self.db, ctx.account, ctx.region, str(token), self.now())
            if seen is not None:
                if seen["fingerprint"] != fingerprint:
                    raise idempotent_mismatch()
                response: dict[str, Any] = json.loads(seen["response"])
                return response
        metrics = check_collection_metrics(params.get("ReturnItemCollectionMetrics"))
        actions = [self._action(ctx, entry) for entry in items]
        if len({(a.table.id, a.address) for a in actions}) != len(actions):
            raise validation("Transaction request cannot include multiple operations on one item")
        # Put items count whole, the other actions by their key.
        _check_aggregate(sum(a.size if a.kind == "Put" else item_size(a.key) for a in actions))
        mode = params.get("ReturnConsumedCapacity")
        used: list[dict[str, Any]] = []
        with self.db.write() as tx:
            olds = [self.read_item(tx, a.table, a.address) for a in actions]
            reasons: list[dict[str, Any]] = []
            news: list[Item | None] = []
            for action, old in zip(actions, olds, strict=True):
                reason, new = self._evaluate(action, old)
                reasons.append(reason)
                news.append(new)
            if any(reason["Code"] != "None" for reason in reasons):
                raise transaction_canceled(reasons)
            for action, old, new in zip(actions, olds, news, strict=True):
                if action.kind != "ConditionCheck":
                    self.apply(tx, action.table, action.address, old, new)
                entry = capacity.write_consumed(mode, action.table, old, new, transactional=True)
                if entry is not None:
                    used.append(entry)
            result: dict[str, Any] = {}
            if used:
                result["ConsumedCapacity"] = capacity.merge(used)
            if metrics:
                written = [(a.table, a.address) for a in actions if a.kind != "ConditionCheck"]
                result["ItemCollectionMetrics"] = self.collections_metrics(tx, written)
            if token:
                store.save_token(
                    tx,
                    ctx.account,
                    ctx.region,
                    str(token),
                    fingerprint,
                    json.dumps(result),
                    self.now() + TOKEN_LIFETIME_S,
                )
        return result

    def _action(self, ctx: RequestContext, entry: dict[str, Any]) -> _Action:
        present = [kind for kind in ACTIONS if entry.get(kind) is not None]
        if len(present) != 1:
            raise validation(
                "TransactItems can only contain one of Check, Put, Update or Delete"
                if present
                else "1 validation error detected: TransactWriteItem must contain one of ConditionCheck, Put, Update or Delete"
            )
        kind = present[0]
        spec = entry[kind]
        table = self.table(ctx, spec.get("TableName"))
        return_old = check_on_failure(spec.get("ReturnValuesOnConditionCheckFailure"))
        operation = {
            "ConditionCheck": "PutItem",
            "Put": "PutItem",
            "Delete": "DeleteItem",
            "Update": "UpdateItem",
        }[kind]
        request = compile_params(spec, operation, table)
        if kind == "ConditionCheck" and request.condition is None:
            raise validation("The ConditionExpression parameter is required for a ConditionCheck")
        if kind == "Put":
            item = require_item(spec)
            check_index_keys(table, item)
            size = item_size(item)
            if size > MAX_ITEM_SIZE:
                raise item_too_large()
            return _Action(
                kind, table, address_of_item(table, item), table.key_of(item), request, item, size, return_old
            )
        key = checked_key(table, spec.get("Key"))
        return _Action(kind, table, address_of_key(table, key), key, request, None, 0, return_old)

    def _evaluate(self, action: _Action, old: Item | None) -> tuple[dict[str, Any], Item | None]:
        """(cancellation reason, the item to write) for one action against the current item."""
        condition = action.request.condition
        if condition is not None and not condition.matches(old or {}):
            reason: dict[str, Any] = {
                "Code": "ConditionalCheckFailed",
                "Message": "The conditional request failed",
            }
            if action.return_old and old:
                reason["Item"] = old
            return reason, None
        if action.kind == "Put":
            return {"Code": "None"}, action.item
        if action.kind == "Delete":
            return {"Code": "None"}, None
        if action.kind == "ConditionCheck":
            return {"Code": "None"}, old
        try:
            new, _, _ = self.updated(action.table, action.request, action.key, old)
        except ServiceError as error:
            return {"Code": "ValidationError", "Message": error.message}, None
        return {"Code": "None"}, new

    def transact_get_items(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        items = params.get("TransactItems") or []
        _check_count(items, "transactItems")
        reads = []
        for entry in items:
            spec = entry.get("Get")
            if spec is None:
                raise validation("1 validation error detected: TransactGetItem must contain Get")
            table = self.table(ctx, spec.get("TableName"))
            address = address_of_key(table, checked_key(table, spec.get("Key")))
            reads.append((table, address, compile_params(spec, "GetItem").projection))
        if len({(table.id, address) for table, address, _ in reads}) != len(reads):
            raise validation("Transaction request cannot include multiple operations on one item")
        responses: list[dict[str, Any]] = []
        used: list[dict[str, Any]] = []
        mode = params.get("ReturnConsumedCapacity")
        total = 0
        with self.db.write() as tx:  # one snapshot for every read
            for table, address, projection in reads:
                text = store.get_item(tx, table.id, *address)
                if text is None:
                    responses.append({})
                    size = 0
                else:
                    item = item_json.loads(text)
                    size = item_size(item)
                    responses.append({"Item": item if projection is None else projection.apply(item)})
                total += size
                entry = capacity.consumed(mode, table.name, capacity.read_units(size, True, True), "Read")
                if entry is not None:
                    used.append(entry)
        _check_aggregate(total)
        result: dict[str, Any] = {"Responses": responses}
        if used:
            result["ConsumedCapacity"] = capacity.merge(used)
        return result


def _check_count(items: list[Any], member: str) -> None:
    if not items:
        raise validation(
            f"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
        )
    if len(items) > MAX_ACTIONS:
        raise validation(
            f"1 validation error detected: Value '[...]' at '{member}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_ACTIONS}"
        )


def _check_aggregate(size: int) -> None:
    """The aggregate size of a transaction's items may not exceed 4 MB (TransactWriteItems,
    TransactGetItems: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html)."""
    if size > MAX_AGGREGATE_SIZE:
        raise validation("Transaction item size has exceeded the 4 MB limit")
