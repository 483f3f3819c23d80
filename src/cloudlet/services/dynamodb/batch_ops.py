"""BatchGetItem (up to 100 keys, 16 MB per response) and BatchWriteItem (up to 25 puts and
deletes). Nothing is throttled, so UnprocessedItems is always empty and UnprocessedKeys holds
only what did not fit in 16 MB
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html)."""

from __future__ import annotations

from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.dynamodb import capacity, item_json, store
from cloudlet.services.dynamodb.addresses import (
    Address,
    address_of_item,
    address_of_key,
    check_index_keys,
    checked_key,
)
from cloudlet.services.dynamodb.errors import item_too_large, validation
from cloudlet.services.dynamodb.item_ops import check_collection_metrics, require_item
from cloudlet.services.dynamodb.requests import compile_params
from cloudlet.services.dynamodb.tables import Table
from cloudlet.services.dynamodb.values import MAX_ITEM_SIZE, item_size
from cloudlet.services.dynamodb.writes import WritePath

Item = dict[str, Any]
MAX_GET = 100
MAX_WRITE = 25
MAX_RESPONSE_BYTES = 16 * 1024 * 1024


def _check_count(request_items: Any, maximum: int) -> None:
    if not request_items:
        raise validation(
            "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: "
            "Member must not be null"
            if request_items is None
            else "1 validation error detected: Value '{}' at 'requestItems' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1"
        )


class BatchOperations(WritePath):
    def batch_get_item(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        request_items = params.get("RequestItems")
        _check_count(request_items, MAX_GET)
        assert request_items is not None
        if sum(len(spec.get("Keys") or ()) for spec in request_items.values()) > MAX_GET:
            raise validation("Too many items requested for the BatchGetItem call")
        plans = []
        for name, spec in request_items.items():
            table = self.table(ctx, name)
            keys = spec.get("Keys") or []
            if not keys:
                raise validation(
                    "1 validation error detected: Value '[]' at 'requestItems."
                    f"{name}.member.keys' failed to satisfy constraint: Member must have length greater than or equal to 1"
                )
            projection = compile_params(spec, "BatchGetItem").projection
            addresses = [address_of_key(table, checked_key(table, key)) for key in keys]
            if len(set(addresses)) != len(addresses):
                raise validation("Provided list of item keys contains duplicates")
            plans.append((name, table, spec, keys, addresses, projection))
        responses: dict[str, list[Item]] = {}
        unprocessed: dict[str, Any] = {}
        used: list[dict[str, Any]] = []
        total = 0
        for name, table, spec, keys, addresses, projection in plans:
            found = responses.setdefault(name, [])
            size = 0
            for number, address in enumerate(addresses):
                if total >= MAX_RESPONSE_BYTES:
                    rest = {k: v for k, v in spec.items() if k != "Keys"}
                    unprocessed[name] = {**rest, "Keys": keys[number:]}
                    break
                text = store.get_item(self.db, table.id, *address)
                if text is None:
                    continue
                item = item_json.loads(text)
                item_bytes = item_size(item)
                size += item_bytes
                total += item_bytes
                found.append(item if projection is None else projection.apply(item))
            mode = params.get("ReturnConsumedCapacity")
            units = capacity.read_units(size, bool(spec.get("ConsistentRead")))
            entry = capacity.consumed(mode, table.name, units, "Read")
            if entry is not None:
                used.append(entry)
        result: dict[str, Any] = {"Responses": responses, "UnprocessedKeys": unprocessed}
        if used:
            result["ConsumedCapacity"] = capacity.merge(used)
        return result

    def batch_write_item(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        request_items = params.get("RequestItems")
        _check_count(request_items, MAX_WRITE)
        assert request_items is not None
        count = sum(len(requests or ()) for requests in request_items.values())
        if count > MAX_WRITE:
            raise validation(
                "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must "
                "satisfy constraint: [Member must have length less than or equal to 25, Member must have length "
                "greater than or equal to 1]"
            )
        writes: list[tuple[Table, Address, Item | None, int]] = []
        for name, requests in request_items.items():
            table = self.table(ctx, name)
            if not requests:
                raise validation(
                    "1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value "
                    "must satisfy constraint: [Member must have length less than or equal to 25, Member must have "
                    "length greater than or equal to 1]"
                )
            seen: set[Address] = set()
            for request in requests:
                put, delete = request.get("PutRequest"), request.get("DeleteRequest")
                if (put is None) == (delete is None):
                    # AWS's wording for a WriteRequest with neither or both members.
                    raise validation(
                        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
                        "supported datatypes"
                    )
                if put is not None:
                    item = require_item(put)
                    address = address_of_item(table, item)
                    check_index_keys(table, item)
                    size = item_size(item)
                    if size > MAX_ITEM_SIZE:
                        raise item_too_large()
                    writes.append((table, address, item, size))
                else:
                    address = address_of_key(table, checked_key(table, delete.get("Key")))
                    writes.append((table, address, None, 0))
                if address in seen:
                    raise validation("Provided list of item keys contains duplicates")
                seen.add(address)
        used: list[dict[str, Any]] = []
        mode = params.get("ReturnConsumedCapacity")
        metrics = check_collection_metrics(params.get("ReturnItemCollectionMetrics"))
        with self.db.write() as tx:
            for table, address, new, size in writes:
                old = self.read_item(tx, table, address)
                self.apply(tx, table, address, old, new, size if new is not None else None)
                entry = capacity.write_consumed(mode, table, old, new)
                if entry is not None:
                    used.append(entry)
            collections = self.collections_metrics(tx, [(t, a) for t, a, _, _ in writes]) if metrics else None
        result: dict[str, Any] = {"UnprocessedItems": {}}
        if used:
            result["ConsumedCapacity"] = capacity.merge(used)
        if collections is not None:
            result["ItemCollectionMetrics"] = collections
        return result
