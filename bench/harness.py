"""What the benchmarks in bench/ share: servers under test, thread fan-out, tables, CLI.

A benchmark (bench/sqs.py, bench/dynamodb.py, bench/s3.py) describes itself as a
:class:`Benchmark` -- its workloads, its do-nothing server, how to build a boto3 client, its
plans and targets -- and calls :func:`main`. This module then, for each target in turn:

- starts the server as a subprocess on a free loopback port, in its own process group, and
  waits until it answers (:class:`Target`; cloudlet, moto's server, the null server);
- runs every workload with each client thread count (:func:`run_workers` releases all
  threads at once through a :class:`Gate`, which also carries the cell's time budget);
- stops the server.

Then it prints one table per workload with the ratios cloudlet/moto and cloudlet/null and
whether they meet the benchmark's targets, and optionally writes every number as JSON.
A cell that fails (the server did not start, an exception, too many failed calls) shows
``error`` and the run goes on. Servers and temporary directories are cleaned up on exit,
Ctrl-C and SIGTERM included. Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import http.client
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import boto3
import botocore
from botocore.config import Config

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WAIT_TIMEOUT = 30.0  # the longest any worker waits for another thread or the server
MAX_FAILED_CALLS = 5  # per cell: sporadic server errors are counted and reported, more fail the cell
SUBJECT, BASELINES = "cloudlet", ("moto", "null")

T = TypeVar("T")
Stats = dict[str, Any]


# --------------------------------------------------------------------------- targets


class Target:
    """A server under test, run as a subprocess on a free loopback port."""

    name = "?"
    health_path = "/"
    health_method = "GET"
    require_200 = False
    canned = False  # True for a null server: it keeps no state

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir / self.name
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.workdir / "server.log"
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        return dict(os.environ)

    def start(self, timeout: float = 30.0) -> None:
        self.port = free_port()
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env(),
                cwd=REPO,
                start_new_session=True,  # its own process group: Ctrl-C reaches us, we stop it
            )
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"exited with code {self.proc.returncode}: {self.log_tail()}")
            if self._answers():
                return
            time.sleep(0.1)
        raise RuntimeError(f"not ready after {timeout:.0f}s: {self.log_tail()}")

    def _answers(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            conn.request(self.health_method, self.health_path)
            status = conn.getresponse().status
        except OSError:
            return False
        finally:
            conn.close()
        return status == 200 or not self.require_200

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            if proc.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)  # the group we created at start, i.e. only our server
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=wait)
        self.proc = None

    def peak_rss_mb(self) -> float:
        """The server process's peak resident set size (VmHWM), in MiB."""
        if self.proc is None:
            raise RuntimeError("the server is not running")
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
        raise RuntimeError("no VmHWM in /proc/<pid>/status")

    def log_tail(self, lines: int = 5) -> str:
        try:
            text = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return " | ".join(text[-lines:]) or "(empty log)"


class Cloudlet(Target):
    name = "cloudlet"
    health_path = "/_cloudlet/health"
    require_200 = True

    def command(self) -> list[str]:
        data_dir = self.workdir / "data"
        return [sys.executable, "-m", "cloudlet", "up", "--port", str(self.port), "--data-dir", str(data_dir)]

    def env(self) -> dict[str, str]:
        return {**os.environ, "CLOUDLET_LOG_REQUESTS": "0"}


class Moto(Target):
    name = "moto"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]


class Null(Target):
    """A do-nothing server, bench/<script>; subclasses name the script."""

    name = "null"
    canned = True
    script = ""

    def command(self) -> list[str]:
        return [sys.executable, str(HERE / self.script), "--host", "127.0.0.1", "--port", str(self.port)]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_client(service: str, endpoint: str, read_timeout: float = 60, **config: Any) -> Any:
    """A boto3 client of its own session (thread-safe use: one client per thread)."""
    merged = Config(
        retries={"total_max_attempts": 1},  # no hidden retries: an error fails the cell
        connect_timeout=5,
        read_timeout=read_timeout,
        max_pool_connections=2,
        **config,
    )
    return boto3.session.Session().client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=merged,
    )


# --------------------------------------------------------------------------- running threads


