"""A table's metadata, parsed once from its stored definition and cached in memory.

The stored definition (ddb_tables.definition) is JSON with sections: "description" (the
static part of DescribeTable's TableDescription), "tags", "ttl", "backups", and "stream"
(the enabled stream: id, arn, label, view_type; a copy of its ddb_streams row)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

Item = dict[str, Any]


@dataclass(frozen=True, slots=True)
class KeyAttr:
    name: str
    type: str  # "S" | "N" | "B"


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    local: bool
    hash: KeyAttr
    range: KeyAttr | None
    projection: str  # "ALL" | "KEYS_ONLY" | "INCLUDE"
    keep: frozenset[str]  # attributes an index entry holds (unless ALL)

    @property
    def key_names(self) -> tuple[str, ...]:
        return (self.hash.name,) if self.range is None else (self.hash.name, self.range.name)

    def project(self, item: Item) -> Item:
        if self.projection == "ALL":
            return item
        keep = self.keep
        return {name: value for name, value in item.items() if name in keep}

    def holds(self, names: set[str]) -> bool:
        """True when every attribute named is in this index's entries."""
        return self.projection == "ALL" or names <= self.keep


@dataclass(frozen=True, slots=True)
class StreamRef:
    id: int
    arn: str
    label: str
    view_type: str  # KEYS_ONLY | NEW_IMAGE | OLD_IMAGE | NEW_AND_OLD_IMAGES


@dataclass(slots=True)
class Table:
    id: int
    account: str
    region: str
    name: str
    state: dict[str, Any]
    hash: KeyAttr = field(init=False)
    range: KeyAttr | None = field(init=False)
    indexes: dict[str, Index] = field(init=False)
    stream: StreamRef | None = field(init=False)
    ttl_attribute: str | None = field(init=False)

    def __post_init__(self) -> None:
        description = self.state["description"]
        types = {d["AttributeName"]: d["AttributeType"] for d in description["AttributeDefinitions"]}
        self.hash, self.range = _keys(description["KeySchema"], types)
        table_keys = {self.hash.name} | ({self.range.name} if self.range else set())
        self.indexes = {}
        for kind, local in (("GlobalSecondaryIndexes", False), ("LocalSecondaryIndexes", True)):
            for spec in description.get(kind) or ():
                hash_key, range_key = _keys(spec["KeySchema"], types)
                projection = spec["Projection"]
                keep = table_keys | {hash_key.name} | ({range_key.name} if range_key else set())
                keep |= set(projection.get("NonKeyAttributes") or ())
                self.indexes[spec["IndexName"]] = Index(
                    spec["IndexName"],
                    local,
                    hash_key,
                    range_key,
                    projection["ProjectionType"],
                    frozenset(keep),
                )
        stream = self.state.get("stream")
        self.stream = None if stream is None else StreamRef(**stream)
        ttl = self.state.get("ttl") or {}
        self.ttl_attribute = ttl.get("AttributeName") if ttl.get("TimeToLiveStatus") == "ENABLED" else None

    @property
    def description(self) -> dict[str, Any]:
        description: dict[str, Any] = self.state["description"]
        return description

    @property
    def arn(self) -> str:
        return str(self.description["TableArn"])

    @property
    def key_names(self) -> tuple[str, ...]:
        return (self.hash.name,) if self.range is None else (self.hash.name, self.range.name)

    @property
    def key_schema(self) -> list[dict[str, str]]:
        schema: list[dict[str, str]] = self.description["KeySchema"]
        return schema

    def key_of(self, item: Item) -> Item:
        """The key attributes of an item (which has them)."""
        key = {self.hash.name: item[self.hash.name]}
        if self.range is not None:
            key[self.range.name] = item[self.range.name]
        return key

    def edited(self) -> dict[str, Any]:
        """A deep copy of the stored state, to change and save."""
        return copy.deepcopy(self.state)

    def dumps(self) -> str:
        return json.dumps(self.state, separators=(",", ":"))


def _keys(schema: list[dict[str, str]], types: dict[str, str]) -> tuple[KeyAttr, KeyAttr | None]:
    hash_key: KeyAttr | None = None
    range_key: KeyAttr | None = None
    for element in schema:
        attr = KeyAttr(element["AttributeName"], types[element["AttributeName"]])
        if element["KeyType"] == "HASH":
            hash_key = attr
        else:
            range_key = attr
    assert hash_key is not None
    return hash_key, range_key


class TableCache:
    """(account, region, name) -> Table. The server is the only writer, so the cache is
    exact as long as every change goes through put() or drop()."""

    def __init__(self) -> None:
        self._tables: dict[tuple[str, str, str], Table] = {}

    def get(self, account: str, region: str, name: str) -> Table | None:
        return self._tables.get((account, region, name))

    def put(self, table: Table) -> Table:
        self._tables[(table.account, table.region, table.name)] = table
        return table

    def drop(self, account: str, region: str, name: str) -> None:
        self._tables.pop((account, region, name), None)

    def clear(self) -> None:
        self._tables.clear()
