"""Where an item lives: its table key checked against the schema and encoded as (hash, pk, sk),
and where each of its secondary index entries lives.

pk/sk are values.encode_key bytes (bytewise order = DynamoDB's order); hash is CRC-32 of pk,
which spreads partitions over Scan segments and gives Scan its (unspecified) order."""

from __future__ import annotations

import zlib
from typing import Any

from cloudlet.services.dynamodb.errors import INVALID, INVALID_ARE, key_mismatch, validation
from cloudlet.services.dynamodb.store import IndexEntry
from cloudlet.services.dynamodb.tables import Index, KeyAttr, Table
from cloudlet.services.dynamodb.values import check_key_value, encode_key, type_of, validate_value

Item = dict[str, Any]
Address = tuple[int, bytes, bytes]  # hash, pk, sk


def partition(pk: bytes) -> int:
    return zlib.crc32(pk)


def address_of_item(table: Table, item: Item) -> Address:
    """The address of an item being written (PutItem's wording for a bad key)."""
    pk = _item_key_bytes(item, table.hash, True)
    sk = b"" if table.range is None else _item_key_bytes(item, table.range, False)
    return zlib.crc32(pk), pk, sk


def _item_key_bytes(item: Item, attr: KeyAttr, partition_key: bool) -> bytes:
    value = item.get(attr.name)
    if value is None:
        raise validation(f"{INVALID}Missing the key {attr.name} in the item")
    kind = type_of(value)
    if kind != attr.type:
        raise validation(f"{INVALID}Type mismatch for key {attr.name} expected: {attr.type} actual: {kind}")
    check_key_value(attr.name, value, partition=partition_key)
    return encode_key(value)


def checked_key(table: Table, key: Any) -> Item:
    """A Key parameter (GetItem, DeleteItem, UpdateItem, ...), validated and normalized."""
    if not isinstance(key, dict) or len(key) != (1 if table.range is None else 2):
        raise key_mismatch()
    normalized = {}
    for attr in (table.hash, table.range):
        if attr is None:
            continue
        value = key.get(attr.name)
        if value is None:
            raise key_mismatch()
        value = validate_value(value)
        if type_of(value) != attr.type:
            raise key_mismatch()
        check_key_value(attr.name, value, partition=attr is table.hash)
        normalized[attr.name] = value
    return normalized


def address_of_key(table: Table, key: Item) -> Address:
    """The address of a checked key (checked_key's result)."""
    pk = encode_key(key[table.hash.name])
    sk = b"" if table.range is None else encode_key(key[table.range.name])
    return zlib.crc32(pk), pk, sk


def index_entry(index: Index, item: Item, address: Address) -> IndexEntry | None:
    """Where `item` goes in `index`, or None when it lacks an index key (a sparse index)."""
    hash_value = item.get(index.hash.name)
    if hash_value is None:
        return None
    pk = _index_key_bytes(index, index.hash, hash_value)
    sk = b""
    if index.range is not None:
        range_value = item.get(index.range.name)
        if range_value is None:
            return None
        sk = _index_key_bytes(index, index.range, range_value)
    return zlib.crc32(pk), pk, sk, address[1], address[2]


def _index_key_bytes(index: Index, attr: KeyAttr, value: Item) -> bytes:
    kind = type_of(value)
    if kind != attr.type:
        raise validation(
            f"{INVALID}Type mismatch for Index Key {attr.name} Expected: {attr.type} Actual: {kind}"
            f" IndexName: {index.name}"
        )
    if kind in ("S", "B") and len(value[kind]) == 0:
        what = "string" if kind == "S" else "binary"
        raise validation(
            f"{INVALID_ARE}A value specified for a secondary index key is not supported. The AttributeValue"
            f" for a key attribute cannot contain an empty {what} value. IndexName: {index.name},"
            f" IndexKey: {attr.name}"
        )
    return encode_key(value)


def check_index_keys(table: Table, item: Item) -> None:
    """Raise for an index key attribute of the wrong type (before anything is written)."""
    for index in table.indexes.values():
        for attr in (index.hash, index.range):
            if attr is not None and (value := item.get(attr.name)) is not None:
                _index_key_bytes(index, attr, value)
