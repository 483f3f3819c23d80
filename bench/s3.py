"""S3 throughput through boto3: cloudlet vs moto's server vs a do-nothing server.

Run: ``.venv/bin/python bench/s3.py [--quick] [--json PATH] [--targets cloudlet,moto,null]``
(about three minutes on a 2-core machine; ``--quick`` a smoke run of under a minute).

The benchmark starts each server itself, one after the other, as a subprocess on a free
loopback port, and measures it with boto3 clients (path-style addressing, boto3's default
checksums) in this process (bench/harness.py):

- cloudlet: ``python -m cloudlet up --port P --data-dir <tmp>`` with CLOUDLET_LOG_REQUESTS=0,
  ready when ``GET /_cloudlet/health`` answers 200;
- moto: ``python -m moto.server -p P``, ready when it answers HTTP;
- null: bench/null_s3.py, canned answers on the same HTTP stack as cloudlet, i.e. the ceiling
  the client allows.

Every workload uses its own bucket, created before and emptied and deleted after the cell,
untimed. Workloads:

- put-1k / get-1k, with 1 and 8 client threads: PutObject of a new 1 KiB object per call
  (the ETag must be the body's MD5) / GetObject of one of 100 pre-written 1 KiB objects, the
  body read to the end -> objects/s;
- put-10m / get-10m, 1 thread: the same with 10 MiB objects -> MiB/s;
- peak-rss: the server process's peak resident set size (VmHWM in /proc/<pid>/status) after
  the 10 MiB workloads -> MiB (lower is better): whether the server streams large bodies;
- list, with 1 and 8 threads: ListObjectsV2 of a bucket of 1,000 objects, one full page of
  1,000 keys per call -> pages/s. The bucket is filled untimed (from 8 threads).

Over plain HTTP boto3 sends PutObject bodies as they are, with an x-amz-checksum-crc32 header
and a SHA-256 of the payload for the signature (it uses aws-chunked bodies with a trailing
checksum over HTTPS only); the null server accepts both.

Each cell runs a fixed number of calls or until its time budget ends, whichever comes first;
the rate is over what the server managed. A few failed calls are tolerated and reported;
more fail the cell ("error", and the run goes on).

Targets (printed with the tables): cloudlet >= 5x moto and >= 80% of null on 1 KiB objects
(put-1k, get-1k). The other workloads show their ratios without targets.

After the tables, bench/disk.py measures the disk under the work dir from Python, with no
HTTP: a durable write (temp file, fsync, rename: what every PutObject costs at least) of
1 KiB and 10 MiB, and a 10 MiB read from the page cache; and from the first it derives the
best put-1k rate a durable server could reach on one thread on top of the null server.

All servers and temporary directories are cleaned up on exit, Ctrl-C and SIGTERM included.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import harness
from disk import s3_reference
from harness import Failures, Stat, Stats, Target, Workload, rate, run_parallel, timed_calls

KIB = 1024
MIB = 1024 * 1024
SMALL = KIB
BIG = 10 * MIB
HOT_OBJECTS = 100  # the 1 KiB objects get-1k spreads over
LIST_OBJECTS = 1000
FILL_THREADS = 8
CLEANUP_SECONDS = 20.0
SMALL_BODY = (b"cloudlet bench object " * 50)[:SMALL]
BIG_BODY = (b"cloudlet bench object " * (BIG // 22 + 1))[:BIG]


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class Plan:
    """How much work each cell does: the counts are totals over all threads of a cell."""

    small_puts: int
    small_gets: int
    big_puts: int
    big_gets: int
    lists: int
    budget_seconds: float  # per cell, for every server
    fill_seconds: float  # cap on the untimed fill of the listing bucket
    thread_counts: tuple[int, ...] = (1, 8)


FULL = Plan(
    small_puts=3000,
    small_gets=3000,
    big_puts=60,
    big_gets=150,
    lists=400,
    budget_seconds=6,
    fill_seconds=30,
)
QUICK = Plan(
    small_puts=80,
    small_gets=80,
    big_puts=3,
    big_gets=3,
    lists=8,
    budget_seconds=0.5,
    fill_seconds=10,
)


# --------------------------------------------------------------------------- S3 specifics


class NullS3(harness.Null):
    script = "null_s3.py"


def make_client(endpoint: str) -> Any:
    return harness.make_client("s3", endpoint, s3={"addressing_style": "path"})


def md5_etag(body: bytes) -> str:
    return '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'


SMALL_ETAG = md5_etag(SMALL_BODY)
BIG_ETAG = md5_etag(BIG_BODY)


@contextlib.contextmanager
def fresh_bucket(target: Target, client: Any, label: str) -> Iterator[str]:
    """A new bucket for one cell, emptied and deleted afterwards (best effort, untimed, bounded)."""
    name = f"bench-{label}-{uuid.uuid4().hex[:8]}"
    client.create_bucket(Bucket=name)
    try:
        yield name
    finally:
        with contextlib.suppress(Exception):
            if not target.canned:  # the null server's listing is canned: nothing to delete
                empty(client, name)
            client.delete_bucket(Bucket=name)


def empty(client: Any, bucket: str) -> None:
    deadline = time.perf_counter() + CLEANUP_SECONDS
    while time.perf_counter() < deadline:
        keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
        if not keys:
            return
        client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True})


def put(client: Any, bucket: str, key: str, body: bytes, etag: str) -> int:
    response = client.put_object(Bucket=bucket, Key=key, Body=body)
    if response.get("ETag") != etag:
        raise RuntimeError(f"ETag {response.get('ETag')}, expected {etag}")
    return len(body)


def get(client: Any, bucket: str, key: str, size: int) -> int:
    """GetObject, the body read to the end in 1 MiB pieces (not kept)."""
    body = client.get_object(Bucket=bucket, Key=key)["Body"]
    received = sum(len(piece) for piece in body.iter_chunks(MIB))
    if received != size:
        raise RuntimeError(f"received {received} bytes, expected {size}")
    return received


def fill(clients: list[Any], bucket: str, keys: list[str], seconds: float) -> int:
    """Untimed: PutObject of a 1 KiB object per key from up to FILL_THREADS threads, for at most
    `seconds`; returns how many were written."""
    deadline = time.perf_counter() + seconds
    threads = max(1, min(FILL_THREADS, len(clients), len(keys)))

    def job(client: Any, mine: list[str]) -> Callable[[], int]:
        def run() -> int:
            written = 0
            for key in mine:
                if time.perf_counter() >= deadline:
                    break
                put(client, bucket, key, SMALL_BODY, SMALL_ETAG)
                written += 1
            return written

        return run

    return sum(run_parallel([job(clients[t], keys[t::threads]) for t in range(threads)]))


def warm(bucket: str) -> Callable[[Any], object]:
    """Opens the client's connection before the clock starts."""
    return lambda client: client.head_bucket(Bucket=bucket)


