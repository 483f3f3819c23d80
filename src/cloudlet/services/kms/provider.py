"""KMS: symmetric encryption keys and aliases, with real AES-256-GCM.

LIMITATIONS:
    - Only SYMMETRIC_DEFAULT keys for ENCRYPT_DECRYPT are built; other KeySpec/KeyUsage values
      answer UnsupportedOperationException. Origin is always AWS_KMS; no multi-Region keys.
    - Key policies, grants, key rotation, Sign/Verify, MACs, re-encryption, imports and custom
      key stores answer 501. Policy and BypassPolicyLockoutSafetyCheck are ignored.
    - Ciphertext blobs are cloudlet's own format (key id + nonce + AES-GCM); they are not
      interchangeable with AWS's. Key material lives in the SQLite database.
    - AWS managed keys (alias/aws/<service>) are created the first time an alias names them;
      ListAliases shows only those already created (AWS also lists the predefined ones).
    - Grant tokens are ignored; DryRun is not built.
    - A key scheduled for deletion disappears when the clock passes its DeletionDate (read
      lazily, on the next request that names it).
"""

from __future__ import annotations

import json
import os
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.kms import crypto
from cloudlet.services.kms.keys import ALIAS_NAME, KmsCore, alias_arn, not_found

DAY = 86400.0
MAX_PLAINTEXT = 4096


def _validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def _context(params: dict[str, Any]) -> dict[str, str]:
    return dict(params.get("EncryptionContext") or {})


