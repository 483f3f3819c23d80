"""Keys and aliases: rows, lookups by any KeyId form, AWS's errors and KeyMetadata."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.ids import arn, parse_arn
from cloudlet.services.base import Provider
from cloudlet.services.kms import crypto

_KEY_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ALIAS_NAME = re.compile(r"^alias/[a-zA-Z0-9/_-]+$")

# AWS managed keys appear the first time their service uses them.
AWS_MANAGED = {f"alias/aws/{s}" for s in ("ssm", "s3", "sqs", "sns", "lambda", "dynamodb", "logs", "events")}


class Row(Protocol):
    def __getitem__(self, key: str, /) -> Any: ...


@dataclass
class Key:
    account: str
    region: str
    key_id: str
    description: str
    key_manager: str
    state: str
    created: float
    deletion_date: float | None
    material: bytes
    tags: dict[str, str]

    @property
    def arn(self) -> str:
        return arn("kms", self.region, self.account, f"key/{self.key_id}")

    @classmethod
    def from_row(cls, row: Row) -> Key:
        return cls(
            account=row["account"],
            region=row["region"],
            key_id=row["key_id"],
            description=row["description"],
            key_manager=row["key_manager"],
            state=row["state"],
            created=row["created"],
            deletion_date=row["deletion_date"],
            material=bytes(row["material"]),
            tags=json.loads(row["tags"]),
        )


def not_found(message: str) -> ServiceError:
    return ServiceError("NotFoundException", message)


def alias_arn(ctx: RequestContext, name: str) -> str:
    return arn("kms", ctx.region, ctx.account, name)


class KmsCore(Provider):
    service = "kms"

    # -- keys ------------------------------------------------------------------------------
    def insert_key(self, ctx: RequestContext, description: str, manager: str, tags: dict[str, str]) -> Key:
        key_id = str(uuid.uuid4())
        with self.db.write() as tx:
            tx.execute(
                "INSERT INTO kms_keys (account, region, key_id, description, key_manager, created,"
                " material, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    ctx.account,
                    ctx.region,
                    key_id,
                    description,
                    manager,
                    self.clock.now(),
                    crypto.new_material(),
                    json.dumps(tags),
                ),
            )
        key = self.key_by_id(ctx, key_id)
        assert key is not None
        return key

    def key_by_id(self, ctx: RequestContext, key_id: str) -> Key | None:
        row = self.db.one(
            "SELECT * FROM kms_keys WHERE account = ? AND region = ? AND key_id = ?",
            (ctx.account, ctx.region, key_id),
        )
        if row is None:
            return None
        key = Key.from_row(row)
        if key.state == "PendingDeletion" and (key.deletion_date or 0) <= self.clock.now():
            # The waiting period is over: the key is gone (read lazily, on the clock).
            with self.db.write() as tx:
                tx.execute(
                    "DELETE FROM kms_keys WHERE account = ? AND region = ? AND key_id = ?",
                    (ctx.account, ctx.region, key_id),
                )
                tx.execute(
                    "DELETE FROM kms_aliases WHERE account = ? AND region = ? AND key_id = ?",
                    (ctx.account, ctx.region, key_id),
                )
            return None
        return key

    def update_key(self, key: Key, **columns: Any) -> None:
        sets = ", ".join(f"{name} = ?" for name in columns)
        with self.db.write() as tx:
            tx.execute(
                f"UPDATE kms_keys SET {sets} WHERE account = ? AND region = ? AND key_id = ?",
                (*columns.values(), key.account, key.region, key.key_id),
            )

    def key(self, ctx: RequestContext, key_id: Any) -> Key:
        """The key a KeyId names: key id, key ARN, alias name or alias ARN."""
        if not isinstance(key_id, str) or not key_id:
            raise ServiceError("ValidationException", "KeyId is required.")
        if key_id.startswith("arn:"):
            parsed = parse_arn(key_id)
            if parsed is None or parsed["service"] != "kms":
                raise not_found(f"Invalid arn {key_id}")
            if (parsed["account"], parsed["region"]) != (ctx.account, ctx.region):
                raise not_found(f"Key '{key_id}' does not exist")
            resource = parsed["resource"]
            if resource.startswith("alias/"):
                return self.key_by_alias(ctx, resource)
            if not resource.startswith("key/"):
                raise not_found(f"Invalid arn {key_id}")
            key_id = resource[4:]
        elif key_id.startswith("alias/"):
            return self.key_by_alias(ctx, key_id)
        if not _KEY_ID.match(key_id):
            raise not_found(f"Invalid keyId '{key_id}'")
        key = self.key_by_id(ctx, key_id)
        if key is None:
            raise not_found(f"Key '{arn('kms', ctx.region, ctx.account, 'key/' + key_id)}' does not exist")
        return key

    def usable_key(self, ctx: RequestContext, key_id: Any) -> Key:
        """A key that may encrypt and decrypt now."""
        return self.check_usable(self.key(ctx, key_id))

    @staticmethod
    def check_usable(key: Key) -> Key:
        if key.state == "Disabled":
            raise ServiceError("DisabledException", f"{key.arn} is disabled.")
        if key.state == "PendingDeletion":
            raise ServiceError("KMSInvalidStateException", f"{key.arn} is pending deletion.")
        return key

    # -- aliases ---------------------------------------------------------------------------
    def alias_row(self, ctx: RequestContext, name: str) -> Row | None:
        return self.db.one(
            "SELECT * FROM kms_aliases WHERE account = ? AND region = ? AND name = ?",
            (ctx.account, ctx.region, name),
        )

    def key_by_alias(self, ctx: RequestContext, name: str) -> Key:
        row = self.alias_row(ctx, name)
        if row is None and name in AWS_MANAGED:
            service = name.rsplit("/", 1)[1]
            managed = self.insert_key(
                ctx,
                f"Default key that protects my {service.upper()} data when no other key is defined",
                "AWS",
                {},
            )
            self.insert_alias(ctx, name, managed.key_id)
            return managed
        found = None if row is None else self.key_by_id(ctx, row["key_id"])
        if found is None:
            raise not_found(f"Alias {alias_arn(ctx, name)} is not found.")
        return found

    def insert_alias(self, ctx: RequestContext, name: str, key_id: str) -> None:
        now = self.clock.now()
        with self.db.write() as tx:
            tx.execute(
                "INSERT INTO kms_aliases (account, region, name, key_id, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (ctx.account, ctx.region, name, key_id, now, now),
            )

    # -- rendering -------------------------------------------------------------------------
    @staticmethod
    def metadata(key: Key) -> dict[str, Any]:
        out: dict[str, Any] = {
            "AWSAccountId": key.account,
            "KeyId": key.key_id,
            "Arn": key.arn,
            "CreationDate": key.created,
            "Enabled": key.state == "Enabled",
            "Description": key.description,
            "KeyUsage": "ENCRYPT_DECRYPT",
            "KeyState": key.state,
            "Origin": "AWS_KMS",
            "KeyManager": key.key_manager,
            "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
            "KeySpec": "SYMMETRIC_DEFAULT",
            "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
            "MultiRegion": False,
        }
        if key.deletion_date is not None:
            out["DeletionDate"] = key.deletion_date
        return out
