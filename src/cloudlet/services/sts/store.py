"""STS's SQL: issued temporary credentials, looked up by access key id."""

from __future__ import annotations

from dataclasses import dataclass

from cloudlet.storage import Database
from cloudlet.storage.db import Transaction


@dataclass(frozen=True, slots=True)
class Issued:
    access_key: str
    secret_key: str
    session_token: str
    account: str
    arn: str
    user_id: str
    issued_at: float
    expires_at: float


def insert(tx: Transaction, issued: Issued) -> None:
    tx.execute(
        "INSERT INTO sts_credentials (access_key, secret_key, session_token, account, arn, user_id,"
        " issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            issued.access_key,
            issued.secret_key,
            issued.session_token,
            issued.account,
            issued.arn,
            issued.user_id,
            issued.issued_at,
            issued.expires_at,
        ),
    )


def find(db: Database, access_key: str) -> Issued | None:
    row = db.one("SELECT * FROM sts_credentials WHERE access_key = ?", (access_key,))
    if row is None:
        return None
    return Issued(
        access_key=str(row["access_key"]),
        secret_key=str(row["secret_key"]),
        session_token=str(row["session_token"]),
        account=str(row["account"]),
        arn=str(row["arn"]),
        user_id=str(row["user_id"]),
        issued_at=float(row["issued_at"]),
        expires_at=float(row["expires_at"]),
    )


def forget_expired(tx: Transaction, before: float) -> None:
    tx.execute("DELETE FROM sts_credentials WHERE expires_at < ?", (before,))