@dataclass
class Gate:
    """Releases all workers of a cell at once and starts the cell's clock and budget."""

    parties: int
    budget: float
    start: float = 0.0
    deadline: float = 0.0
    barrier: threading.Barrier = field(init=False)

    def __post_init__(self) -> None:
        self.barrier = threading.Barrier(self.parties, action=self._release, timeout=WAIT_TIMEOUT)

    def _release(self) -> None:
        self.start = time.perf_counter()
        self.deadline = self.start + self.budget

    def wait(self) -> float:
        """Block until every worker is ready; returns the cell's deadline."""
        self.barrier.wait()
        return self.deadline

    def over(self) -> bool:
        return time.perf_counter() >= self.deadline


def run_workers(
    workers: Sequence[Callable[[Gate], T]], budget: float, grace: float = 0.0
) -> tuple[list[T], float]:
    """Run each worker in its own thread; returns their results and the seconds from the
    gate's release to the end of the last worker. A worker's exception fails the cell.
    `grace`: how long a single call may outlast the budget (e.g. a long poll)."""
    gate = Gate(len(workers), budget)
    results: list[Any] = [None] * len(workers)
    ends = [0.0] * len(workers)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = workers[i](gate)
            ends[i] = time.perf_counter()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            gate.barrier.abort()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(workers))]
    for thread in threads:
        thread.start()
    join_by = time.perf_counter() + budget + 2 * WAIT_TIMEOUT + grace
    for thread in threads:
        thread.join(timeout=max(0.0, join_by - time.perf_counter()))
    real = [e for e in errors if not isinstance(e, threading.BrokenBarrierError)]
    if real or errors:
        raise (real or errors)[0]
    if any(thread.is_alive() for thread in threads):
        raise RuntimeError("a worker did not finish in time")
    return results, max(ends) - gate.start


def timed_calls(
    clients: Sequence[Any],
    threads: int,
    calls: int,
    budget: float,
    call: Callable[[Any, int, int], int],
    failures: Failures,
    warm: Callable[[Any], object] | None = None,
) -> tuple[int, float]:
    """The common cell: `calls` calls spread over `threads` threads (thread t uses clients[t]),
    each thread stopping early when the budget ends. call(client, t, i) makes call i of thread
    t and returns how many units (items, bytes, ...) it did; a failed call counts nothing and
    goes to `failures`. warm(client) runs before the clock starts (e.g. to open the
    connection). Returns (units, seconds)."""

    def worker(t: int, count: int) -> Callable[[Gate], int]:
        client = clients[t]

        def one(i: int) -> dict[str, int]:
            return {"units": call(client, t, i)}

        def run(gate: Gate) -> int:
            if warm is not None:
                warm(client)
            gate.wait()
            units = 0
            for i in range(count):
                if gate.over():
                    break
                done = failures.call(one, i=i)
                units += done["units"] if done is not None else 0
            return units

        return run

    counts, seconds = run_workers([worker(t, n) for t, n in enumerate(shares(calls, threads))], budget)
    return sum(counts), seconds


def run_parallel(jobs: Sequence[Callable[[], T]]) -> list[T]:
    """Untimed set-up work (filling a table, a bucket) in one thread per job; the first
    exception is raised. Each job bounds its own duration."""

    def worker(job: Callable[[], T]) -> Callable[[Gate], T]:
        return lambda gate: job()

    results, _ = run_workers([worker(job) for job in jobs], budget=0.0, grace=600.0)
    return results


def shares(total: int, parts: int) -> list[int]:
    """Split total into parts as evenly as possible."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def rate(count: int, seconds: float, noun: str = "calls", **extra: Any) -> Stats:
    """Throughput stats: {noun: count, seconds, rate (= count per second)}, then extra."""
    return {
        noun: count,
        "seconds": round(seconds, 4),
        "rate": count / seconds if seconds > 0 else 0.0,
        **extra,
    }


class Failures:
    """The failed calls of one cell (shared by its threads).

    A few are tolerated -- moto answers an occasional 500 under concurrency -- and reported
    with the cell; more than MAX_FAILED_CALLS fail the cell. The same rule for every server.
    `partial(response)` names a partial failure in a successful response (e.g. SQS's
    ``Failed`` entries), which is recorded the same way.
    """

    def __init__(self, partial: Callable[[dict[str, Any]], str | None] | None = None) -> None:
        self.count = 0
        self.first = ""
        self._partial = partial
        self._lock = threading.Lock()

    def call(self, method: Callable[..., dict[str, Any]], **params: Any) -> dict[str, Any] | None:
        """The response, or None when the call failed (and the cell may go on)."""
        try:
            response = method(**params)
        except Exception as exc:
            self._record(describe(exc))
            return None
        if self._partial is not None:
            what = self._partial(response)
            if what:
                self._record(what)
        return response

    def _record(self, what: str) -> None:
        with self._lock:
            self.count += 1
            self.first = self.first or what
            if self.count > MAX_FAILED_CALLS:
                raise RuntimeError(f"{self.count} failed calls, the first: {self.first}")

    def stats(self) -> Stats:
        return {"failed_calls": self.count, "first_failure": self.first} if self.count else {}


def describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --------------------------------------------------------------------------- workloads


@dataclass(frozen=True)
class Stat:
    """One number of a workload's cells, shown as one row per thread count."""

    key: str  # in the cell's stats
    label: str = ""  # the row's "stat" column; empty for a workload's only stat
    fmt: str = ".0f"
    lower_is_better: bool = False  # then the ratios are other/cloudlet, so higher is better
    compare: bool = True  # False: no ratios (e.g. a number whose servers ran different sizes)


