"""What Query and Scan share: Select and Limit checks, start keys, and reading one page.

A page stops at Limit items evaluated or once 1 MB of items has been read (before the
filter, as DynamoDB counts it:
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html);
the last item evaluated then becomes LastEvaluatedKey."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cloudlet.services.dynamodb import item_json
from cloudlet.services.dynamodb.errors import INVALID, validation
from cloudlet.services.dynamodb.requests import Compiled
from cloudlet.services.dynamodb.store import Row
from cloudlet.services.dynamodb.tables import Index, Table
from cloudlet.services.dynamodb.values import check_key_value, type_of, validate_value

Item = dict[str, Any]
PAGE_BYTES = 1024 * 1024
CHUNK = 256
SELECTS = ("ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT")


def check_select(params: dict[str, Any], request: Compiled, index: Index | None, operation: str) -> str:
    select = params.get("Select")
    given = "ProjectionExpression" if params.get("ProjectionExpression") is not None else "AttributesToGet"
    if select is None:
        if request.projection is not None:
            select = "SPECIFIC_ATTRIBUTES"
        else:
            select = "ALL_PROJECTED_ATTRIBUTES" if index is not None else "ALL_ATTRIBUTES"
    elif select not in SELECTS:
        raise validation(
            f"1 validation error detected: Value '{select}' at 'select' failed to satisfy constraint: Member must "
            "satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"
        )
    elif select != "SPECIFIC_ATTRIBUTES" and request.projection is not None:
        raise validation(f"Cannot specify the {given} when choosing to get {select}")
    elif select == "SPECIFIC_ATTRIBUTES" and request.projection is None:
        raise validation(
            "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
        )
    if select == "ALL_PROJECTED_ATTRIBUTES" and index is None:
        verb = "Querying" if operation == "Query" else "Scanning"
        raise validation(f"ALL_PROJECTED_ATTRIBUTES can be used only when {verb} using an IndexName")
    if index is not None and not index.local and index.projection != "ALL":
        needed = set(request.projection.attribute_names) if request.projection else set()
        if request.filter is not None:
            needed |= request.filter.attribute_names
        if select == "ALL_ATTRIBUTES" or not index.holds(needed):
            raise validation(
                f"{INVALID}Select type ALL_ATTRIBUTES is not supported for global secondary index {index.name} "
                "because its projection type is not ALL"
            )
    return str(select)


def check_limit(params: dict[str, Any]) -> int | None:
    limit = params.get("Limit")
    if limit is not None and limit < 1:
        raise validation(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )
    return None if limit is None else int(limit)


def start_key(params: dict[str, Any], table: Table, index: Index | None) -> Item | None:
    """ExclusiveStartKey checked against the key attributes it must hold."""
    start = params.get("ExclusiveStartKey")
    if start is None:
        return None
    attrs = [table.hash, table.range]
    if index is not None:
        attrs += [index.hash, index.range]
    wanted = {a.name: a.type for a in attrs if a is not None}
    if set(start) != set(wanted):
        raise validation(
            "The provided starting key is invalid: The provided key element does not match the schema"
        )
    checked = {}
    for name, kind in wanted.items():
        value = validate_value(start[name])
        if type_of(value) != kind:
            raise validation(
                "The provided starting key is invalid: The provided key element does not match the schema"
            )
        check_key_value(name, value, partition=name == table.hash.name)
        checked[name] = value
    return checked


@dataclass
class Page:
    items: list[Item] = field(default_factory=list)
    count: int = 0
    scanned: int = 0
    size: int = 0
    last: Item | None = None  # the last item evaluated, when the page stopped early


def read_page(
    fetch: Callable[[Row | None, int], Sequence[Row]],
    decode: Callable[[Row], Item],
    limit: int | None,
    keep: Callable[[Item], Item | None],
) -> Page:
    """Evaluate rows in order until Limit or 1 MB; keep(item) -> the item to return or None."""
    page = Page()
    after: Row | None = None
    while True:
        chunk = CHUNK if limit is None else min(CHUNK, limit - page.scanned)
        rows = fetch(after, chunk)
        for row in rows:
            item = decode(row)
            page.scanned += 1
            page.size += int(row["size"])
            kept = keep(item)
            if kept is not None:
                page.count += 1
                page.items.append(kept)
            if (limit is not None and page.scanned >= limit) or page.size >= PAGE_BYTES:
                page.last = item
                return page
        if len(rows) < chunk:
            return page
        after = rows[-1]


def keeper(request: Compiled, select: str) -> Callable[[Item], Item | None]:
    """What a page keeps of an item: None when the filter drops it, else its projection."""
    matches = request.filter.matches if request.filter is not None else None
    project = request.projection.apply if request.projection is not None else None
    count_only = select == "COUNT"

    def keep(item: Item) -> Item | None:
        if matches is not None and not matches(item):
            return None
        if count_only:
            return _COUNTED
        return project(item) if project is not None else item

    return keep


_COUNTED: Item = {}


def loads(row: Row) -> Item:
    return item_json.loads(row["item"])


def result_of(page: Page, select: str, last_key: Item | None) -> dict[str, Any]:
    result: dict[str, Any] = {"Count": page.count, "ScannedCount": page.scanned}
    if select != "COUNT":
        result["Items"] = page.items
    if last_key is not None:
        result["LastEvaluatedKey"] = last_key
    return result
