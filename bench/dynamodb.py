"""DynamoDB throughput through boto3: cloudlet vs moto's server vs a do-nothing server.

Run: ``.venv/bin/python bench/dynamodb.py [--quick] [--json PATH] [--targets cloudlet,moto,null]``
(about four minutes on a 2-core machine; ``--quick`` a smoke run of under a minute).

The benchmark starts each server itself, one after the other, as a subprocess on a free
loopback port, and measures it with boto3 clients in this process (bench/harness.py):

- cloudlet: ``python -m cloudlet up --port P --data-dir <tmp>`` with CLOUDLET_LOG_REQUESTS=0,
  ready when ``GET /_cloudlet/health`` answers 200;
- moto: ``python -m moto.server -p P``, ready when it answers HTTP;
- null: bench/null_dynamodb.py, canned answers on the same HTTP stack as cloudlet, i.e. the
  ceiling the client allows.

Every workload uses its own table (``pk`` string hash key, ``sk`` number range key, on-demand),
created before and deleted after the cell, untimed. Items carry a 100-byte string and a number.
Workloads, each with 1 and with 8 client threads (every thread has its own boto3 client):

- put: PutItem of a new item per call -> items/s;
- get: GetItem (consistent read) over 100 pre-written items -> items/s;
- update: UpdateItem ``ADD #n :one`` (ReturnValues UPDATED_NEW) over 100 pre-written
  counters -> items/s;
- query: Query through one 1,000-item partition page by page (Limit 100, i.e. 10 pages per
  walk) -> pages/s;
- batch: BatchWriteItem of 25 new items per call -> items/s (unprocessed items do not count);
- query-scaling (1 thread): the time per page of the same walk through a 1,000-item partition
  in a table that holds just that partition and in a big table that also holds 99,000 other
  items (100 per partition), alternating walk by walk. The point: the cost of a page should
  grow with the page, not with the table (growth = big/small close to 1). The big table is
  filled untimed with BatchWriteItem from 8 threads, for at most ``fill_seconds`` (60); moto's
  big table is 10,000 items (its Query pages grow slow with the table, which would take most of
  the run), and the notes under the table say how many items each big table reached.

Each cell runs a fixed number of calls or until its time budget ends, whichever comes first;
the rate is over what the server managed. A few failed calls are tolerated and reported;
more fail the cell ("error", and the run goes on).

Targets (printed with the tables): cloudlet >= 5x moto and >= 80% of null on each single-item
operation (put, get, update). The other workloads show their ratios without targets.

All servers and temporary directories are cleaned up on exit, Ctrl-C and SIGTERM included.
"""

from __future__ import annotations

import contextlib
import math
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import harness
from harness import Failures, Stat, Stats, Target, Workload, rate, run_parallel, timed_calls

PAYLOAD = "cloudlet bench item " + "x" * 80  # 100 bytes
HOT_ITEMS = 100  # the items get and update spread over
BATCH_SIZE = 25  # BatchWriteItem's maximum
FILL_THREADS = 8
TABLE_READY_SECONDS = 30.0


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Plan:
    """How much work each cell does: the counts are totals over all threads of a cell."""

    put_calls: int
    get_calls: int
    update_calls: int
    query_walks: int  # walks through the whole partition
    batch_calls: int
    scaling_walks: int  # per table
    big_table_items: int
    big_table_items_moto: int
    budget_seconds: float  # per cell, for every server
    fill_seconds: float  # cap on the untimed fill of the big table
    partition_items: int = 1000
    page_items: int = 100
    thread_counts: tuple[int, ...] = (1, 8)


FULL = Plan(
    put_calls=3000,
    get_calls=3000,
    update_calls=3000,
    query_walks=120,
    batch_calls=1000,
    scaling_walks=50,
    big_table_items=100_000,
    big_table_items_moto=10_000,
    budget_seconds=5,
    fill_seconds=60,
)
QUICK = Plan(
    put_calls=80,
    get_calls=80,
    update_calls=80,
    query_walks=4,
    batch_calls=8,
    scaling_walks=3,
    big_table_items=5_000,
    big_table_items_moto=2_000,
    budget_seconds=0.5,
    fill_seconds=5,
)


# --------------------------------------------------------------------------- DynamoDB specifics


class NullDynamoDb(harness.Null):
    script = "null_dynamodb.py"


def make_client(endpoint: str) -> Any:
    return harness.make_client("dynamodb", endpoint)


