"""PartiQL SELECT: a partition read when the WHERE pins the partition key (narrowed to a
sort-key range when a conjunct allows), else a scan; the whole WHERE filters, Limit and
NextToken page as Query does."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any

from cloudlet.services.dynamodb import item_json, paging, store
from cloudlet.services.dynamodb.addresses import partition
from cloudlet.services.dynamodb.errors import validation
from cloudlet.services.dynamodb.expressions import Projection, compile_predicate
from cloudlet.services.dynamodb.partiql_statements import Select
from cloudlet.services.dynamodb.partiql_where import equality, sort_bounds
from cloudlet.services.dynamodb.store import Row
from cloudlet.services.dynamodb.tables import Index, Table
from cloudlet.services.dynamodb.values import encode_key
from cloudlet.services.dynamodb.writes import WritePath

Item = dict[str, Any]


class PartiqlSelect(WritePath):
    def _select(self, table: Table, statement: Select, params: dict[str, Any]) -> dict[str, Any]:
        index = None
        if statement.index is not None:
            index = table.indexes.get(statement.index)
            if index is None:
                raise validation(f"The table does not have the specified index: {statement.index}")
        predicate = None if statement.where is None else compile_predicate(statement.where)
        projection = None if statement.paths is None else Projection(statement.paths)
        limit = paging.check_limit(params)
        start = _decode_token(params.get("NextToken"))
        hash_name = index.hash.name if index is not None else table.hash.name
        pinned = equality(statement.where, hash_name)
        if statement.order_by is not None:
            range_attr = index.range if index is not None else table.range
            if pinned is None or range_attr is None or statement.order_by != (range_attr.name,):
                raise validation("ORDER BY is supported only on the sort key of a single partition")
        range_attr = index.range if index is not None else table.range
        bounds = sort_bounds(statement.where, range_attr) if pinned is not None else (None, None)
        fetch = self._fetch(table, index, pinned, bounds, start, not statement.descending)

        def keep(item: Item) -> Item | None:
            if predicate is not None and not predicate(item):
                return None
            return item if projection is None else projection.apply(item)

        page = paging.read_page(fetch, paging.loads, limit, keep)
        result: dict[str, Any] = {"Items": page.items}
        if page.last is not None:
            names = table.key_names + (index.key_names if index is not None else ())
            last = {name: page.last[name] for name in names if name in page.last}
            result["LastEvaluatedKey"] = last
            result["NextToken"] = base64.b64encode(item_json.dumps(last).encode()).decode("ascii")
        return result

    def _fetch(
        self,
        table: Table,
        index: Index | None,
        pinned: Item | None,
        bounds: tuple[store.Bound | None, store.Bound | None],
        start: Item | None,
        forward: bool,
    ) -> Callable[[Row | None, int], Sequence[Row]]:
        db, everything = self.db, (0, (1 << 32) - 1)
        if pinned is not None:
            pk = encode_key(pinned)
            hash_ = partition(pk)
            if index is None:
                first = None if start is None or table.range is None else encode_key(start[table.range.name])
                return lambda after, n: store.query_items(
                    db, table.id, hash_, pk, *bounds, forward,
                    first if after is None else bytes(after["sk"]), n,
                )  # fmt: skip
            entry = None if start is None else _index_start(table, index, start)
            return lambda after, n: store.query_index(
                db, table.id, index.name, hash_, pk, *bounds, forward,
                entry if after is None else (after["sk"], after["tpk"], after["tsk"]), n,
            )  # fmt: skip
        if index is None:
            first_row = None
            if start is not None:
                tpk = encode_key(start[table.hash.name])
                first_row = (
                    partition(tpk),
                    tpk,
                    b"" if table.range is None else encode_key(start[table.range.name]),
                )
            return lambda after, n: store.scan_items(
                db,
                table.id,
                everything,
                first_row if after is None else (after["hash"], after["pk"], after["sk"]),
                n,
            )
        first_entry = None
        if start is not None:
            ipk = encode_key(start[index.hash.name])
            first_entry = (partition(ipk), ipk, *_index_start(table, index, start))
        return lambda after, n: store.scan_index(
            db, table.id, index.name, everything,
            first_entry if after is None else tuple(after[c] for c in ("hash", "pk", "sk", "tpk", "tsk")), n,
        )  # fmt: skip


def _index_start(table: Table, index: Index, start: Item) -> tuple[bytes, bytes, bytes]:
    sk = b"" if index.range is None else encode_key(start[index.range.name])
    tsk = b"" if table.range is None else encode_key(start[table.range.name])
    return sk, encode_key(start[table.hash.name]), tsk


def project(statement: Select, item: Item) -> Item:
    return item if statement.paths is None else Projection(statement.paths).apply(item)


def _decode_token(token: Any) -> Item | None:
    if token is None:
        return None
    try:
        return item_json.loads(base64.b64decode(str(token)).decode())
    except (ValueError, binascii.Error, json.JSONDecodeError):
        raise validation("Invalid NextToken") from None