RATE = Stat("rate")


@dataclass(frozen=True)
class Workload:
    key: str
    title: str
    run: Callable[[Target, list[Any], int, Any], Stats]  # (target, clients, threads, plan)
    stats: tuple[Stat, ...] = (RATE,)
    summary: Callable[[Stats], str] = lambda stats: f"{stats}"
    clients_per_thread: int = 1
    thread_counts: tuple[int, ...] | None = None  # None: the plan's
    targeted: bool = True  # False: ratios are shown, not checked against the targets
    notes: Callable[[str, Stats], list[str]] = lambda name, cell: []  # (target name, cell)

    def threads(self, plan: Any) -> tuple[int, ...]:
        return self.thread_counts or plan.thread_counts


def rate_summary(unit: str, noun: str = "calls") -> Callable[[Stats], str]:
    """The log line of a throughput cell, e.g. "812 msg/s (3000 in 3.69s)"."""
    return lambda s: f"{s['rate']:.0f} {unit} ({s[noun]} in {s['seconds']:.2f}s)"


# --------------------------------------------------------------------------- one benchmark


@dataclass(frozen=True)
class Benchmark:
    """Everything main() needs to know about one benchmark."""

    service: str  # e.g. "SQS", for --help
    workloads: list[Workload]
    null: type[Null]
    client: Callable[[str], Any]  # endpoint -> a new boto3 client
    full: Any  # the plan: a frozen dataclass with (at least) budget_seconds and thread_counts
    quick: Any
    vs_moto: float
    vs_null: float
    scope: str = "on every workload"  # where the targets apply, for the tables' first line
    moto: type[Moto] = Moto
    add_args: Callable[[argparse.ArgumentParser], None] = lambda parser: None
    plan_changes: Callable[[argparse.Namespace], dict[str, Any]] = lambda args: {}
    # What the machine itself allows, measured in the run's work dir after the servers:
    # (figures for the JSON, lines printed after the tables).
    reference: Callable[[Path, dict[str, Any]], tuple[dict[str, Any], list[str]]] | None = None

    def targets(self) -> dict[str, type[Target]]:
        return {t.name: t for t in (Cloudlet, self.moto, self.null)}


def measure(
    bench: Benchmark, target: Target, plan: Any, results: dict[str, Any], log: Callable[[str], None]
) -> None:
    """Start the target, run every cell (an error fails only its cell), stop the target."""

    def record(workload: str, threads: int, stats: Stats) -> None:
        results.setdefault(workload, {}).setdefault(str(threads), {})[target.name] = stats

    log(f"[{target.name}] starting")
    try:
        target.start()
    except Exception as exc:
        for workload in bench.workloads:
            for threads in workload.threads(plan):
                record(workload.key, threads, {"error": f"server did not start: {exc}"})
        log(f"[{target.name}] error: server did not start: {exc}")
        return
    try:
        most = max(max(w.threads(plan)) * w.clients_per_thread for w in bench.workloads)
        clients = [bench.client(target.endpoint) for _ in range(most)]
        for workload in bench.workloads:
            for threads in workload.threads(plan):
                try:
                    stats = workload.run(target, clients, threads, plan)
                except Exception as exc:
                    stats = {"error": describe(exc)}
                record(workload.key, threads, stats)
                text = f"error: {stats['error']}" if "error" in stats else workload.summary(stats)
                log(f"[{target.name}] {workload.key:7} threads={threads}: {text}")
    finally:
        target.stop()