def item(pk: str, sk: int = 0) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}, "payload": {"S": PAYLOAD}, "n": {"N": "0"}}


def key(pk: str, sk: int = 0) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}}


def unprocessed(response: dict[str, Any]) -> str | None:
    """BatchWriteItem's partial failure, for Failures."""
    count = sum(len(requests) for requests in response.get("UnprocessedItems", {}).values())
    return f"{count} unprocessed items" if count else None


@contextlib.contextmanager
def fresh_table(client: Any, label: str) -> Iterator[str]:
    """A new table for one cell, ACTIVE, deleted afterwards (best effort, untimed)."""
    name = f"bench-{label}-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        deadline = time.perf_counter() + TABLE_READY_SECONDS
        while client.describe_table(TableName=name)["Table"]["TableStatus"] != "ACTIVE":
            if time.perf_counter() >= deadline:
                raise RuntimeError(f"table {name} not ACTIVE after {TABLE_READY_SECONDS:.0f}s")
            time.sleep(0.05)
        yield name
    finally:
        with contextlib.suppress(Exception):
            client.delete_table(TableName=name)


def fill(clients: list[Any], table: str, items: list[dict[str, Any]], seconds: float) -> int:
    """Untimed: write `items` with BatchWriteItem from up to FILL_THREADS threads, for at most
    `seconds`; returns how many were written (unprocessed items are retried while time lasts)."""
    batches = [items[i : i + BATCH_SIZE] for i in range(0, len(items), BATCH_SIZE)]
    deadline = time.perf_counter() + seconds
    threads = max(1, min(FILL_THREADS, len(clients), len(batches)))

    def job(client: Any, mine: list[list[dict[str, Any]]]) -> Callable[[], int]:
        def run() -> int:
            written = 0
            for batch in mine:
                pending = [{"PutRequest": {"Item": i}} for i in batch]
                for _ in range(10):  # bounded retries of unprocessed items
                    if not pending or time.perf_counter() >= deadline:
                        break
                    response = client.batch_write_item(RequestItems={table: pending})
                    left = response.get("UnprocessedItems", {}).get(table, [])
                    written += len(pending) - len(left)
                    pending = left
                if time.perf_counter() >= deadline:
                    break
            return written

        return run

    jobs = [job(clients[t], batches[t::threads]) for t in range(threads)]
    return sum(run_parallel(jobs))


def walk(client: Any, table: str, pk: str, page_items: int) -> tuple[int, int]:
    """Query the whole partition `pk`, page by page; returns (pages, items)."""
    pages = items = 0
    params: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": pk}},
        "Limit": page_items,
    }
    for _ in range(10_000):  # bounded: a 1,000-item partition is 10 pages
        response = client.query(**params)
        pages += 1
        items += len(response.get("Items", []))
        last = response.get("LastEvaluatedKey")
        if not last:
            return pages, items
        params["ExclusiveStartKey"] = last
    raise RuntimeError(f"partition {pk} did not end after {pages} pages")


def check_walk(items: int, plan: Plan) -> None:
    if items != plan.partition_items:
        raise RuntimeError(f"a walk returned {items} items, expected {plan.partition_items}")


# --------------------------------------------------------------------------- workloads


def single_item_cell(
    clients: list[Any], threads: int, plan: Plan, table: str, calls: int, call: Callable[[Any, int, int], Any]
) -> Stats:
    """`calls` calls spread over `threads` threads: call(client, thread, i) makes one."""
    failures = Failures()

    def one(client: Any, t: int, i: int) -> int:
        call(client, t, i)
        return 1

    items, seconds = timed_calls(clients, threads, calls, plan.budget_seconds, one, failures, warm(table))
    return rate(items, seconds, "items", **failures.stats())


def warm(table: str) -> Callable[[Any], object]:
    """Opens the client's connection before the clock starts."""
    return lambda client: client.describe_table(TableName=table)


