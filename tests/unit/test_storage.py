import asyncio
from pathlib import Path

import pytest

from cloudlet.storage import Database
from cloudlet.storage.migrations import migrate, schema_files
from cloudlet.storage.outbox import Outbox


def test_write_commits_and_rolls_back(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite")
    with db.write() as tx:
        tx.execute("CREATE TABLE t (v INTEGER)")
        tx.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(RuntimeError), db.write() as tx:
        tx.execute("INSERT INTO t VALUES (2)")
        raise RuntimeError("boom")
    assert [r["v"] for r in db.all("SELECT v FROM t")] == [1]
    assert db.one("PRAGMA journal_mode")[0] == "wal"


def test_state_survives_reopen(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite")
    db.set_meta("k", "v")
    db.close()
    assert Database(tmp_path / "db.sqlite").get_meta("k") == "v"


def test_migrations_apply_once(tmp_path: Path) -> None:
    assert schema_files("sqs"), "sqs has numbered schema files"
    db = Database(tmp_path / "db.sqlite")
    first = migrate(db, ["sqs"])
    assert first and all(name.startswith("sqs/") for name in first)
    assert migrate(db, ["sqs"]) == []


def test_outbox_delivers_after_commit_only(tmp_path: Path) -> None:
    async def scenario() -> list[dict[str, object]]:
        db = Database(tmp_path / "db.sqlite")
        outbox = Outbox(db)
        seen: list[dict[str, object]] = []
        outbox.subscribe("s3.", lambda topic, payload: seen.append(payload))
        with pytest.raises(RuntimeError), db.write() as tx:
            tx.emit("s3.object-created", {"key": "lost"})
            raise RuntimeError("rolled back")
        with db.write() as tx:
            tx.emit("s3.object-created", {"key": "a"})
            tx.emit("sqs.ignored", {"key": "b"})
        await outbox.deliver_pending()
        assert outbox.pending() == 0
        return seen

    assert asyncio.run(scenario()) == [{"key": "a"}]


def test_undelivered_events_survive_a_restart(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite")
    Outbox(db)
    with db.write() as tx:
        tx.emit("t.x", {"n": 1})
    db.close()

    async def after_restart() -> list[dict[str, object]]:
        outbox = Outbox(Database(tmp_path / "db.sqlite"))
        seen: list[dict[str, object]] = []
        outbox.subscribe("t.", lambda topic, payload: seen.append(payload))
        await outbox.deliver_pending()
        return seen

    assert asyncio.run(after_restart()) == [{"n": 1}]


def test_schema_comments_may_hold_semicolons(tmp_path: Path) -> None:
    from cloudlet.storage.migrations import _statements

    sql = "-- a comment; with a semicolon\nCREATE TABLE a (x INTEGER); -- trailing; comment\nCREATE TABLE b (y TEXT);"
    assert _statements(sql) == ["CREATE TABLE a (x INTEGER)", "CREATE TABLE b (y TEXT)"]