# --------------------------------------------------------------------------- report


def ratio(stat: Stat, cloudlet: Stats | None, other: Stats | None) -> float | None:
    """How many times better cloudlet is (lower is better: other/cloudlet, else cloudlet/other)."""
    if not stat.compare or not cloudlet or not other or "error" in cloudlet or "error" in other:
        return None
    if stat.key not in cloudlet or stat.key not in other:
        return None
    mine, theirs = cloudlet[stat.key], other[stat.key]
    if stat.lower_is_better:
        return theirs / mine if mine > 0 else None
    return mine / theirs if theirs > 0 else None


def compute_ratios(bench: Benchmark, results: dict[str, Any]) -> dict[str, Any]:
    """ratios[workload][threads][stat]: cloudlet_vs_moto, cloudlet_vs_null and, for the
    workloads with targets, meets_moto_target and meets_null_target."""
    workloads = {w.key: w for w in bench.workloads}
    ratios: dict[str, Any] = {}
    for key, by_threads in results.items():
        workload = workloads[key]
        for threads, cells in by_threads.items():
            for stat in workload.stats:
                vs_moto = ratio(stat, cells.get(SUBJECT), cells.get("moto"))
                vs_null = ratio(stat, cells.get(SUBJECT), cells.get("null"))
                entry: dict[str, Any] = {"cloudlet_vs_moto": vs_moto, "cloudlet_vs_null": vs_null}
                if workload.targeted:
                    entry["meets_moto_target"] = None if vs_moto is None else vs_moto >= bench.vs_moto
                    entry["meets_null_target"] = None if vs_null is None else vs_null >= bench.vs_null
                ratios.setdefault(key, {}).setdefault(threads, {})[stat.key] = entry
    return ratios


def render(bench: Benchmark, results: dict[str, Any], ratios: dict[str, Any], names: list[str]) -> str:
    lines = [
        f"Targets: cloudlet >= {bench.vs_moto:.0f}x moto and >= {bench.vs_null:.0%} of null {bench.scope} "
        "(ok = met, MISS = not met, - = not measured)."
    ]
    errors: dict[tuple[str, str], list[str]] = {}  # (server, error) -> cells
    for workload in bench.workloads:
        by_threads = results.get(workload.key, {})
        labelled = any(stat.label for stat in workload.stats)
        width = max([4, *(len(stat.label) for stat in workload.stats)])
        lines += ["", f"== {workload.title} =="]
        head = f"{'threads':>7}" + (f"  {'stat':>{width}}" if labelled else "")
        head += "".join(f"  {n:>10}" for n in names) + f"  {'vs moto':>12}  {'vs null':>12}"
        lines.append(head)
        for threads in map(str, sorted(map(int, by_threads))):
            cells = by_threads[threads]
            for stat in workload.stats:
                row = f"{threads:>7}" + (f"  {stat.label:>{width}}" if labelled else "")
                for name in names:
                    cell = cells.get(name, {})
                    if "error" in cell:
                        row += f"  {'error':>10}"
                        cells_with_error = errors.setdefault((name, cell["error"]), [])
                        if f"{workload.key}/{threads}" not in cells_with_error:
                            cells_with_error.append(f"{workload.key}/{threads}")
                    elif stat.key in cell:
                        row += f"  {cell[stat.key]:>10{stat.fmt}}"
                    else:
                        row += f"  {'-':>10}"
                r = ratios.get(workload.key, {}).get(threads, {}).get(stat.key, {})
                target_moto, target_null = (
                    (bench.vs_moto, bench.vs_null) if workload.targeted else (None, None)
                )
                row += f"  {mark(r.get('cloudlet_vs_moto'), target_moto, 'x'):>12}"
                row += f"  {mark(r.get('cloudlet_vs_null'), target_null, '%'):>12}"
                lines.append(row)
        for t, c in by_threads.items():
            for name in names:
                cell = c.get(name, {})
                if "error" in cell or not cell:
                    continue
                lines += [f"  note: [{name}] {t} threads: {note}" for note in workload.notes(name, cell)]
                if cell.get("failed_calls"):
                    lines.append(
                        f"  note: [{name}] {t} threads: {cell['failed_calls']} failed call(s) not counted,"
                        f" the first: {cell['first_failure']}"
                    )
    if errors:
        lines += ["", "Errors (workload/threads):"]
        lines += [f"  [{name}] {', '.join(cells)}: {error}" for (name, error), cells in errors.items()]
    checks = [
        r[k]
        for by_threads in ratios.values()
        for by_stat in by_threads.values()
        for r in by_stat.values()
        for k in ("meets_moto_target", "meets_null_target")
        if k in r
    ]
    lines += [
        "",
        f"Targets met: {sum(1 for v in checks if v)} of {len(checks)} checks"
        + (f" ({sum(1 for v in checks if v is None)} not measured)" if None in checks else ""),
    ]
    return "\n".join(lines)


