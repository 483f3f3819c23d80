"""TableDescription: the stored description plus live status, counts and sizes."""

from __future__ import annotations

import copy
from typing import Any

from cloudlet.services.dynamodb import store
from cloudlet.services.dynamodb.store import Reader
from cloudlet.services.dynamodb.tables import Table


def describe(db: Reader, table: Table, status: str = "ACTIVE", counts: bool = True) -> dict[str, Any]:
    """DescribeTable's TableDescription. ItemCount and sizes are exact here (AWS refreshes
    them about every six hours: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TableDescription.html)."""
    description = copy.deepcopy(table.description)
    description["TableStatus"] = status
    items, size = store.table_stats(db, table.id) if counts else (0, 0)
    description["ItemCount"] = items
    description["TableSizeBytes"] = size
    per_index = store.index_stats(db, table.id) if counts and table.indexes else {}
    for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        for index in description.get(kind) or ():
            n, b = per_index.get(index["IndexName"], (0, 0))
            index["ItemCount"] = n
            index["IndexSizeBytes"] = b
            if kind == "GlobalSecondaryIndexes" and status in ("CREATING", "DELETING"):
                index["IndexStatus"] = status
    if table.stream is not None:
        description["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": table.stream.view_type}
    return description
