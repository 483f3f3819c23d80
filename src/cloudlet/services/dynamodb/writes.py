"""The one write path: an item's new state, its index entries and its stream record, all in
the caller's transaction. Every data-plane write (single, batch, transaction, PartiQL, TTL)
ends here."""

from __future__ import annotations

import math
from typing import Any

from cloudlet.services.dynamodb import item_json, store, stream_records, stream_store
from cloudlet.services.dynamodb.addresses import Address, index_entry
from cloudlet.services.dynamodb.core import DynamoCore
from cloudlet.services.dynamodb.store import Reader
from cloudlet.services.dynamodb.tables import Table
from cloudlet.services.dynamodb.values import decode_key, item_size, values_equal
from cloudlet.storage.db import Transaction

Item = dict[str, Any]

# TTL only considers values within five years in the past:
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-before-you-start.html
TTL_LOOKBACK_S = 5 * 365 * 24 * 3600
GIGABYTE = 1024**3


class WritePath(DynamoCore):
    def read_item(self, tx: Transaction, table: Table, address: Address) -> Item | None:
        text = store.get_item(tx, table.id, *address)
        return None if text is None else item_json.loads(text)

    def apply(
        self,
        tx: Transaction,
        table: Table,
        address: Address,
        old: Item | None,
        new: Item | None,
        size: int | None = None,
        by_service: bool = False,
    ) -> bool:
        """Write `new` (None: delete) over `old`; False when nothing changed."""
        if new is None:
            if old is None:
                return False
            store.delete_item(tx, table.id, *address)
        else:
            if old is not None and values_equal({"M": old}, {"M": new}):
                return False
            expires = self.expiry(table, new)
            store.put_item(
                tx,
                table.id,
                *address,
                item_json.dumps(new),
                item_size(new) if size is None else size,
                expires,
            )
            if expires is not None:
                self.expiry_scheduled(expires)
        if table.indexes:
            self._update_indexes(tx, table, address, old, new)
        stream = table.stream
        if stream is not None:
            now = self.clock.now()
            record = stream_records.record_json(table, stream, old, new, now, by_service)
            seq = stream_store.append(tx, stream.id, now, record)
            tx.emit("dynamodb.stream", {"StreamArn": stream.arn, "SequenceNumber": str(seq)})
        return True

    def collection_metrics(
        self, db: Reader, table: Table, address: Address, key: Item
    ) -> dict[str, Any] | None:
        """ItemCollectionMetrics for the collection of `key` (an item or its key), after a
        write; None for a table without local secondary indexes, as AWS leaves it out
        (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LSI.html#LSI.ItemCollections)."""
        local = [index.name for index in table.indexes.values() if index.local]
        if not local:
            return None
        size = store.collection_size(db, table.id, address[0], address[1], local)
        low = float(math.floor(size / GIGABYTE))
        return {
            "ItemCollectionKey": {table.hash.name: key[table.hash.name]},
            "SizeEstimateRangeGB": [low, low + 1.0],
        }

    def collections_metrics(
        self, db: Reader, writes: list[tuple[Table, Address]]
    ) -> dict[str, list[dict[str, Any]]]:
        """BatchWriteItem's and TransactWriteItems' ItemCollectionMetrics: per table with local
        secondary indexes, one entry per item collection written."""
        result: dict[str, list[dict[str, Any]]] = {}
        seen: set[tuple[int, bytes]] = set()
        for table, address in writes:
            if (table.id, address[1]) in seen:
                continue
            seen.add((table.id, address[1]))
            key = {table.hash.name: decode_key(address[1], table.hash.type)}
            metrics = self.collection_metrics(db, table, address, key)
            if metrics is not None:
                result.setdefault(table.name, []).append(metrics)
        return result

    def _update_indexes(
        self, tx: Transaction, table: Table, address: Address, old: Item | None, new: Item | None
    ) -> None:
        for index in table.indexes.values():
            old_entry = None if old is None else index_entry(index, old, address)
            new_entry = None if new is None else index_entry(index, new, address)
            if old_entry is not None and old_entry != new_entry:
                store.delete_index_entry(tx, table.id, index.name, old_entry)
            if new_entry is not None:
                assert new is not None
                projected = index.project(new)
                if old_entry == new_entry and old is not None and index.project(old) == projected:
                    continue
                store.put_index_entry(
                    tx, table.id, index.name, new_entry, item_json.dumps(projected), item_size(projected)
                )

    def backfill_index(self, tx: Transaction, table: Table, name: str) -> None:
        """Fill a new global secondary index from the table's items."""
        index = table.indexes[name]
        after: tuple[int, bytes, bytes] | None = None
        while rows := store.all_items(tx, table.id, after, 500):
            for row in rows:
                address = (int(row["hash"]), bytes(row["pk"]), bytes(row["sk"]))
                item = item_json.loads(row["item"])
                entry = index_entry(index, item, address)
                if entry is not None:
                    projected = index.project(item)
                    store.put_index_entry(
                        tx, table.id, name, entry, item_json.dumps(projected), item_size(projected)
                    )
                after = address

    # -- TTL -----------------------------------------------------------------------------------
    def expiry(self, table: Table, item: Item) -> float | None:
        name = table.ttl_attribute
        if name is None:
            return None
        value = item.get(name)
        if value is None or "N" not in value:
            return None
        at = float(value["N"])
        if at < self.clock.now() - TTL_LOOKBACK_S:
            return None
        return at

    def expiry_scheduled(self, at: float) -> None:
        """Called with each expiry written; the TTL sweeper arms its timer (ttl.py)."""

    def refresh_expiries(self, tx: Transaction, table: Table) -> None:
        """Recompute every item's expiry after TTL was enabled or disabled."""
        if table.ttl_attribute is None:
            store.clear_expiry(tx, table.id)
            return
        after: tuple[int, bytes, bytes] | None = None
        while rows := store.all_items(tx, table.id, after, 500):
            for row in rows:
                address = (int(row["hash"]), bytes(row["pk"]), bytes(row["sk"]))
                at = self.expiry(table, item_json.loads(row["item"]))
                if at is not None:
                    store.set_expiry(tx, table.id, *address, at)
                    self.expiry_scheduled(at)
                after = address
