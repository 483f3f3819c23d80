"""One SQLite database in WAL mode: one writer connection, `with db.write() as tx:` transactions.

Durability: WAL with synchronous=NORMAL keeps every committed transaction across a crash
of the process (kill -9); only a power loss may drop the last ones, which is the trade
SQLite documents for WAL+NORMAL (https://www.sqlite.org/pragma.html#pragma_synchronous).

Checkpoints (copying the WAL into the database file, with its fsync) run in a background
thread instead of inside whichever commit crosses the threshold, so no request pays for
them on the event loop (https://www.sqlite.org/wal.html#application_initiated_checkpoints)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

Params = Sequence[Any] | dict[str, Any]

CHECKPOINT_EVERY = 500  # commits between background checkpoints


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


class Transaction:
    """A write transaction: statements plus outbox events committed with them."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.emitted = 0

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Params]) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    def one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def emit(self, topic: str, payload: dict[str, Any]) -> None:
        """Queue an outbox event; it is delivered only once this transaction commits."""
        self.conn.execute(
            "INSERT INTO _outbox (topic, payload) VALUES (?, ?)", (topic, json.dumps(payload, default=str))
        )
        self.emitted += 1


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = _connect(str(path))
        self._lock = threading.RLock()
        self._local = threading.local()
        self._depth = 0
        self._after_commit: list[Callable[[], None]] = []
        self._conn.execute("PRAGMA wal_autocheckpoint=0")
        self._commits = 0
        self._checkpoint_due = threading.Event()
        self._closed = False
        self._checkpointer = threading.Thread(
            target=self._checkpoint_forever, name="sqlite-checkpoint", daemon=True
        )
        self._checkpointer.start()
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS _outbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " topic TEXT NOT NULL, payload TEXT NOT NULL)"
        )
        self._conn.execute("CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")

    def on_outbox_commit(self, callback: Callable[[], None]) -> None:
        """Called after a transaction that emitted outbox events commits."""
        self._after_commit.append(callback)

    @contextmanager
    def write(self) -> Iterator[Transaction]:
        """BEGIN IMMEDIATE ... COMMIT on the single writer connection. Nested uses join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield Transaction(self._conn)
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            tx = Transaction(self._conn)
            try:
                yield tx
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
                self._commits += 1
                if self._commits >= CHECKPOINT_EVERY:
                    self._commits = 0
                    self._checkpoint_due.set()
            finally:
                self._depth = 0
        if tx.emitted:
            for callback in self._after_commit:
                callback()

    # Reads outside a transaction go through the writer connection when called on the
    # writing thread (the event loop), else through a per-thread read connection.
    def _reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(str(self.path))
            self._local.conn = conn
        return conn

    def one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._reader().execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return self._reader().execute(sql, params).fetchall()

    # -- small key/value store for runtime metadata (clock offset, ...) ----------------------
    def get_meta(self, key: str) -> str | None:
        row = self.one("SELECT value FROM _meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as tx:
            tx.execute("INSERT OR REPLACE INTO _meta (key, value) VALUES (?, ?)", (key, value))

    def tables(self) -> list[str]:
        rows = self.all("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        return [str(row["name"]) for row in rows]

    def wipe(self) -> None:
        """Delete every row of every table but the migration records."""
        with self.write() as tx:
            for table in self.tables():
                if table != "_migrations":
                    tx.execute(f'DELETE FROM "{table}"')

    def _checkpoint_forever(self) -> None:
        conn = _connect(str(self.path))
        while True:
            self._checkpoint_due.wait()
            self._checkpoint_due.clear()
            if self._closed:
                conn.close()
                return
            # PASSIVE: copies what it can without blocking the writer or readers.
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        self._closed = True
        self._checkpoint_due.set()
        self._checkpointer.join(5)
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._conn.close()