def mark(value: float | None, target: float | None, unit: str) -> str:
    """A ratio for the tables, with ok/MISS when it has a target."""
    if value is None:
        return "-"
    text = f"{value:.2f}x" if unit == "x" else f"{value:.1%}"
    if target is None:
        return text
    return f"{text} {'ok' if value >= target else 'MISS'}"


# --------------------------------------------------------------------------- main


def parse_args(bench: Benchmark, argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=f"{bench.service} benchmark: cloudlet vs moto vs a do-nothing server."
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few seconds per server")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write every number to PATH as JSON")
    parser.add_argument(
        "--targets", default="cloudlet,moto,null", help="comma-separated subset of cloudlet,moto,null"
    )
    parser.add_argument(
        "--budget",
        type=float,
        help=f"seconds per cell (default: {bench.full.budget_seconds:g}, or {bench.quick.budget_seconds:g} with --quick)",
    )
    parser.add_argument("--threads", help="comma-separated client thread counts (default: 1,8)")
    bench.add_args(parser)
    args = parser.parse_args(argv)
    targets = bench.targets()
    names = [n.strip() for n in args.targets.split(",") if n.strip()]
    unknown = [n for n in names if n not in targets]
    if unknown or not names:
        parser.error(f"unknown targets {unknown}; choose from {', '.join(targets)}")
    args.names = names
    return args


def build_plan(bench: Benchmark, args: argparse.Namespace) -> Any:
    plan = bench.quick if args.quick else bench.full
    changes: dict[str, Any] = {}
    if args.budget is not None:
        changes["budget_seconds"] = args.budget
    if args.threads:
        changes["thread_counts"] = tuple(int(t) for t in args.threads.split(","))
    changes.update(bench.plan_changes(args))
    return dataclasses.replace(plan, **changes)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(bench: Benchmark, argv: list[str] | None = None) -> int:
    args = parse_args(bench, argv)
    plan = build_plan(bench, args)
    # Loopback only: never send the benchmark's requests through a proxy from the environment.
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    signal.signal(signal.SIGTERM, _interrupt)  # so that the clean-up below runs

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    load_start = os.getloadavg()
    if load_start[0] > 0.5 * (os.cpu_count() or 1):
        log(
            f"note: load average {load_start[0]:.1f} on {os.cpu_count()} CPUs before the run:"
            " other processes compete with the benchmark"
        )
    t0 = time.perf_counter()
    results: dict[str, Any] = {}
    targets = bench.targets()
    try:
        with tempfile.TemporaryDirectory(prefix="cloudlet-bench-") as workdir:
            for name in args.names:
                target = targets[name](Path(workdir))
                try:
                    measure(bench, target, plan, results, log)
                finally:
                    target.stop()
            reference, reference_lines = (
                bench.reference(Path(workdir), results) if bench.reference else ({}, [])
            )
    except KeyboardInterrupt:
        log("interrupted: servers stopped, temporary files removed")
        return 130
    ratios = compute_ratios(bench, results)
    print(render(bench, results, ratios, args.names))
    if reference_lines:
        print("\n".join(["", *reference_lines]))
    if args.json:
        dump = {
            "meta": {
                "started": started,
                "seconds": round(time.perf_counter() - t0, 1),
                "quick": args.quick,
                "plan": asdict(plan),
                "python": platform.python_version(),
                "boto3": boto3.__version__,
                "botocore": botocore.__version__,
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "load_average": {"start": load_start, "end": os.getloadavg()},
                "targets": {"vs_moto": bench.vs_moto, "vs_null": bench.vs_null},
            },
            "results": results,
            "ratios": ratios,
            "reference": reference,
        }
        args.json.write_text(json.dumps(dump, indent=2) + "\n")
        log(f"wrote {args.json}")
    return 0
