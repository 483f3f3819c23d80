"""What every Parameter Store operation shares: lookups, KMS calls, rendering, paging."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from typing import Any

from cloudlet.errors import ServiceError
from cloudlet.gateway.context import RequestContext
from cloudlet.services.base import Provider
from cloudlet.services.ssm import names, store
from cloudlet.services.ssm.store import Version

DEFAULT_KEY = "alias/aws/ssm"


class SsmCore(Provider):
    service = "ssm"

    # -- finding ---------------------------------------------------------------------------
    def find(self, ctx: RequestContext, name: str, selector: str | None) -> Version:
        """The version a name (and optional ":version" / ":label" selector) names."""
        if selector is None:
            found = store.latest(self.db, ctx.account, ctx.region, name)
            if found is None:
                raise names.not_found(name)
            return found
        every = store.versions(self.db, ctx.account, ctx.region, name)
        if not every:
            raise names.not_found(name)
        if selector.isdigit():
            for item in every:
                if item.version == int(selector):
                    return item
            raise names.version_not_found(name, selector)
        for item in every:
            if selector in item.labels:
                return item
        raise names.version_not_found(name, selector)

    def arn(self, ctx: RequestContext, name: str) -> str:
        return names.parameter_arn(ctx.region, ctx.account, name)

    # -- KMS, through the internal clients (rule 3: never import the kms service) ----------
    def _kms(self, ctx: RequestContext) -> Any:
        clients = self.env.extras.get("clients")
        if clients is None:
            raise ServiceError(
                "InternalServerError", "KMS is not reachable from SSM.", 500, sender_fault=False
            )
        return clients.client("kms", ctx.account, ctx.region)

    async def encrypt(self, ctx: RequestContext, key_id: str, value: str, name: str) -> str:
        kms = self._kms(ctx)
        try:
            out = await asyncio.to_thread(
                kms.encrypt,
                KeyId=key_id,
                Plaintext=value.encode("utf-8"),
                EncryptionContext={"PARAMETER_ARN": self.arn(ctx, name)},
            )
        except kms.exceptions.ClientError as exc:
            raise ServiceError("InvalidKeyId", str(exc.response["Error"].get("Message") or key_id)) from exc
        return base64.b64encode(out["CiphertextBlob"]).decode("ascii")

    async def decrypt(self, ctx: RequestContext, item: Version) -> str:
        kms = self._kms(ctx)
        try:
            out = await asyncio.to_thread(
                kms.decrypt,
                CiphertextBlob=base64.b64decode(item.value),
                EncryptionContext={"PARAMETER_ARN": self.arn(ctx, item.name)},
            )
        except kms.exceptions.ClientError as exc:
            raise ServiceError(
                "InvalidKeyId", str(exc.response["Error"].get("Message") or item.key_id)
            ) from exc
        plaintext: bytes = out["Plaintext"]
        return plaintext.decode("utf-8")

    async def value(self, ctx: RequestContext, item: Version, decrypt: bool) -> str:
        """A SecureString reads as its base64 ciphertext unless WithDecryption (as AWS)."""
        if item.type == "SecureString" and decrypt:
            return await self.decrypt(ctx, item)
        return item.value

    # -- rendering -------------------------------------------------------------------------
    async def render(
        self, ctx: RequestContext, item: Version, decrypt: bool, selector: str | None = None
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "Name": item.name,
            "Type": item.type,
            "Value": await self.value(ctx, item, decrypt),
            "Version": item.version,
            "LastModifiedDate": item.modified,
            "ARN": self.arn(ctx, item.name),
            "DataType": item.data_type,
        }
        if selector is not None:
            out["Selector"] = f":{selector}"
        return out

    def metadata(self, ctx: RequestContext, item: Version) -> dict[str, Any]:
        out: dict[str, Any] = {
            "Name": item.name,
            "ARN": self.arn(ctx, item.name),
            "Type": item.type,
            "LastModifiedDate": item.modified,
            "LastModifiedUser": item.user,
            "Version": item.version,
            "Tier": item.tier,
            "Policies": [],
            "DataType": item.data_type,
        }
        for key, value in (
            ("KeyId", item.key_id),
            ("Description", item.description),
            ("AllowedPattern", item.allowed_pattern),
        ):
            if value:
                out[key] = value
        return out

    def user(self, ctx: RequestContext) -> str:
        return f"arn:aws:iam::{ctx.account}:root"


def max_results(params: dict[str, Any], largest: int) -> int:
    value = params.get("MaxResults")
    if value is None:
        return largest
    if not isinstance(value, int) or not 1 <= value <= largest:
        raise names.validation(
            f"1 validation error detected: Value '{value}' at 'maxResults' failed to satisfy constraint:"
            f" Member must have value less than or equal to {largest}"
        )
    return value


def start_of(params: dict[str, Any]) -> int:
    token = params.get("NextToken")
    if token is None:
        return 0
    try:
        start = json.loads(base64.urlsafe_b64decode(str(token).encode()))["start"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise ServiceError("InvalidNextToken", "The specified token isn't valid.") from exc
    if not isinstance(start, int) or start < 0:
        raise ServiceError("InvalidNextToken", "The specified token isn't valid.")
    return start


def next_token(start: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"start": start}).encode()).decode()
