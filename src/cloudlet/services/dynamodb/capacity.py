"""ConsumedCapacity as DynamoDB computes it: reads in 4 KB units (half for eventually
consistent), writes in 1 KB units of the larger of the old and new item, transactions
twice that (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html)."""

from __future__ import annotations

import copy
import math
from typing import Any

from cloudlet.services.dynamodb.tables import Index, Table
from cloudlet.services.dynamodb.values import item_size

Item = dict[str, Any]

READ_UNIT = 4096
WRITE_UNIT = 1024


def read_units(size: int, consistent: bool, transactional: bool = False) -> float:
    units = max(1, math.ceil(size / READ_UNIT))
    if transactional:
        return float(units * 2)
    return float(units) if consistent else units / 2


def write_units(size: int, transactional: bool = False) -> float:
    units = max(1, math.ceil(size / WRITE_UNIT))
    return float(units * 2 if transactional else units)


def consumed(
    mode: Any, table: str, units: float, kind: str, index: str | None = None, local: bool = False
) -> dict[str, Any] | None:
    """The ConsumedCapacity member for ReturnConsumedCapacity `mode` (None for NONE).
    `kind` is "Read" or "Write"."""
    if mode not in ("TOTAL", "INDEXES"):
        return None
    result: dict[str, Any] = {"TableName": table, "CapacityUnits": units, f"{kind}CapacityUnits": units}
    if mode == "INDEXES":
        part = {"CapacityUnits": units, f"{kind}CapacityUnits": units}
        if index is None:
            result["Table"] = part
        else:
            result["Table"] = {"CapacityUnits": 0.0, f"{kind}CapacityUnits": 0.0}
            result["LocalSecondaryIndexes" if local else "GlobalSecondaryIndexes"] = {index: part}
    return result


def merge(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Batch and transaction results: one ConsumedCapacity per table, units summed."""
    by_table: dict[str, dict[str, Any]] = {}
    for entry in entries:
        total = by_table.get(entry["TableName"])
        if total is None:
            by_table[entry["TableName"]] = copy.deepcopy(entry)
            continue
        for key, value in entry.items():
            if isinstance(value, float):
                total[key] = total.get(key, 0.0) + value
            elif key == "Table":
                _add(total.setdefault("Table", {}), value)
            elif key in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
                indexes = total.setdefault(key, {})
                for name, part in value.items():
                    _add(indexes.setdefault(name, {}), part)
    return list(by_table.values())


def _add(total: dict[str, float], part: dict[str, float]) -> None:
    for key, value in part.items():
        total[key] = total.get(key, 0.0) + value


def index_write_units(index: Index, old: Item | None, new: Item | None, transactional: bool = False) -> float:
    """What a table write costs one secondary index: one write to put an entry in, take one
    out, or rewrite its projected attributes; two when the index key changes (delete, put);
    none when the entry is untouched (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Writes,
    .../LSI.html#LSI.ThroughputConsiderations.Writes), each in 1 KB units of the entry."""
    before = _entry(index, old)
    after = _entry(index, new)
    if before is None and after is None:
        return 0.0
    if before is not None and after is not None:
        if _index_key(index, old) == _index_key(index, new):  # type: ignore[arg-type]
            if before == after:
                return 0.0
            return write_units(item_size(after), transactional)
        return write_units(item_size(before), transactional) + write_units(item_size(after), transactional)
    entry = before if before is not None else after
    assert entry is not None
    return write_units(item_size(entry), transactional)


def _entry(index: Index, item: Item | None) -> Item | None:
    if item is None or index.hash.name not in item:
        return None
    if index.range is not None and index.range.name not in item:
        return None
    return index.project(item)


def _index_key(index: Index, item: Item) -> tuple[Any, ...]:
    return tuple(item[name] for name in index.key_names)


def write_consumed(
    mode: Any, table: Table, old: Item | None, new: Item | None, transactional: bool = False
) -> dict[str, Any] | None:
    """ConsumedCapacity of one item write: the table's units plus every index's it touched
    (in the total; INDEXES itemizes them)."""
    if mode not in ("TOTAL", "INDEXES"):
        return None
    size = max(item_size(old) if old else 0, item_size(new) if new else 0)
    table_units = write_units(size, transactional)
    by_index = {
        name: units
        for name, index in table.indexes.items()
        if (units := index_write_units(index, old, new, transactional))
    }
    total = table_units + sum(by_index.values())
    result: dict[str, Any] = {"TableName": table.name, "CapacityUnits": total, "WriteCapacityUnits": total}
    if mode == "INDEXES":
        result["Table"] = {"CapacityUnits": table_units, "WriteCapacityUnits": table_units}
        for key, local in (("LocalSecondaryIndexes", True), ("GlobalSecondaryIndexes", False)):
            parts = {
                name: {"CapacityUnits": units, "WriteCapacityUnits": units}
                for name, units in by_index.items()
                if table.indexes[name].local is local
            }
            if parts:
                result[key] = parts
    return result