def object_rate(count: int, seconds: float, size: int, failures: Failures) -> Stats:
    return rate(count, seconds, "objects", mib_per_second=count * size / MIB / seconds, **failures.stats())


# --------------------------------------------------------------------------- workloads


def bench_put_small(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """PutObject of a new 1 KiB object per call."""
    failures = Failures()
    with fresh_bucket(target, clients[0], f"put1k-{threads}") as bucket:

        def call(client: Any, t: int, i: int) -> int:
            put(client, bucket, f"put/{t}/{i}/{SMALL}", SMALL_BODY, SMALL_ETAG)
            return 1

        count, seconds = timed_calls(
            clients, threads, plan.small_puts, plan.budget_seconds, call, failures, warm(bucket)
        )
    return object_rate(count, seconds, SMALL, failures)


def bench_get_small(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """GetObject of one of HOT_OBJECTS 1 KiB objects per call."""
    failures = Failures()
    with fresh_bucket(target, clients[0], f"get1k-{threads}") as bucket:
        keys = [f"get/{k}/{SMALL}" for k in range(HOT_OBJECTS)]
        if fill(clients, bucket, keys, 60) != len(keys):
            raise RuntimeError("could not write the objects to get")

        def call(client: Any, t: int, i: int) -> int:
            get(client, bucket, keys[(t * 7 + i) % HOT_OBJECTS], SMALL)
            return 1

        count, seconds = timed_calls(
            clients, threads, plan.small_gets, plan.budget_seconds, call, failures, warm(bucket)
        )
    return object_rate(count, seconds, SMALL, failures)


def bench_put_big(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """PutObject of a new 10 MiB object per call."""
    failures = Failures()
    with fresh_bucket(target, clients[0], f"put10m-{threads}") as bucket:

        def call(client: Any, t: int, i: int) -> int:
            put(client, bucket, f"put/{t}/{i}/{BIG}", BIG_BODY, BIG_ETAG)
            return 1

        count, seconds = timed_calls(
            clients, threads, plan.big_puts, plan.budget_seconds, call, failures, warm(bucket)
        )
    return object_rate(count, seconds, BIG, failures)


def bench_get_big(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """GetObject of a 10 MiB object per call."""
    failures = Failures()
    with fresh_bucket(target, clients[0], f"get10m-{threads}") as bucket:
        key = f"get/{BIG}"
        put(clients[0], bucket, key, BIG_BODY, BIG_ETAG)

        def call(client: Any, t: int, i: int) -> int:
            get(client, bucket, key, BIG)
            return 1

        count, seconds = timed_calls(
            clients, threads, plan.big_gets, plan.budget_seconds, call, failures, warm(bucket)
        )
    return object_rate(count, seconds, BIG, failures)


def bench_peak_rss(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """The server's peak RSS so far (run after the 10 MiB workloads)."""
    return {"peak_rss_mib": target.peak_rss_mb()}


def bench_list(target: Target, clients: list[Any], threads: int, plan: Plan) -> Stats:
    """ListObjectsV2 of a bucket of 1,000 objects: one page of 1,000 keys per call."""
    failures = Failures()
    with fresh_bucket(target, clients[0], f"list-{threads}") as bucket:
        if not target.canned:
            keys = [f"key-{k:04d}" for k in range(LIST_OBJECTS)]
            filled = fill(clients, bucket, keys, plan.fill_seconds)
            if filled != LIST_OBJECTS:
                raise RuntimeError(f"filled {filled} of {LIST_OBJECTS} objects in {plan.fill_seconds:.0f}s")

        def call(client: Any, t: int, i: int) -> int:
            response = client.list_objects_v2(Bucket=bucket)
            if response.get("KeyCount") != LIST_OBJECTS or response.get("IsTruncated"):
                raise RuntimeError(f"a page of {response.get('KeyCount')} keys, expected {LIST_OBJECTS}")
            return 1

        pages, seconds = timed_calls(
            clients, threads, plan.lists, plan.budget_seconds, call, failures, warm(bucket)
        )
    return rate(pages, seconds, "pages", keys_per_second=pages * LIST_OBJECTS / seconds, **failures.stats())


# --------------------------------------------------------------------------- the benchmark


OBJECTS = harness.rate_summary("objects/s", "objects")


def mib_summary(stats: Stats) -> str:
    return f"{stats['mib_per_second']:.1f} MiB/s ({stats['objects']} objects in {stats['seconds']:.2f}s)"


def rss_summary(stats: Stats) -> str:
    return f"peak RSS {stats['peak_rss_mib']:.0f} MiB"


MIB_PER_SECOND = Stat("mib_per_second", fmt=".1f")
WORKLOADS = [
    Workload("put-1k", "PutObject, 1 KiB (objects/s, higher is better)", bench_put_small, summary=OBJECTS),
    Workload("get-1k", "GetObject, 1 KiB (objects/s, higher is better)", bench_get_small, summary=OBJECTS),
    Workload(
        "put-10m",
        "PutObject, 10 MiB (MiB/s, higher is better)",
        bench_put_big,
        stats=(MIB_PER_SECOND,),
        summary=mib_summary,
        thread_counts=(1,),
        targeted=False,
    ),
    Workload(
        "get-10m",
        "GetObject, 10 MiB (MiB/s, higher is better)",
        bench_get_big,
        stats=(MIB_PER_SECOND,),
        summary=mib_summary,
        thread_counts=(1,),
        targeted=False,
    ),
    Workload(
        "peak-rss",
        "server peak RSS after the 10 MiB workloads (VmHWM, MiB, lower is better; ratios are other/cloudlet)",
        bench_peak_rss,
        stats=(Stat("peak_rss_mib", lower_is_better=True),),
        summary=rss_summary,
        thread_counts=(1,),
        targeted=False,
    ),
    Workload(
        "list",
        "ListObjectsV2, 1,000 keys per page (pages/s, higher is better)",
        bench_list,
        stats=(Stat("rate", fmt=".1f"),),
        summary=harness.rate_summary("pages/s", "pages"),
        targeted=False,
    ),
]

BENCHMARK = harness.Benchmark(
    service="S3",
    workloads=WORKLOADS,
    null=NullS3,
    client=make_client,
    full=FULL,
    quick=QUICK,
    vs_moto=5.0,
    vs_null=0.8,
    scope="on 1 KiB objects (put-1k, get-1k)",
    reference=s3_reference,
)


def main(argv: list[str] | None = None) -> int:
    return harness.main(BENCHMARK, argv)


if __name__ == "__main__":
    sys.exit(main())
