"""Query and Scan, on a table or one of its secondary indexes.

A Query reads one range of the (table_id, hash, pk, sk) primary key (or the index's), so
its cost grows with the page it reads, not the table. A Scan walks (hash, pk, sk) order;
Segment n of TotalSegments reads the n-th slice of the 32-bit hash space."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cloudlet.gateway.context import RequestContext
from cloudlet.services.dynamodb import capacity, item_json, paging, store
from cloudlet.services.dynamodb.addresses import partition
from cloudlet.services.dynamodb.errors import validation
from cloudlet.services.dynamodb.requests import Compiled, compile_params
from cloudlet.services.dynamodb.store import Row
from cloudlet.services.dynamodb.tables import Index, Table
from cloudlet.services.dynamodb.values import check_key_value, encode_key
from cloudlet.services.dynamodb.writes import WritePath

Item = dict[str, Any]
HASH_SPACE = 1 << 32
MAX_SEGMENTS = 1_000_000


class ReadOperations(WritePath):
    def query(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self.table(ctx, params.get("TableName"))
        index = _index(table, params)
        request = compile_params(params, "Query", table)
        if request.key is None:
            raise validation(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
            )
        hash_attr, range_attr = (index.hash, index.range) if index is not None else (table.hash, table.range)
        key_range = request.key.for_schema(
            hash_attr.name,
            hash_attr.type,
            None if range_attr is None else range_attr.name,
            None if range_attr is None else range_attr.type,
        )
        check_key_value(hash_attr.name, key_range.partition_value, partition=True)
        if request.filter is not None:
            for name in (hash_attr.name, None if range_attr is None else range_attr.name):
                if name is not None and name in request.filter.attribute_names:
                    raise validation(
                        f"Filter Expression can only contain non-primary key attributes: Primary key attribute: {name}"
                    )
        select = paging.check_select(params, request, index, "Query")
        limit = paging.check_limit(params)
        forward = params.get("ScanIndexForward", True) is not False
        pk = key_range.partition_bytes
        hash_ = partition(pk)
        low, high = key_range.sort_bounds()
        low_bound = None if low is None else (low.key, low.inclusive)
        high_bound = None if high is None else (high.key, high.inclusive)
        start = paging.start_key(params, table, index)
        fetch: Callable[[Row | None, int], Sequence[Row]]
        if index is None:
            first: bytes | None = None
            if start is not None:
                if encode_key(start[table.hash.name]) != pk:
                    raise validation(
                        "The provided starting key is invalid: The provided key element does not match the schema"
                    )
                first = b"" if table.range is None else encode_key(start[table.range.name])

            def fetch(after: Row | None, limit_: int) -> Sequence[Row]:
                position = first if after is None else bytes(after["sk"])
                return store.query_items(
                    self.db, table.id, hash_, pk, low_bound, high_bound, forward, position, limit_
                )

        else:
            first_entry = None if start is None else _index_position(table, index, start)

            def fetch(after: Row | None, limit_: int) -> Sequence[Row]:
                position = (
                    first_entry
                    if after is None
                    else (bytes(after["sk"]), bytes(after["tpk"]), bytes(after["tsk"]))
                )
                return store.query_index(
                    self.db, table.id, index.name, hash_, pk, low_bound, high_bound, forward, position, limit_
                )

        page = paging.read_page(
            fetch, self._decoder(table, index, request, select), limit, paging.keeper(request, select)
        )
        return self._result(params, table, index, page, select)

    def scan(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        table = self.table(ctx, params.get("TableName"))
        index = _index(table, params)
        request = compile_params(params, "Scan", table)
        select = paging.check_select(params, request, index, "Scan")
        limit = paging.check_limit(params)
        hashes = _segment(params)
        start = paging.start_key(params, table, index)
        first: tuple[Any, ...] | None = None
        if start is not None:
            tpk = encode_key(start[table.hash.name])
            tsk = b"" if table.range is None else encode_key(start[table.range.name])
            if index is None:
                first = (partition(tpk), tpk, tsk)
            else:
                entry = _index_position(table, index, start)
                first = (
                    partition(encode_key(start[index.hash.name])),
                    encode_key(start[index.hash.name]),
                    *entry,
                )

        def fetch(after: Row | None, limit_: int) -> Sequence[Row]:
            if index is None:
                position = first if after is None else (after["hash"], after["pk"], after["sk"])
                return store.scan_items(self.db, table.id, hashes, position, limit_)
            position = first if after is None else tuple(after[c] for c in ("hash", "pk", "sk", "tpk", "tsk"))
            return store.scan_index(self.db, table.id, index.name, hashes, position, limit_)

        page = paging.read_page(
            fetch, self._decoder(table, index, request, select), limit, paging.keeper(request, select)
        )
        return self._result(params, table, index, page, select)

    # -- shared --------------------------------------------------------------------------------
    def _decoder(
        self, table: Table, index: Index | None, request: Compiled, select: str
    ) -> Callable[[Row], Item]:
        """Rows to items; a local index that lacks attributes the request needs reads them from
        the table (AWS fetches them too, at extra read cost)."""
        if index is None or not index.local or index.projection == "ALL":
            return paging.loads
        needed: set[str] = set()
        if request.projection is not None:
            needed |= request.projection.attribute_names
        if request.filter is not None:
            needed |= request.filter.attribute_names
        if select != "ALL_ATTRIBUTES" and index.holds(needed):
            return paging.loads

        def from_table(row: Row) -> Item:
            tpk = bytes(row["tpk"])
            text = store.get_item(self.db, table.id, partition(tpk), tpk, bytes(row["tsk"]))
            return item_json.loads(text) if text is not None else paging.loads(row)

        return from_table

    @staticmethod
    def _result(
        params: dict[str, Any], table: Table, index: Index | None, page: paging.Page, select: str
    ) -> dict[str, Any]:
        last_key = None
        if page.last is not None:
            names = table.key_names + (index.key_names if index is not None else ())
            last_key = {name: page.last[name] for name in names if name in page.last}
        result = paging.result_of(page, select, last_key)
        mode = params.get("ReturnConsumedCapacity")
        if mode in ("TOTAL", "INDEXES"):
            units = capacity.read_units(page.size, bool(params.get("ConsistentRead")))
            index_name = None if index is None else index.name
            local = index is not None and index.local
            result["ConsumedCapacity"] = capacity.consumed(mode, table.name, units, "Read", index_name, local)
        return result


def _index(table: Table, params: dict[str, Any]) -> Index | None:
    name = params.get("IndexName")
    if name is None:
        return None
    index = table.indexes.get(str(name))
    if index is None:
        raise validation(f"The table does not have the specified index: {name}")
    if params.get("ConsistentRead") and not index.local:
        raise validation("Consistent reads are not supported on global secondary indexes")
    return index


def _index_position(table: Table, index: Index, start: Item) -> tuple[bytes, bytes, bytes]:
    """(index sort key, table pk, table sk) of a start key, for resuming an index read."""
    sk = b"" if index.range is None else encode_key(start[index.range.name])
    tpk = encode_key(start[table.hash.name])
    tsk = b"" if table.range is None else encode_key(start[table.range.name])
    return sk, tpk, tsk


def _segment(params: dict[str, Any]) -> tuple[int, int]:
    """The slice of the hash space a parallel scan segment reads (all of it without one)."""
    segment, total = params.get("Segment"), params.get("TotalSegments")
    if segment is None and total is None:
        return 0, HASH_SPACE - 1
    if total is None:
        raise validation(
            "The TotalSegments parameter is required but was not present in the request when Segment parameter is present"
        )
    if segment is None:
        raise validation(
            "The Segment parameter is required but was not present in the request when parameter TotalSegments is present"
        )
    if total < 1 or total > MAX_SEGMENTS:
        raise validation(
            f"1 validation error detected: Value '{total}' at 'totalSegments' failed to satisfy constraint: "
            f"Member must have value {'greater than or equal to 1' if total < 1 else 'less than or equal to 1000000'}"
        )
    if segment < 0:
        raise validation(
            f"1 validation error detected: Value '{segment}' at 'segment' failed to satisfy constraint: "
            "Member must have value greater than or equal to 0"
        )
    if segment >= total:
        raise validation(
            f"The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {segment} "
            f"is not less than TotalSegments: {total}"
        )
    return segment * HASH_SPACE // total, (segment + 1) * HASH_SPACE // total - 1
