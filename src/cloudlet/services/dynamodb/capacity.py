"""ConsumedCapacity as DynamoDB computes it: reads in 4 KB units (half for eventually
consistent), writes in 1 KB units of the larger of the old and new item, transactions
twice that (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html)."""

from __future__ import annotations

import math
from typing import Any

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
            by_table[entry["TableName"]] = {
                k: (dict(v) if isinstance(v, dict) else v) for k, v in entry.items()
            }
            continue
        for key, value in entry.items():
            if isinstance(value, float):
                total[key] = total.get(key, 0.0) + value
            elif key == "Table":
                part = total.setdefault("Table", {})
                for k, v in value.items():
                    part[k] = part.get(k, 0.0) + v
    return list(by_table.values())