def bench_put(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """PutItem, a new item per call."""
    with fresh_table(clients[0], f"put{threads}") as table:

        def call(client: Any, t: int, i: int) -> Any:
            return client.put_item(TableName=table, Item=item(f"put-{t}-{i}"))

        return single_item_cell(clients, threads, plan, table, plan.put_calls, call)


def bench_get(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """GetItem (consistent read) over HOT_ITEMS pre-written items."""
    with fresh_table(clients[0], f"get{threads}") as table:
        fill(clients, table, [item(f"hot-{k}") for k in range(HOT_ITEMS)], 60)

        def call(client: Any, t: int, i: int) -> Any:
            response = client.get_item(
                TableName=table, Key=key(f"hot-{(t * 7 + i) % HOT_ITEMS}"), ConsistentRead=True
            )
            if "Item" not in response:
                raise RuntimeError("GetItem found no item")
            return response

        return single_item_cell(clients, threads, plan, table, plan.get_calls, call)


def bench_update(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """UpdateItem ADD on a counter, over HOT_ITEMS pre-written items."""
    with fresh_table(clients[0], f"update{threads}") as table:
        fill(clients, table, [item(f"hot-{k}") for k in range(HOT_ITEMS)], 60)

        def call(client: Any, t: int, i: int) -> Any:
            return client.update_item(
                TableName=table,
                Key=key(f"hot-{(t * 7 + i) % HOT_ITEMS}"),
                UpdateExpression="ADD #n :one",
                ExpressionAttributeNames={"#n": "n"},
                ExpressionAttributeValues={":one": {"N": "1"}},
                ReturnValues="UPDATED_NEW",
            )

        return single_item_cell(clients, threads, plan, table, plan.update_calls, call)


def bench_query(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """Query through a 1,000-item partition, page by page (Limit 100)."""
    failures = Failures()
    with fresh_table(clients[0], f"query{threads}") as table:
        if not target.canned:
            partition = [item("part", sk) for sk in range(plan.partition_items)]
            if fill(clients, table, partition, 60) != plan.partition_items:
                raise RuntimeError("could not fill the partition")
        pages_per_walk, items = walk(clients[0], table, "part", plan.page_items)
        check_walk(items, plan)

        def one_walk(client: Any, t: int, i: int) -> int:
            walk(client, table, "part", plan.page_items)
            return 1

        walks, seconds = timed_calls(
            clients, threads, plan.query_walks, plan.budget_seconds, one_walk, failures, warm(table)
        )
    return rate(
        walks * plan.partition_items,
        seconds,
        "items",
        walks=walks,
        pages_per_walk=pages_per_walk,
        full_pages=math.ceil(plan.partition_items / plan.page_items),
        pages_per_second=walks * pages_per_walk / seconds if seconds > 0 else 0.0,
        **failures.stats(),
    )


def bench_query_scaling(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """Time per Query page: the same 1,000-item partition in a small and in a big table."""
    others = plan.big_table_items_moto if target.name == "moto" else plan.big_table_items
    others -= plan.partition_items
    partition = [item("part", sk) for sk in range(plan.partition_items)]
    with fresh_table(clients[0], "small") as small, fresh_table(clients[0], "big") as big:
        fill_started = time.perf_counter()
        if not target.canned:
            if fill(clients, small, partition, 60) != plan.partition_items:
                raise RuntimeError("could not fill the small table's partition")
            if fill(clients, big, partition, 60) != plan.partition_items:
                raise RuntimeError("could not fill the big table's partition")
            left = plan.fill_seconds - (time.perf_counter() - fill_started)
            filler = [item(f"other-{k // 100}", k % 100) for k in range(others)]
            filled = fill(clients, big, filler, max(1.0, left))
        else:
            filled = others  # the null server keeps no tables: both walks are the same canned pages
        fill_seconds = time.perf_counter() - fill_started
        client = clients[0]
        for table in (small, big):  # warm up, untimed
            check_walk(walk(client, table, "part", plan.page_items)[1], plan)
        spent = {small: 0.0, big: 0.0}
        pages = {small: 0, big: 0}
        deadline = time.perf_counter() + plan.budget_seconds
        for _ in range(plan.scaling_walks):
            if time.perf_counter() >= deadline:
                break
            for table in (small, big):
                started = time.perf_counter()
                count, _ = walk(client, table, "part", plan.page_items)
                spent[table] += time.perf_counter() - started
                pages[table] += count
    small_ms = 1000 * spent[small] / pages[small]
    big_ms = 1000 * spent[big] / pages[big]
    return {
        "pages": pages[small],
        "ms_page_small": small_ms,
        "ms_page_big": big_ms,
        "growth": big_ms / small_ms,
        "small_table_items": plan.partition_items,
        "big_table_items": plan.partition_items + filled,
        "big_table_target": plan.partition_items + others,
        "fill_seconds": round(fill_seconds, 1),
    }


def bench_batch(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """BatchWriteItem, 25 new items per call."""
    failures = Failures(partial=unprocessed)
    with fresh_table(clients[0], f"batch{threads}") as table:

        def call(client: Any, t: int, i: int) -> int:
            requests = [{"PutRequest": {"Item": item(f"batch-{t}-{i}", k)}} for k in range(BATCH_SIZE)]
            response = failures.call(client.batch_write_item, RequestItems={table: requests})
            if response is None:
                return 0
            return BATCH_SIZE - len(response.get("UnprocessedItems", {}).get(table, []))

        items, seconds = timed_calls(
            clients, threads, plan.batch_calls, plan.budget_seconds, call, failures, warm(table)
        )
    return rate(items, seconds, "items", **failures.stats())


# --------------------------------------------------------------------------- the benchmark


def scaling_notes(name: str, cell: Stats) -> list[str]:
    if name == "null":
        return ["the null server keeps no tables: both walks get the same canned pages"]
    wanted = cell["big_table_target"]
    notes = [
        f"big table {cell['big_table_items']:,} items"
        + (f" of {wanted:,} wanted" if cell["big_table_items"] < wanted else "")
        + f" (filled in {cell['fill_seconds']:.0f}s), small table {cell['small_table_items']:,};"
        f" per page big/small = {cell['growth']:.2f}"
    ]
    if name == "moto":
        notes.append("moto's big table is smaller on purpose, to keep its fill and its slow Query bounded")
    return notes


def scaling_summary(stats: Stats) -> str:
    return (
        f"{stats['ms_page_small']:.2f} ms/page (table of {stats['small_table_items']:,}),"
        f" {stats['ms_page_big']:.2f} ms/page (table of {stats['big_table_items']:,}), growth {stats['growth']:.2f}"
    )


ITEMS = harness.rate_summary("items/s", "items")


def query_summary(stats: Stats) -> str:
    return (
        f"{stats['rate']:.0f} items/s, {stats['pages_per_second']:.0f} pages/s"
        f" ({stats['walks']} walks of {stats['pages_per_walk']} pages in {stats['seconds']:.2f}s)"
    )


def query_notes(name: str, cell: Stats) -> list[str]:
    if cell["pages_per_walk"] <= cell["full_pages"]:
        return []
    return [
        f"{cell['pages_per_walk']} Query calls per walk of {cell['full_pages']} full pages: the last"
        " answers no items (a full page ends with a LastEvaluatedKey, as DynamoDB does)"
    ]


WORKLOADS = [
    Workload("put", "PutItem, one new item per call (items/s, higher is better)", bench_put, summary=ITEMS),
    Workload("get", "GetItem, consistent read (items/s, higher is better)", bench_get, summary=ITEMS),
    Workload(
        "update",
        "UpdateItem ADD on a counter, UPDATED_NEW (items/s, higher is better)",
        bench_update,
        summary=ITEMS,
    ),
    Workload(
        "query",
        "Query through a 1,000-item partition, Limit 100, page by page (items/s, higher is better)",
        bench_query,
        stats=(Stat("rate", "items"), Stat("pages_per_second", "pages")),
        summary=query_summary,
        notes=query_notes,
        targeted=False,
    ),
    Workload(
        "batch",
        "BatchWriteItem, 25 new items per call (items/s, higher is better)",
        bench_batch,
        summary=ITEMS,
        targeted=False,
    ),
    Workload(
        "scaling",
        "Query page time, a 1,000-item partition in a table of 1,000 items (small) vs a big table"
        " (see the notes for its size) (ms/page, lower is better; growth = big/small, 1.00 = flat)",
        bench_query_scaling,
        stats=(
            Stat("ms_page_small", "small", ".2f", lower_is_better=True),
            Stat("ms_page_big", "big", ".2f", lower_is_better=True, compare=False),
            Stat("growth", "growth", ".2f", lower_is_better=True, compare=False),
        ),
        summary=scaling_summary,
        thread_counts=(1,),
        targeted=False,
        notes=scaling_notes,
    ),
]

BENCHMARK = harness.Benchmark(
    service="DynamoDB",
    workloads=WORKLOADS,
    null=NullDynamoDb,
    client=make_client,
    full=FULL,
    quick=QUICK,
    vs_moto=5.0,
    vs_null=0.8,
    scope="on each single-item operation (put, get, update)",
)


def main(argv: list[str] | None = None) -> int:
    return harness.main(BENCHMARK, argv)


if __name__ == "__main__":
    sys.exit(main())
