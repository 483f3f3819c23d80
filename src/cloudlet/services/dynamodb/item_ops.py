"""Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem.

Each write is one transaction: read the old item, check the condition, write through the
write path (item, index entries, stream record)."""

from __future__ import annotations

from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.dynamodb import capacity, item_json, store
from cloudlet.services.dynamodb.addresses import (
    address_of_item,
    address_of_key,
    check_index_keys,
    checked_key,
)
from cloudlet.services.dynamodb.errors import conditional_check_failed, item_too_large, validation
from cloudlet.services.dynamodb.expressions import UpdateResult
from cloudlet.services.dynamodb.requests import Compiled, compile_params
from cloudlet.services.dynamodb.tables import Table
from cloudlet.services.dynamodb.values import MAX_ITEM_SIZE, item_size, validate_item
from cloudlet.services.dynamodb.writes import WritePath

Item = dict[str, Any]
RETURN_VALUES = ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW")


def check_return_values(value: Any, allowed: tuple[str, ...]) -> str:
    if value is None:
        return "NONE"
    if value not in RETURN_VALUES:
        raise validation(
            f"1 validation error detected: Value '{value}' at 'returnValues' failed to satisfy constraint: "
            "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"
        )
    if value not in allowed:
        raise validation("ReturnValues can only be ALL_OLD or NONE")
    return str(value)


def _check_flag(value: Any, member: str, on: str) -> bool:
    """A NONE-or-`on` enum parameter: True for `on`, False for NONE or absent."""
    if value is None or value == "NONE":
        return False
    if value != on:
        raise validation(
            f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{on}, NONE]"
        )
    return True


def check_on_failure(value: Any) -> bool:
    """ReturnValuesOnConditionCheckFailure: True for ALL_OLD."""
    return _check_flag(value, "returnValuesOnConditionCheckFailure", "ALL_OLD")


def check_collection_metrics(value: Any) -> bool:
    """ReturnItemCollectionMetrics: True for SIZE."""
    return _check_flag(value, "returnItemCollectionMetrics", "SIZE")


def require_item(params: dict[str, Any]) -> Item:
    item = params.get("Item")
    if item is None:
        raise validation(
            "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null"
        )
    return validate_item(item)