def _page(items: list[Any], params: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
    limit = int(params.get("Limit") or 100)
    if not 1 <= limit <= 1000:
        raise _validation("1 validation error detected: Value at 'limit' failed to satisfy constraint")
    start = int(params.get("Marker") or 0) if str(params.get("Marker") or "0").isdigit() else 0
    page = items[start : start + limit]
    more = start + limit < len(items)
    extra: dict[str, Any] = {"Truncated": more}
    if more:
        extra["NextMarker"] = str(start + limit)
    return page, extra


class KmsProvider(KmsCore):
    # -- keys ------------------------------------------------------------------------------
    def create_key(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        spec = params.get("KeySpec") or params.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT"
        usage = params.get("KeyUsage") or "ENCRYPT_DECRYPT"
        if spec != "SYMMETRIC_DEFAULT" or usage != "ENCRYPT_DECRYPT":
            raise ServiceError(
                "UnsupportedOperationException",
                f"cloudlet supports only SYMMETRIC_DEFAULT keys for ENCRYPT_DECRYPT (got {spec}, {usage}).",
            )
        origin = params.get("Origin") or "AWS_KMS"
        if origin != "AWS_KMS":
            raise ServiceError("UnsupportedOperationException", f"Origin {origin} is not supported.")
        tags = {str(t["TagKey"]): str(t.get("TagValue", "")) for t in params.get("Tags") or []}
        key = self.insert_key(ctx, str(params.get("Description") or ""), "CUSTOMER", tags)
        return {"KeyMetadata": self.metadata(key)}

    def describe_key(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        return {"KeyMetadata": self.metadata(self.key(ctx, params.get("KeyId")))}

    def list_keys(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        rows = self.db.all(
            "SELECT key_id FROM kms_keys WHERE account = ? AND region = ? ORDER BY created, key_id",
            (ctx.account, ctx.region),
        )
        keys = [k for r in rows if (k := self.key_by_id(ctx, r["key_id"])) is not None]
        page, extra = _page(keys, params)
        return {"Keys": [{"KeyId": k.key_id, "KeyArn": k.arn} for k in page], **extra}

    def enable_key(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        key = self.key(ctx, params.get("KeyId"))
        if key.state == "PendingDeletion":
            self.check_usable(key)
        self.update_key(key, state="Enabled")
        return {}

    def disable_key(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        key = self.key(ctx, params.get("KeyId"))
        if key.state == "PendingDeletion":
            self.check_usable(key)
        self.update_key(key, state="Disabled")
        return {}

    def schedule_key_deletion(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        key = self.key(ctx, params.get("KeyId"))
        days = int(params.get("PendingWindowInDays") or 30)
        if not 7 <= days <= 30:
            raise _validation(
                f"1 validation error detected: Value '{days}' at 'pendingWindowInDays' failed to satisfy"
                " constraint: Member must have value between 7 and 30"
            )
        if key.state == "PendingDeletion":
            self.check_usable(key)
        deletion = self.clock.now() + days * DAY
        self.update_key(key, state="PendingDeletion", deletion_date=deletion)
        return {
            "KeyId": key.arn,
            "DeletionDate": deletion,
            "KeyState": "PendingDeletion",
            "PendingWindowInDays": days,
        }

    def cancel_key_deletion(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        key = self.key(ctx, params.get("KeyId"))
        if key.state != "PendingDeletion":
            raise ServiceError("KMSInvalidStateException", f"{key.arn} is not pending deletion.")
        # AWS: a key whose deletion is canceled is Disabled until it is enabled again.
        self.update_key(key, state="Disabled", deletion_date=None)
        return {"KeyId": key.arn}

    def list_resource_tags(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        key = self.key(ctx, params.get("KeyId"))
        return {"Tags": [{"TagKey": k, "TagValue": v} for k, v in key.tags.items()], "Truncated": False}

    def tag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        key = self.key(ctx, params.get("KeyId"))
        tags = {
            **key.tags,
            **{str(t["TagKey"]): str(t.get("TagValue", "")) for t in params.get("Tags") or []},
        }
        self.update_key(key, tags=json.dumps(tags))
        return {}

    def untag_resource(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        key = self.key(ctx, params.get("KeyId"))
        drop = set(params.get("TagKeys") or [])
        self.update_key(key, tags=json.dumps({k: v for k, v in key.tags.items() if k not in drop}))
        return {}

    # -- aliases ---------------------------------------------------------------------------
    def _check_alias_name(self, name: Any) -> str:
        if not isinstance(name, str) or not name.startswith("alias/"):
            raise _validation(
                'Alias must start with the prefix "alias/". Please see '
                "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html"
            )
        if not ALIAS_NAME.match(name) or len(name) > 256:
            raise _validation(
                f"1 validation error detected: Value '{name}' at 'aliasName' failed to satisfy constraint"
            )
        if name.startswith("alias/aws/"):
            raise ServiceError(
                "NotAuthorizedException",
                f"Cannot create or change alias {name}: the alias/aws/ prefix is reserved for AWS managed keys.",
            )
        return name

    def create_alias(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = self._check_alias_name(params.get("AliasName"))
        key = self.key(ctx, params.get("TargetKeyId"))
        if self.alias_row(ctx, name) is not None:
            raise ServiceError(
                "AlreadyExistsException", f"An alias with the name {alias_arn(ctx, name)} already exists"
            )
        if key.state == "PendingDeletion":
            self.check_usable(key)
        self.insert_alias(ctx, name, key.key_id)
        return {}

    def update_alias(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = self._check_alias_name(params.get("AliasName"))
        key = self.key(ctx, params.get("TargetKeyId"))
        if self.alias_row(ctx, name) is None:
            raise not_found(f"Alias {alias_arn(ctx, name)} is not found.")
        with self.db.write() as tx:
            tx.execute(
                "UPDATE kms_aliases SET key_id = ?, updated = ? WHERE account = ? AND region = ? AND name = ?",
                (key.key_id, self.clock.now(), ctx.account, ctx.region, name),
            )
        return {}

    def delete_alias(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        name = self._check_alias_name(params.get("AliasName"))
        if self.alias_row(ctx, name) is None:
            raise not_found(f"Alias {alias_arn(ctx, name)} is not found.")
        with self.db.write() as tx:
            tx.execute(
                "DELETE FROM kms_aliases WHERE account = ? AND region = ? AND name = ?",
                (ctx.account, ctx.region, name),
            )
        return {}

    def list_aliases(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        rows = self.db.all(
            "SELECT * FROM kms_aliases WHERE account = ? AND region = ? ORDER BY name",
            (ctx.account, ctx.region),
        )
        if params.get("KeyId"):
            key_id = self.key(ctx, params["KeyId"]).key_id
            rows = [r for r in rows if r["key_id"] == key_id]
        page, extra = _page(rows, params)
        aliases = [
            {
                "AliasName": r["name"],
                "AliasArn": alias_arn(ctx, r["name"]),
                "TargetKeyId": r["key_id"],
                "CreationDate": r["created"],
                "LastUpdatedDate": r["updated"],
            }
            for r in page
        ]
        return {"Aliases": aliases, **extra}

    # -- cryptography ----------------------------------------------------------------------
    def encrypt(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        key = self.usable_key(ctx, params.get("KeyId"))
        plaintext = params.get("Plaintext")
        if not isinstance(plaintext, bytes) or not 1 <= len(plaintext) <= MAX_PLAINTEXT:
            raise _validation(
                "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member"
                f" must have length between 1 and {MAX_PLAINTEXT}"
            )
        self._check_algorithm(params)
        blob = crypto.seal(key.material, key.key_id, plaintext, _context(params))
        return {"CiphertextBlob": blob, "KeyId": key.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}

    def decrypt(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        blob = params.get("CiphertextBlob")
        if not isinstance(blob, bytes) or not blob:
            raise _validation("CiphertextBlob is required.")
        self._check_algorithm(params)
        try:
            embedded = crypto.key_id_of(blob)
        except crypto.BadCiphertext as exc:
            raise ServiceError("InvalidCiphertextException", "") from exc
        key = self.key_by_id(ctx, embedded)
        if params.get("KeyId"):
            named = self.key(ctx, params["KeyId"])
            if key is None or named.key_id != key.key_id:
                raise ServiceError(
                    "IncorrectKeyException",
                    "The key ID in the request does not identify a CMK that can perform this operation.",
                )
        if key is None:
            raise ServiceError("InvalidCiphertextException", "")
        self.check_usable(key)
        try:
            plaintext = crypto.unseal(key.material, blob, _context(params))
        except crypto.BadCiphertext as exc:
            raise ServiceError("InvalidCiphertextException", "") from exc
        return {"KeyId": key.arn, "Plaintext": plaintext, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}

    def generate_data_key(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        key = self.usable_key(ctx, params.get("KeyId"))
        spec, count = params.get("KeySpec"), params.get("NumberOfBytes")
        if spec is not None and count is not None:
            raise _validation("Please specify either number of bytes or key spec.")
        if spec is None and count is None:
            raise _validation("Please specify either number of bytes or key spec.")
        if spec is not None:
            sizes = {"AES_256": 32, "AES_128": 16}
            if spec not in sizes:
                raise _validation(
                    f"1 validation error detected: Value '{spec}' at 'keySpec' failed to satisfy constraint:"
                    " Member must satisfy enum value set: [AES_256, AES_128]"
                )
            count = sizes[spec]
        if not isinstance(count, int) or not 1 <= count <= 1024:
            raise _validation(
                f"1 validation error detected: Value '{count}' at 'numberOfBytes' failed to satisfy"
                " constraint: Member must have value between 1 and 1024"
            )
        plaintext = os.urandom(count)
        blob = crypto.seal(key.material, key.key_id, plaintext, _context(params))
        return {"CiphertextBlob": blob, "Plaintext": plaintext, "KeyId": key.arn}

    def generate_data_key_without_plaintext(
        self, ctx: RequestContext, params: dict[str, Any]
    ) -> dict[str, Any]:
        out = self.generate_data_key(ctx, params)
        del out["Plaintext"]
        return out

    def generate_random(self, ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
        count = params.get("NumberOfBytes") or 32
        if not isinstance(count, int) or not 1 <= count <= 1024:
            raise _validation("NumberOfBytes must be between 1 and 1024.")
        return {"Plaintext": os.urandom(count)}

    @staticmethod
    def _check_algorithm(params: dict[str, Any]) -> None:
        algorithm = params.get("EncryptionAlgorithm") or "SYMMETRIC_DEFAULT"
        if algorithm != "SYMMETRIC_DEFAULT":
            raise ServiceError(
                "InvalidKeyUsageException",
                f"Algorithm {algorithm} is incompatible with the key spec SYMMETRIC_DEFAULT.",
            )
