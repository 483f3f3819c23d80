"""Numbered per-service schema files: services/<package>/schema/NNN_<what>.sql, applied once each."""

from __future__ import annotations

import re
from importlib import resources

from cloudlet.storage.db import Database

_NUMBERED = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def schema_files(service: str) -> list[tuple[int, str, str]]:
    """(version, file name, sql) for a service's schema folder, in order."""
    try:
        folder = resources.files(f"cloudlet.services.{service}").joinpath("schema")
        entries = list(folder.iterdir())
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        return []
    found = []
    for entry in entries:
        match = _NUMBERED.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found)


def migrate(db: Database, services: list[str]) -> list[str]:
    """Apply every schema file not yet applied; returns the names applied."""
    with db.write() as tx:
        tx.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (service TEXT NOT NULL, version INTEGER NOT NULL,"
            " name TEXT NOT NULL, PRIMARY KEY (service, version))"
        )
    applied: list[str] = []
    for service in services:
        done = {
            int(r["version"]) for r in db.all("SELECT version FROM _migrations WHERE service = ?", (service,))
        }
        for version, name, sql in schema_files(service):
            if version in done:
                continue
            with db.write() as tx:
                for statement in _statements(sql):
                    tx.execute(statement)
                tx.execute(
                    "INSERT INTO _migrations (service, version, name) VALUES (?, ?, ?)",
                    (service, version, name),
                )
            applied.append(f"{service}/{name}")
    return applied


def _statements(sql: str) -> list[str]:
    """Split a schema file on ';' once its `--` comments are gone (schema files hold no
    string literals with ';' or '--')."""
    code = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [statement.strip() for statement in code.split(";") if statement.strip()]