class ItemOperations(WritePath):
    def put_item(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self.table(ctx, params.get("TableName"))
        item = require_item(params)
        returns = check_return_values(params.get("ReturnValues"), ("NONE", "ALL_OLD"))
        on_failure = check_on_failure(params.get("ReturnValuesOnConditionCheckFailure"))
        request = compile_params(params, "PutItem", table)
        address = address_of_item(table, item)
        check_index_keys(table, item)
        size = item_size(item)
        if size > MAX_ITEM_SIZE:
            raise item_too_large()
        # The old item matters to a condition, ReturnValues, capacity, indexes and the stream;
        # without any of them a put is a single INSERT OR REPLACE.
        needs_old = (
            request.condition is not None
            or returns != "NONE"
            or table.stream is not None
            or bool(table.indexes)
            or params.get("ReturnConsumedCapacity") in ("TOTAL", "INDEXES")
        )
        metrics = check_collection_metrics(params.get("ReturnItemCollectionMetrics"))
        with self.db.write() as tx:
            old = self.read_item(tx, table, address) if needs_old else None
            self.check_condition(request, old, on_failure)
            self.apply(tx, table, address, old, item, size)
            collection = self.collection_metrics(tx, table, address, item) if metrics else None
        result = self._write_result(collection, returns, old)
        self._write_capacity(result, params, table, old, item)
        return result

    def get_item(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self.table(ctx, params.get("TableName"))
        key = checked_key(table, params.get("Key"))
        projection = compile_params(params, "GetItem").projection
        text = store.get_item(self.db, table.id, *address_of_key(table, key))
        result: dict[str, Any] = {}
        item = None
        if text is not None:
            item = item_json.loads(text)
            result["Item"] = item if projection is None else projection.apply(item)
        mode = params.get("ReturnConsumedCapacity")
        if mode in ("TOTAL", "INDEXES"):
            size = 0 if item is None else item_size(item)
            units = capacity.read_units(size, bool(params.get("ConsistentRead")))
            result["ConsumedCapacity"] = capacity.consumed(mode, table.name, units, "Read")
        return result

    def update_item(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self.table(ctx, params.get("TableName"))
        key = checked_key(table, params.get("Key"))
        returns = check_return_values(params.get("ReturnValues"), RETURN_VALUES)
        on_failure = check_on_failure(params.get("ReturnValuesOnConditionCheckFailure"))
        request = compile_params(params, "UpdateItem", table)
        address = address_of_key(table, key)
        metrics = check_collection_metrics(params.get("ReturnItemCollectionMetrics"))
        with self.db.write() as tx:
            old = self.read_item(tx, table, address)
            self.check_condition(request, old, on_failure)
            new, written, size = self.updated(table, request, key, old)
            self.apply(tx, table, address, old, new, size)
            collection = self.collection_metrics(tx, table, address, key) if metrics else None
        result = self._write_result(collection, returns, old)
        if returns == "ALL_NEW":
            result["Attributes"] = new
        elif returns in ("UPDATED_OLD", "UPDATED_NEW") and written is not None:
            attributes = written.updated_old() if returns == "UPDATED_OLD" else written.updated_new()
            if attributes:
                result["Attributes"] = attributes
        self._write_capacity(result, params, table, old, new)
        return result

    @staticmethod
    def updated(
        table: Table, request: Compiled, key: Item, old: Item | None
    ) -> tuple[Item, UpdateResult | None, int]:
        """The item after the request's update (an item that did not exist starts as its key),
        the update's outcome and the new item's size."""
        base = old if old is not None else dict(key)
        if request.update is None:
            return base, None, item_size(base)
        outcome = request.update.apply(base)
        new = outcome.new
        check_index_keys(table, new)
        size = item_size(new)
        if size > MAX_ITEM_SIZE:
            raise validation("Item size to update has exceeded the maximum allowed size")
        return new, outcome, size

    def delete_item(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self.table(ctx, params.get("TableName"))
        key = checked_key(table, params.get("Key"))
        returns = check_return_values(params.get("ReturnValues"), ("NONE", "ALL_OLD"))
        on_failure = check_on_failure(params.get("ReturnValuesOnConditionCheckFailure"))
        request = compile_params(params, "DeleteItem", table)
        address = address_of_key(table, key)
        metrics = check_collection_metrics(params.get("ReturnItemCollectionMetrics"))
        with self.db.write() as tx:
            old = self.read_item(tx, table, address)
            self.check_condition(request, old, on_failure)
            self.apply(tx, table, address, old, None)
            collection = self.collection_metrics(tx, table, address, key) if metrics else None
        result = self._write_result(collection, returns, old)
        self._write_capacity(result, params, table, old, None)
        return result

    # -- shared ---------------------------------------------------------------------------------
    @staticmethod
    def check_condition(request: Compiled, old: Item | None, return_old: bool) -> None:
        if request.condition is not None and not request.condition.matches(old or {}):
            raise conditional_check_failed(old if return_old else None)

    @staticmethod
    def _write_result(collection: dict[str, Any] | None, returns: str, old: Item | None) -> dict[str, Any]:
        """A write's response so far: ItemCollectionMetrics, and the old item for ALL_OLD."""
        result: dict[str, Any] = {}
        if collection is not None:
            result["ItemCollectionMetrics"] = collection
        if returns == "ALL_OLD" and old:
            result["Attributes"] = old
        return result

    @staticmethod
    def _write_capacity(
        result: dict[str, Any], params: dict[str, Any], table: Table, old: Item | None, new: Item | None
    ) -> None:
        consumed = capacity.write_consumed(params.get("ReturnConsumedCapacity"), table, old, new)
        if consumed is not None:
            result["ConsumedCapacity"] = consumed
